"""A raw file as the pipeline reads it: its page text, and for HTML the markup and the extractor.

A ``.txt`` file is its own page text. An ``.html`` file's page text is what its extractor
makes of it (``sources.html``); the markup is kept beside it, because values its tags state
are evidence with offsets into it. Everything downstream (cleaning, removals, segments,
quotes) works on the page text alone, so one code path serves both kinds of file.
"""

from __future__ import annotations

from dataclasses import dataclass

from taq_news.sources.html import extractor, is_html, page_text

RAW_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class Page:
    text: str  # what source.removed and source.segments index
    markup: str | None = None  # the HTML, for a page read through an extractor
    extractor: dict[str, str] | None = None  # {"name", "version"}, for HTML


def page_of(name: str, decoded: str) -> Page:
    """The page of a raw file named ``name`` whose bytes decoded to ``decoded``."""
    if is_html(name):
        return Page(page_text(decoded), decoded, extractor())
    return Page(decoded)


def is_raw_name(name: str) -> bool:
    return name.lower().endswith(RAW_SUFFIXES)


def raw_stem(name: str) -> str:
    """The document id a raw file name gives: the name without its suffix."""
    for suffix in RAW_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name
