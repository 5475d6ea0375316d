"""Cases an adversarial review of the commands found; each was a failed promise once."""

from __future__ import annotations

import shutil

from taq_news.cli import main
from tests.conftest import ROOT
from tests.publishing.test_safe_output import run, tree


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


def test_preannotate_force_replaces_its_own_drafts_never_a_curated_annotation(repo_copy, tmp_path, capsys):
    raw = repo_copy.raw / "002_761bafcaa80bbbf4.txt"
    curated = repo_copy.annotations / "002_761bafcaa80bbbf4.yaml"
    before = curated.read_bytes()
    code, text = run(capsys, "--root", str(repo_copy.root), "preannotate", str(raw), "--force")
    assert code == 1 and "out-not-ours" in text and curated.read_bytes() == before
    drafts = tmp_path / "drafts"
    reg = tmp_path / "entities.yaml"
    shutil.copy(repo_copy.registry, reg)
    args = ["--root", str(repo_copy.root), "preannotate", str(raw), "--out-dir", str(drafts), "--registry", str(reg)]
    assert run(capsys, *args)[0] == 0
    first = (drafts / "002_761bafcaa80bbbf4.yaml").read_bytes()
    assert b"method: \"machine\"" in first or b"method: machine" in first
    assert run(capsys, *args, "--force")[0] == 0, "its own draft is replaced with --force"


def test_a_fifo_or_device_is_refused_not_waited_on(tmp_path, capsys):
    import os

    fifo = tmp_path / "records.jsonl"
    os.mkfifo(fifo)
    (tmp_path / "a.yaml").symlink_to("/dev/zero")
    code, text = run(capsys, "validate", str(fifo), "/dev/zero", str(tmp_path / "a.yaml"))
    assert code == 2 and text.count("not a regular file") == 3


def test_a_huge_line_is_skipped_unread(tmp_path, capsys, monkeypatch):
    import taq_news.validation.readers as readers

    monkeypatch.setattr(readers, "MAX_RECORD_BYTES", 1 << 16)
    path = tmp_path / "r.jsonl"
    good = (ROOT / "tests/fixtures/invalid/L4/registry-unavailable.jsonl").read_bytes()
    path.write_bytes(good + b'{"id": "' + b"x" * (1 << 20) + b'"}\n' + good)
    code, text = run(capsys, "validate", str(path))
    assert code == 1 and f"{path}:2: L1 record-too-large" in text
    assert ":1:" not in text and ":3: L1" not in text, "the records around it are read as usual"


def test_a_whitespace_note_is_no_reason(tmp_path, capsys):
    import json

    rec = json.loads((ROOT / "tests/fixtures/invalid/L4/registry-unavailable.jsonl").read_text("utf-8"))
    assert rec["outlet"]["basis"] == "unknown"
    rec["outlet"]["note"] = "   "
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    code, text = run(capsys, "validate", "--registry", str(ROOT / "dataset/entities.yaml"), str(path))
    assert code == 1 and "basis-without-note" in text
