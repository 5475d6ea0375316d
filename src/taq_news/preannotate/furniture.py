"""Pre-annotation of page parts: title, dateline, byline, highlights and furniture lines.

Line rules over the raw page, following common news-site layouts rather than the
seed articles' strings:

- a *prose* line ends in sentence punctuation (or a closing quotation mark) and
  has at least eight words; the body starts at the first one (on a page without
  one, at its last sentence, or its last line: a record always keeps a body);
- the title is the first line before the body with four or more words that is
  not prose and not a caption;
- "Story highlights" (or "Highlights") opens a list of highlight lines, which ends
  at the dateline or the body;
- datelines and bylines are the ones ``metadata`` recognises (an agency credit,
  "Outlet —", "By Name", "OUTLET | Updated: ...");
- furniture: a clock time with "Source:" (a video widget, with the short lines
  just above it), "Verified by/Powered by/Copyright" (site footer), a line about
  commenting (comment footer), a short line ending in a photo agency (photo
  credit), "Image/Photo" captions, short labels (navigation before the body,
  subheadings between body paragraphs), headline-like lines after the body has
  started (related links), and a trailing "(AGENCY)" credit at a line's end.

Everything is returned as raw spans with a reason; nothing is deleted here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taq_news.core.anchors import Span
from taq_news.core.quote_marks import SIGNATURE_DASHES, typed_as_close
from taq_news.preannotate.metadata import CREDIT_PATTERN, DATELINE, OUTLET_RULES, PLACE_DATELINE, is_masthead, is_stamp_line

PHOTO_AGENCIES = r"(?:AP|AFP|Reuters|Getty Images|EPA|Shutterstock|File|AP Photo|AFP via Getty Images|Getty)"
PROSE_END = (".", "?", "!", "”", '"', "’", ":", ")")
_VIDEO = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?\s*[-–—]\s*Source:", re.I)
_FOOTER = re.compile(r"^(?:Verified by|Powered by|Copyright|©|All rights reserved)", re.I)
_COMMENTS = re.compile(r"\bcomment(?:s|ing|ers)?\b", re.I)
_CREDIT_LINE = re.compile(rf"\b{PHOTO_AGENCIES}(?:/[A-Z]\w+)?\.?$")  # "Getty.", "Getty/Instagram."
_CAPTION = re.compile(r"^(?:Representative |File |Feature )?(?:Image|Photo|Picture|Photograph)s?\b", re.I)
_HIGHLIGHTS = re.compile(r"^(?:Story )?highlights$", re.I)
_BYLINE = re.compile(r"^(?:By|BY|BYLINE:|Byline:|Posted by|Written by|Words by)\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*"
                     r"(?:\s+on\s+[^\n]{4,30})?\s*$|^Posted by [a-z]\w*\s*$")
# "Jonas Ekwall | Meridian Wire Service": a name and the outlet it writes for
_NAME_CREDIT = re.compile(r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}\s*\|\s*[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4}\s*$")
# Wire and newspaper credits closing a story: "(Reporting by X; Editing by Y)", "X contributed to this report."
_WIRE_CREDIT = re.compile(r"^\((?:Reporting|Additional reporting|Writing|Editing|Compiled|Translated)\b[^()]*\)$|\bcontributed (?:to )?(?:this )?(?:report|reporting|article)\.?$"
                          r"|^(?:[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)? reported from [A-Z][\w ,’'-]+\.\s*)+$")
# Site boilerplate that is not a footer by its first word.
_BOILERPLATE = re.compile(r"^(?:Our Standards\b|Suggested citation\b|Thanks for reading\b|A version of this article appears in print\b|This article (?:was|is) (?:first )?published\b"
                          r"|Sign up (?:for|to)\b|Follow us\b|Follow @|Subscribe (?:to|for)\b|Share (?:this|on)\b)", re.I)
_PHOTO_CREDIT = re.compile(r"^(?:Photograph|Photo|Picture|Image|Credit)s?(?::|\.\.\.|…)\s*\S")
# An author line with no "By": a name or two, maybe "in City" ("Harlan Mireau in Kabul", "Our Staff Reporter").
_PERSON = r"[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){1,3}"
_AUTHOR = re.compile(rf"^(?:(?:Our |By our )?(?:Staff|Special) (?:Reporter|Correspondent)s?|{_PERSON}(?:(?: and |, ){_PERSON})?(?: in [A-Z][\w’'-]+(?: [A-Z][\w’'-]+)?)?)$")
_PROMO = re.compile(r"^(?:WATCH|LISTEN|VIDEO|PODCAST|LIVE|READ MORE|RELATED|Related:|Heard on|Download|Listen|Watch|Explore more|More on this story|Related Topics)\b", re.I)
_CREDIT_IN_LINE = re.compile(r"\b(?:Photograph|Photo|Picture|Image|Credit)s?:\s")
_NAV = re.compile(r"\s[|/>»·]\s|^(?:Reading time|View this email|View in browser|Listen to this|Print this|Email this)\b", re.I)
_HEADER = re.compile(rf"^(?:{CREDIT_PATTERN})\s*\|\s*(?:Updated|Published|Posted)")
_UI = re.compile(r"\b(?:button|Show More|Read More|Load More|Share this|Subscribe|Sign up|Newsletter|Advertisement|Click here|Skip to)\b", re.I)
_PLACE_DATELINE = re.compile(r"^[A-Z][a-zA-Z.]+(?: [A-Z][a-zA-Z.]+){0,2}(?: \[[^\]\n]{1,40}\])?(?:, [A-Z][a-z]+ \d{1,2})?:(?= )")
_TRAILING_CREDIT = re.compile(rf"\s\((?:{CREDIT_PATTERN})\)\s*$")


@dataclass
class PageParts:
    title: Span | None = None
    dateline: Span | None = None
    byline: Span | None = None
    highlights: list[Span] = field(default_factory=list)
    furniture: list[tuple[Span, str]] = field(default_factory=list)  # (span, reason)


def _lines(raw: str):
    pos = 0
    for line in raw.split("\n"):
        stripped = line.strip()
        lead = len(line) - len(line.lstrip())
        yield Span(pos + lead, pos + lead + len(stripped), stripped)
        pos += len(line) + 1


# A word of four characters or more: a letter, then word characters, apostrophes and hyphens. A start
# inside a shorter word finds a shorter run, so the pattern finds exactly the long words of the line.
_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")


def is_headline(line: str) -> bool:
    """Most longer words capitalized, as in headlines ("Al-Qaeda Allies with Taliban")."""
    long = _LONG_WORD.findall(line)
    return len(long) >= 3 and sum(w[0].isupper() for w in long) / len(long) > 0.7


# What may follow a paragraph's last sentence on a digest page: its source ("... a cold winter night.” [HuffPost.]",
# "... called for the ban. [Reuters]") or, after a testimonial, its signature ("... our greatest shame.” ― Sonya Herridge").
_CLOSING_SOURCE = re.compile(r"(?<=[.?!”\"’“])\s*\[[^\[\]\n]{1,80}\]$")
_SIGNATURE = re.compile(rf"\s*[{re.escape(SIGNATURE_DASHES)}]\s*[A-Z][\w.’'-]*(?:\s[A-Z][\w.’'-]*){{0,3}}")


def _closing_tag(end: str) -> int:
    """Where a closing source or signature starts, or -1. A signature name holds no double quotation
    mark, so it can only follow the line's last one: one anchored match there, not a search."""
    if end[-1:] == "]":
        m = _CLOSING_SOURCE.search(end)
        return m.start() if m and m.start() > 0 else -1
    mark = max(end.rfind("”"), end.rfind('"'))
    return mark + 1 if mark > -1 and _SIGNATURE.fullmatch(end, mark + 1) else -1


def _end(line: str) -> str:
    """The line's end as a sentence would have it: a closing source or signature set aside, and the
    closing marks some archives type wrongly read as ”: a doubled apostrophe, or a “ that quote_marks reads as a close."""
    end = line.rstrip()
    tag = _closing_tag(end)
    if tag > -1:
        end = end[:tag]
    if end.endswith("''"):
        return end[:-2] + "”"
    if end.endswith("“") and typed_as_close(end, len(end) - 1, len(end)):
        return end[:-1] + "”"
    return end


def ends_sentence(line: str) -> bool:
    return _end(line).endswith(PROSE_END)


def is_prose(line: str) -> bool:
    """Eight words or more ending a sentence. A closing quotation mark ends one only after
    sentence punctuation ('... he said.”'), not after a word (a headline's "‘safe havens’")."""
    end = _end(line)
    if end[-1:] in "”\"’" and end[-2:-1] not in (".", "?", "!", ","):
        return False
    return len(line.split()) >= 8 and end.endswith(PROSE_END) and not is_headline(line)


def find_parts(raw: str) -> PageParts:
    lines = [ln for ln in _lines(raw) if ln.text]
    # once per line, as several rules ask
    prose = [is_prose(ln.text) for ln in lines]
    stamps = [is_stamp_line(ln.text) for ln in lines]
    body_start = next((i for i, ln in enumerate(lines) if prose[i] and not _HEADER.match(ln.text)), len(lines))
    if body_start == len(lines) and lines:
        # No line looks like prose (a brief, a page of short lines): the body is still there, or the
        # record would have no text. It starts at the last sentence, or at the last line.
        body_start = max((i for i, ln in enumerate(lines) if ends_sentence(ln.text)), default=len(lines) - 1)
    page = _Page(lines, body_start, prose, stamps)
    _dateline_and_byline(page)  # first: they may sit on prose lines ("Kabul, May 6 (ANI): ...")
    page.title_line = _title_line(page)
    if page.title_line is not None and page.title_line == page.dateline_line:
        page.parts.dateline, page.dateline_line = None, None  # "HUFFPOLLSTER: A Seismic Shift ...": a headline's kicker, not a place
    _video_widgets(page)
    _other_lines(page)
    page.parts.furniture.sort(key=lambda f: f[0].start)
    page.parts.highlights.sort(key=lambda s: s.start)
    return _without_overlaps(page.parts)


def _without_overlaps(parts: PageParts) -> PageParts:
    """No two removals may overlap (the cleaner refuses them): a later kind gives way to the title,
    dateline and byline, in that order, then to earlier furniture. The rules above should leave
    nothing to drop; this keeps a page nobody tuned for from stopping the run."""
    kept: list[Span] = []

    def free(span: Span | None) -> bool:
        if span is None or any(span.start < k.end and k.start < span.end for k in kept):
            return False
        kept.append(span)
        return True

    for name in ("title", "dateline", "byline"):
        span = getattr(parts, name)
        if span is not None and not free(span):
            setattr(parts, name, None)
    parts.highlights = [h for h in parts.highlights if free(h)]
    parts.furniture = [(span, reason) for span, reason in parts.furniture if free(span)]
    return parts


@dataclass
class _Page:
    """One page's non-empty lines, and what find_parts has made of them so far."""

    lines: list[Span]
    body_start: int  # the first prose line (len(lines) if none)
    prose: list[bool]  # is_prose of each line
    stamps: list[bool]  # is_stamp_line of each line
    parts: PageParts = field(default_factory=PageParts)
    taken: set[int] = field(default_factory=set)  # lines already given a part
    title_line: int | None = None
    dateline_line: int | None = None  # the line a dateline opens: body text, never furniture

    def furniture(self, i: int, reason: str) -> None:
        if i not in self.taken and i != self.dateline_line:
            self.taken.add(i)
            self.parts.furniture.append((self.lines[i], reason))


def _dateline_and_byline(page: _Page) -> None:
    """The first byline and dateline up to the body's first line; else a place dateline opening the body."""
    lines, parts = page.lines, page.parts
    for i, ln in enumerate(lines[: page.body_start + 3]):
        if i > page.body_start and not _BYLINE.match(ln.text):
            continue  # past the first prose line (a deck), only a "By ..." line is still a byline
        near_stamp = any(0 <= k < len(lines) and page.stamps[k] for k in (i - 1, i + 1))
        if parts.byline is None and (_BYLINE.match(ln.text) or _HEADER.match(ln.text) or _NAME_CREDIT.match(ln.text) or (near_stamp and _AUTHOR.match(ln.text) and not is_masthead(ln.text))
                                     or (i < page.body_start and _AUTHOR.match(ln.text) and ln.text.lower().endswith(("reporter", "correspondent")))):
            parts.byline = ln
            page.taken.add(i)
            continue
        if i > page.body_start:
            continue
        if parts.dateline is None:
            for pattern in (*(p for _, p in OUTLET_RULES[:2]), DATELINE, PLACE_DATELINE):
                m = pattern.match(ln.text)
                if m:
                    end = m.end()
                    parts.dateline = Span(ln.start, ln.start + len(ln.text[:end].rstrip()), ln.text[:end].rstrip())
                    if end >= len(ln.text.rstrip()) - 1:
                        page.taken.add(i)
                    else:
                        page.dateline_line = i
                    break
    if parts.dateline is None and page.body_start < len(lines):
        first = lines[page.body_start]
        m = _PLACE_DATELINE.match(first.text)  # "Washington: The ..." opening the first paragraph
        if m:
            parts.dateline = Span(first.start, first.start + m.end(), m.group(0))
            page.dateline_line = page.body_start


def _title_line(page: _Page) -> int | None:
    """The headline: the first line before the body that could be one (four words or more, not
    prose, and not navigation, a label, a stamp, a caption or a promotion)."""
    for i, ln in enumerate(page.lines[: page.body_start]):
        t = ln.text
        if i in page.taken or len(t.split()) < 4 or page.prose[i] or page.stamps[i] or _NAV.search(t) or _UI.search(t) or _CAPTION.match(t) \
                or _CREDIT_IN_LINE.search(t) or _PROMO.match(t) or _FOOTER.match(t) or _HIGHLIGHTS.match(t) or (t.isupper() and len(t.split()) <= 6):
            continue
        return i
    return None


def _video_widgets(page: _Page) -> None:
    """A video's "0:45 - Source: ..." line, with the short lines just above it (its title)."""
    lines = page.lines
    for i, ln in enumerate(lines):
        if _VIDEO.match(ln.text):
            page.furniture(i, "video-widget")
            k = i - 1
            while k >= 0 and k not in page.taken and not page.prose[k] and len(lines[k].text.split()) <= 8 and i - k <= 2:
                page.furniture(k, "video-widget")
                k -= 1


def _other_lines(page: _Page) -> None:
    """Every line not taken yet: the highlights after their label, then each other line by its look."""
    parts = page.parts
    in_highlights = False
    for i, ln in enumerate(page.lines):
        if i in page.taken:
            in_highlights = False
            continue
        if _HIGHLIGHTS.match(ln.text):
            page.furniture(i, "section-label")
            in_highlights = True
            continue
        if in_highlights and i < page.body_start and not (parts.dateline and ln.start >= parts.dateline.start):
            parts.highlights.append(ln)
            page.taken.add(i)
            continue
        in_highlights = False
        _one_line(page, i, ln)


def _may_be_wire_credit(line: str) -> bool:
    """What each branch of _WIRE_CREDIT needs in the line, tested before the pattern searches a whole paragraph."""
    return line.startswith("(") or "contributed " in line or " reported from " in line


def _one_line(page: _Page, i: int, ln: Span) -> None:
    """Furniture by its look, the title, or prose (whose trailing agency credit is furniture).
    Word counts are tested before patterns: most lines are long prose, and the test is cheaper."""
    lines, body_start, parts = page.lines, page.body_start, page.parts
    t = ln.text
    words = len(t.split())
    prose = page.prose
    if page.stamps[i] and not prose[i]:
        page.furniture(i, "timestamp")
    elif i > body_start and _may_be_wire_credit(t) and _WIRE_CREDIT.search(t):
        page.furniture(i, "agency-credit")
    elif words <= 12 and _PHOTO_CREDIT.match(t):
        page.furniture(i, "photo-credit")
        if i > 0 and i - 1 not in page.taken and not _PHOTO_CREDIT.match(lines[i - 1].text) and len(lines[i - 1].text.split()) <= 30 and i - 1 != body_start:
            page.furniture(i - 1, "photo-caption")  # the caption above its credit
    elif _BOILERPLATE.match(t) or (words <= 4 and i > body_start and _FOOTER.match(t) is None and _PROMO.match(t)):
        page.furniture(i, "site-footer" if _BOILERPLATE.match(t) and not t.lower().startswith(("share", "follow", "sign up", "subscribe")) else "navigation")
    elif words <= 8 and _PROMO.match(t):
        page.furniture(i, "video-widget" if t.lower().startswith(("watch", "video")) and re.search(r"\d:\d\d", t) else "related-link" if t.lower().startswith("related") else "navigation")
    elif _FOOTER.match(t):
        page.furniture(i, "site-footer")
    elif words <= 15 and i > body_start and _COMMENTS.search(t):
        page.furniture(i, "comment-footer")
    elif words <= 6 and _UI.search(t):
        page.furniture(i, "navigation")
    elif words <= 6 and _CAPTION.match(t):
        page.furniture(i, "photo-caption")
    elif words <= 8 and _CREDIT_LINE.search(t) and not prose[i]:
        page.furniture(i, "agency-credit" if t[:1] in "-–—" else "photo-credit")  # "- Reuters." signs a wire story off
    elif i < body_start and i == page.title_line:
        parts.title = ln
        page.taken.add(i)
    elif i >= body_start and words < 8 and t[:1] in "‘“\"'" and t[-1:] in "’”\"'":
        page.furniture(i, "subheading")  # a short quotation standing alone between paragraphs
    elif prose[i] or i >= body_start and ends_sentence(t) and words >= 3:
        m = _TRAILING_CREDIT.search(t)
        if m and i >= body_start and i > 0:
            s = ln.start + m.start() + 1
            parts.furniture.append((Span(s, ln.start + len(t.rstrip()), t[m.start() + 1 :].rstrip()), "agency-credit"))
    elif words <= 3:
        between = 0 < i < len(lines) - 1 and prose[i - 1] and prose[i + 1]
        page.furniture(i, "subheading" if i > body_start and between else "section-label" if i < body_start else "navigation")
    else:
        page.furniture(i, "related-link" if i > body_start else "navigation")
