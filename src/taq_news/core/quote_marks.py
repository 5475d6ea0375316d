"""Find every passage between quotation marks, including unclosed ones.

Handles curly double quotes, straight double quotes and doubled apostrophes
('' ... '', paired within a paragraph) and curly single quotes (a closing ’ followed by a letter is an
apostrophe, not a close). Curly marks typed the wrong way round are read as meant: “ right after
sentence punctuation closes an open passage, ” before a letter with none open opens one. An opening mark that is never closed yields a
passage to the end of its paragraph, flagged ``closed=False``; nothing raises
on odd or malformed marks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    start: int  # offset of the opening mark
    end: int  # offset after the closing mark (or the paragraph end)
    closed: bool
    mark: str  # the opening mark


def _paragraphs(text: str):
    start = 0
    for part in text.split("\n"):
        yield start, start + len(part)
        start += len(part) + 1


MARK_TOKENS = ("''", "``", "\u201c", "\u201d", '"', "\u2018", "\u2019")

# The dashes that sign a quotation with its speaker's name ('"..." - Ann Roe', '“...” ― Ann Roe'):
# hyphen, em dash, en dash, horizontal bar. Shared by the signature rule and the page-parts reading
# of a testimonial paragraph, so both accept the same signatures.
SIGNATURE_DASHES = "-\u2014\u2013\u2015"


def _marks(text: str) -> list[tuple[int, str]]:
    """(offset, mark) of every quotation mark, in text order; a doubled '' or `` is one mark
    (found left to right without overlap, so its second character is never a mark of its own)."""
    out = []
    for tok in MARK_TOKENS:  # str.find scans in C: far faster than a regex or a loop over characters
        i = text.find(tok)
        while i != -1:
            out.append((i, tok))
            i = text.find(tok, i + len(tok))
    out.sort()
    return out


def find_passages(text: str) -> list[Passage]:
    out: list[Passage] = []
    marks = _marks(text)
    k = 0
    for p_start, p_end in _paragraphs(text):
        if k == len(marks) or marks[k][0] >= p_end:
            continue  # no mark in this paragraph
        open_curly = None
        open_straight = None
        open_single = None
        open_doubled = None  # '' ... '' (and `` ... ''), as in newswire text converted from LaTeX-style marks
        while k < len(marks) and marks[k][0] < p_end:
            i, c = marks[k]
            k += 1
            if c in ("''", "``"):
                if open_doubled is None:
                    open_doubled = i
                else:
                    out.append(Passage(open_doubled, i + 2, True, "''"))
                    open_doubled = None
                continue
            if c == "“":
                if open_curly is not None and typed_as_close(text, i, p_end):
                    out.append(Passage(open_curly, i + 1, True, "“"))
                    open_curly = None
                    continue
                if open_curly is not None:  # a new opening before a close: the first was never closed
                    out.append(Passage(open_curly, rstrip_end(text, open_curly, i), False, "“"))
                open_curly = i
            elif c == "”":
                if open_curly is not None:
                    out.append(Passage(open_curly, i + 1, True, "“"))
                    open_curly = None
                elif _typed_as_open(text, i, p_start, p_end):
                    open_curly = i
            elif c == '"':
                if open_straight is None:
                    open_straight = i
                else:
                    out.append(Passage(open_straight, i + 1, True, '"'))
                    open_straight = None
            elif c == "‘" and open_single is None:
                open_single = i
            elif c == "’" and open_single is not None:
                nxt = text[i + 1] if i + 1 < p_end else ""
                if not nxt.isalpha():
                    out.append(Passage(open_single, i + 1, True, "‘"))
                    open_single = None
        for opened, mark in ((open_curly, "“"), (open_straight, '"'), (open_doubled, "''")):
            if opened is not None:
                out.append(Passage(opened, rstrip_end(text, opened, p_end), False, mark))
    return sorted(out, key=lambda p: (p.start, p.end))


def typed_as_close(text: str, i: int, p_end: int) -> bool:
    """An opening mark typed where a passage closes: right after sentence punctuation, before a
    space, a bracket or the paragraph's end ('... we stand.“ [Site]')."""
    return i > 0 and text[i - 1] in ".?!," and (i + 1 == p_end or text[i + 1].isspace() or text[i + 1] in "[(")


def _typed_as_open(text: str, i: int, p_start: int, p_end: int) -> bool:
    """A closing mark typed where a passage opens, with none open: at the paragraph's start or after
    a space, before a letter ('”Mr. Roe embodies ...')."""
    return (i == p_start or text[i - 1].isspace()) and i + 1 < p_end and text[i + 1].isalpha()


def rstrip_end(text: str, start: int, end: int) -> int:
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return end


def unaccounted(record: dict) -> list[Passage]:
    """Passages that overlap no quote content and no non-quote."""
    covered = [(s["start"], s["end"]) for q in record["quotes"] for s in q["content"]]
    covered += [(n["start"], n["end"]) for n in record["non_quotes"]]
    return [p for p in find_passages(record["text"]) if not any(a < p.end and p.start < b for a, b in covered)]
