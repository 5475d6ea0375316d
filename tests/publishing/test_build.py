"""The build: validated before writing, deterministic, atomic, and the committed files are current."""

import hashlib
import json

import pyarrow.parquet as pq
import pytest

from taq_news.cli import main
from taq_news.core.schema import arrow_schema, published_schema
from taq_news.core.spans import iter_spans
from taq_news.publishing.build import build, stale_outputs
from taq_news.validation.record_checks import SchemaValidator, span_incidents


def test_committed_dataset_equals_a_fresh_build(outputs, layout):
    stale = stale_outputs(outputs)
    assert not stale, f"stale: {[layout.rel(p) for p in stale]} (run 'make dataset' and commit)"


def test_two_builds_are_byte_identical(repo_copy):
    def digests():
        return {p.relative_to(repo_copy.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(repo_copy.dataset.rglob("*")) if p.is_file()}

    build(repo_copy)
    first = digests()
    build(repo_copy)
    assert digests() == first
    assert not [p for p in repo_copy.dataset.iterdir() if p.name.startswith(".build-staging")]


def test_five_documents_with_annotations(records):
    assert len(records) == 5
    for rec in records.values():
        assert len(rec["entities"]) >= 5, rec["id"]
        assert len(rec["quotes"]) >= 1, rec["id"]


def test_every_span_gives_its_text(records):
    for rec in records.values():
        assert span_incidents(rec, rec["id"]) == []
        for path, s in iter_spans(rec):
            assert rec["text"][s["start"] : s["end"]] == s["text"], (rec["id"], path)


@pytest.mark.parametrize("engine", ["rs", "python"])
def test_records_pass_the_json_schema_with_formats(corpus, engine):
    validator = SchemaValidator(corpus.schemas, engine)
    assert validator.engine == engine
    for rec in corpus.records:
        assert validator.errors(rec) == [], rec["id"]
    bad = json.loads(json.dumps(corpus.records[0]))
    bad["published"]["date"] = "2021-02-30"  # matches the pattern, fails format: date
    bad["stray"] = 1
    paths = [p for p, _ in validator.errors(bad)]
    assert "published.date" in paths and "$" in paths


def test_parquet_schema_derives_from_the_json_schema(corpus, layout):
    """The JSON Schema's types, every field nullable (published_schema), and the Features in the metadata."""
    for config in ("documents", "quotes", "entities", "ner"):
        got, want = pq.read_schema(layout.parquet(config)), published_schema(corpus.schemas, config)
        assert got.remove_metadata() == want.remove_metadata(), config
        assert got.metadata == want.metadata, config
        assert got.names == arrow_schema(corpus.schemas, config).names, config


def test_documents_parquet_round_trips_the_records(corpus, layout):
    rows = pq.read_table(layout.parquet("documents")).to_pylist()
    assert rows == corpus.records


def test_quotes_table_has_the_flat_columns(layout):
    table = pq.read_table(layout.parquet("quotes"))
    for col in ("doc_id", "quote_id", "type", "content_text", "speaker_text", "speaker_name", "speaker_entity_id", "cue_text", "outlet_name", "published_date"):
        assert col in table.column_names
    assert table.num_rows == sum(len(r["quotes"]) for r in pq.read_table(layout.parquet("documents")).to_pylist())


def test_entities_table_counts_mentions(corpus, layout):
    rows = {r["entity_id"]: r for r in pq.read_table(layout.parquet("entities")).to_pylist()}
    assert set(rows) == set(corpus.registry)
    counted = sum(r["mention_count"] for r in rows.values())
    assert counted == sum(1 for rec in corpus.records for m in rec["entities"] if m["entity_id"])


def test_failed_build_is_atomic_and_reports_file_and_line(repo_copy, capsys):
    ann = repo_copy.annotations / "002_761bafcaa80bbbf4.yaml"
    text = ann.read_text("utf-8")
    ann.write_text(text.replace("dateline: \"Kabul [Afghanistan], May 6 (ANI):\"", "dateline: \"Kabul [Afghanistan], May 7 (ANI):\""), "utf-8")
    before = {p: p.read_bytes() for p in repo_copy.dataset.rglob("*") if p.is_file()}
    assert main(["--root", str(repo_copy.root), "build"]) == 1
    out = capsys.readouterr().out
    line = next(n for n, src in enumerate(text.splitlines(), 1) if src.startswith("  dateline:"))
    assert f"dataset/annotations/002_761bafcaa80bbbf4.yaml:{line}: L3 anchor-not-found source.dateline" in out
    assert "Traceback" not in out and "*** FAILED ***" in out
    after = {p: p.read_bytes() for p in repo_copy.dataset.rglob("*") if p.is_file()}
    assert after == {**before, ann: after[ann]}


def test_ambiguous_anchor_is_an_error_with_its_count(repo_copy, capsys):
    ann = repo_copy.annotations / "002_761bafcaa80bbbf4.yaml"
    text = ann.read_text("utf-8").replace("{exact: Representative Image, occurrence: 1, reason: photo-caption}", "{exact: Representative Image, reason: photo-caption}")
    ann.write_text(text, "utf-8")
    assert main(["--root", str(repo_copy.root), "build"]) == 1
    out = capsys.readouterr().out
    assert "anchor-ambiguous" in out and "occurs 2 times" in out and "002_761bafcaa80bbbf4.yaml:" in out


def test_yaml_syntax_and_duplicate_keys_are_reported_with_lines(repo_copy, capsys):
    ann = repo_copy.annotations / "003_1aa4f263d7f3497b.yaml"
    ann.write_text(ann.read_text("utf-8").replace("guidelines: \"1.0\"", "guidelines: \"1.0\"\nguidelines: \"1.1\""), "utf-8")
    assert main(["--root", str(repo_copy.root), "build"]) == 1
    out = capsys.readouterr().out
    assert "003_1aa4f263d7f3497b.yaml:3: L1 duplicate-key" in out
