"""One article -> one record: ids, and what the input's metadata becomes."""

from __future__ import annotations

import hashlib

import pytest

from taq_news.annotations.registry import load_registry
from taq_news.collection.article import annotate_article, document_id
from taq_news.core.paths import packaged_schema_dir
from taq_news.core.schema import load_schemas
from taq_news.preannotate.pipeline import make_nlp
from taq_news.validation.record_checks import SchemaValidator
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def tools():
    registry = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
    return registry, make_nlp(registry), SchemaValidator(load_schemas(str(packaged_schema_dir())))


def record(tools, raw: str, given: dict, location: str = "feed.jsonl:1") -> dict:
    registry, nlp, validator = tools
    sha = hashlib.sha256(raw.encode()).hexdigest()
    rec, _ = annotate_article(document_id(location, sha), raw, sha, location, given, registry, nlp, validator)
    return rec


def test_ids_are_stable_distinct_and_match_the_schema():
    a = document_id("feed.jsonl#1", "ab" * 32)
    assert a == document_id("feed.jsonl#1", "ab" * 32)
    assert a != document_id("feed.jsonl#2", "ab" * 32) and a != document_id("feed.jsonl#1", "cd" * 32)
    import re

    pattern = load_schemas(str(packaged_schema_dir())).by_file["document.schema.json"]["properties"]["id"]["pattern"]
    assert re.fullmatch(pattern, a) and re.fullmatch(pattern, "000_e764413d3f418c65")


@pytest.mark.parametrize(("given", "date", "basis"), [
    ("2021-05-06", "2021-05-06", "external"),
    ("2021-05-06T07:43:00Z", "2021-05-06", "external"),
    ("2021-05", "2021-05", "external"),
    ("2021", "2021", "external"),
    ("6 May 2021", None, "unknown"),
])
def test_an_input_date_is_external_with_a_note_or_unknown_when_it_is_not_a_date(tools, given, date, basis):
    rec = record(tools, "Officials in Kabul said the talks would resume soon, the ministry added.\n", {"published": given})
    pub = rec["published"]
    assert (pub["date"], pub["basis"], pub["evidence"]) == (date, basis, None)
    assert "'published' field (feed.jsonl:1)" in pub["note"]
    if given != date and basis == "external":
        assert repr(given) in pub["note"]


def test_the_text_s_own_date_and_outlet_win_over_the_input_s(tools):
    raw = (ROOT / "dataset/raw/002_761bafcaa80bbbf4.txt").read_text("utf-8")  # "ANI | Updated: May 06, 2021 ..."
    rec = record(tools, raw, {"published": "1999-01-01", "outlet": "Some Feed", "url": "https://x.example/a", "id": "a1", "title": "T"})
    assert rec["published"]["basis"] == "stated" and rec["published"]["date"] == "2021-05-06" and rec["published"]["evidence"]
    assert rec["source"]["given"] == {"id": "a1", "url": "https://x.example/a", "title": "T"}


def test_an_input_outlet_in_the_registry_is_linked(tools):
    registry = tools[0]
    outlet = next(e for e in sorted(registry.values(), key=lambda e: e.id) if e.kind == "outlet")
    rec = record(tools, "Officials in Kabul said the talks would resume soon, the ministry added.\n", {"outlet": outlet.name})
    assert rec["outlet"]["basis"] == "external" and rec["outlet"]["name"] == outlet.name and rec["outlet"]["entity_id"] == outlet.id


def annotated(tools, raw: str, html: bool = False, location: str = "page.html") -> tuple[dict, list]:
    registry, nlp, validator = tools
    sha = hashlib.sha256(raw.encode()).hexdigest()
    return annotate_article(document_id(location, sha), raw, sha, location, {}, registry, nlp, validator, html)


def test_an_outlet_the_page_states_is_kept_as_a_proposed_entry_when_the_registry_lacks_it(tools):
    # The page's own tags say who published it; nobody will curate a crawl's records, so the name
    # stays, stated with its evidence in the markup, linked to a proposed registry entry.
    markup = (ROOT / "tests/fixtures/html/cms-opengraph.html").read_text("utf-8")
    rec, proposed = annotated(tools, markup, html=True)
    outlet = rec["outlet"]
    assert (outlet["name"], outlet["basis"]) == ("The Kestrel Gazette", "stated")
    assert outlet["entity_id"].startswith("the-kestrel-gazette-")  # qualified: shards cannot share proposals
    span = outlet["evidence_span"]
    assert span["layer"] == "markup" and markup[span["start"]:span["end"]] == outlet["evidence"] and "The Kestrel Gazette" in outlet["evidence"]
    (entry,) = [e for e in proposed if e.id == outlet["entity_id"]]
    assert (entry.kind, entry.label, entry.name) == ("outlet", "ORG", "The Kestrel Gazette") and "proposed" in entry.description
    # The body's "seen by the Kestrel Gazette" is no second entry of the same id.
    assert len({e.id for e in proposed}) == len(proposed)


def test_a_site_name_too_long_for_an_outlet_is_not_proposed(tools):
    body = "<article><p>A Taliban spokesman on Monday rejected the report, calling it \u201cbaseless.\u201d</p></article>"
    markup = f"<html><head><meta property='og:site_name' content='{'Very Long Name ' * 400}'></head><body>{body}</body></html>"
    rec, proposed = annotated(tools, markup, html=True)
    assert rec["outlet"]["basis"] == "unknown" and not [e for e in proposed if e.kind == "outlet"]
    assert len(rec["outlet"]["note"]) < 300  # the note names the value, shortened


def test_an_outlet_name_whose_id_the_registry_holds_for_another_entry_stays_unknown(tools):
    # The copyright line names "Kabul", a place in the registry: it is not made an outlet under
    # the place's id; the value stays unknown and the note says what to settle.
    registry = tools[0]
    assert registry["kabul"].kind == "place"
    raw = "Officials in Kabul said the talks would resume soon, the ministry added.\n\n\u00a9 2022 Kabul\n"
    rec, proposed = annotated(tools, raw, location="feed.jsonl:1")
    assert (rec["outlet"]["name"], rec["outlet"]["entity_id"], rec["outlet"]["basis"]) == (None, None, "unknown")
    assert "Kabul is not an outlet in the registry" in rec["outlet"]["note"]
    assert not [e for e in proposed if e.kind == "outlet"]
