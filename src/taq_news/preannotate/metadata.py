"""Pre-annotation, first step: outlet and publication date from a raw page, with their evidence.

Pure functions on the raw text. Each finding carries the raw words it rests on
and their offsets, and is ``stated`` only when those words name the value
(an agency credit in a dateline, an "Outlet —" dateline, an "Updated:" stamp).
Anything else is ``unknown``: these rules never guess an outlet from style or a
date from the years an article mentions. The rules follow common news-site
conventions, not the five seed articles' exact strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from taq_news.sources.html import MarkupField

# Agencies and outlets that sign datelines and page headers with a short credit.
CREDITS = {
    "ANI": "ANI", "AP": "Associated Press", "AFP": "AFP", "Reuters": "Reuters", "PTI": "PTI",
    "IANS": "IANS", "CNN": "CNN", "UPI": "UPI", "Xinhua": "Xinhua", "dpa": "dpa",
}
CREDIT_PATTERN = "|".join(sorted(map(re.escape, CREDITS), key=len, reverse=True))
_DASH = "[\u2014\u2013-]"
_SPACE = "[ \t\u00a0]"
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"], 1)}
_MONTH = "(?:" + "|".join(m.capitalize() + "|" + m[:3].capitalize() + r"\.?" for m in MONTHS) + ")"

OUTLET_RULES = (
    # "Kabul [Afghanistan], May 6 (ANI): ..." - an agency credit closing a dateline
    ("dateline-credit", re.compile(rf"^[^\n]{{0,80}}?\((?P<credit>{CREDIT_PATTERN})\){_SPACE}*:", re.M)),
    # "Kabul, Afghanistan CNN  — " - an outlet name before the dateline dash
    ("dateline-dash", re.compile(rf"^[^\n]{{0,80}}?\b(?P<credit>{CREDIT_PATTERN}){_SPACE}*{_DASH}", re.M)),
    # "ANI | Updated: May 06, 2021 07:43 IST" - a page header naming the outlet
    ("header-credit", re.compile(rf"^(?P<credit>{CREDIT_PATTERN}){_SPACE}*\|", re.M)),
)
DATE_RULES = (
    # "Updated: May 06, 2021 07:43 IST", "Published: 6 May 2021"
    ("stamp-mdy", re.compile(rf"\b(?:Updated|Published|Posted):?{_SPACE}+(?P<month>{_MONTH}){_SPACE}+(?P<day>\d{{1,2}}),{_SPACE}*(?P<year>(?:19|20)\d\d)\b")),
    ("stamp-dmy", re.compile(rf"\b(?:Updated|Published|Posted):?{_SPACE}+(?P<day>\d{{1,2}}){_SPACE}+(?P<month>{_MONTH}){_SPACE}+(?P<year>(?:19|20)\d\d)\b")),
)


@dataclass(frozen=True)
class Finding:
    value: str | None
    basis: str  # stated | unknown
    evidence: str | None = None
    start: int | None = None  # offsets of the evidence (code points) in the page text, or in the markup
    end: int | None = None
    rule: str | None = None
    note: str | None = None
    layer: str = "page"  # page | markup (an HTML page's tags)


_ISO_DAY = re.compile(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)(?:$|[T ])")


def markup_outlet(fields: list[MarkupField]) -> Finding | None:
    """The site name an HTML page's tags state (og:site_name, a JSON-LD publisher), if any."""
    for f in fields:
        if f.field == "site_name":
            return Finding(f.value, "stated", f.evidence, f.start, f.end, "markup-site-name", "The page's markup names the site that published it.", "markup")
    return None


def markup_published(fields: list[MarkupField]) -> Finding | None:
    """The publication day an HTML page's tags state (article:published_time, JSON-LD
    datePublished, ...), as written: the day in the page's own time zone, not converted."""
    for f in fields:
        m = _ISO_DAY.match(f.value) if f.field == "published" else None
        if m is None:
            continue
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue  # not a day, so not evidence of one
        return Finding(day.isoformat(), "stated", f.evidence, f.start, f.end, "markup-published",
                       "The page's markup states its publication time; the day is taken as written, in the page's own time zone.", "markup")
    return None


def _line_at(raw: str, pos: int) -> tuple[int, int]:
    start = raw.rfind("\n", 0, pos) + 1
    end = raw.find("\n", pos)
    return start, len(raw) if end < 0 else end


def find_outlet(raw: str, head_lines: int = 12) -> Finding:
    """The outlet named by a dateline or header credit near the top of the page, or unknown."""
    limit = sum(len(line) + 1 for line in raw.split("\n")[:head_lines])
    for rule, pattern in OUTLET_RULES:
        m = pattern.search(raw, 0, limit)
        if m:
            start, end = _line_at(raw, m.start("credit"))
            line = raw[start:end].rstrip()
            return Finding(CREDITS[m.group("credit")], "stated", line, start, start + len(line), rule,
                           f"The {rule.replace('-', ' ')} names {m.group('credit')}.")
    return Finding(None, "unknown", note="No dateline or header credit names the outlet near the top of the page.")


def find_published(raw: str) -> Finding:
    """The publication date from an explicit date stamp, or unknown (years in the text are not dates)."""
    for rule, pattern in DATE_RULES:
        m = pattern.search(raw)
        if not m:
            continue
        month = MONTHS.get(m.group("month").rstrip(".").lower()) or next(
            i for name, i in MONTHS.items() if name.startswith(m.group("month").rstrip(".").lower()))
        try:
            day = date(int(m.group("year")), month, int(m.group("day")))
        except ValueError:
            continue  # "February 30": not a date, so not evidence of one
        start, end = _line_at(raw, m.start())
        line = raw[start:end].rstrip()
        return Finding(day.isoformat(), "stated", line, start, start + len(line), rule,
                       "An update or publication stamp gives the day; an update stamp means published on or before it.")
    return Finding(None, "unknown", note="No date stamp on the page; the years the text mentions do not date it.")
