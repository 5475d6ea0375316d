"""Standoff release: no article text leaves, and a holder of the raw articles gets the same records back."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq

from taq_news.cli import main
from tests.conftest import ROOT

PUBLISHED = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
ARTICLE_KEYS = {"text", "title", "dateline", "byline", "highlights", "evidence"}


def export(tmp_path, fmt="standoff"):
    out = tmp_path / f"{fmt}.jsonl"
    assert main(["--root", str(ROOT), "export", "--format", fmt, "--out", str(out)]) == 0
    return out


def keys(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k
            yield from keys(v)
    elif isinstance(node, list):
        for v in node:
            yield from keys(v)


def test_standoff_holds_no_article_text(tmp_path):
    path = export(tmp_path)
    body = path.read_text("utf-8")
    rows = [json.loads(line) for line in body.splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in PUBLISHED]
    for row, rec in zip(rows, PUBLISHED, strict=True):
        assert not ARTICLE_KEYS & set(keys(row)), "an article-text field survived"
        assert len(row["text_sha256"]) == 64 and row["source"]["sha256"] == rec["source"]["sha256"]
        # No paragraph of the article appears anywhere in the release.
        for para in rec["text"].split("\n\n"):
            if len(para) > 40:
                assert para not in body
    # Offsets, labels and links are all still there.
    assert sum(len(r["entities"]) for r in rows) == sum(len(r["entities"]) for r in PUBLISHED)
    assert sum(len(r["quotes"]) for r in rows) == sum(len(r["quotes"]) for r in PUBLISHED)


def test_export_is_deterministic(tmp_path):
    a = export(tmp_path).read_bytes()
    b = export(tmp_path / "again").read_bytes()
    assert a == b


def test_standoff_then_rehydrate_gives_the_published_records(tmp_path):
    standoff = export(tmp_path)
    out = tmp_path / "records.jsonl"
    assert main(["--root", str(ROOT), "rehydrate", str(standoff), "--raw", str(ROOT / "dataset/raw"), "--out", str(out)]) == 0
    assert [json.loads(line) for line in out.read_text("utf-8").splitlines()] == PUBLISHED
    # and the JSONL export of the published records is byte-identical to the rehydrated file
    assert export(tmp_path, "jsonl").read_bytes() == out.read_bytes()


def test_a_changed_raw_file_is_refused_and_nothing_is_written(tmp_path, capsys):
    standoff = export(tmp_path)
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "dataset/raw", raw)
    victim = raw / "002_761bafcaa80bbbf4.txt"
    victim.write_bytes(victim.read_bytes().replace(b"Kabul", b"Kabol", 1))
    out = tmp_path / "records.jsonl"
    assert main(["--root", str(ROOT), "rehydrate", str(standoff), "--raw", str(raw), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "002_761bafcaa80bbbf4" in printed and "SHA-256" in printed and "hash-mismatch" in printed
    assert ":3:" in printed  # the standoff line of that record
    assert not out.exists()


def test_a_missing_raw_file_is_named(tmp_path, capsys):
    standoff = export(tmp_path)
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "dataset/raw", raw)
    (raw / "004_f31936eab82d1273.txt").unlink()
    assert main(["--root", str(ROOT), "rehydrate", str(standoff), "--raw", str(raw), "--out", str(tmp_path / "r.jsonl")]) == 1
    printed = capsys.readouterr().out
    assert "L5 raw-missing" in printed and "no 004_f31936eab82d1273.txt" in printed


def test_a_standoff_line_that_is_no_text_or_nests_without_end_is_named_and_nothing_is_written(tmp_path, capsys):
    standoff = export(tmp_path)
    lines = standoff.read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    first["entities"][0]["origin"] = "cur\ud800ated"  # json.dumps writes the escape "\ud800", as a broken exporter would
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([json.dumps(first), lines[1], "[" * 10_000 + "]" * 10_000, *lines[2:]]) + "\n", "utf-8")
    out = tmp_path / "records.jsonl"
    assert main(["--root", str(ROOT), "rehydrate", str(broken), "--raw", str(ROOT / "dataset/raw"), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "broken.jsonl:1: L1 unicode-invalid entities[0].origin" in printed, printed
    assert "broken.jsonl:3: L1 nesting-too-deep" in printed and "internal-error" not in printed, printed
    assert not out.exists()
