"""No command destroys, writes outside its target, or leaves torn output (taq_news.output).

Every L0 check has a case here; each runs the real command line on the real
checkout (or a copy of it) and compares whole trees before and after.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taq_news.cli import main
from taq_news.core.checks import CHECKS
from taq_news.core.incidents import Incident
from taq_news.publishing import output
from taq_news.validation.report import render
from tests.conftest import ROOT

DOCS = ROOT / "dataset/data/documents/train-00000-of-00001.parquet"


def tree(folder: Path) -> dict[str, str]:
    """Every entry under a folder: files by hash, links by target, folders by name."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "/"
    return out


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    cap = capsys.readouterr()
    text = cap.out + cap.err
    assert "Traceback" not in text
    return code, text


@pytest.fixture
def precious(tmp_path) -> Path:
    """A folder somebody cares about."""
    p = tmp_path / "precious"
    (p / "sub").mkdir(parents=True)
    (p / "notes.txt").write_text("do not lose me\n")
    (p / "sub" / "thesis.tex").write_text("\\section{Results}\n")
    return p


# --- one case per L0 check ---------------------------------------------------

COMMANDS = [
    ["render", "--out"],
    ["export", "--format", "brat", "--out"],
]


@pytest.mark.parametrize("cmd", COMMANDS, ids=["render", "brat"])
def test_out_not_ours_a_folder_with_other_files_is_refused_and_kept(cmd, precious, capsys):
    before = tree(precious)
    code, text = run(capsys, "--root", str(ROOT), *cmd, str(precious))
    assert code == 2 and "L0 out-not-ours" in text
    assert tree(precious) == before


@pytest.mark.parametrize("cmd", COMMANDS, ids=["render", "brat"])
def test_force_replaces_only_the_commands_own_files(cmd, precious, capsys):
    before = tree(precious)
    code, _ = run(capsys, "--root", str(ROOT), *cmd, str(precious), "--force")
    assert code == 0
    after = tree(precious)
    assert {k: v for k, v in after.items() if k in before} == before, "the other files are untouched"
    assert output.MARKER in after and any(k.endswith((".html", ".ann")) for k in after)


@pytest.mark.parametrize("cmd", COMMANDS, ids=["render", "brat"])
def test_force_never_replaces_a_file_of_the_same_name_that_we_did_not_write(cmd, precious, capsys):
    for name in ("index.html", "annotation.conf"):
        (precious / name).write_text("mine\n")
    before = tree(precious)
    code, text = run(capsys, "--root", str(ROOT), *cmd, str(precious), "--force")
    assert code == 2 and "out-not-ours" in text
    assert tree(precious) == before


def test_force_into_the_raw_folder_keeps_the_raw_articles(tmp_path, capsys):
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part)
    before = tree(tmp_path)
    code, text = run(capsys, "--root", str(tmp_path), "export", "--format", "brat", "--out", str(tmp_path / "dataset/raw"), "--force")
    assert code == 2 and "out-not-ours" in text
    assert tree(tmp_path) == before


def test_a_changed_file_in_our_output_is_no_longer_ours(tmp_path, capsys):
    site = tmp_path / "site"
    assert run(capsys, "--root", str(ROOT), "render", "--out", str(site))[0] == 0
    (site / "index.html").write_text("edited by hand\n")
    code, text = run(capsys, "--root", str(ROOT), "render", "--out", str(site), "--force")
    assert code == 2 and "out-not-ours" in text and (site / "index.html").read_text() == "edited by hand\n"


def test_out_not_ours_the_checkout_and_its_dataset_are_refused(tmp_path, capsys):
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part)
    before = tree(tmp_path)
    for target in (tmp_path / "dataset", tmp_path, tmp_path / "dataset" / "raw"):
        for cmd in COMMANDS:
            code, text = run(capsys, "--root", str(tmp_path), *cmd, str(target))
            assert code == 2 and "out-not-ours" in text
    assert tree(tmp_path) == before


def test_out_not_ours_the_current_folder(tmp_path, capsys, monkeypatch):
    shutil.copytree(ROOT / "dataset" / "annotations", tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    before = tree(tmp_path)
    code, text = run(capsys, "--root", str(ROOT), "render", "--out", ".")
    assert code == 2 and "out-not-ours" in text
    assert tree(tmp_path) == before


@pytest.mark.parametrize("argv", [["render", "--out"], ["export", "--format", "brat", "--out"], ["export", "--format", "jsonl", "--out"]])
def test_out_symlink_is_never_followed(argv, precious, tmp_path, capsys):
    link = tmp_path / "link"
    link.symlink_to(precious if "jsonl" not in argv else precious / "notes.txt")
    before = tree(tmp_path)
    code, text = run(capsys, "--root", str(ROOT), *argv, str(link), "--force")
    assert code == 2 and "out-symlink" in text
    assert tree(tmp_path) == before


def test_out_not_folder_a_file_or_a_path_under_a_file(precious, capsys):
    before = tree(precious)
    for target in (precious / "notes.txt", precious / "notes.txt" / "site"):
        code, text = run(capsys, "--root", str(ROOT), "render", "--out", str(target))
        assert code == 2 and "out-not-folder" in text
    code, text = run(capsys, "--root", str(ROOT), "export", "--format", "jsonl", "--out", str(precious / "notes.txt" / "x.jsonl"))
    assert code == 2 and "out-not-folder" in text
    assert tree(precious) == before


def test_out_not_file_a_folder_given_to_a_file_command(precious, capsys):
    before = tree(precious)
    code, text = run(capsys, "--root", str(ROOT), "export", "--format", "conll", "--out", str(precious / "sub"), "--force")
    assert code == 2 and "out-not-file" in text
    assert tree(precious) == before


def test_out_invalid_empty_path(capsys):
    for argv in (["render", "--out", ""], ["export", "--format", "jsonl", "--out", " "]):
        code, text = run(capsys, "--root", str(ROOT), *argv)
        assert code == 2 and "out-invalid" in text


def test_out_exists_a_file_we_did_not_write_needs_force(precious, capsys):
    target = precious / "notes.txt"
    code, text = run(capsys, "--root", str(ROOT), "export", "--format", "jsonl", "--out", str(target))
    assert code == 2 and "out-exists" in text and target.read_text() == "do not lose me\n"
    assert run(capsys, "--root", str(ROOT), "export", "--format", "jsonl", "--out", str(target), "--force")[0] == 0
    assert target.read_bytes().startswith(b'{"')


def test_our_own_previous_output_is_replaced_without_force(tmp_path, capsys):
    out = tmp_path / "x.jsonl"
    assert run(capsys, "--root", str(ROOT), "export", "--format", "jsonl", "--out", str(out))[0] == 0
    first = out.read_bytes()
    assert run(capsys, "--root", str(ROOT), "export", "--format", "jsonl", "--out", str(out))[0] == 0
    assert out.read_bytes() == first
    # another command's output is not this command's: conll may not overwrite it silently
    code, text = run(capsys, "--root", str(ROOT), "export", "--format", "conll", "--out", str(out))
    assert code == 2 and "out-exists" in text and out.read_bytes() == first


def test_out_name_unsafe_is_refused_by_the_writer(tmp_path):
    for name in ("../evil.html", "/etc/passwd", "a/b.html", ".hidden", "..", "x\n.html", ""):
        with pytest.raises(output.OutputRefused) as exc:
            output.write_tree(tmp_path / "site", {name: b"x", "ok.html": b"y"}, command="render")
        assert exc.value.check == "out-name-unsafe"
    assert list(tmp_path.iterdir()) == []


def test_out_outside_a_commit_cannot_leave_its_root(tmp_path):
    (tmp_path / "root").mkdir()
    with pytest.raises(output.OutputRefused) as exc:
        output.commit_files(tmp_path / "root", {tmp_path / "elsewhere.txt": b"x"})
    assert exc.value.check == "out-outside" and not (tmp_path / "elsewhere.txt").exists()


def test_internal_error_is_one_line_and_exit_2(monkeypatch, capsys):
    import taq_news.cli.stats as stats_command

    def boom(args):
        raise RuntimeError("something we did not foresee\n*** PASSED ***")

    monkeypatch.setattr(stats_command, "run", boom)
    code, text = run(capsys, "--root", str(ROOT), "stats")
    assert code == 2 and "L0 internal-error" in text and "please report" in text.lower() or "report it" in text
    assert "*** PASSED ***" not in text.splitlines()


def test_io_error_a_write_the_system_refuses(capsys):
    for argv in (["render", "--out", "/proc/taq-news-site"], ["export", "--format", "jsonl", "--out", "/sys/taq-news.jsonl"]):
        code, text = run(capsys, "--root", str(ROOT), *argv)
        assert code == 2 and "L0 io-error" in text


def test_citation_invalid_is_named_with_its_line_and_the_build_writes_nothing(repo_copy, capsys):
    good = (ROOT / "CITATION.cff").read_text("utf-8")
    broken = {
        good.replace("title:", "title: [unclosed", 1): "not valid YAML",
        good + "\ntitle: again\n": "duplicate key",
        good.replace("authors:", "authors: 3\nold-authors:", 1): "'authors' must be a list",
        good.replace("date-released:", "date-released: soon\nold-date:", 1): "not a date",
        "- a list\n": "not a mapping",
        "": "the file is empty",
        "# only a comment\n": "the file is empty",
    }
    for text, said in broken.items():
        repo_copy.citation.write_text(text, "utf-8")
        before = tree(repo_copy.root)
        code, out = run(capsys, "--root", str(repo_copy.root), "build")
        assert code == 1 and "L0 citation-invalid" in out and said in out, out
        assert re.search(r"CITATION\.cff:\d+: L0", out), out  # the line is named
        assert tree(repo_copy.root) == before
    repo_copy.citation.write_bytes(good.encode("utf-8").replace(b"TAQ", b"\xff", 1))
    code, out = run(capsys, "--root", str(repo_copy.root), "build")
    assert code == 1 and "citation-invalid" in out and "not valid UTF-8" in out


def test_checkout_missing_is_named(tmp_path, capsys, monkeypatch):
    code, text = run(capsys, "--root", str(tmp_path), "render", "--out", str(tmp_path / "site"))
    assert code == 2 and "L0 checkout-missing" in text and not (tmp_path / "site").exists()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("taq_news.core.paths.__file__", str(tmp_path / "x.py"))
    code, text = run(capsys, "build")
    assert code == 2 and "checkout-missing" in text


def test_a_folder_command_refuses_standard_output(capsys):
    code, text = run(capsys, "--root", str(ROOT), "export", "--format", "brat", "--out", "-")
    assert code == 2 and "out-not-folder" in text and not Path("-").exists()


def test_build_never_writes_through_a_link_in_the_checkout(repo_copy, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.move(repo_copy.data, elsewhere / "data")
    repo_copy.data.symlink_to(elsewhere / "data")
    before = tree(elsewhere)
    code, text = run(capsys, "--root", str(repo_copy.root), "build")
    assert code == 2 and "out-symlink" in text
    assert tree(elsewhere) == before


def test_argument_invalid_names_the_argument(tmp_path, capsys):
    cases = [
        ["validate", "--select", "no-such-check", str(DOCS)],
        ["rehydrate", str(DOCS), "--raw", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o.jsonl")],
        ["evaluate", "--brat", str(tmp_path / "nowhere")],
        ["manifest", "--rehash", "no_such_file.txt"],
    ]
    for argv in cases:
        code, text = run(capsys, "--root", str(ROOT), *argv)
        assert code == 2 and "L0 argument-invalid" in text and "(fix: " in text, argv
    assert list(tmp_path.iterdir()) == []


def test_model_missing_is_a_usage_error(capsys):
    for cmd in ("evaluate", "preannotate"):
        argv = [cmd, "--model", "no_such_model_xyz"] + ([str(ROOT / "dataset/raw/000_e764413d3f418c65.txt"), "--out-dir", "/nonexistent-taq"] if cmd == "preannotate" else [])
        code, text = run(capsys, "--root", str(ROOT), *argv)
        assert code == 2 and "L0 model-missing" in text
    assert not Path("/nonexistent-taq").exists()


def test_readme_markers_missing_leaves_the_readme_alone(repo_copy, capsys):
    readme = repo_copy.root / "README.md"
    readme.write_text("# a README without the evaluation markers\n")
    code, text = run(capsys, "--root", str(repo_copy.root), "evaluate", "--readme")
    assert code == 2 and "L0 readme-markers-missing" in text
    assert readme.read_text() == "# a README without the evaluation markers\n"


def test_every_l0_check_has_a_case_here():
    source = Path(__file__).read_text("utf-8")
    missing = [c.id for c in CHECKS.values() if c.level == "L0" and f"def test_{c.id.replace('-', '_')}" not in source]
    assert not missing, f"L0 checks without a test named after them: {missing}"


# --- data-derived names --------------------------------------------------------


def _checkout_with_documents(tmp_path: Path, mutate) -> Path:
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part)
    table = pq.read_table(DOCS)
    rows = table.to_pylist()
    mutate(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), tmp_path / "dataset/data/documents/train-00000-of-00001.parquet")
    return tmp_path


@pytest.mark.parametrize("bad_id", ["../x", "/tmp/evil", "000_e764413d3f418c65/../../x", "000_e764413d3f418c65\n"])
@pytest.mark.parametrize("cmd", COMMANDS, ids=["render", "brat"])
def test_a_hostile_document_id_writes_nothing_anywhere(bad_id, cmd, tmp_path, capsys):
    root = _checkout_with_documents(tmp_path / "co", lambda rows: rows[0].update(id=bad_id))
    before = tree(tmp_path)
    code, text = run(capsys, "--root", str(root), *cmd, str(tmp_path / "out" / "site"))
    assert code == 1 and "schema" in text and "*** FAILED ***" in text
    assert tree(tmp_path) == before
    assert not Path("/tmp/evil.html").exists()


@pytest.mark.parametrize("cmd", [*COMMANDS, ["export", "--format", "jsonl", "--out"]], ids=["render", "brat", "jsonl"])
def test_duplicate_document_ids_are_refused_not_dropped(cmd, tmp_path, capsys):
    root = _checkout_with_documents(tmp_path / "co", lambda rows: rows.append(rows[0]))
    code, text = run(capsys, "--root", str(root), *cmd, str(tmp_path / "out"))
    assert code == 1 and "id-duplicate" in text
    assert not (tmp_path / "out").exists()


# --- atomic folders -------------------------------------------------------------


def test_rerender_swaps_the_folder_and_drops_pages_that_are_gone(tmp_path, capsys):
    site = tmp_path / "site"
    assert run(capsys, "--root", str(ROOT), "render", "--out", str(site))[0] == 0
    first = tree(site)
    output.write_tree(site, {"index.html": b"<p>new</p>"}, command="render")
    assert sorted(tree(site)) == [output.MARKER, "index.html"]
    assert run(capsys, "--root", str(ROOT), "render", "--out", str(site))[0] == 0
    assert tree(site) == first
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "no staging left beside the output"


def test_a_file_added_to_our_output_makes_it_someone_elses(tmp_path, capsys):
    site = tmp_path / "site"
    assert run(capsys, "--root", str(ROOT), "render", "--out", str(site))[0] == 0
    (site / "my-notes.md").write_text("mine\n")
    code, text = run(capsys, "--root", str(ROOT), "render", "--out", str(site))
    assert code == 2 and "out-not-ours" in text and (site / "my-notes.md").read_text() == "mine\n"


def test_two_renders_at_once_both_succeed_and_leave_one_whole_site(tmp_path):
    site = tmp_path / "site"
    cmd = [sys.executable, "-m", "taq_news.cli", "--root", str(ROOT), "render", "--out", str(site)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [r[1][-500:] for r in results]
    assert len([n for n in tree(site) if n.endswith(".html")]) == 6
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def _kill_at(cmd: list[str], delay: float) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _duration(cmd: list[str]) -> float:
    import time

    t = time.monotonic()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.monotonic() - t


def test_render_killed_at_any_instant_leaves_the_old_site_or_the_new(tmp_path):
    site = tmp_path / "site"
    cmd = [sys.executable, "-m", "taq_news.cli", "--root", str(ROOT), "render", "--out", str(site)]
    took = _duration(cmd)
    good = tree(site)
    for i in range(8):
        # an old site that differs from the new one, so a mix would show
        shutil.rmtree(site)
        output.write_tree(site, {"index.html": b"old", "old.html": b"old"}, command="render")
        old = tree(site)
        _kill_at(cmd, took * (0.3 + 0.1 * i))
        assert tree(site) in (old, good), f"torn site after a kill at {0.3 + 0.1 * i:.1f} of the run"
        assert subprocess.run(cmd, capture_output=True).returncode == 0
        assert tree(site) == good and [p.name for p in tmp_path.iterdir()] == ["site"]


def test_build_killed_at_any_instant_is_repaired_by_the_next_build(repo_copy):
    root = repo_copy.root
    cmd = [sys.executable, "-m", "taq_news.cli", "--root", str(root), "build"]
    took = _duration(cmd)
    good = tree(root / "dataset")
    for i in range(8):
        for p in (root / "dataset/data").rglob("*.parquet"):
            p.write_bytes(b"old")  # an old state that differs from the new one
        _kill_at(cmd, took * (0.4 + 0.08 * i))
        assert subprocess.run(cmd, capture_output=True).returncode == 0
        assert tree(root / "dataset") == good
        assert not [p for p in root.rglob(f"{output.STAGING}*")] and not (root / output.JOURNAL).exists()


def test_two_builds_at_once_take_turns_and_leave_one_whole_dataset(repo_copy):
    cmd = [sys.executable, "-m", "taq_news.cli", "--root", str(repo_copy.root), "build"]
    subprocess.run(cmd, check=True, capture_output=True)
    good = tree(repo_copy.dataset)
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [r[1][-500:] for r in results]
    assert tree(repo_copy.dataset) == good


def test_a_failure_in_the_middle_of_the_switch_is_completed_by_the_next_run(repo_copy, monkeypatch):
    from taq_news.publishing.build import build

    build(repo_copy)
    good = tree(repo_copy.dataset)
    (repo_copy.dataset / "croissant.json").write_text("{}")
    for p in repo_copy.data.rglob("*.parquet"):
        p.write_bytes(b"old")
    real, calls = os.replace, []

    def flaky(a, b):
        calls.append(b)
        if len(calls) == 3:
            raise OSError(5, "I/O error (injected)")
        return real(a, b)

    monkeypatch.setattr(output.os, "replace", flaky)
    with pytest.raises(OSError):
        build(repo_copy)
    assert (repo_copy.root / output.JOURNAL).exists(), "the journal stays, naming what is left to switch"
    monkeypatch.setattr(output.os, "replace", real)
    assert output.recover(repo_copy.root, [repo_copy.dataset])
    assert tree(repo_copy.dataset) == good


def test_a_forged_or_damaged_journal_moves_nothing(repo_copy, capsys):
    raw = repo_copy.raw / "000_e764413d3f418c65.txt"
    ann = repo_copy.annotations / "000_e764413d3f418c65.yaml"
    journal = {"entries": [{"kind": "file", "staged": str(ann), "target": str(raw), "sha256": "00"},
                           {"kind": "file", "staged": str(repo_copy.dataset / f"{output.STAGING}README.md.x"), "target": str(repo_copy.card), "sha256": "00"}]}
    (repo_copy.dataset / f"{output.STAGING}README.md.x").write_text("half a card")
    (repo_copy.root / output.JOURNAL).write_text(__import__("json").dumps(journal))
    before = {p: p.read_bytes() for p in (raw, ann, repo_copy.card)}
    code, _ = run(capsys, "--root", str(repo_copy.root), "build")
    assert code == 0
    assert raw.read_bytes() == before[raw] and ann.read_bytes() == before[ann]
    assert repo_copy.card.read_bytes() != b"half a card"
    assert not (repo_copy.root / output.JOURNAL).exists()


def test_staging_left_by_a_killed_run_is_removed_and_lookalikes_are_kept(repo_copy):
    from taq_news.publishing.build import build

    ours = [repo_copy.dataset / f"{output.STAGING}data.x", repo_copy.dataset / f"{output.STAGING}README.md.y"]
    ours[0].mkdir()
    ours[1].write_text("half")
    for p in ours:
        output._mark_file(p, "staging")  # as the writer marks what it stages
    theirs = [repo_copy.dataset / f"{output.STAGING}mine", repo_copy.dataset / ".build-staging-notes"]
    theirs[0].mkdir()
    (theirs[0] / "keep.txt").write_text("keep")
    theirs[1].write_text("notes")
    build(repo_copy)
    assert not any(p.exists() for p in ours)
    assert (theirs[0] / "keep.txt").read_text() == "keep" and theirs[1].read_text() == "notes"


@pytest.mark.parametrize("cmd", COMMANDS, ids=["render", "brat"])
def test_a_forged_marker_makes_nothing_ours(cmd, tmp_path, capsys):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "notes.txt").write_text("notes\n")
    digest = hashlib.sha256(b"notes\n").hexdigest()
    (folder / output.MARKER).write_text(__import__("json").dumps({"tool": "taq-news", "command": cmd[0] if cmd[0] == "render" else "export-brat", "version": "x", "files": {"notes.txt": digest}}))
    before = tree(folder)
    code, text = run(capsys, "--root", str(ROOT), *cmd, str(folder))
    assert code == 2 and "out-not-ours" in text and tree(folder) == before
    code, _ = run(capsys, "--root", str(ROOT), *cmd, str(folder), "--force")
    assert code == 0 and (folder / "notes.txt").read_text() == "notes\n"


def test_a_folder_named_like_the_marker_is_not_a_marker(tmp_path, capsys):
    folder = tmp_path / "m"
    (folder / output.MARKER).mkdir(parents=True)
    (folder / output.MARKER / "data.txt").write_text("x")
    before = tree(folder)
    code, text = run(capsys, "--root", str(ROOT), "render", "--out", str(folder))
    assert code == 2 and "out-not-ours" in text and tree(folder) == before


def test_a_forged_journal_cannot_move_what_the_build_does_not_write(repo_copy, capsys):
    keep = repo_copy.root / ".venv-mine"
    keep.mkdir()
    (keep / "keep.txt").write_text("keep")
    staged = repo_copy.root / f"{output.STAGING}.venv-mine.x"
    staged.mkdir()
    (staged / "a").write_text("x")
    output._mark_file(staged, "staging")  # even a staging folder of the right make
    entry = {"kind": "folder", "staged": str(staged), "target": str(keep), "files": {"a": hashlib.sha256(b"x").hexdigest()}}
    journal = repo_copy.root / output.JOURNAL
    journal.write_text(__import__("json").dumps({"entries": [entry]}))
    output._mark_file(journal, "taq-news")
    assert run(capsys, "--root", str(repo_copy.root), "build")[0] == 0
    assert (keep / "keep.txt").read_text() == "keep" and not journal.exists()


# --- output that cannot be forged ------------------------------------------------


@pytest.mark.parametrize("evil", ["x\n*** PASSED ***", "x\r*** PASSED ***", "x\u2028*** PASSED ***", "x\x85*** PASSED ***", "x\x1b[2K\r*** PASSED ***", "x\u202e"])
def test_one_incident_is_one_line_whatever_the_data(evil):
    inc = Incident(evil, 3, "L2", "schema", evil, evil, evil)
    text = render([inc], "text")
    lines = text.splitlines()
    assert len(lines) == 4 and lines[-1].startswith("*** FAILED ***")
    assert "*** PASSED ***" not in [ln.strip() for ln in lines]
    assert all(ln.isprintable() for ln in lines)


# --- every id a command can print is registered --------------------------------

ID_SITES = [
    r'Incident\([^()]*?"L[0-5]",\s*"([a-z0-9-]+)"',  # Incident(file, line, "L2", "schema", ...)
    r'CHECKS\["([a-z0-9-]+)"\]',
    r'\busage\([^()]*?,\s*"([a-z0-9-]+)"',
    r'\bincident\(\s*"([a-z0-9-]+)"',
    r'OutputRefused\("([a-z0-9-]+)"',
    r'\bbad\([^()]*?,\s*"([a-z0-9-]+)"',
    r'check="([a-z0-9-]+)"',
]


def test_every_check_id_in_the_source_is_registered_and_documented():
    import re

    docs = (ROOT / "docs/checks.md").read_text("utf-8")
    found: dict[str, str] = {}
    for path in sorted((ROOT / "src/taq_news").rglob("*.py")):
        source = path.read_text("utf-8")
        for pattern in ID_SITES:
            for m in re.finditer(pattern, source, re.S):
                found.setdefault(m.group(1), path.relative_to(ROOT).as_posix())
    assert len(found) > 40, "the scan finds the ids"
    unregistered = {i: where for i, where in found.items() if i not in CHECKS}
    assert not unregistered
    assert all(f"`{i}`" in docs for i in found)


# --- taq-news annotate: a folder written piece by piece -----------------------


def _gold_inputs(tmp_path: Path) -> list[str]:
    folder = tmp_path / "pages"
    folder.mkdir()
    for p in sorted((ROOT / "dataset/raw").glob("*.txt"))[:2]:
        shutil.copy(p, folder / p.name)
    return [str(folder)]


def test_out_busy(tmp_path, capsys):
    holder = output.StagedFolder(tmp_path / "out", "annotate")
    try:
        assert main(["annotate", *_gold_inputs(tmp_path), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
        assert "out-busy" in capsys.readouterr().err and not (tmp_path / "out").exists()
    finally:
        holder.discard()


def test_out_incomplete(tmp_path):
    staged = output.StagedFolder(tmp_path / "out", "annotate")
    digest = output.write_staged(staged.path, "data/a.parquet", b"rows", "annotate")
    (staged.path / "stray.txt").write_text("not listed", "utf-8")
    with pytest.raises(output.OutputRefused) as caught:
        staged.commit({"data/a.parquet": digest})
    assert caught.value.check == "out-incomplete" and not (tmp_path / "out").exists()
    (staged.path / "stray.txt").unlink()
    (staged.path / "data/a.parquet").write_bytes(b"changed")
    with pytest.raises(output.OutputRefused):
        staged.commit({"data/a.parquet": digest})
    staged.discard()


def test_rejects_exceeded(tmp_path, capsys):
    inputs = _gold_inputs(tmp_path)
    (Path(inputs[0]) / "empty.txt").write_text(" \n", "utf-8")
    assert main(["annotate", *inputs, "--out", str(tmp_path / "out"), "--max-rejects", "0", "--no-progress"]) == 1
    text = capsys.readouterr().out
    assert "rejects-exceeded" in text and "pages/empty.txt: text-empty" in text and not (tmp_path / "out").exists()
    assert main(["annotate", *inputs, "--out", str(tmp_path / "out"), "--max-rejects", "1", "--no-progress", "--resume"]) == 0
    assert "2 reused" in capsys.readouterr().out or (tmp_path / "out/_manifest.json").is_file()


def test_input_invalid(tmp_path, capsys):
    (tmp_path / "notes.csv").write_text("a,b\n", "utf-8")
    for bad in (tmp_path / "missing", tmp_path / "notes.csv"):
        assert main(["annotate", str(bad), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert "input-invalid" in err and str(bad) in err
    assert not (tmp_path / "out").exists()


def test_rule_failed(tmp_path):
    from taq_news.annotations.registry import load_registry
    from taq_news.collection.run import annotate
    from tests.collection.helpers import poisoned

    inputs = _gold_inputs(tmp_path)
    (Path(inputs[0]) / "poison.txt").write_text("Kabul officials said POISON was found.\n", "utf-8")
    registry = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
    summary = annotate(inputs, str(tmp_path / "out"), registry, work=poisoned)
    assert summary.rejects == {"rule-failed": 1} and summary.documents == 2
    line = (tmp_path / "out/rejects.jsonl").read_text("utf-8")
    assert '"location": "pages/poison.txt"' in line and "RuntimeError: a rule fell over" in line


def test_input_changed(tmp_path):
    """A file added to an input folder while the shards run: the run commits nothing and says why."""
    from taq_news.annotations.registry import load_registry
    from taq_news.collection.run import RunFailed, annotate
    from taq_news.collection.shards import run_shard

    inputs = _gold_inputs(tmp_path)

    def adds_a_page(shard, setup):
        extra = Path(inputs[0]) / "zz-late.txt"
        if not extra.exists():
            extra.write_text("KABUL - The Taliban said on Monday they would talk, officials said.\n", "utf-8")
        return run_shard(shard, setup)

    registry = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
    with pytest.raises(RunFailed) as failed:
        annotate(inputs, str(tmp_path / "out"), registry, work=adds_a_page)
    assert failed.value.check == "input-changed"
    assert not (tmp_path / "out").exists()
    # unchanged inputs: the same call commits
    summary = annotate(inputs, str(tmp_path / "out"), registry, work=adds_a_page)
    assert summary.documents == 3 and (tmp_path / "out/_manifest.json").is_file()


def test_rule_failed_in_preannotate_names_the_article_and_writes_nothing(repo_copy, capsys, monkeypatch):
    from taq_news.preannotate import batch

    def falls_over(*args, **kwargs):
        raise RuntimeError("a rule fell over")

    monkeypatch.setattr(batch, "preannotate", falls_over)
    raw = repo_copy.root / "dataset/raw/0a1_0000000000000001.txt"
    raw.write_text("KABUL - The Taliban said on Monday they would talk, officials said.\n", "utf-8")
    before = {p: p.read_bytes() for p in (repo_copy.root / "dataset").rglob("*") if p.is_file()}
    assert main(["--root", str(repo_copy.root), "preannotate", str(raw)]) == 1
    out = capsys.readouterr().out
    assert "rule-failed" in out and "0a1_0000000000000001" in out and "RuntimeError: a rule fell over" in out
    assert {p: p.read_bytes() for p in (repo_copy.root / "dataset").rglob("*") if p.is_file()} == before


def test_extractor_missing(tmp_path, capsys, monkeypatch):
    """An HTML raw page with trafilatura not importable: the build names the page and the fix, and writes nothing."""
    import sys

    from taq_news.sources import html as html_source

    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part)
    page = (ROOT / "tests/fixtures/html/wire-jsonld.html").read_bytes()
    (tmp_path / "dataset/raw/0b0_0000000000000000.html").write_bytes(page)
    assert main(["--root", str(tmp_path), "manifest"]) == 0
    before = {p: p.read_bytes() for p in (tmp_path / "dataset").rglob("*") if p.is_file()}
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    html_source._trafilatura.cache_clear()
    try:
        assert main(["--root", str(tmp_path), "build"]) == 1
    finally:
        html_source._trafilatura.cache_clear()
    out = capsys.readouterr()
    assert "extractor-missing" in out.out and "0b0_0000000000000000.html" in out.out and "Traceback" not in out.out + out.err
    assert {p: p.read_bytes() for p in (tmp_path / "dataset").rglob("*") if p.is_file()} == before


def die_in_child(call: str, write: str) -> None:
    """Run ``write`` (a line of Python using ``output``) in a child that dies (exit 9) at its
    first ``os.<call>``: a kill at that instant of the write."""
    child = f"import os\nfrom taq_news.publishing import output\noutput.os.{call} = lambda *a, **k: os._exit(9)\n{write}\n"
    died = subprocess.run([sys.executable, "-c", child], capture_output=True)
    assert died.returncode == 9, died.stderr


def test_a_write_killed_before_its_bytes_reach_the_disk_leaves_a_file_the_next_write_removes(tmp_path):
    # The child dies inside the write, after the temporary file has its bytes and before it is
    # flushed and renamed: what it leaves must be marked as ours, so that the next write removes it.
    target = tmp_path / "card.md"
    die_in_child("fsync", f"output.write_file({str(target)!r}, b'new card' * 1000, command='build')")
    left = list(tmp_path.glob(f"{output.STAGING}*"))
    assert len(left) == 1 and output._wrote(left[0]), "the torn temporary file is not marked as ours"
    assert not target.exists()
    output.write_file(target, b"whole card", command="build")
    assert target.read_bytes() == b"whole card" and not list(tmp_path.glob(f"{output.STAGING}*"))


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_kill_between_creating_a_temporary_and_marking_it_leaves_nothing_the_next_run_keeps(kind, tmp_path):
    # The child dies at the first mark, right after the temporary file (or staging folder) was
    # made: what it leaves is empty and unmarked, and the next write must still remove it.
    target = tmp_path / ("card.md" if kind == "file" else "site")
    write = (f"output.write_file({str(target)!r}, b'new card', command='build')" if kind == "file"
             else f"output.write_tree({str(target)!r}, {{'index.html': b'x'}}, command='render')")
    die_in_child("setxattr", write)
    left = list(tmp_path.glob(f"{output.STAGING}*"))
    assert len(left) == 1 and not output._wrote(left[0])
    # A user's non-empty file with a name like ours is still kept.
    keep = tmp_path / f"{output.STAGING}{target.name}.mine"
    keep.write_text("mine")
    if kind == "file":
        output.write_file(target, b"whole card", command="build")
    else:
        output.write_tree(target, {"index.html": b"whole"}, command="render")
    assert sorted(tmp_path.glob(f"{output.STAGING}*")) == [keep] and keep.read_text() == "mine"


def test_an_empty_unmarked_staging_folder_is_taken_over_and_a_filled_one_refused(tmp_path):
    # What a kill between the staging folder's mkdir and its mark leaves: empty and unmarked.
    staging = tmp_path / f"{output.STAGING}out.annotate"
    staging.mkdir()
    folder = output.StagedFolder(tmp_path / "out", "annotate")
    folder.close()
    assert output._wrote(staging, "staging")
    folder.discard()
    staging.mkdir()
    (staging / "notes.txt").write_text("mine")
    with pytest.raises(output.OutputRefused) as refused:
        output.StagedFolder(tmp_path / "out", "annotate")
    assert refused.value.check == "out-not-ours" and (staging / "notes.txt").read_text() == "mine"
