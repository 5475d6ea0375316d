"""The README's "Using the corpus from your tool" snippets run as written, and give what they promise."""

from __future__ import annotations

import os
import re
import shutil

import pyarrow.parquet as pq
import pytest

from taq_news.cli import main
from tests.conftest import ROOT

SECTION = "## Using the corpus from your tool"


def _snippets() -> dict[str, str]:
    """Each python block of the section, keyed by the tool named in bold before it."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index(SECTION):]
    section = section[: section.index("\n## ", len(SECTION))]
    out = {}
    for m in re.finditer(r"\*\*([^*]+)\*\*.*?```python\n(.*?)```", section, re.S):
        out[m.group(1).split("`")[-2] if "`" in m.group(1) else m.group(1)] = m.group(2)
    return out


SNIPPETS = _snippets()


def _run(tool: str, cwd) -> dict:
    namespace: dict = {}
    old = os.getcwd()
    os.chdir(cwd)
    try:
        exec(compile(SNIPPETS[tool], f"README:{tool}", "exec"), namespace)
    finally:
        os.chdir(old)
    return namespace


def test_the_section_has_a_snippet_per_tool():
    assert set(SNIPPETS) == {"datasets", "pandas", "polars", "DuckDB", "spaCy", "Croissant"}


def test_datasets_gives_the_label_names(corpus):
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    ns = _run("datasets", ROOT)
    assert list(ns["labels"]) == list(dict(corpus.schemas.type_tree("ner").fields)["ner_tags"].item.names)


def test_pandas_keeps_the_quotes_with_no_known_outlet():
    ns = _run("pandas", ROOT)
    quotes = pq.read_table(ROOT / "dataset/data/quotes").to_pylist()
    assert ns["by_outlet"].sum() == len(quotes) == 81
    assert any(q["outlet_name"] is None for q in quotes)  # the case the snippet is careful about


def test_polars_unnests_the_quotes_with_their_document(records):
    ns = _run("polars", ROOT)
    quotes = ns["quotes"]
    assert quotes.height == sum(len(r["quotes"]) for r in records.values())
    assert {"doc_id", "id", "content", "speaker_name"} <= set(quotes.columns)


def test_duckdb_double_unnest_gives_every_content_span(records):
    ns = _run("DuckDB", ROOT)
    spans = ns["spans"]
    assert len(spans) == sum(len(q["content"]) for r in records.values() for q in r["quotes"])
    assert list(spans.columns) == ["doc_id", "quote_id", "start", "end", "text"]
    texts = {r["id"]: r["text"] for r in records.values()}
    assert all(texts[d][s:e] == x for d, s, e, x in zip(spans.doc_id, spans.start, spans.end, spans.text, strict=True))


def test_spacy_reads_the_docbin_export(tmp_path, records):
    assert main(["--root", str(ROOT), "export", "--format", "spacy", "--out", str(tmp_path / "taq.spacy")]) == 0
    ns = _run("spaCy", tmp_path)
    assert len(ns["docs"]) == len(records)
    assert sum(len(d.ents) for d in ns["docs"]) == sum(len(r["entities"]) for r in records.values())


def test_croissant_loads_the_documents(records):
    ns = _run("Croissant", ROOT)
    assert len(ns["records"]) == len(records)


@pytest.mark.parametrize("name, loads", [("taq-news", True), ("taq_news", False)])
def test_which_folder_names_datasets_accepts(tmp_path, name, loads):
    """datasets 4 and 5 refuse a folder named like the loading script it holds; any other name works."""
    import datasets

    folder = tmp_path / name
    shutil.copytree(ROOT / "dataset", folder, ignore=shutil.ignore_patterns("raw", "annotations"))
    if loads:
        assert datasets.load_dataset(str(folder), "quotes", split="train", cache_dir=str(tmp_path / "cache")).num_rows == 81
    else:
        with pytest.raises(Exception, match="(?i)script|taq_news"):
            datasets.load_dataset(str(folder), "quotes", split="train", cache_dir=str(tmp_path / "cache"))


def _card_snippets() -> dict[str, str]:
    text = (ROOT / "dataset/README.md").read_text("utf-8")
    section = text[text.index(SECTION):]
    section = section[: section.index("\n## ", len(SECTION))]
    return {m.group(1): m.group(2) for m in re.finditer(r"\*\*([^*]+)\*\*.*?```python\n(.*?)```", section, re.S)}


def test_the_cards_snippets_run_from_the_dataset_folder(records):
    """The card's copy of the snippets, with paths relative to the dataset folder (as on the Hub)."""
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    snippets = _card_snippets()
    assert set(snippets) == {"datasets", "pandas", "polars", "DuckDB", "Croissant"}
    results: dict = {}
    old = os.getcwd()
    os.chdir(ROOT / "dataset")
    try:
        for tool, code in snippets.items():
            namespace: dict = {}
            exec(compile(code, f"card:{tool}", "exec"), namespace)
            results[tool] = namespace
    finally:
        os.chdir(old)
    assert len(results["datasets"]["labels"]) == 37
    assert results["pandas"]["by_outlet"].sum() == 81
    assert results["polars"]["quotes"].height == 81
    assert len(results["DuckDB"]["spans"]) == sum(len(q["content"]) for r in records.values() for q in r["quotes"])
    assert len(results["Croissant"]["records"]) == len(records)


def test_one_name_for_the_document_key_in_every_config(corpus):
    """A document is `id` in documents and doc_id / doc_ids wherever another config refers to it."""
    fields = {c: dict(corpus.schemas.type_tree(c).fields) for c in ("documents", "quotes", "entities", "ner")}
    assert "id" in fields["documents"]
    assert "doc_id" in fields["quotes"] and "doc_id" in fields["ner"] and "doc_ids" in fields["entities"]
    referring = {name for c in ("quotes", "entities", "ner") for name in fields[c] if "document" in name}
    assert referring <= {"document_count"}, referring  # no other spelling of the key
    ids = {r["id"] for r in pq.read_table(ROOT / "dataset/data/documents").to_pylist()}
    assert {r["doc_id"] for r in pq.read_table(ROOT / "dataset/data/ner").to_pylist()} == ids
    assert {d for r in pq.read_table(ROOT / "dataset/data/entities").to_pylist() for d in r["doc_ids"]} <= ids
