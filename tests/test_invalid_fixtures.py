"""One broken input per check id, as the UD validator's test suite does: the validator must
report exactly that check at exactly that line. Fixtures: tests/fixtures/invalid/ (regenerate
with tests/fixtures/make_invalid.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from taq_news import validate
from taq_news.checks import CHECKS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "invalid"
CASES = yaml.safe_load((FIXTURES / "EXPECTED.yaml").read_text("utf-8"))


def run_case(case: dict, tmp_path: Path, engine: str = "auto"):
    mode = case["mode"]
    if mode in ("records", "registry"):
        return validate([FIXTURES / case["fixture"]], engine=engine)
    if mode == "records-alone":  # outside any checkout: no registry, no raw articles
        tmp_path.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / case["fixture"], tmp_path / case["fixture"])
        return validate([tmp_path / case["fixture"]], engine=engine, schema_dir=ROOT / "schema")
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


def test_every_check_has_a_fixture():
    # L0 checks are about commands, not inputs: tests/test_safe_output.py has a case for each.
    assert sorted({c["check"] for c in CASES}) == sorted(c.id for c in CHECKS.values() if c.level != "L0")


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
        # the valid line before the broken one stays clean
        assert {line for _, line in found} <= {case["line"]}, found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["check"])
def test_both_engines_give_the_same_verdicts(case, tmp_path):
    fast = {(i.check, i.line, i.path) for i in run_case(case, tmp_path / "rs", "rs")}
    slow = {(i.check, i.line, i.path) for i in run_case(case, tmp_path / "python", "python")}
    assert fast == slow
