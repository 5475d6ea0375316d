"""rehydrate, manifest, preannotate and evaluate --brat on hostile input, through the real CLI:
exit 1 with a registered check id, no traceback, nothing written."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

from taq_news.cli import main
from taq_news.core.checks import CHECKS

ROOT = Path(__file__).resolve().parents[2]


def run(root: Path, *argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *argv])
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text and "internal-error" not in text, text
    return code, text


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("passes", "__pycache__"))
    (tmp_path / "dataset/annotations/passes").mkdir()
    return tmp_path


@pytest.fixture(scope="module")
def standoff(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("standoff") / "standoff.jsonl"
    assert main(["--root", str(ROOT), "export", "--format", "standoff", "--out", str(out)]) == 0
    return out.read_text("utf-8").splitlines()


@pytest.mark.parametrize(("name", "mutate", "check"), [
    ("empty span", lambda r: r["entities"][0].update(end=r["entities"][0]["start"]), "schema"),
    ("span past the text", lambda r: r["entities"][0].update(end=10**6), "span-out-of-range"),
    ("unknown removal reason", lambda r: r["source"]["removed"][1].update(reason="advertising"), "schema"),
    ("path-like id", lambda r: r.update(id="../../evil"), "schema"),
    ("raw file outside --raw", lambda r: r["source"].update(file="../../../etc/passwd.txt"), "raw-name-invalid"),
    ("no source", lambda r: r.pop("source"), "standoff-shape"),
    ("no cue key", lambda r: r["quotes"][0].pop("cue"), "standoff-shape"),
    ("an offset that is a boolean", lambda r: r["entities"][0].update(start=True), "standoff-shape"),
    ("removal past the raw file", lambda r: r["source"]["removed"][0].update(raw_end=10**7), "span-out-of-range"),
    ("a changed clean text", lambda r: r.update(text_sha256="0" * 64), "rehydrate-mismatch"),
    ("not an object", lambda r: r.clear(), "standoff-shape"),
])
def test_rehydrate_validates_what_it_would_write_and_writes_nothing_on_failure(root, standoff, tmp_path, name, mutate, check):
    rec = json.loads(standoff[0])
    mutate(rec)
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join([json.dumps(rec), *standoff[1:]]) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    code, text = run(root, "rehydrate", str(path), "--raw", str(ROOT / "dataset/raw"), "--out", str(out))
    assert code == 1 and f" {check} " in text and f"{path}:1: " in text and "*** FAILED ***" in text, text
    assert not out.exists()


def test_manifest_adds_new_files_but_keeps_listed_hashes_locked(root):
    raw, manifest = root / "dataset/raw", root / "dataset/raw/SHA256SUMS"
    committed = manifest.read_bytes()
    assert run(root, "manifest")[0] == 0 and manifest.read_bytes() == committed
    victim = raw / "003_1aa4f263d7f3497b.txt"
    victim.write_bytes(victim.read_bytes().replace(b"Washington", b"Washingtom", 1))
    (raw / "004_f31936eab82d1273.txt").unlink()
    (raw / "009_0000000000000000.txt").write_text("A new article.\n", "utf-8")
    code, text = run(root, "manifest")
    assert code == 1 and "L5 raw-hash-mismatch" in text and "L5 raw-missing" in text and "--rehash" in text, text
    assert manifest.read_bytes() == committed  # refused as a whole: not even the new file is added
    code, text = run(root, "manifest", "--rehash", "003_1aa4f263d7f3497b.txt")
    assert code == 1 and "raw-missing" in text and "raw-hash-mismatch" not in text
    code, text = run(root, "manifest", "--rehash", str(victim), "--rehash", "004_f31936eab82d1273.txt")
    assert code == 0, text
    listed = dict(reversed(line.split("  ")) for line in manifest.read_text("utf-8").splitlines())
    assert "009_0000000000000000.txt" in listed and "004_f31936eab82d1273.txt" not in listed
    assert listed["003_1aa4f263d7f3497b.txt"] != dict(reversed(line.split("  ")) for line in committed.decode().splitlines())["003_1aa4f263d7f3497b.txt"]
    assert run(root, "manifest", "--rehash", "nothing-like-it.txt")[0] == 2


def test_preannotate_refuses_one_id_from_two_folders_a_folder_and_a_nul(root, tmp_path):
    name = "005_0000000000000000.txt"
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_text("Kabul (ANI): The Taliban said on Monday that talks would resume.\n", "utf-8")
    (tmp_path / "006_0000000000000000.txt").mkdir()
    (tmp_path / "007_0000000000000000.txt").write_bytes(b"Kabul \x00 (ANI): The Taliban said so.\n")
    before = (root / "dataset/entities.yaml").read_bytes()
    code, text = run(root, "preannotate", str(tmp_path / "a" / name), str(tmp_path / "b" / name), str(tmp_path / "006_0000000000000000.txt"),
                     str(tmp_path / "007_0000000000000000.txt"), "--out-dir", str(tmp_path / "drafts"))
    assert code == 1, text
    for check in ("id-duplicate", "file-unreadable", "control-character"):
        assert f" {CHECKS[check].level} {check} " in text, text
    assert not (tmp_path / "drafts").exists() and (root / "dataset/entities.yaml").read_bytes() == before


def test_preannotate_refuses_a_text_over_spacys_max_length(root, tmp_path):
    raw = tmp_path / "005_0000000000000000.txt"
    raw.write_text("The Taliban said on Monday that the talks would resume. " * 20000, "utf-8")
    code, text = run(root, "preannotate", str(raw), "--out-dir", str(tmp_path / "drafts"))
    assert code == 1 and "text-too-long" in text and not (tmp_path / "drafts").exists()


def test_evaluate_brat_pairs_by_folder_and_reports_malformed_lines(root, tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "gold/doc.ann").write_text("T1\tSource 0 11\tThe Taliban\n", "utf-8")
    (tmp_path / "other/doc.txt").write_text("The Taliban said the talks would resume.\n", "utf-8")
    (tmp_path / "gold/bad.txt").write_text("The Taliban said the talks would resume.\n", "utf-8")
    (tmp_path / "gold/bad.ann").write_text("T1\tSource 0 11\tThe Taliban\nT2 Cue 12 16 said\nT3\tCue x y\tsaid\n", "utf-8")
    code, text = run(root, "evaluate", "--brat", str(tmp_path))
    assert code == 1 and "brat-unpaired" in text and "other/doc.txt" in text, text
    assert f"{tmp_path / 'gold/bad.ann'}:2: L1 brat-syntax" in text and f"{tmp_path / 'gold/bad.ann'}:3: L1 brat-syntax" in text
