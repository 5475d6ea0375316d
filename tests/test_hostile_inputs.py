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

from .conftest import ROOT

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


def mutate_text(data: str, draw) -> str:
    """Insert, delete or replace a piece of the text with a hostile token."""
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(data)))
        j = draw(st.integers(i, min(len(data), i + 40)))
        token = draw(st.sampled_from(TOKENS) | st.text(max_size=8))
        data = data[:i] + token + data[j:] if draw(st.booleans()) else data[:i] + token + data[i:]
    return data


def paths_of(node, path=()):
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for k, v in children:
        yield from paths_of(v, (*path, k))


def mutate_record(record: dict, draw) -> dict:
    rec = copy.deepcopy(record)
    paths = [p for p in paths_of(rec) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent = rec
        try:
            for k in path[:-1]:
                parent = parent[k]
            if draw(st.integers(0, 9)) == 0 and isinstance(parent, dict):
                parent.pop(path[-1], None)  # a missing field
            else:
                parent[path[-1]] = draw(st.sampled_from(HOSTILE))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced a container on this path
    return rec


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("checkout")
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__", "passes"))
    (root / "dataset/annotations/passes").mkdir()
    return root


ANNOTATIONS = sorted((ROOT / "dataset/annotations").glob("*.yaml"))


@SETTINGS
@given(data=st.data())
def test_build_on_mutated_yaml_fails_cleanly_and_writes_nothing(checkout, data):
    target = data.draw(st.sampled_from([*ANNOTATIONS, ROOT / "dataset/entities.yaml"]))
    copy_ = checkout / target.relative_to(ROOT)
    original = target.read_text("utf-8")
    try:
        copy_.write_text(mutate_text(original, data.draw), "utf-8", errors="surrogatepass")
        before = tree(checkout)
        code, _ = cli("--root", str(checkout), "build")
        if code != 0:
            assert tree(checkout) == before, "a failed build wrote something"
        cli("--root", str(checkout), "validate", str(copy_))
    finally:
        copy_.write_text(original, "utf-8")


def _jsonl(records: list) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n" for r in records)


@SETTINGS
@given(data=st.data())
def test_validate_on_mutated_records_never_crashes_or_writes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("records")
    recs = [mutate_record(r, data.draw) for r in RECORDS[: data.draw(st.integers(1, len(RECORDS)))]]
    kind = data.draw(st.sampled_from(["jsonl", "jsonl-bytes", "parquet", "parquet-bytes", "json"]))
    if kind == "jsonl":
        path = folder / "r.jsonl"
        path.write_bytes(_jsonl(recs))
    elif kind == "jsonl-bytes":
        path = folder / "r.jsonl"
        path.write_bytes(mutate_text(_jsonl(RECORDS[:2]).decode(), data.draw).encode("utf-8", "surrogatepass"))
    elif kind == "json":
        path = folder / "r.json"
        path.write_bytes(json.dumps(recs, ensure_ascii=False).encode("utf-8", "surrogatepass") + data.draw(st.sampled_from([b"", b"garbage", b"]"])))
    elif kind == "parquet":
        path = folder / "r.parquet"
        try:
            pq.write_table(pa.Table.from_pylist(recs), path)
        except (pa.ArrowException, OverflowError, ValueError, TypeError, UnicodeEncodeError):
            return  # Arrow cannot hold this mutation at all: nothing to validate
    else:
        path = folder / "r.parquet"
        raw = bytearray(DOCS.read_bytes())
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        path.write_bytes(bytes(raw[: data.draw(st.integers(1, len(raw)))]))
    before = tree(folder)
    for extra in ([], ["--engine", "python"], ["--level", "3"], ["--strict"]):
        cli("validate", str(path), *extra)
    assert tree(folder) == before


@pytest.fixture(scope="module")
def standoff(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("standoff") / "s.jsonl"
    assert cli("--root", str(ROOT), "export", "--format", "standoff", "--out", str(out))[0] == 0
    return out


@SETTINGS
@given(data=st.data())
def test_rehydrate_on_a_mutated_standoff_writes_all_or_nothing(standoff, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("rehydrate")
    records = [json.loads(line) for line in standoff.read_text("utf-8").splitlines()]
    i = data.draw(st.integers(0, len(records) - 1))
    if data.draw(st.booleans()):
        records[i] = mutate_record(records[i], data.draw)
        src = folder / "in.jsonl"
        src.write_bytes(_jsonl(records))
    else:
        src = folder / "in.jsonl"
        src.write_text(mutate_text(standoff.read_text("utf-8"), data.draw), "utf-8", errors="surrogatepass")
    out = folder / "out" / "records.jsonl"
    before = tree(folder)
    code, _ = cli("--root", str(ROOT), "rehydrate", str(src), "--raw", str(ROOT / "dataset/raw"), "--out", str(out))
    after = tree(folder)
    if code != 0:
        assert after == before, "a failed rehydrate wrote something"
    else:
        assert set(after) - set(before) <= {"out", "out/records.jsonl"}
        assert cli("--root", str(ROOT), "validate", str(out))[0] == 0


@pytest.fixture(scope="module")
def brat(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("brat") / "brat"
    assert cli("--root", str(ROOT), "export", "--format", "brat", "--out", str(out))[0] == 0
    return out


@settings(SETTINGS, max_examples=max(3, EXAMPLES // 3))
@given(data=st.data())
def test_evaluate_on_mutated_brat_fails_cleanly(brat, tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("gold") / "brat"
    shutil.copytree(brat, folder)
    target = data.draw(st.sampled_from(sorted(folder.glob("*.ann"))))
    target.write_text(mutate_text(target.read_text("utf-8"), data.draw), "utf-8", errors="surrogatepass")
    before = tree(folder.parent)
    cli("--root", str(ROOT), "evaluate", "--brat", str(folder))
    assert tree(folder.parent) == before
