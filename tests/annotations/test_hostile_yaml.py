"""Hostile YAML in the real annotation files and registry: every case is an incident with its
line and check id, exit 1, no traceback, and a failed build writes nothing."""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taq_news.cli import main

ROOT = Path(__file__).resolve().parents[2]
A003 = "dataset/annotations/003_1aa4f263d7f3497b.yaml"
FRIDAY = "  - {exact: Friday, label: DATE}"


def copy_checkout(dest: Path) -> Path:
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("passes", "__pycache__"))
    (dest / "dataset/annotations/passes").mkdir()
    return dest


def run(root: Path, *argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), *argv])
    return code, out.getvalue() + err.getvalue()


def outputs(root: Path) -> dict[str, str]:
    """Every built file, by hash: what a failed build must leave as it was."""
    files = [p for p in (root / "dataset/data").rglob("*") if p.is_file()] + [root / "dataset/README.md", root / "dataset/taq_news.py", root / "dataset/croissant.json"]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), "utf-8")


def alias_bomb() -> str:
    lines = ['- id: lol', '  name: "lol"', '  aliases: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"  description: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_checkout(tmp_path)


def test_an_alias_bomb_in_the_registry_is_refused_fast_by_validate_and_build(root):
    reg = root / "dataset/entities.yaml"
    reg.write_text(reg.read_text("utf-8") + alias_bomb(), "utf-8")
    before = outputs(root)
    for argv in (["validate", str(reg)], ["validate", str(root / A003)], ["build"]):
        code, text = run(root, *argv)
        assert code == 1 and "yaml-alias" in text and "Traceback" not in text, text
    assert outputs(root) == before


@pytest.mark.parametrize(("old", "new", "check"), [
    ('    date: null\n    basis: unknown', "    date: 2021-02-30\n    basis: unknown", "value-not-text"),  # ruamel's timestamp would raise
    ("  - id: q03\n", "  - id: 0123\n", "value-not-text"),
    ("  - id: q03\n", "  - id: q03\n    origin: 1.5\n", "value-not-text"),
    ('guidelines: "1.0"', "guidelines: 1.0", "value-not-text"),
    (FRIDAY, "  - {exact: true, label: DATE}", "value-not-text"),
    (FRIDAY, "  - {exact: Friday, label: DATE, 5: x}", "yaml-key-invalid"),
    (FRIDAY, "  - {exact: Friday, label: DATE, null: x}", "yaml-key-invalid"),
    (FRIDAY, "  - {exact: Friday, label: DATE, [a, b]: x}", "yaml-key-invalid"),
    (FRIDAY, '  - {exact: Friday, label: DATE, "la\\nbel": x}', "yaml-key-invalid"),
    (FRIDAY, "  - {exact: !!python/object/apply:os.system [Friday], label: DATE}", "yaml-tag"),
    (FRIDAY, "  - {exact: !!binary RnJpZGF5, label: DATE}", "yaml-tag"),
    (FRIDAY, "  - {<<: {exact: Friday}, label: DATE}", "yaml-alias"),
    (FRIDAY, "  - &f {exact: Friday, label: DATE}\n  - *f", "yaml-alias"),
    (FRIDAY, "  - {exact: Fri\x00day, label: DATE}", "control-character"),
    (FRIDAY, "  - {exact: Fri\x85day, label: DATE}", "control-character"),
    (FRIDAY, "  - {exact: Friday, label: " + "[" * 500 + "]" * 500 + "}", "yaml-syntax"),
    ('guidelines: "1.0"', 'guidelines: "1.0\\ud800"', "unicode-invalid"),  # a lone surrogate escape: no text, no UTF-8
    (FRIDAY, '  - {exact: "Fri\\ud83d\\ude00day", label: DATE}', "unicode-invalid"),  # a JSON-style pair: YAML reads two lone halves
])
def test_hostile_annotation_yaml_is_an_incident_at_its_line(root, old, new, check):
    path = root / A003
    text = path.read_text("utf-8")
    line = text[: text.index(old)].count("\n") + 1
    edit(path, old, new)
    code, out = run(root, "validate", str(path))
    assert code == 1 and f" {check} " in out and "Traceback" not in out, out
    assert f"{A003.rsplit('/', 1)[1]}:{line}: " in out or f":{line + 1}: " in out, out
    before = outputs(root)
    code, out = run(root, "build")
    assert code == 1 and check in out and "Traceback" not in out
    assert outputs(root) == before


@pytest.mark.parametrize(("old", "new", "check"), [
    ("  description: ", "  description: {a: b}\n  x-description: ", "value-not-text"),
    ("  description: ", '  description: "Afghan army corps \\ud800"\n  x-description: ', "unicode-invalid"),
    ("  name: ", "  name: Mai\u0301wand\n  x-name: ", "text-not-nfc"),
])
def test_a_registry_entry_that_is_no_clean_text_fails_validate_and_build(root, old, new, check):
    reg = root / "dataset/entities.yaml"
    text = reg.read_text("utf-8")
    reg.write_text(text.replace(old, new, 1), "utf-8")
    before = outputs(root)
    for argv in (["validate", str(reg)], ["build"]):
        code, out = run(root, *argv)
        assert code == 1 and f" {check} " in out and "internal-error" not in out, out
    assert outputs(root) == before


def test_quoted_values_and_str_tags_stay_valid(root):
    edit(root / A003, FRIDAY, '  - {exact: !!str Friday, label: "DATE", occurrence: 1}')
    code, out = run(root, "validate", str(root / A003))
    assert code == 0, out


def test_nul_in_a_raw_file_and_a_folder_named_entities_yaml(root):
    raw = root / "dataset/raw/003_1aa4f263d7f3497b.txt"
    raw.write_bytes(raw.read_bytes().replace(b"Washington", b"Wash\x00ington", 1))
    code, out = run(root, "manifest", "--rehash", raw.name)
    assert code == 0, out
    code, out = run(root, "build")
    assert code == 1 and "control-character" in out and "Traceback" not in out
    (root / "dataset/entities.yaml").unlink()
    (root / "dataset/entities.yaml").mkdir()
    code, out = run(root, "validate", str(root / "dataset/entities.yaml"))  # a folder given to validate: a usage error
    assert code in (1, 2) and "file-unreadable" in out and "Traceback" not in out
    code, out = run(root, "build")
    assert code == 1 and "file-unreadable" in out and "entities.yaml" in out and "Traceback" not in out


# --- property: mutate the real YAML text with what YAML can say and the formats cannot ---------

TOKENS = ["&a ", "*a", "<<: ", "!!python/object:os.system ", "!!binary ", "!!set ", "!foo ", "\x00", "\x07", "\x85", "\x9f",
          "2021-02-30", "0123", "1.5", "yes", "null", "~", "? [a, b]\n", "1: x\n", "{a: 1}: x", "[", "{", "\"\\0\"", "0x1F", "1e400", "'", "\t", ": "]


def _mutate(text: str, cuts: list[tuple[int, int]]) -> str:
    for pos, tok in cuts:
        i = pos % (len(text) + 1)
        text = text[:i] + TOKENS[tok % len(TOKENS)] + text[i:]
    return text


MUTATIONS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, len(TOKENS) - 1)), min_size=1, max_size=4)


def _mutated_copy(tmp: str, cuts, registry: bool) -> tuple[Path, Path]:
    """A checkout copy with its registry or one annotation mutated by ``cuts``."""
    root = copy_checkout(Path(tmp))
    target = root / ("dataset/entities.yaml" if registry else A003)
    target.write_text(_mutate(target.read_text("utf-8"), cuts), "utf-8")
    return root, target


@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=MUTATIONS, registry=st.booleans())
def test_mutated_yaml_never_gives_a_traceback(cuts, registry):
    with tempfile.TemporaryDirectory() as tmp:
        root, target = _mutated_copy(tmp, cuts, registry)
        code, out = run(root, "validate", str(target))
        assert code in (0, 1, 2) and "Traceback" not in out and "internal-error" not in out, out


@settings(max_examples=6, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cuts=MUTATIONS, registry=st.booleans())
def test_a_build_of_mutated_yaml_fails_cleanly_and_writes_nothing(cuts, registry):
    with tempfile.TemporaryDirectory() as tmp:
        root, _ = _mutated_copy(tmp, cuts, registry)
        before = outputs(root)
        code, out = run(root, "build")
        assert code in (0, 1, 2) and "Traceback" not in out and "internal-error" not in out, out
        if code != 0:
            assert outputs(root) == before
