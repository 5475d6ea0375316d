"""Date expressions in text: the one grammar both the validator (is a 'stated' date stated by
its evidence?) and the pre-annotator (which stamp dates this page?) read dates with.

ISO dates ("2021-08-17", also before a time), "May 06, 2021" and "July 22nd, 2018",
"6 May 2021" and "Thu 21 Feb 2019", "May 2021", and a year on its own. A day is a day of
the month inside one of these, never part of a time ("07:43") or a year. Numeric dates such
as 03/04/2019 are not read: which number is the month is the page's convention, not its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_MONTH = r"(?P<{0}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<{0}>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?P<{0}>\d{{4}})"
_EDGE_L, _EDGE_R = r"(?<![\w:.\-/])", r"(?![\w:\-/]|[.,]\d)"
DATE_EXPRESSIONS = [re.compile(p, re.IGNORECASE) for p in (
    _EDGE_L + _YEAR.format("y") + r"-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12]\d|3[01]))?(?:(?=T\d\d:)|" + _EDGE_R + ")",  # ISO, also before a time
    _EDGE_L + _MONTH.format("mn") + r"\s+" + _DAY.format("d") + r",?\s+" + _YEAR.format("y") + _EDGE_R,
    _EDGE_L + _DAY.format("d") + r"\s+(?:of\s+)?" + _MONTH.format("mn") + r",?\s+" + _YEAR.format("y") + _EDGE_R,
    _EDGE_L + _MONTH.format("mn") + r",?\s+" + _YEAR.format("y") + _EDGE_R,
    _EDGE_L + _YEAR.format("y") + _EDGE_R,
)]


def _reading(m: re.Match) -> tuple[int, int | None, int | None]:
    g = m.groupdict()
    month = int(g["m"]) if g.get("m") else (next(i for i, name in enumerate(MONTHS, 1) if name.startswith(g["mn"].lower()[:3])) if g.get("mn") else None)
    return int(g["y"]), month, int(g["d"]) if g.get("d") else None


@dataclass(frozen=True)
class DateExpression:
    year: int
    month: int | None
    day: int | None
    start: int  # offsets of the expression in the text searched
    end: int


def date_expressions(text: str) -> list[DateExpression]:
    """Every date expression in ``text``, the most precise reading of each stretch first, in text order.
    A stretch read as a day is not read again as its month or year."""
    found: list[DateExpression] = []
    for pattern in DATE_EXPRESSIONS:  # most precise first
        for m in pattern.finditer(text):
            if any(e.start <= m.start() < e.end or m.start() <= e.start < m.end() for e in found):
                continue
            found.append(DateExpression(*_reading(m), m.start(), m.end()))
    return sorted(found, key=lambda e: e.start)


def dates_stated(evidence: str) -> set[tuple[int, int | None, int | None]]:
    """(year, month, day) of every date expression in the evidence, month and day None where not
    given; every reading of each stretch (the validator accepts a value stated by any of them)."""
    found = set()
    for pattern in DATE_EXPRESSIONS:
        for m in pattern.finditer(evidence):
            found.add(_reading(m))
    return found
