"""HTML pages end to end: preannotate, build, validate, standoff and rehydrate, and annotate,
on pages written for these tests (tests/fixtures/html) in a throwaway copy of the project."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys

import pyarrow.parquet as pq
import pytest

from taq_news.cli import main
from taq_news.sources import html as html_source
from tests.conftest import ROOT

PAGES = sorted((ROOT / "tests/fixtures/html").glob("*.html"))
OUTLET = """- id: meridian-wire-service
  name: Meridian Wire Service
  label: ORG
  kind: outlet
  aliases: []
  wikidata: null
  wikidata_check: null
  description: "fictional wire service of the HTML test pages"
"""


def _doc_id(n: int, data: bytes) -> str:
    return f"0a{n}_{hashlib.sha256(data).hexdigest()[:16]}"


@pytest.fixture
def html_root(repo_copy):
    """The project copy with the three test pages added as raw files, manifest updated, and drafted."""
    root = repo_copy.root
    for name in ("README.md", "CITATION.cff", "pyproject.toml"):
        shutil.copy(ROOT / name, root / name)
    registry = root / "dataset/entities.yaml"
    registry.write_text(registry.read_text("utf-8").rstrip("\n") + "\n" + OUTLET, "utf-8")
    raws = []
    for n, page in enumerate(PAGES):
        data = page.read_bytes()
        target = root / "dataset/raw" / f"{_doc_id(n, data)}.html"
        target.write_bytes(data)
        raws.append(str(target))
    assert main(["--root", str(root), "manifest"]) == 0
    assert main(["--root", str(root), "preannotate", *raws]) == 0
    return root


def _records(root) -> dict[str, dict]:
    rows = pq.read_table(root / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
    return {r["id"]: r for r in rows if r["source"]["file"].endswith(".html")}


def test_html_pages_build_and_validate_with_their_extractor_and_markup_evidence(html_root, capsys):
    assert main(["--root", str(html_root), "build"]) == 0
    assert main(["--root", str(html_root), "validate", str(html_root / "dataset")]) == 0
    records = _records(html_root)
    assert len(records) == len(PAGES)
    for rec in records.values():
        markup = (html_root / rec["source"]["file"]).read_text("utf-8")
        assert rec["source"]["extractor"] == html_source.extractor()
        assert rec["source"]["sha256"] == hashlib.sha256((html_root / rec["source"]["file"]).read_bytes()).hexdigest()
        assert "<" not in rec["text"]  # the page text, not the markup
        pub = rec["published"]
        assert pub["basis"] == "stated" and pub["evidence_span"]["layer"] == "markup"
        assert markup[pub["evidence_span"]["start"] : pub["evidence_span"]["end"]] == pub["evidence"]
        assert pub["date"][:4] in ("2020", "2022", "2023")
        # what the tags state is recorded, each tag at its offsets in the markup
        assert rec["source"]["tags"] == html_source.tag_rows(markup) != []
        assert all(markup[t["start"] : t["end"]] == t["evidence"] for t in rec["source"]["tags"])
    wire = next(r for r in records.values() if "Meridian" in r["text"])
    assert wire["outlet"]["name"] == "Meridian Wire Service" and wire["outlet"]["basis"] == "stated"
    assert wire["outlet"]["evidence"] == '"name": "Meridian Wire Service"' and wire["outlet"]["evidence_span"]["layer"] == "markup"
    assert wire["published"]["date"] == "2020-02-11"
    # The curated records keep page-layer evidence.
    rows = pq.read_table(html_root / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
    assert all(r["outlet"]["evidence_span"] is None or r["outlet"]["evidence_span"]["layer"] == "page" for r in rows if r["source"]["extractor"] is None)


def test_a_wrong_markup_offset_and_another_extractor_version_are_found(html_root, capsys, tmp_path, monkeypatch):
    assert main(["--root", str(html_root), "build"]) == 0
    src = html_root / "dataset/data/documents/train-00000-of-00001.parquet"
    rows = pq.read_table(src).to_pylist()
    out = tmp_path / "records.jsonl"
    for r in rows:
        if r["source"]["extractor"] is not None:
            r["published"]["evidence_span"]["start"] += 1
            r["published"]["evidence_span"]["end"] += 1
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    capsys.readouterr()
    assert main(["--root", str(html_root), "validate", str(out)]) == 1
    assert "raw-offset-mismatch" in capsys.readouterr().out

    rows = pq.read_table(src).to_pylist()
    for r in rows:
        if r["source"]["extractor"] is not None:
            r["source"]["tags"][0]["start"] += 1
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert main(["--root", str(html_root), "validate", str(out)]) == 1
    assert "source.tags[0]" in capsys.readouterr().out

    rows = pq.read_table(src).to_pylist()
    for r in rows:
        if r["source"]["extractor"] is not None:
            r["source"]["extractor"]["version"] = "0.1"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert main(["--root", str(html_root), "validate", str(out)]) == 0  # a warning: the markup was still checked
    assert "extractor-differs" in capsys.readouterr().out
    assert main(["--root", str(html_root), "validate", "--strict", str(out)]) == 1


def test_html_records_rehydrate_from_the_pages_byte_for_byte(html_root, tmp_path, capsys):
    assert main(["--root", str(html_root), "build"]) == 0
    standoff, full, back = tmp_path / "so.jsonl", tmp_path / "full.jsonl", tmp_path / "back.jsonl"
    assert main(["--root", str(html_root), "export", "--format", "standoff", "--out", str(standoff)]) == 0
    assert main(["--root", str(html_root), "export", "--format", "jsonl", "--out", str(full)]) == 0
    assert "<meta" not in standoff.read_text("utf-8")  # markup evidence is page text too: not in the release
    assert main(["--root", str(html_root), "rehydrate", str(standoff), "--raw", str(html_root / "dataset/raw"), "--out", str(back)]) == 0
    assert back.read_bytes() == full.read_bytes()


def test_annotate_reads_html_files_and_jsonl_html_and_the_folder_validates(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in PAGES:
        shutil.copy(page, pages / page.name)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "w1", "html": PAGES[-1].read_text("utf-8").replace("Qatari", "Gulf")}) + "\n"
                    + json.dumps({"id": "both", "html": "<p>x</p>", "text": "x"}) + "\n", "utf-8")
    out = tmp_path / "out"
    assert main(["annotate", str(pages), str(feed), "--out", str(out)]) == 0
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text("utf-8").splitlines()]
    assert [r["check"] for r in rejects] == ["value-not-text"] and "both 'text' and 'html'" in rejects[0]["reason"]
    rows = pq.read_table(out / "data/documents").to_pylist()
    assert len(rows) == len(PAGES) + 1
    assert all(r["source"]["extractor"] == html_source.extractor() and r["published"]["evidence_span"]["layer"] == "markup" for r in rows)
    manifest = json.loads((out / "_manifest.json").read_text("utf-8"))
    assert manifest["versions"]["trafilatura"] == html_source.extractor()["version"]
    assert main(["validate", str(out)]) == 0


def test_without_trafilatura_an_html_page_is_a_clear_error(repo_copy, capsys, monkeypatch):
    drafts = repo_copy.root / "drafts"
    drafts.mkdir()
    page = repo_copy.root / "dataset/raw" / f"{_doc_id(0, PAGES[0].read_bytes())}.html"
    shutil.copy(PAGES[0], page)
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    html_source._trafilatura.cache_clear()
    try:
        assert main(["--root", str(repo_copy.root), "preannotate", "--out-dir", str(drafts), str(page)]) == 1
    finally:
        html_source._trafilatura.cache_clear()
    out = capsys.readouterr()
    assert "extractor-missing" in out.out + out.err
    assert not list(drafts.iterdir())
