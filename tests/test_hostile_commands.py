"""Cases an adversarial review of the commands found; each was a failed promise once."""

from __future__ import annotations

import shutil

from taq_news.cli import main

from .conftest import ROOT
from .test_safe_output import run, tree


def test_an_empty_registry_is_a_verdict_not_an_internal_error(tmp_path, capsys):
    (tmp_path / "empty.yaml").write_text("[]\n")
    out = tmp_path / "r.jsonl"
    assert main(["--root", str(ROOT), "export", "--format", "jsonl", "--out", str(out)]) == 0
    capsys.readouterr()
    code, text = run(capsys, "validate", "--registry", str(tmp_path / "empty.yaml"), str(out))
    assert code == 1 and "entity-unknown" in text


def test_a_registry_value_with_a_line_break_is_refused(repo_copy, capsys):
    reg = repo_copy.registry
    reg.write_text(reg.read_text("utf-8").replace('name: "215 Maiwand corps"', 'name: "215\\n*** PASSED ***"', 1), "utf-8")
    before = tree(repo_copy.dataset)
    for argv in (["validate", str(reg)], ["build"]):
        code, text = run(capsys, "--root", str(repo_copy.root), *argv)
        assert code == 1 and "control-character" in text and "*** PASSED ***" not in text.splitlines()
    assert tree(repo_copy.dataset) == before


def test_preannotate_out_dir_that_is_a_file(tmp_path, capsys):
    (tmp_path / "f.yaml").write_text("x\n")
    code, text = run(capsys, "--root", str(ROOT), "preannotate", str(ROOT / "dataset/raw/000_e764413d3f418c65.txt"), "--out-dir", str(tmp_path / "f.yaml"))
    assert code == 2 and "out-not-folder" in text and (tmp_path / "f.yaml").read_text() == "x\n"


def test_manifest_refuses_a_raw_name_that_is_no_document_id(repo_copy, capsys):
    (repo_copy.raw / "evil_name.txt").write_text("hi\n")
    before = repo_copy.manifest.read_bytes()
    code, text = run(capsys, "--root", str(repo_copy.root), "manifest")
    assert code == 1 and "raw-name-invalid" in text and repo_copy.manifest.read_bytes() == before


def test_rehydrate_of_an_empty_standoff_writes_nothing(tmp_path, capsys):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    code, text = run(capsys, "--root", str(ROOT), "rehydrate", str(tmp_path / "empty.jsonl"), "--raw", str(ROOT / "dataset/raw"), "--out", str(tmp_path / "o.jsonl"))
    assert code == 1 and "file-empty" in text and not (tmp_path / "o.jsonl").exists()


def test_rehydrate_never_writes_over_its_own_input(tmp_path, capsys):
    so = tmp_path / "s.jsonl"
    assert main(["--root", str(ROOT), "export", "--format", "standoff", "--out", str(so)]) == 0
    before = so.read_bytes()
    code, text = run(capsys, "--root", str(ROOT), "rehydrate", str(so), "--raw", str(ROOT / "dataset/raw"), "--out", str(so), "--force")
    assert code == 2 and "argument-invalid" in text and so.read_bytes() == before


def test_manifest_in_a_copy_without_the_schema_link(repo_copy, capsys):
    shutil.rmtree(repo_copy.root / "schema")
    code, text = run(capsys, "--root", str(repo_copy.root), "manifest")
    assert code == 2 and "checkout-missing" in text
