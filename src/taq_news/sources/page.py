"""A raw file as the pipeline reads it: its page text, and for HTML the markup and the extractor.

A ``.txt`` file is its own page text. An ``.html`` file's page text is what its extractor
makes of it (``sources.html``); the markup is kept beside it, because values its tags state
are evidence with offsets into it. Everything downstream (cleaning, removals, segments,
quotes) works on the page text alone, so one code path serves both kinds of file.
"""

from __future__ import annotations

from dataclasses import dataclass

from taq_news.sources.html import ExtractorMissing, extractor, is_html, page_text

RAW_SUFFIXES = (".txt", ".html", ".htm")
# Longest HTML page read, in characters: a news page is a few hundred thousand; past this it is not one article's page.
MAX_MARKUP = 20_000_000


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


@dataclass(frozen=True)
class PageProblem:
    """Why a raw article cannot become a page: a registered check id, a message, the fix; each
    reader reports it in its own form (an incident with its file, a reject row of a collection)."""

    check: str
    message: str
    fix: str
    line: int | None = None


def decode_raw(data: bytes) -> str | PageProblem:
    """A raw article's bytes as UTF-8 text (the rest is checked by ``read_page`` or ``markup_problem``)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return PageProblem("utf8-invalid", f"byte {exc.start} is not valid UTF-8", "save the article as UTF-8", data[: exc.start].count(b"\n") + 1)


def _nul(text: str) -> PageProblem | None:
    # Scraped pages keep their other control characters (C1 ones occur); a NUL is never text.
    if "\0" not in text:
        return None
    return PageProblem("control-character", "the article holds a NUL byte", "a file with NUL bytes was damaged on saving: save or scrape it again",
                       text[: text.index("\0")].count("\n") + 1)


def markup_problem(markup: str) -> PageProblem | None:
    """What rules an HTML page out before its text is extracted: a NUL byte, no markup at all, more than MAX_MARKUP characters."""
    problem = _nul(markup)
    if problem is None and not markup.strip():
        problem = PageProblem("text-empty", "the HTML page is empty", _EMPTY_FIX)
    if problem is None and len(markup) > MAX_MARKUP:
        problem = PageProblem("text-too-long", f"{len(markup):,} characters of HTML, over the limit of {MAX_MARKUP:,}", "check the file is one article's page")
    return problem


_EMPTY_FIX = "give the article's own page (not an index, a login wall or a script-only page)"


def read_page(name: str, decoded: str, limit: int | None = None) -> Page | PageProblem:
    """The page of raw article ``name`` (decoded), or the one problem that stops it: for HTML, those
    of ``markup_problem`` and a missing extractor; then a page with no text, or one over ``limit`` characters."""
    problem = markup_problem(decoded) if is_html(name) else _nul(decoded)
    if problem:
        return problem
    try:
        page = page_of(name, decoded)
    except ExtractorMissing as exc:
        return PageProblem("extractor-missing", str(exc), "")  # the registry's fix
    if not page.text.strip():
        return PageProblem("text-empty", "the extractor found no article text in this HTML page" if page.markup is not None else "the article holds no text", _EMPTY_FIX)
    if limit is not None and len(page.text) > limit:
        extracted = "the extracted text is " if page.markup is not None else ""
        return PageProblem("text-too-long", f"{extracted}{len(page.text):,} characters, over the limit of {limit:,}", "check the file is one article; split or trim it")
    return page


def is_raw_name(name: str) -> bool:
    return name.lower().endswith(RAW_SUFFIXES)


def raw_stem(name: str) -> str:
    """The document id a raw file name gives: the name without its suffix."""
    for suffix in RAW_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name
