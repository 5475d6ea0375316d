"""One article of a collection -> one validated record: the pre-annotator's draft, assembled
and checked exactly as a curated annotation is (the same ``assemble`` and schema).

A pure function of (article, registry, pipeline): any worker gives the same record.
Metadata the input gives (outlet, published) is recorded with basis ``external`` and
a note naming the input field, unless the text itself states the value (``stated``,
with its raw evidence, wins: it can be checked against the text).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any
from urllib.parse import quote

from spacy.language import Language

from taq_news.annotations.registry import Entity, outlet_entity
from taq_news.collection.inputs import MAX_CHARS
from taq_news.core.checks import incident
from taq_news.core.incidents import IncidentError
from taq_news.core.version import __version__
from taq_news.corpus.assemble import assemble
from taq_news.preannotate.draft import draft_document, preannotate
from taq_news.sources.page import PageProblem, read_page
from taq_news.validation.record_checks import SchemaValidator

ANNOTATOR = f"taq-news-preannotate {__version__}"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?")
_LINE = re.compile(r"(.+):(\d+)")


def location_uri(location: str) -> str:
    """A location as the URI reference a record's file fields hold: the path percent-encoded (a bare
    ':' would read as a URI scheme, and a space, '%' or '#' is not allowed), a JSONL line as the
    fragment 'L<n>' ('my feed.jsonl:12' -> 'my%20feed.jsonl#L12')."""
    m = _LINE.fullmatch(location)
    if m and m.group(1).lower().endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return f"{quote(m.group(1), safe='/')}#L{m.group(2)}"
    return quote(location, safe="/")


def _real_date(m: re.Match) -> bool:
    """A calendar date (and time of day) that exists: no 2023-02-30, no month 13, no 25:00."""
    year, month, day, time, zone = m.groups()
    try:
        datetime.date(int(year), int(month or 1), int(day or 1))
        if time:
            datetime.time.fromisoformat(time)
        if zone and zone != "Z":
            hours, minutes = int(zone[1:3]), int(zone[-2:])
            if hours > 23 or minutes > 59:
                return False
    except ValueError:
        return False
    return True


def document_id(key: str, sha256: str) -> str:
    """19 hex digits of a SHA-256 over the input location and the text's hash, in the corpus's id shape
    (3, an underscore, 16): stable across runs and shards, distinct for the same text at two locations.
    The shape is fixed-width so that the validator's fast pattern test holds for every id."""
    h = hashlib.sha256(key.encode("utf-8") + b"\0" + sha256.encode("ascii")).hexdigest()
    return f"{h[:3]}_{h[3:19]}"


def _external_date(value: str, location: str) -> dict:
    m = _DATE.fullmatch(value.strip())
    note = f"from the input's 'published' field ({location})"
    if m is None or not _real_date(m):
        why = "is not a date (YYYY, YYYY-MM or YYYY-MM-DD)" if m is None else "is no day of the calendar"
        return {"date": None, "basis": "unknown", "evidence": None, "note": f"{note}: {value[:80]!r} {why}"}
    date = "-".join(g for g in m.groups()[:3] if g)
    return {"date": date, "basis": "external", "evidence": None, "note": note + ("" if date == value.strip() else f", given as {value.strip()[:80]!r}")}


def apply_given(ann: dict, given: dict, location: str, registry: dict[str, Entity]) -> None:
    """Put the input's outlet and date into the draft's metadata where the text states none."""
    meta = ann["metadata"]
    outlet = given.get("outlet")
    if outlet and meta["outlet"]["basis"] != "stated":
        meta["outlet"] = {"name": outlet, "entity": outlet_entity(registry, outlet), "basis": "external", "evidence": None,
                          "note": f"from the input's 'outlet' field ({location})"}
    published = given.get("published")
    if published and meta["published"]["basis"] != "stated":
        meta["published"] = _external_date(published, location)


def annotate_article(doc_id: str, raw: str, sha256: str, location: str, given: dict[str, Any], registry: dict[str, Entity],
                     nlp: Language, validator: SchemaValidator, html: bool = False) -> tuple[dict, list[Entity]]:
    """The record and the registry entries it proposes; IncidentError if the record fails any check.
    With ``html``, ``raw`` is the page's markup: its text is extracted here (on the worker)."""
    markup, made_by = None, None
    if html:
        page = read_page("page.html", raw, MAX_CHARS)
        if isinstance(page, PageProblem):
            raise IncidentError([incident(page.check, location, page.line, "", page.message, page.fix)])
        markup, made_by, raw = raw, page.extractor, page.text
    # Articles are annotated apart (shards, workers): a proposed entry's id must not mean one
    # thing in one article and another elsewhere, so it carries a digest of what it proposes.
    draft = preannotate(doc_id, raw, registry, nlp, with_candidates=False, markup=markup, qualify=True)
    ann = draft_document(draft, registry)
    ann["annotation"]["annotators"] = [ANNOTATOR]
    apply_given(ann, given, location, registry)
    proposed = {e.id: e for e in draft.proposed if e.id not in registry}
    kept = {k: given.get(k) for k in ("id", "url", "title")}
    uri = location_uri(location)
    record = assemble(doc_id, raw, sha256, uri, ann, uri, {**registry, **proposed}, complete=True, given=kept, markup=markup, extractor=made_by)
    problems = [incident("schema", location, None, path, message, "report it: the pre-annotator made a record its own schema refuses")
                for path, message in validator.errors(record)]
    if problems:
        raise IncidentError(problems)
    return record, list(proposed.values())

