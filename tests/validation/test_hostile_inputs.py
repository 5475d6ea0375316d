"""Property tests over the real command line: mutate every kind of input a command reads
(annotation YAML, the registry, JSONL and Parquet records, a standoff release, brat files)
and assert what the README promises, whatever the mutation:

- the exit code is 0, 1 or 2, with no traceback and no internal-error;
- nothing is written outside the command's target;
- a command that fails writes nothing at all.

Examples per test: TAQ_FUZZ_EXAMPLES (default small, for CI); a long fuzzing run sets it high.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taq_news.cli import main
from tests.conftest import ROOT

EXAMPLES = int(os.environ.get("TAQ_FUZZ_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize="TAQ_FUZZ_EXAMPLES" not in os.environ,
                    suppress_health_check=list(HealthCheck))
DOCS = ROOT / "dataset/data/documents/train-00000-of-00001.parquet"
RECORDS = pq.read_table(DOCS).to_pylist()
SCHEMA = pq.read_table(DOCS).schema

# Values a careless or hostile user puts where something else belongs.
HOSTILE = [
    None, True, 0, -1, 25.0, 2**63, 10**30, 1e308, float("nan"), "", " ", "x\n", "../../evil", "/etc/passwd",
    "\x00", "\ud800", "\u202e", "\x85", "\ufeff", "e\u0301", "*** PASSED ***\n", [], {}, [[[[[]]]]], {"a": {"b": {}}},
    "2021-02-30", "Q0", "0123", "a" * 5000,
]
TOKENS = [
    "\n", "\t", ": ", "- ", "&a ", "*a", "!!python/object:os.system ", "<<: *a", "? ", "{", "}", "[", "]", '"', "'",
    "\x00", "\x1b", "\x85", "\u2028", "\ud7ff", "2021-02-30", "1.5", "0x1F", "~", "null", "true", "\\", "#", "|", ">",
    "..", "/", "T1\tQuote 0 99999\tx\n", "A9\tQuoteId T1\n", "R1\tCue Arg1:T9 Arg2:T1\n", ";", "999999999999999999999",
]


def tree(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = "link" if p.is_symlink() else hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
    return out


def cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    text = out.getvalue() + err.getvalue()
    assert code in (0, 1, 2), (code, text[-2000:])
    assert "Traceback" not in text and "internal-error" not in text, text[-3000:]
    return code, text


class Pick:
    """The choices a mutation makes, from hypothesis here and from a seeded generator in scripts/fuzz.py."""

    def __init__(self, draw=None, rng=None):
        self.draw, self.rng = draw, rng

    def integer(self, a: int, b: int) -> int:
        return self.draw(st.integers(a, b)) if self.draw else self.rng.randint(a, b)

    def choice(self, values):
        values = list(values)
        return self.draw(st.sampled_from(values)) if self.draw else self.rng.choice(values)

    def coin(self) -> bool:
        return self.draw(st.booleans()) if self.draw else self.rng.random() < 0.5

    def text(self, n: int) -> str:
        if self.draw:
            return self.draw(st.text(max_size=n))
        return "".join(chr(self.rng.choice([self.rng.randint(0, 0x7F), self.rng.randint(0x80, 0x2FFF), self.rng.randint(0xD800, 0xDFFF)])) for _ in range(self.rng.randint(0, n)))


def mutate_text(data: str, pick: Pick) -> str:
    """Insert, delete or replace a piece of the text with a hostile token."""
    for _ in range(pick.integer(1, 3)):
        i = pick.integer(0, len(data))
        j = pick.integer(i, min(len(data), i + 40))
        token = pick.choice(TOKENS) if pick.coin() else pick.text(8)
        data = data[:i] + token + data[j:] if pick.coin() else data[:i] + token + data[i:]
    return data


def paths_of(node, path=()):
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in children:
        yield from paths_of(v, (*path, k))


def mutate_record(record: dict, pick: Pick) -> dict:
    rec = copy.deepcopy(record)
    paths = [p for p in paths_of(rec) if p]
    for _ in range(pick.integer(1, 3)):
        path = pick.choice(paths)
        parent = rec
        try:
            for k in path[:-1]:
                parent = parent[k]
            if pick.integer(0, 9) == 0 and isinstance(parent, dict):
                parent.pop(path[-1], None)  # a missing field
            else:
                parent[path[-1]] = pick.choice(HOSTILE)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced a container on this path
    return rec


def make_checkout(root: Path) -> Path:
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__", "passes"))
    (root / "dataset/annotations/passes").mkdir()
    return root


ANNOTATIONS = sorted((ROOT / "dataset/annotations").glob("*.yaml"))


# --- one case per input kind: used by the tests below and by scripts/fuzz.py ------------------


def case_yaml(root: Path, pick: Pick) -> int:
    """A mutated annotation or registry: build fails cleanly and writes nothing; validate too."""
    target = pick.choice([*ANNOTATIONS, ROOT / "dataset/entities.yaml"])
    copy_ = root / target.relative_to(ROOT)
    original = target.read_text("utf-8")
    try:
        copy_.write_text(mutate_text(original, pick), "utf-8", errors="surrogatepass")
        before = tree(root)
        code, _ = cli("--root", str(root), "build")
        if code != 0:
            assert tree(root) == before, "a failed build wrote something"
        cli("--root", str(root), "validate", str(copy_))
        return code
    finally:
        copy_.write_text(original, "utf-8")


def _jsonl(records: list) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n" for r in records)


RECORD_KINDS = ("jsonl", "jsonl-bytes", "json", "parquet", "parquet-bytes")


def case_records(folder: Path, pick: Pick, kind: str) -> int | None:
    """Mutated records as JSONL, JSON or Parquet (rows or bytes): validate never crashes or writes.
    None when Arrow cannot hold the mutation at all."""
    recs = [mutate_record(r, pick) for r in RECORDS[: pick.integer(1, len(RECORDS))]]
    if kind == "jsonl":
        path = folder / "r.jsonl"
        path.write_bytes(_jsonl(recs))
    elif kind == "jsonl-bytes":
        path = folder / "r.jsonl"
        path.write_bytes(mutate_text(_jsonl(RECORDS[:2]).decode(), pick).encode("utf-8", "surrogatepass"))
    elif kind == "json":
        path = folder / "r.json"
        path.write_bytes(json.dumps(recs, ensure_ascii=False).encode("utf-8", "surrogatepass") + pick.choice([b"", b"garbage", b"]"]))
    elif kind == "parquet":
        path = folder / "r.parquet"
        for schema in (SCHEMA, None):  # the published schema where the mutation fits it, else inferred types
            try:
                pq.write_table(pa.Table.from_pylist(recs, schema=schema), path)
                break
            except (pa.ArrowException, OverflowError, ValueError, TypeError, UnicodeEncodeError):
                continue
        else:
            return None
    else:
        path = folder / "r.parquet"
        raw = bytearray(DOCS.read_bytes())
        for _ in range(pick.integer(1, 8)):
            raw[pick.integer(0, len(raw) - 1)] = pick.integer(0, 255)
        path.write_bytes(bytes(raw[: pick.integer(1, len(raw))]))
    before = tree(folder)
    codes = [cli("validate", str(path), *extra)[0] for extra in ([], ["--engine", "python"], ["--level", "3"], ["--strict"])]
    assert tree(folder) == before, "validate wrote something"
    return codes[0]


def case_standoff(standoff: Path, folder: Path, pick: Pick) -> int:
    """A mutated standoff release: rehydrate writes records that validate, or nothing."""
    text = standoff.read_text("utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    src = folder / "in.jsonl"
    if pick.coin():
        i = pick.integer(0, len(records) - 1)
        records[i] = mutate_record(records[i], pick)
        src.write_bytes(_jsonl(records))
    else:
        src.write_text(mutate_text(text, pick), "utf-8", errors="surrogatepass")
    out = folder / "out" / "records.jsonl"
    before = tree(folder)
    code, _ = cli("--root", str(ROOT), "rehydrate", str(src), "--raw", str(ROOT / "dataset/raw"), "--out", str(out))
    after = tree(folder)
    if code != 0:
        assert after == before, "a failed rehydrate wrote something"
    else:
        assert set(after) - set(before) <= {"out", "out/records.jsonl"}
        assert cli("--root", str(ROOT), "validate", str(out))[0] == 0, "rehydrate wrote records that fail validate"
    return code


def case_brat(brat: Path, folder: Path, pick: Pick) -> int:
    """A mutated brat gold: evaluate fails cleanly and writes nothing into it."""
    gold = folder / "brat"
    shutil.copytree(brat, gold)
    target = pick.choice(sorted(gold.glob("*.ann")))
    target.write_text(mutate_text(target.read_text("utf-8"), pick), "utf-8", errors="surrogatepass")
    before = tree(folder)
    code, _ = cli("--root", str(ROOT), "evaluate", "--brat", str(gold))
    assert tree(folder) == before, "evaluate wrote into the gold folder"
    return code


def export(kind: str, out: Path) -> Path:
    assert cli("--root", str(ROOT), "export", "--format", kind, "--out", str(out))[0] == 0
    return out


# --- the tests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    return make_checkout(tmp_path_factory.mktemp("checkout"))


@SETTINGS
@given(data=st.data())
def test_build_on_mutated_yaml_fails_cleanly_and_writes_nothing(checkout, data):
    case_yaml(checkout, Pick(data.draw))


@SETTINGS
@given(data=st.data())
def test_validate_on_mutated_records_never_crashes_or_writes(tmp_path_factory, data):
    pick = Pick(data.draw)
    case_records(tmp_path_factory.mktemp("records"), pick, pick.choice(RECORD_KINDS))


@pytest.fixture(scope="module")
def standoff(tmp_path_factory) -> Path:
    return export("standoff", tmp_path_factory.mktemp("standoff") / "s.jsonl")


@SETTINGS
@given(data=st.data())
def test_rehydrate_on_a_mutated_standoff_writes_all_or_nothing(standoff, tmp_path_factory, data):
    case_standoff(standoff, tmp_path_factory.mktemp("rehydrate"), Pick(data.draw))


@pytest.fixture(scope="module")
def brat(tmp_path_factory) -> Path:
    return export("brat", tmp_path_factory.mktemp("brat") / "brat")


@settings(SETTINGS, max_examples=max(3, EXAMPLES // 3))
@given(data=st.data())
def test_evaluate_on_mutated_brat_fails_cleanly(brat, tmp_path_factory, data):
    case_brat(brat, tmp_path_factory.mktemp("gold"), Pick(data.draw))
