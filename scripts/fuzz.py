"""Fuzz the command line, one input kind at a time, for a fixed time each; print a table.

    .venv/bin/python scripts/fuzz.py --seconds 600 --kinds yaml jsonl parquet standoff brat

Each run mutates a real input (an annotation or the registry; JSONL, JSON or Parquet
records, as rows or as bytes; a standoff release; brat files), runs the real command on
it and checks the promises of README "What we promise": exit 0, 1 or 2; no traceback
and no internal-error; nothing written outside the target; nothing written by a failed
run. The cases are those of tests/validation/test_hostile_inputs.py, with choices drawn from a
seeded generator instead of hypothesis. A run that breaks a promise is saved under
--keep with its message.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.validation import test_hostile_inputs as cases  # noqa: E402


def run_one(kind: str, pick: cases.Pick, work: Path, state: dict) -> int | None:
    folder = Path(tempfile.mkdtemp(dir=work))
    try:
        if kind == "yaml":
            if "checkout" not in state:
                state["checkout"] = cases.make_checkout(work / "checkout")
            return cases.case_yaml(state["checkout"], pick)
        if kind == "standoff":
            state.setdefault("standoff", cases.export("standoff", work / "s.jsonl"))
            return cases.case_standoff(state["standoff"], folder, pick)
        if kind == "brat":
            state.setdefault("brat", cases.export("brat", work / "brat"))
            return cases.case_brat(state["brat"], folder, pick)
        # records: JSONL and Parquet, as rows or as bytes (JSON arrays go with JSONL)
        choices = {"jsonl": ("jsonl", "jsonl-bytes", "json"), "parquet": ("parquet", "parquet-bytes")}[kind]
        return cases.case_records(folder, pick, pick.choice(choices))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="time per input kind (default 60)")
    parser.add_argument("--kinds", nargs="+", choices=("yaml", "jsonl", "parquet", "standoff", "brat"), default=["yaml", "jsonl", "parquet", "standoff", "brat"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="folder for the messages of broken promises (default: a new folder in /tmp)")
    args = parser.parse_args()
    keep = args.keep or Path(tempfile.mkdtemp(prefix="taq-fuzz-failures-"))
    keep.mkdir(parents=True, exist_ok=True)
    rows = []
    for kind in args.kinds:
        pick = cases.Pick(rng=random.Random(f"{args.seed}-{kind}"))
        counts: Counter = Counter()
        broken = 0
        with tempfile.TemporaryDirectory(prefix=f"taq-fuzz-{kind}-") as tmp:
            state: dict = {}
            end = time.monotonic() + args.seconds
            while time.monotonic() < end:
                try:
                    code = run_one(kind, pick, Path(tmp), state)
                    counts["not writable" if code is None else code] += 1
                except Exception as exc:  # a broken promise: an assertion of the case, or anything escaping main()
                    broken += 1
                    (keep / f"{kind}-{broken}.txt").write_text(f"{type(exc).__name__}: {exc}\n"[:20000], "utf-8", errors="replace")
        runs = sum(counts.values()) + broken
        rows.append((kind, runs, counts[0], counts[1], counts[2], counts["not writable"], broken))
        print(f"{kind}: {runs} runs, {broken} broken promise(s)", file=sys.stderr, flush=True)
    print(f"| input kind | runs in {args.seconds:.0f} s | exit 0 | exit 1 | exit 2 | not writable as Parquet | broken promises |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    if any(r[-1] for r in rows):
        print(f"\nmessages of the broken promises: {keep}")
        return 1
    shutil.rmtree(keep, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
