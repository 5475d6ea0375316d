"""A record that cannot be read must not make the readable ones fail checks that need every
record: the clusters and relation targets it holds are unknown, so those checks are reported
as not run (corpus-incomplete, a warning) instead of blaming its partners."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from taq_news import validate
from taq_news.core.incidents import IncidentError
from taq_news.core.paths import Layout
from taq_news.corpus.compile import compile_corpus

ROOT = Path(__file__).resolve().parents[2]
GOLD = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
REGISTRY = ROOT / "dataset/entities.yaml"
ABSENCE = {"cluster-singleton", "relation-unresolved"}


def lines() -> list[str]:
    return [json.dumps(r, ensure_ascii=False) + "\n" for r in GOLD]


def checks(path: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    for i in validate([path], registry=REGISTRY):
        out.setdefault(i.check, []).append(i)
    return out


def test_a_byte_order_mark_is_named_and_blames_no_other_record(tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text("\ufeff" + "".join(lines()), "utf-8")
    got = checks(path)
    (bom,) = got["json-syntax"]
    assert bom.line == 1 and "byte-order mark" in bom.message and "without a byte-order mark" in bom.fix
    assert not ABSENCE & set(got)
    (warn,) = got["corpus-incomplete"]
    assert warn.severity == "warning" and f"{path}:1" in warn.message


def test_a_torn_line_turns_the_absence_checks_off_and_a_whole_file_keeps_them(tmp_path):
    torn = lines()
    torn[0] = torn[0][: len(torn[0]) // 2] + "\n"  # a write cut off in the middle of record 1
    path = tmp_path / "records.jsonl"
    path.write_text("".join(torn), "utf-8")
    got = checks(path)
    assert [i.line for i in got["json-syntax"]] == [1] and not ABSENCE & set(got) and "corpus-incomplete" in got
    # The same loss as a well-formed file (record 1 left out) is a real corpus, and its
    # partners' clusters are then singletons: the checks still run when every line is read.
    path.write_text("".join(lines()[1:]), "utf-8")
    got = checks(path)
    assert "cluster-singleton" in got and "corpus-incomplete" not in got


def test_the_build_reports_the_broken_annotation_and_no_follow_on_errors(tmp_path):
    root = tmp_path / "checkout"
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("passes", "__pycache__"))
    target = root / "dataset/annotations/000_e764413d3f418c65.yaml"
    target.write_text(target.read_text("utf-8") + "quotes: [unclosed\n", "utf-8")
    with pytest.raises(IncidentError) as refused:
        compile_corpus(Layout(root))
    found = {i.check for i in refused.value.incidents}
    assert found & {"yaml-syntax", "yaml-duplicate-key"}, found
    assert not ABSENCE & found, found
