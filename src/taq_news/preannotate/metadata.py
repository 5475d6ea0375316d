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

from taq_news.annotations.registry import Entity, outlet_entity, qualified_id, slug
from taq_news.core.dates import DateExpression, date_expressions
from taq_news.sources.html import MarkupField, markup_fields

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


# Longer than any outlet's name: a site-name tag holding a sentence or a keyword list names none.
MAX_OUTLET_NAME = 120


def proposed_outlet(f: Finding, known: dict[str, Entity], doc_id: str, qualify: bool = False) -> Entity | None:
    """A new registry entry for the outlet a page states, when no known outlet bears that name:
    the page's own words (its site name, its dateline credit) say who published it, so the
    record keeps the name, stated, instead of losing it to ``unknown``. None when the name's id
    is taken by another entry (a place, a person, an outlet of another name): that is for a
    person to settle, and the draft's note says so. ``qualify``: see ``qualified_id``."""
    if f.basis != "stated" or not f.value or len(f.value) > MAX_OUTLET_NAME or outlet_entity(known, f.value) is not None:
        return None
    eid = slug(f.value)
    if eid in known or eid == "unnamed":
        return None
    return Entity(qualified_id(eid, f.value, "outlet", "ORG") if qualify else eid, f.value, "ORG", "outlet", (), None, None,
                  f"proposed by taq-news preannotate from {doc_id}: the outlet its page names; check and complete", None)


def page_findings(raw: str, markup: str | None, registry: dict[str, Entity], doc_id: str,
                  qualify: bool = False, byline: str | None = None) -> tuple[Finding, Finding, Entity | None]:
    """The page's outlet and date, and the outlet entry to propose for it (or None): the first
    step of preannotate, which resolves speakers with that proposal, and of its evaluation.
    ``byline``: the page's byline as the page-part finder read it (see find_outlet)."""
    outlet, published = page_metadata(raw, markup, byline)
    return outlet, published, proposed_outlet(outlet, registry, doc_id, qualify)


def page_metadata(raw: str, markup: str | None = None, byline: str | None = None) -> tuple[Finding, Finding]:
    """The page's outlet and publication date: what an HTML page's tags state first, then what
    its page text prints."""
    fields = markup_fields(markup) if markup is not None else []
    return markup_outlet(fields) or find_outlet(raw, byline=byline), markup_published(fields) or find_published(raw)


def _line_at(raw: str, pos: int) -> tuple[int, int]:
    start = raw.rfind("\n", 0, pos) + 1
    end = raw.find("\n", pos)
    return start, len(raw) if end < 0 else end


def _lines(raw: str) -> list[tuple[int, str]]:
    """(start offset, text) of every non-empty line, stripped at its end."""
    out, pos = [], 0
    for line in raw.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((pos + lead, line.strip()))
        pos += len(line) + 1
    return out


# An outlet's name as pages print it: capitalized words, with the small words names carry.
_WORD = r"[A-Z][\w&’'-]*(?:\.[A-Za-z]+)*"  # "U.S" inside a name; a full stop after a word ends the name
# The small words inside a name ("Centre for Frontier Policy", "Bank of England").
NAME_JOINERS = ("of", "for", "and", "on", "&")
_NAME = rf"(?:[Tt]he\s+)?{_WORD}(?:\s+(?:{_WORD}|{'|'.join(map(re.escape, NAME_JOINERS))}))*"
# Words that end a news medium's name and nothing else's ("Northgate Radio", "The Harbor Valley
# Times"); not "network", "agency" or "service", which end militant groups' and governments' names too.
NEWS_HEADS = frozenset({
    "news", "times", "post", "herald", "gazette", "press", "wire", "radio", "digest", "journal", "chronicle", "tribune",
    "daily", "telegraph", "television", "tv", "weekly", "magazine", "dispatch", "courier", "broadcasting",
})
# Words that end an outlet's name (or make up an acronym's expansion): a masthead must have one.
OUTLET_HEADS = NEWS_HEADS | frozenset({
    "agency", "notes", "institute", "centre", "center", "lab", "forum", "review", "monitor", "observer", "standard",
    "express", "guardian", "mail", "star", "network", "media", "service", "bulletin", "report", "policy", "studies", "international",
})
_COPYRIGHT = re.compile(rf"(?:©|\(c\)|\bCopyright\b)\s*(?:©\s*)?(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?,?\s+)?(?P<credit>{_NAME})")
_PUBLISHED_IN = re.compile(rf"\b(?:Published|Appeared|First published)\s+in\s+(?P<credit>{_NAME})")
# A newsletter's sign-off ("Thanks for reading The Long Watch! Subscribe for free ..."), and a
# print-edition line ("... appears in print on Nov. 8, 2021, Section A, Page 8 of The Ashford Chronicle").
_THANKS = re.compile(rf"^Thanks for reading (?P<credit>{_NAME})\s*[!.]")
_IN_PRINT = re.compile(rf"\bappears in print on\b[^\n]{{0,80}}?\bof (?P<credit>{_NAME})")
# The line a newsletter e-mail opens with above its masthead. (A breadcrumb or a menu is no such
# line: what follows one is a section's label, "Research Report", not the outlet.)
_EMAIL_CHROME = ("view this email", "view in browser", "view it in your browser", "view online", "open in browser", "having trouble viewing")
_BYLINE_OUTLET = re.compile(rf"^(?:By\s+)?[A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){{0,3}}\s*[|,]\s*(?P<credit>{_NAME})$")
# A dateline opening the body: "KABUL (Meridian Wire) -", "ISLAMABAD, March 4 (CPA) —", "KANDAHAR, Afghanistan, Feb 21 (CPA) —".
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z.’'-]+(?:[ ][A-Z][A-Za-z.’'-]+){{0,2}})(?:,[ ](?:[A-Z][a-z]+\.?(?:[ ][A-Z][a-z]+)?))?(?:,?[ ]{_MONTH}[ ]\d{{1,2}})?"
    rf"[ ]\((?P<credit>[A-Z][\w&.’'-]*(?:[ ][A-Z][\w&.’'-]*){{0,4}})\){_SPACE}*(?:{_DASH}{{1,2}}|:)(?={_SPACE})")
# A place dateline without a credit: an upper-case city, maybe its country, and a dash ("KABUL, Afghanistan —").
_LABEL_WORDS = r"(?:WATCH|LISTEN|VIDEO|UPDATE|UPDATED|BREAKING|EXCLUSIVE|ANALYSIS|OPINION|EDITORIAL|LIVE|READ|RELATED|PHOTOS?|NOTE|EDITOR'S NOTE)\b"  # labels, not places
PLACE_DATELINE = re.compile(
    rf"^(?!{_LABEL_WORDS})[A-Z][A-Z.’'-]+(?:[ ][A-Z][A-Z.’'-]+){{0,2}}(?:,[ ][A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)?"
    rf"(?:,?[ ]{_MONTH}[ ]\d{{1,2}})?{_SPACE}*(?:{_DASH}{{1,2}}|:)(?={_SPACE})")


def _credit_name(credit: str) -> str:
    return CREDITS.get(credit, credit)


def _trim(name: str) -> str:
    """An outlet name read by _NAME, without the small words a sentence goes on with."""
    words = name.split()
    while words and words[-1] in NAME_JOINERS:
        words.pop()
    return " ".join(words).rstrip(".,")


def find_outlet(raw: str, head_lines: int = 12, byline: str | None = None) -> Finding:
    """The outlet that published the page, from what the page prints about itself, or unknown:
    a header or byline credit ("ANI | Updated", "Jonas Ekwall | Meridian Wire Service"), a
    masthead (the page's first line, an outlet's name), a copyright line ("© 2022 The Kestrel
    Gazette"), a dateline credit ("KABUL (Meridian Wire) -"), a newsletter's "Thanks for reading
    X!", a print-edition line, or "Published in X". An outlet the text only cites ("told
    Reuters") is never one of these, nor a copyright holder the ``byline`` names: a writer who
    owns the copyright of a newsletter or blog is its author, not its outlet."""
    lines = _lines(raw)
    head = lines[:head_lines]
    for rule, pattern in OUTLET_RULES[2:]:  # "ANI | Updated: ..."
        for start, text in head:
            m = pattern.match(text)
            if m:
                return _outlet(text, start, _credit_name(m.group("credit")), rule)
    for start, text in head:
        m = _BYLINE_OUTLET.match(text)
        if m and _is_outlet_name(m.group("credit")):
            return _outlet(text, start, _trim(m.group("credit")), "byline-credit")
    first = lines[1] if len(lines) > 1 and lines[0][1].lower().startswith(_EMAIL_CHROME) else lines[0] if lines else None
    if first is not None and is_masthead(first[1]):
        start, text = first
        return _outlet(text, start, _page_spelling(raw, text), "masthead")
    for start, text in lines:
        m = _COPYRIGHT.search(text) if "©" in text or "(c)" in text or "Copyright" in text else None  # what the pattern needs, before it searches a paragraph
        holder = _trim(m.group("credit")) if m else ""
        if holder and not holder.lower().startswith(("all rights", "copyright")) and not (byline and re.search(rf"\b{re.escape(holder)}\b", byline)):
            return _outlet(text, start, holder, "copyright")
    for start, text in lines:
        # A sign-off names the newsletter whatever its name ends in; "of the New York edition" names no outlet.
        m = _THANKS.match(text) if text.startswith("Thanks for reading") else None
        if m and _trim(m.group("credit")):
            return _outlet(text, start, _trim(m.group("credit")), "closing-line")
        m = _IN_PRINT.search(text) if "appears in print" in text else None
        if m and _is_outlet_name(m.group("credit")):
            return _outlet(text, start, _trim(m.group("credit")), "print-edition")
    for start, text in head:
        m = DATELINE.match(text)
        if m:
            return _outlet(text, start, _credit_name(m.group("credit")), "dateline-credit")
        for rule, pattern in OUTLET_RULES[:2]:
            m = pattern.match(text)
            if m:
                return _outlet(text, start, _credit_name(m.group("credit")), rule)
    for start, text in lines:
        m = _PUBLISHED_IN.search(text) if "ublished" in text or "Appeared" in text else None
        if m and _trim(m.group("credit")):
            return _outlet(text, start, _trim(m.group("credit")), "published-in")
    return Finding(None, "unknown", note="The page prints no masthead, credit or copyright line naming its outlet.")


def _outlet(line: str, start: int, name: str, rule: str) -> Finding:
    printed = line if rule == "masthead" else name
    spelled = "" if printed == name else f", which the page also spells {name}"
    return Finding(name, "stated", line, start, start + len(line), rule, f"The {rule.replace('-', ' ')} names {printed}{spelled}.")


def _page_spelling(raw: str, name: str) -> str:
    """An upper-case masthead's name as the page spells it elsewhere ("CENTRE FOR FRONTIER POLICY"
    -> "Centre for Frontier Policy" from "a research fellow at the Centre for Frontier Policy"), so
    the same outlet gets one name across its pages; as printed when the page has no other spelling.
    An acronym of one word stays as it is."""
    words = name.split()
    if len(words) < 2 or not name.isupper():
        return name
    for m in re.finditer(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b", raw, re.IGNORECASE):
        spelled = m.group().split()
        # A name's spelling: its words capitalized but for the small words ("the gray zone digest team" is prose, not a name)
        if not m.group().isupper() and "\n" not in m.group() and name_words(spelled, _SMALL_WORDS) and spelled[0][:1].isupper():
            return m.group()
    return name


def _is_outlet_name(name: str) -> bool:
    words = _trim(name).split()
    return bool(words) and (name in CREDITS or words[-1].lower().strip(".") in OUTLET_HEADS or (len(words) == 1 and words[0].isupper() and len(words[0]) >= 2))


_SMALL_WORDS = (*NAME_JOINERS, "the")


def name_words(words: list[str], small: tuple[str, ...] = NAME_JOINERS) -> bool:
    """Every word capitalized but for the small words a name carries ("Centre for Frontier Policy")."""
    return all(w[:1].isupper() or w in small for w in words)


def is_masthead(line: str) -> bool:
    """A first line that is an outlet's name: at most six words, capitalized, ending in an outlet word."""
    words = line.split()
    if not 2 <= len(words) <= 6 or any(ch in line for ch in "|/>»·:.!?") or line.lower().startswith(("home", "menu", "skip")):
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words) and words[-1].lower() in OUTLET_HEADS  # "The" or "the"


# Labels that make a line a publication stamp, in order of preference: a publication date over an update's.
_STAMP_LABEL = re.compile(r"\b(?P<label>First published|Published|Posted|Appears in print on|Updated|Last modified|Last updated)\b", re.I)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_TIME_WORDS = re.compile(r"\b(?:[ap]\.?m\.?|[A-Z]{2,5}|UTC[+-]?\d*|GMT[+-]?\d*|at|on|Mon|Tue|Wed|Thu|Fri|Sat|Sun|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b", re.I)
_DATE_LINE_PUNCTUATION = re.compile(r"[\s,.:|·—–\-/()TZ+0-9]")
# An event's hours ("14:00–15:30 GMT"): a line giving them is a schedule, not the page's stamp.
_CLOCK_RANGE = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?\s*)?[—–-]\s*\d{1,2}[:.]\d{2}\b", re.I)
# A series' or an issue's number before its date ("Issue #47 · 2018-06-08", "Policy Brief No. 14 | November 2017").
_SERIES = re.compile(r"^(?:[A-Z][A-Za-z]*\s+){0,3}?(?:Issue|No\.|Number|Vol\.|Volume)\s*#?\s*\d+\s*[|·•,—–-]\s*")


def find_published(raw: str, head_lines: int = 15) -> Finding:
    """The publication date the page states, or unknown (years in the text are not dates): a
    labelled stamp ("Published 14 March 2022", "Posted by X on Oct 12, 2016", "Updated: May 06,
    2021", a print-edition line), or near the top a line that is a date and little else ("Aug 15,
    2022 — 14:20 GMT", "2021-08-17T10:02:00Z", "Issue #47 · 2018-06-08"). A publication stamp
    wins over an update stamp, and a day over a month ("November 2017" gives 2017-11); a numeric
    date such as 03/04/2019 is never read (which number is the month is not stated), nor an
    event's date with its hours."""
    best: tuple[int, int, int, Finding] | None = None
    for n, (start, text) in enumerate(_lines(raw)):
        label = _STAMP_LABEL.search(text)
        if len(text.split()) > 20 and not (label and label.group("label").lower() == "appears in print on"):
            continue  # a sentence that mentions a date is not a stamp; a print-edition line is one, however long
        if label is None and n >= head_lines:
            continue
        found_dates = date_expressions(text)
        if label is None and (not _is_date_line(text, found_dates) or _CLOCK_RANGE.search(text)):
            continue
        after = [e for e in found_dates if e.month is not None and (label is None or e.start >= label.start())]
        day = next((e for e in after if e.day is not None), None) or next(iter(after), None)
        if day is None or day.month is None:
            continue
        try:
            value = date(day.year, day.month, day.day).isoformat() if day.day is not None else f"{day.year:04d}-{day.month:02d}"
        except ValueError:
            continue  # "February 30": not a date, so not evidence of one
        kind = (label.group("label").lower() if label else "date line")
        rank = 1 if kind in ("updated", "last modified", "last updated") else 0
        unit = "day" if day.day is not None else "month"
        note = (f"An update stamp gives the {unit}; the page was published on or before it." if rank else
                f"A {'publication stamp' if label else 'date line at the top of the page'} gives the {unit}.")
        found = Finding(value, "stated", text, start, start + len(text), "stamp" if label else "date-line", note)
        key = (rank, day.day is None, n)
        if best is None or key < best[:3]:
            best = (*key, found)
    if best is not None:
        return best[3]
    return Finding(None, "unknown", note="No date stamp on the page; the years the text mentions do not date it.")


def is_stamp_line(text: str) -> bool:
    """A line whose job is to date the page: a labelled stamp with a date ("Updated: August 18,
    2021 6:05 p.m. ET") or a line that is a date and little else."""
    if len(text.split()) > 12:
        return False
    found = date_expressions(text)
    if not found:
        return False
    return _is_date_line(text, found) or (_STAMP_LABEL.match(text) is not None and any(e.day is not None for e in found))


def _is_date_line(text: str, found: list[DateExpression]) -> bool:
    """A line that is a date, maybe with a weekday, a time and a zone, and little else (``found``: its date_expressions)."""
    if not found:
        return False
    e = found[0]
    series = _SERIES.match(text)
    cut = series.end() if series is not None and series.end() <= e.start else 0
    rest = _CLOCK.sub("", text[cut : e.start] + text[e.end :])
    rest = _TIME_WORDS.sub("", rest)
    return not _DATE_LINE_PUNCTUATION.sub("", rest)
