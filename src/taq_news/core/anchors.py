"""Resolve quote-anchored selectors to offsets.

Curators never type offsets. A selector quotes the text (``exact``), optionally
narrowed by an occurrence number or by the text that touches it (``prefix``,
``suffix``), or spans a range (``from`` ... ``to``), in the spirit of the W3C
TextQuoteSelector. Offsets are Unicode code points, 0-based, end-exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

SELECTOR_KEYS = {"exact", "from", "to", "occurrence", "prefix", "suffix"}


class AnchorError(ValueError):
    def __init__(self, check: str, message: str, fix: str):
        super().__init__(message)
        self.check = check
        self.message = message
        self.fix = fix


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    text: str


def word_bounded_matches(text: str, exact: str) -> list[int]:
    """Start offsets of ``exact`` in ``text`` that do not cut a word in two."""
    return list(occurrences(text, exact))


@lru_cache(maxsize=4096)
def occurrences(text: str, exact: str) -> Mapping[int, int]:
    """Each word-bounded match of ``exact`` in ``text``: its start -> its occurrence number (from 1),
    in text order. Read-only: the mapping is shared by every caller."""
    # The one memo of the anchor search: a draft anchors every mention of a name, then assembly
    # resolves each again, and a name met thirty times in an article was searched for sixty times.
    starts: dict[int, int] = {}
    if not exact:
        return MappingProxyType(starts)
    need_left = exact[0].isalnum()
    need_right = exact[-1].isalnum()
    i = text.find(exact)
    while i != -1:
        j = i + len(exact)
        left_ok = not need_left or i == 0 or not text[i - 1].isalnum()
        right_ok = not need_right or j == len(text) or not text[j].isalnum()
        if left_ok and right_ok:
            starts[i] = len(starts) + 1
        i = text.find(exact, i + 1)
    return MappingProxyType(starts)


def normalize(selector: Any) -> dict:
    """A bare string is shorthand for ``{exact: ...}``."""
    if isinstance(selector, str):
        return {"exact": selector}
    if isinstance(selector, dict):
        unknown = set(selector) - SELECTOR_KEYS
        if unknown:
            raise AnchorError("anchor-key-unknown", f"unknown selector key(s) {sorted(unknown)}", f"use only {sorted(SELECTOR_KEYS)}")
        return dict(selector)
    raise AnchorError("anchor-invalid", f"a selector must be a string or a mapping, not {type(selector).__name__}", "quote the text, e.g. {exact: ...}")


def _describe(sel: dict) -> str:
    key = "exact" if "exact" in sel else "from"
    text = str(sel.get(key))
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _pick(text: str, exact: str, sel: dict, allow_many: bool) -> list[int]:
    if not isinstance(exact, str) or not exact:
        raise AnchorError("anchor-invalid", "the quoted text is empty or not a string", "quote a non-empty stretch of the text")
    if exact != exact.strip():
        raise AnchorError("span-whitespace-edge", f"{_describe(sel)} starts or ends with whitespace", "leave leading and trailing spaces out of the quote; use prefix/suffix for context")
    starts = word_bounded_matches(text, exact)
    prefix, suffix = sel.get("prefix"), sel.get("suffix")
    for key, value in (("prefix", prefix), ("suffix", suffix)):
        if value is not None and not isinstance(value, str):
            raise AnchorError("anchor-invalid", f"{key}: {value!r} is not text", f"quote the characters right {'before' if key == 'prefix' else 'after'} the span, or leave {key} out")
    if prefix is not None:
        starts = [s for s in starts if text[max(0, s - len(prefix)) : s] == prefix]
    if suffix is not None:
        starts = [s for s in starts if text[s + len(exact) : s + len(exact) + len(suffix)] == suffix]
    if not starts:
        context = " with that prefix/suffix" if prefix is not None or suffix is not None else ""
        raise AnchorError("anchor-not-found", f"{_describe(sel)} does not occur in the text{context}", "copy the exact characters (quotation marks, dashes, spaces) from the text")
    occ = sel.get("occurrence")
    if occ is None:
        if len(starts) > 1:
            raise AnchorError("anchor-ambiguous", f"{_describe(sel)} occurs {len(starts)} times", "add occurrence: N (counting from 1), or a prefix/suffix")
        return starts
    if occ == "all":
        if not allow_many:
            raise AnchorError("anchor-invalid", "occurrence: all is allowed for entity mentions only", "give one occurrence number")
        return starts
    wanted = occ if isinstance(occ, list) else [occ]
    if not wanted or len(wanted) > 1 and not allow_many:
        raise AnchorError("anchor-invalid", "a list of occurrences is allowed for entity mentions only", "give one occurrence number")
    picked = []
    for n in wanted:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise AnchorError("anchor-invalid", f"occurrence {n!r} is not a positive integer", "count occurrences from 1")
        if n > len(starts):
            raise AnchorError("anchor-occurrence-missing", f"{_describe(sel)} occurs {len(starts)} time(s), occurrence {n} does not exist", f"use an occurrence from 1 to {len(starts)}")
        picked.append(starts[n - 1])
    if len(set(picked)) != len(picked):
        raise AnchorError("anchor-invalid", "an occurrence is listed twice", "list each occurrence once")
    return picked


def resolve(text: str, selector: Any, *, allow_many: bool = False) -> list[Span]:
    """All spans a selector picks (exactly one unless ``allow_many``)."""
    sel = normalize(selector)
    if "exact" in sel and ("from" in sel or "to" in sel):
        raise AnchorError("anchor-invalid", "use either exact or from/to, not both", "keep one form")
    if "exact" in sel:
        exact = sel["exact"]
        return [Span(s, s + len(exact), exact) for s in _pick(text, exact, sel, allow_many)]
    if "from" in sel and "to" in sel:
        if sel.get("occurrence") == "all" or isinstance(sel.get("occurrence"), list):
            raise AnchorError("anchor-invalid", "a range picks one occurrence", "give one occurrence number for from")
        first = sel["from"]
        (start,) = _pick(text, first, sel, False)
        last = sel["to"]
        if not isinstance(last, str) or not last or last != last.strip():
            raise AnchorError("anchor-invalid", "to: must be non-empty text without edge whitespace", "quote the last words of the span")
        ends = [s + len(last) for s in word_bounded_matches(text, last) if s >= start and s + len(last) >= start + len(first)]
        if not ends:
            raise AnchorError("anchor-not-found", f"to: {last!r} does not occur after from: {first!r}", "copy the last words of the span exactly")
        end = ends[0]
        return [Span(start, end, text[start:end])]
    raise AnchorError("anchor-invalid", "a selector needs exact, or from and to", "quote the text with exact: ...")


def resolve_one(text: str, selector: Any) -> Span:
    return resolve(text, selector)[0]
