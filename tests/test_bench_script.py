"""The benchmark script runs and prints its table (no timing is asserted: timings belong in benchmarks)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_validate_runs_on_a_small_corpus(tmp_path):
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts/bench_validate.py"), "--records", "300", "--repeat", "1",
         "--reference-sample", "10", "--precise-sample", "20", "--keep", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "| validator | input | records | seconds | records/s | x reference |" in run.stdout
    assert run.stdout.count("taq-news validate, L1-L4") == 3
    assert run.stdout.count("decoding only (no checks) | JSONL | 300 |") == 2  # the floor rows, on every line
    lines = (tmp_path / "corpus.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 300 and len({line[:40] for line in lines}) == 300  # unique ids


def test_bench_validate_leaves_no_corpus_behind(tmp_path):
    # Without --keep the scaled corpus (gigabytes at full size) lives in a temporary folder that goes away.
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts/bench_validate.py"), "--records", "50", "--repeat", "1",
         "--reference-sample", "10", "--precise-sample", "20"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "taq-news validate, L1-L4" in run.stdout
    assert list(tmp_path.iterdir()) == []


def test_bench_preannotate_prints_both_pipelines_with_their_ratios():
    run = subprocess.run([sys.executable, str(ROOT / "scripts/bench_preannotate.py"), "--articles", "40", "--chunk", "10"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and not line.startswith("| run")]
    assert len(rows) == 4
    baselines, full = rows[0::2], rows[1::2]
    assert all(r.split("|")[3].strip() == "1.00" for r in baselines)
    for r in full:  # the step does all the baseline does and more, on the same pipeline
        rate, ratio = float(r.split("|")[2].replace(",", "")), float(r.split("|")[3])
        assert rate > 0 and 0 < ratio < 1.5
