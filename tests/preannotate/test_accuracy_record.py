"""The accuracy record collection cards quote: its rows for our gold and the development set are
what `taq-news evaluate` measures now (a rule change that moves them fails here until
`taq-news evaluate --readme` and `--gold tests/dev --readme` re-make the record), and
`--record` writes it safely."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest

from taq_news.annotations.registry import load_registry
from taq_news.cli import main
from taq_news.core.paths import Layout
from taq_news.corpus.compile import compile_corpus
from taq_news.preannotate import accuracy
from taq_news.preannotate.evaluate import evaluate_corpus
from taq_news.preannotate.pipeline import make_nlp
from tests.conftest import ROOT

REGISTRY = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
FIGURES = ("documents", "quotes_gold", "content_exact_f1", "content_overlap_f1", "cue_accuracy", "speaker_accuracy", "speaker_accuracy_direct", "entity_strict_f1")


def _figures(entry: dict) -> dict:
    return {k: entry[k] for k in FIGURES}


def test_the_recorded_gold_and_development_set_figures_are_what_evaluate_measures_now():
    nlp = make_nlp(REGISTRY)
    record = accuracy.read()
    records = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
    gold = accuracy.summary(evaluate_corpus(records, ROOT / "dataset/raw", REGISTRY, nlp), "-", "-")
    assert _figures(record[accuracy.GOLD_LABEL]) == _figures(gold)
    dev = compile_corpus(Layout(ROOT, ROOT / "tests/dev"))
    measured = accuracy.summary(evaluate_corpus(dev.records, ROOT / "tests/dev/raw", REGISTRY, nlp, gold_registry=dev.registry), "-", "-")
    assert _figures(record[accuracy.DEV_LABEL]) == _figures(measured)
    assert record[accuracy.DEV_LABEL]["documents"] == len(dev.records) >= 20


def test_every_recorded_entry_has_its_command_and_the_card_quotes_the_record():
    record = accuracy.read()
    assert {accuracy.GOLD_LABEL, accuracy.DEV_LABEL, "PolNeAR dev"} <= set(record)
    for label, entry in record.items():
        assert entry["command"].startswith("taq-news evaluate"), label
        assert set(FIGURES) <= set(entry), label
    card = accuracy.card_table()  # tests/collection/test_annotate.py checks a collection's card holds this table
    for label in accuracy.CARD_LABELS:
        e = record[label]
        assert f"| {label} | {e['documents']:,} | {e['quotes_gold']:,} | {e['content_exact_f1']:.3f} |" in card


@pytest.fixture
def checkout(repo_copy, monkeypatch):
    """A checkout copy whose accuracy record is its own (the real one is never written by tests)."""
    shutil.copy(ROOT / "README.md", repo_copy.root / "README.md")
    own = repo_copy.root / "src/taq_news/preannotate/accuracy.json"
    own.parent.mkdir(parents=True)
    record = json.loads(accuracy.RECORD.read_text("utf-8"))
    record["copy only"] = {**record[accuracy.GOLD_LABEL], "command": "taq-news evaluate --gold elsewhere"}  # tells the copy from the real record
    own.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", "utf-8")
    monkeypatch.setattr(accuracy, "RECORD", own)
    return repo_copy.root


def test_record_keeps_a_brat_evaluation_under_its_label_and_the_other_entries(checkout, tmp_path, capsys):
    brat = tmp_path / "brat"
    brat.mkdir()
    text = "“We will stay,” the commander said.\n"
    (brat / "a.txt").write_text(text, "utf-8")
    spans = {k: (text.index(k), text.index(k) + len(k)) for k in ("the commander", "said", "“We will stay,”")}
    (brat / "a_x.ann").write_text("".join(f"T{i}\t{label} {spans[k][0]} {spans[k][1]}\t{k}\n" for i, (label, k) in
                                          enumerate((("Source", "the commander"), ("Cue", "said"), ("Content", "“We will stay,”")), 1))
                                  + "E1\tCue:T2 Source:T1 Content:T3\n", "utf-8")
    before = json.loads((checkout / "src/taq_news/preannotate/accuracy.json").read_text("utf-8"))
    assert main(["--root", str(checkout), "evaluate", "--brat", str(brat), "--record", "probe gold"]) == 0
    after = json.loads((checkout / "src/taq_news/preannotate/accuracy.json").read_text("utf-8"))
    assert {k: v for k, v in after.items() if k != "probe gold"} == before
    assert after["probe gold"]["speaker_accuracy"] == 1.0 and after["probe gold"]["command"] == f"taq-news evaluate --brat {brat}"
    # the same evaluation again gives the same bytes
    first = (checkout / "src/taq_news/preannotate/accuracy.json").read_bytes()
    assert main(["--root", str(checkout), "evaluate", "--brat", str(brat), "--record", "probe gold"]) == 0
    assert (checkout / "src/taq_news/preannotate/accuracy.json").read_bytes() == first


@pytest.mark.parametrize("extra", [["--record", "  "], ["--record", "two\nlines"], ["--record", "a | b"], ["--record", "x" * 81], ["--brat", "BRAT", "--readme"]])
def test_a_blank_label_and_readme_with_brat_are_refused_and_nothing_is_written(checkout, tmp_path, extra, capsys):
    (tmp_path / "BRAT").mkdir()
    extra = [str(tmp_path / "BRAT") if x == "BRAT" else x for x in extra]
    before = {p: p.read_bytes() for p in (checkout / "README.md", checkout / "src/taq_news/preannotate/accuracy.json")}
    assert main(["--root", str(checkout), "evaluate", *extra]) == 2
    assert "argument-invalid" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in before} == before


def test_record_refuses_a_package_installed_outside_the_checkout(repo_copy, capsys):
    # the real record lives in this repository, not in the copy: writing it from the copy is refused
    assert main(["--root", str(repo_copy.root), "evaluate", "--record", "x"]) == 2
    assert "installed elsewhere" in capsys.readouterr().err


def test_a_record_that_is_no_longer_json_is_refused_before_anything_is_written(checkout, capsys):
    record = checkout / "src/taq_news/preannotate/accuracy.json"
    record.write_text('{"TAQ-News gold": {', "utf-8")
    readme = (checkout / "README.md").read_bytes()
    assert main(["--root", str(checkout), "evaluate", "--readme"]) == 2
    err = capsys.readouterr().err
    assert "file-unreadable" in err and "accuracy.json" in err
    assert record.read_text("utf-8") == '{"TAQ-News gold": {' and (checkout / "README.md").read_bytes() == readme
