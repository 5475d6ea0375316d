"""One broken input per check id, as the UD validator's test suite does: the validator must
report exactly that check at exactly that line. Fixtures: tests/fixtures/invalid/<level>/, in the
folder of their check's level (regenerate with tests/fixtures/make_invalid.py)."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from taq_news import validate
from taq_news.cli import main
from taq_news.core.checks import CHECKS
from taq_news.core.incidents import Incident

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "invalid"
CASES = yaml.safe_load((FIXTURES / "EXPECTED.yaml").read_text("utf-8"))


def run_case(case: dict, tmp_path: Path, engine: str = "auto"):
    mode = case["mode"]
    if mode == "command":
        return run_command(case, tmp_path)
    if mode == "collection":  # a folder taq-news annotate made, then one of its files edited
        from taq_news.annotations.registry import load_registry
        from taq_news.collection.run import annotate

        registry = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
        annotate([str(FIXTURES / case["fixture"])], str(tmp_path / "out"), registry)
        (tmp_path / "out" / case["edit"]).write_text("edited by hand\n", "utf-8")
        return validate([tmp_path / "out"], engine=engine)
    if mode in ("records", "registry"):
        return validate([FIXTURES / case["fixture"]], engine=engine)
    if mode == "records-alone":  # outside any checkout: no registry, no raw articles
        tmp_path.mkdir(parents=True, exist_ok=True)
        alone = tmp_path / Path(case["fixture"]).name
        shutil.copy(FIXTURES / case["fixture"], alone)
        return validate([alone], engine=engine, schema_dir=ROOT / "schema")
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("passes", "__pycache__"))
    (tmp_path / "dataset/annotations/passes").mkdir()  # no passes: no agreement block in the copy
    target = tmp_path / case["target"]
    if case.get("fixture"):
        target.write_bytes((FIXTURES / case["fixture"]).read_bytes())
    else:
        target.unlink()
    if mode == "annotation":
        return validate([target], engine=engine)
    return validate([tmp_path / "dataset"], engine=engine)


INCIDENT_LINE = re.compile(r"^(?P<file>.+?)(?::(?P<line>\d+))?: (?P<level>L\d) (?P<check>[a-z0-9-]+) (?P<path>\S+): (?P<message>.*?)(?: \(fix: (?P<fix>.*)\))?$")


def run_command(case: dict, tmp_path: Path) -> list[Incident]:
    """A check a command makes: run the real command line on a copy of the checkout, read back its incidents."""
    root, scratch = tmp_path / "root", tmp_path / "scratch"
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("passes", "__pycache__"))
    fixture = scratch / case["fixture"]
    fixture.parent.mkdir(parents=True)
    fixture.write_text((FIXTURES / case["fixture"]).read_text("utf-8") * case.get("repeat", 1), "utf-8")
    subs = {"{root}": str(root), "{fixture}": str(fixture), "{fixtures}": str(FIXTURES), "{tmp}": str(scratch)}
    argv = [re.sub("|".join(map(re.escape, subs)), lambda m: subs[m.group()], a) for a in case["argv"]]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *argv])
    text = out.getvalue() + err.getvalue()
    assert code == 1 and "Traceback" not in text, text
    assert not (scratch / "rehydrated.jsonl").exists() and not (scratch / "drafts").exists(), "a failed command wrote output"
    found = [INCIDENT_LINE.match(line) for line in text.splitlines()]
    return [Incident(m["file"], int(m["line"]) if m["line"] else None, m["level"], m["check"], m["path"], m["message"], m["fix"] or "") for m in found if m]


def test_every_check_has_a_fixture():
    # L0 checks are about commands, not inputs: tests/publishing/test_safe_output.py has a case for each.
    assert sorted({c["check"] for c in CASES}) == sorted(c.id for c in CHECKS.values() if c.level != "L0")


def test_every_fixture_sits_in_the_folder_of_its_checks_level():
    misplaced = {c["check"]: c["fixture"] for c in CASES if c["fixture"] is not None and Path(c["fixture"]).parts[0] != CHECKS[c["check"]].level}
    assert not misplaced, f"fixture outside tests/fixtures/invalid/<level of its check>/: {misplaced}"
    # and every file of the tree is named by a check of the level whose folder holds it (a command's
    # several files in <level>/<check>/, a registry in <level>/registry/<check>/): no stray file
    stray = []
    for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p != FIXTURES / "EXPECTED.yaml"):
        level, *rest = path.relative_to(FIXTURES).parts
        if rest[0] == "registry" and len(rest) > 1:
            rest = rest[1:]
        check = re.match(r"[a-z0-9-]+", rest[0])
        if not check or check[0] not in CHECKS or CHECKS[check[0]].level != level:
            stray.append(str(path.relative_to(FIXTURES)))
    assert not stray, f"files under tests/fixtures/invalid/ not named by a check of their level folder: {stray}"


@pytest.mark.parametrize("case", CASES, ids=[c["check"] for c in CASES])
def test_fixture_triggers_its_check_at_its_line(case, tmp_path):
    incidents = run_case(case, tmp_path)
    found = [(i.check, i.line) for i in incidents]
    assert any(check == case["check"] for check, _ in found), found
    if case["line"] is not None:
        assert (case["check"], case["line"]) in found, found
    for inc in incidents:
        assert inc.level == CHECKS[inc.check].level and inc.fix and inc.file
    if case["mode"] == "records" and case["line"] is not None:
        # the valid line before the broken one stays clean (a warning about a check that could not run is no verdict)
        assert {i.line for i in incidents if i.severity != "warning"} <= {case["line"]}, found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["check"])
def test_both_engines_give_the_same_verdicts(case, tmp_path):
    fast = {(i.check, i.line, i.path) for i in run_case(case, tmp_path / "rs", "rs")}
    slow = {(i.check, i.line, i.path) for i in run_case(case, tmp_path / "python", "python")}
    assert fast == slow
