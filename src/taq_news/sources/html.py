"""HTML pages as sources: the article's text as trafilatura extracts it, and what the markup
states about the page (title, site name, dates, author), each with its offsets in the markup.

The HTML file stays the source: it is what is hashed and kept. Its *page text* is
trafilatura's plain-text extraction, with one blank line between paragraphs (the shape of a
raw ``.txt`` page), and it is what the cleaning's removals and segments are offsets into.
The extractor and its version are recorded with every record made from HTML, because the
same page gives the same text only under the same extractor.

Metadata is read from the markup itself, never from trafilatura's metadata guesses:
htmldate, which trafilatura uses for dates, falls back on heuristics and on today's date
as an upper bound, so the same page could be dated differently next year. Here a value is
only what a tag states (``<meta property="article:published_time" ...>``, ``<title>``,
a JSON-LD ``"datePublished"``), and its evidence is that tag, verbatim, with its offsets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

EXTRACTOR = "trafilatura"
# Fixed options, so that the page text depends only on the markup and the extractor's version.
_OPTIONS = {
    "output_format": "txt", "with_metadata": False, "include_comments": False, "include_tables": True,
    "include_images": False, "include_links": False, "include_formatting": False, "deduplicate": False,
    "favor_precision": False, "favor_recall": False,
}

# What each meta tag's property, name or itemprop states (lower case). Dates are the page's
# own: publication, not modification (an update stamp is kept apart).
_META = {
    "og:site_name": "site_name", "application-name": "site_name", "publisher": "site_name", "twitter:site": None,
    "og:title": "title", "twitter:title": "title", "headline": "title",
    "article:published_time": "published", "datepublished": "published", "pubdate": "published", "publish-date": "published",
    "date": "published", "dc.date": "published", "dc.date.issued": "published", "dcterms.created": "published", "sailthru.date": "published",
    "article:modified_time": "modified", "datemodified": "modified", "og:updated_time": "modified",
    "author": "author", "article:author": "author", "byl": "author", "dc.creator": "author",
    "article:section": "section",
}
_JSONLD_KEYS = {"datePublished": "published", "dateModified": "modified", "headline": "title"}


@dataclass(frozen=True)
class MarkupField:
    """One value the markup states: ``markup[start:end] == evidence`` (a whole tag, or one JSON-LD pair)."""

    field: str  # site_name | title | published | modified | author | section | document_title
    value: str
    evidence: str
    start: int
    end: int


class ExtractorMissing(ImportError):
    """trafilatura is not installed (it is a dependency of taq-news; a broken environment lacks it)."""


@lru_cache(maxsize=1)
def _trafilatura():
    try:
        import trafilatura  # deferred: lxml and its models load only when an HTML page is read
    except ImportError as exc:
        raise ExtractorMissing(f"reading HTML needs trafilatura ({exc}); pip install 'trafilatura' 'lxml_html_clean'") from exc
    return trafilatura


def extractor() -> dict[str, str]:
    """The extractor's name and installed version, as records made from HTML state them."""
    return {"name": EXTRACTOR, "version": _trafilatura().__version__}


def page_text(markup: str) -> str:
    """The article's text: trafilatura's extraction, each line stripped, one blank line between
    paragraphs, ending in a newline; empty when trafilatura finds no article."""
    found = _trafilatura().extract(markup, **_OPTIONS) or ""
    lines = [line.strip() for line in found.splitlines()]
    kept = [line for line in lines if line]
    return "\n\n".join(kept) + "\n" if kept else ""


def is_html(name: str) -> bool:
    return name.lower().endswith((".html", ".htm"))


class _Scanner(HTMLParser):
    """Start tags with their offsets; the text of <title> and of JSON-LD scripts."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.markup = markup
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", markup)]
        self.fields: list[MarkupField] = []
        self._open: tuple[str, int] | None = None  # ("title" | "ld+json", start offset)
        self._text: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        raw = self.get_starttag_text() or ""
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            what = _META.get(key)
            content = " ".join(a.get("content", "").split())
            if what and content and self.markup[start : start + len(raw)] == raw:
                self.fields.append(MarkupField(what, content, raw, start, start + len(raw)))
        elif tag == "time" and a.get("itemprop", "").lower() == "datepublished" and a.get("datetime"):
            self.fields.append(MarkupField("published", a["datetime"].strip(), raw, start, start + len(raw)))
        elif tag == "title" and self._open is None:
            self._open, self._text = ("title", start), []
        elif tag == "script" and a.get("type", "").strip().lower() == "application/ld+json":
            self._open, self._text = ("ld+json", start), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is None or tag != {"title": "title", "ld+json": "script"}[self._open[0]]:
            return
        kind, start = self._open
        self._open = None
        end = self.markup.find(">", self._offset()) + 1
        if kind == "title":
            value = " ".join("".join(self._text).split())
            if value and end > start:
                self.fields.append(MarkupField("document_title", value, self.markup[start:end], start, end))
            return
        self.fields += _jsonld_fields(self.markup, start, end)


def _jsonld_fields(markup: str, start: int, end: int) -> list[MarkupField]:
    """The JSON-LD pairs we read ("datePublished": "..."), each with its own offsets; the
    publisher's name from its "publisher" object."""
    out: list[MarkupField] = []
    block = markup[start:end]
    for key, what in _JSONLD_KEYS.items():
        m = re.search(rf'"{key}"\s*:\s*"((?:[^"\\]|\\.)*)"', block)
        if m:
            value = _json_string(m.group(1))
            if value:
                out.append(MarkupField(what, value, m.group(0), start + m.start(), start + m.end()))
    name = _publisher_name(block)
    if name:
        # the evidence is the "name" pair that states it, wherever the publisher object puts it
        for m in re.finditer(r'"name"\s*:\s*"((?:[^"\\]|\\.)*)"', block):
            if _json_string(m.group(1)) == name:
                out.append(MarkupField("site_name", name, m.group(0), start + m.start(), start + m.end()))
                break
    return out


def _publisher_name(block: str) -> str | None:
    """The publisher's name in a JSON-LD script: a "publisher" object's "name", or the name of
    the object its "@id" points to (the @graph form WordPress SEO plugins write)."""
    body = block[block.find(">") + 1 : block.rfind("<")]
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    nodes: list[dict] = []

    def walk(node: object, depth: int = 0) -> None:
        if depth > 20:
            return
        if isinstance(node, dict):
            nodes.append(node)
            for v in node.values():
                walk(v, depth + 1)
        elif isinstance(node, list):
            for v in node:
                walk(v, depth + 1)

    walk(data)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and isinstance(n.get("name"), str)}  # not the bare {"@id": ...} references
    for n in nodes:
        pub = n.get("publisher")
        pub = pub[0] if isinstance(pub, list) and pub else pub
        if isinstance(pub, dict):
            target = pub if isinstance(pub.get("name"), str) else by_id.get(str(pub.get("@id")), {})
            name = target.get("name")
            if isinstance(name, str) and name.strip():
                return " ".join(name.split())
    return None


def _json_string(body: str) -> str:
    try:
        return " ".join(str(json.loads(f'"{body}"')).split())
    except ValueError:
        return ""


def tag_rows(markup: str | None) -> list[dict]:
    """The record's ``source.tags``: every value the markup states, as record rows ([] without markup)."""
    return [{"field": f.field, "value": f.value, "evidence": f.evidence, "start": f.start, "end": f.end} for f in markup_fields(markup)] if markup is not None else []


def markup_fields(markup: str) -> list[MarkupField]:
    """Every value the page's tags state, in markup order. Never raises: markup that the
    parser cannot follow gives the fields found before it."""
    scanner = _Scanner(markup)
    try:
        scanner.feed(markup)
        scanner.close()
    except (AssertionError, ValueError, IndexError):  # html.parser on broken markup
        pass
    return sorted(scanner.fields, key=lambda f: f.start)
