"""Raw page -> clean body text, with every removal recorded.

Pure: takes the raw string and the resolved raw spans of the page's parts
(title, dateline, byline, highlights, furniture) and returns the clean text
plus an audit trail: what was removed, where, and why, and where each kept
paragraph came from in the raw file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from itertools import pairwise

from taq_news.core.anchors import Span

# Page parts lifted into their own fields; they leave the body too.
LIFTED_PARTS = ("title", "dateline", "byline", "highlight")


@dataclass(frozen=True)
class Removal:
    raw_start: int
    raw_end: int
    text: str
    reason: str


@dataclass(frozen=True)
class Segment:
    """A kept paragraph: raw[raw_start:raw_end] became text[start:end]."""

    raw_start: int
    raw_end: int
    start: int
    end: int


@dataclass
class CleanDocument:
    text: str
    title: str | None
    dateline: str | None
    byline: str | None
    highlights: list[str]
    removed: list[Removal]
    segments: list[Segment] = field(default_factory=list)


class OverlapError(ValueError):
    def __init__(self, first: Removal, second: Removal):
        super().__init__(f"removal {second.text!r} ({second.reason}) overlaps {first.text!r} ({first.reason})")
        self.first, self.second = first, second


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean(
    raw: str,
    *,
    title: Span | None = None,
    dateline: Span | None = None,
    byline: Span | None = None,
    highlights: list[Span] | tuple[Span, ...] = (),
    furniture: list[tuple[Span, str]] | tuple[tuple[Span, str], ...] = (),
) -> CleanDocument:
    """Remove the page parts and furniture from ``raw``; keep each remaining line as a paragraph."""
    removals = [Removal(s.start, s.end, s.text, reason) for s, reason in furniture]
    for name, span in (("title", title), ("dateline", dateline), ("byline", byline)):
        if span is not None:
            removals.append(Removal(span.start, span.end, span.text, name))
    removals += [Removal(s.start, s.end, s.text, "highlight") for s in highlights]
    removals.sort(key=lambda r: (r.raw_start, r.raw_end))
    for a, b in pairwise(removals):
        if b.raw_start < a.raw_end:
            raise OverlapError(a, b)

    paragraphs: list[tuple[int, int, str]] = []
    line_start = 0
    for line in raw.split("\n"):
        line_end = line_start + len(line)
        # Cut the removals out of this line; what is left between them stays together.
        pieces: list[tuple[int, int]] = []
        cursor = line_start
        for r in removals:
            if r.raw_end <= line_start or r.raw_start >= line_end:
                continue
            if r.raw_start > cursor:
                pieces.append((cursor, r.raw_start))
            cursor = max(cursor, r.raw_end)
        if cursor < line_end:
            pieces.append((cursor, line_end))
        kept = "".join(raw[a:b] for a, b in pieces)
        if kept.strip():
            lead = len(kept) - len(kept.lstrip())
            trail = len(kept) - len(kept.rstrip())
            first = pieces[0][0] + lead if pieces else line_start
            last = pieces[-1][1] - trail if pieces else line_end
            paragraphs.append((first, last, nfc(kept.strip())))
        line_start = line_end + 1

    parts: list[str] = []
    segments: list[Segment] = []
    pos = 0
    for raw_start, raw_end, para in paragraphs:
        if parts:
            pos += 2
        segments.append(Segment(raw_start, raw_end, pos, pos + len(para)))
        parts.append(para)
        pos += len(para)
    text = "\n\n".join(parts)

    def lifted(span: Span | None) -> str | None:
        return nfc(span.text.strip()) if span is not None else None

    return CleanDocument(
        text=text,
        title=lifted(title),
        dateline=lifted(dateline),
        byline=lifted(byline),
        highlights=[nfc(s.text.strip()) for s in highlights],
        removed=removals,
        segments=segments,
    )
