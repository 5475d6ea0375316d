"""Benchmark `taq-news annotate` at scale: one process, and Dask with 1 and 2 workers, in the same run.

    .venv/bin/python scripts/bench_scale.py [--articles 100000] [--shard-size 1000] [--keep DIR]

Makes N varied synthetic articles (tests/collection/synthetic.py: paragraphs of the five
raw articles shuffled across them, names, numbers, places, outlets and dates changed) in
one JSONL.gz, then runs, each in its own child process:

- baseline: the spaCy pipeline alone (blank English, sentencizer, registry EntityRuler)
  over the article texts, on one core;
- local: `taq-news annotate --engine local` (every step: reading, pre-annotation,
  assembly, validation, rows, Parquet, commit), on one core;
- dask-1, dask-2: the same command with `--engine dask --workers 1` and `2`;
- dask-2 again on the first fifth of the articles, to show how peak memory grows with the collection.

It prints a table: articles/s over the whole run (wall clock), the median articles/s of
the shards (each shard's articles over its own processing time, as the shard function
measures it), the ratio to one process, peak memory of the driver and of each worker,
and whether the output folders are byte-identical. Timings are of this machine at this
moment: compare the ratios, measured in the same run, rather than the absolute rates.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def make_input(path: Path, n: int) -> None:
    from tests.collection.synthetic import articles

    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        for a in articles(n, seed=2026):
            fh.write(json.dumps(a, ensure_ascii=False) + "\n")


def child_baseline(path: str, limit: int) -> dict:
    one_core()
    from taq_news.annotations.registry import load_registry
    from taq_news.preannotate.pipeline import make_nlp

    nlp = make_nlp(load_registry(ROOT / "dataset/entities.yaml", "entities.yaml"))
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if n >= limit:
                break
            texts.append(json.loads(line)["text"])
    rates = []
    t0 = time.perf_counter()
    for start in range(0, len(texts), 500):
        part = texts[start : start + 500]
        t = time.perf_counter()
        for text in part:
            nlp(text)
        rates.append(len(part) / (time.perf_counter() - t))
    wall = time.perf_counter() - t0
    return {"articles": len(texts), "wall": wall, "median": statistics.median(rates), "driver_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_annotate(path: str, out: str, engine: str, workers: int, shard_size: int) -> dict:
    from taq_news.annotations.registry import load_registry
    from taq_news.collection.run import annotate
    from taq_news.core.cluster import EngineSpec

    if engine == "local":
        one_core()
    registry = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
    timed = []

    def progress(result, n, reused):
        timed.append(result)

    t0 = time.perf_counter()
    if engine == "local":
        summary = annotate([path], out, registry, shard_size=shard_size, progress=progress)
        worker_mb = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
    else:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50) as cluster, Client(cluster) as client:
            summary = annotate([path], out, registry, shard_size=shard_size, engine=EngineSpec("dask", scheduler=cluster.scheduler_address),
                               progress=progress)
            worker_mb = sorted(v / 1024 for v in client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss).values())
    wall = time.perf_counter() - t0
    per_shard = [(r.rows["documents"] + len(r.rejects)) / r.seconds for r in timed if r.seconds]
    return {"articles": summary.items, "wall": wall, "median": statistics.median(per_shard), "workers_mb": worker_mb,
            "driver_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rejects": sum(summary.rejects.values())}


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--shard-size", type=int, default=1000)
    parser.add_argument("--baseline-articles", type=int, default=20_000, help="articles for the spaCy-only baseline (its rate is flat; default 20,000)")
    parser.add_argument("--keep", help="keep the input and outputs in this folder")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "baseline":
            result = child_baseline(rest[0], int(rest[1]))
        else:
            result = child_annotate(rest[0], rest[1], kind, int(rest[2]), int(rest[3]))
        print(json.dumps(result))
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="taq-bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "collection.jsonl.gz"
    t = time.perf_counter()
    make_input(data, args.articles)
    print(f"input: {args.articles:,} synthetic articles, {data.stat().st_size / 1e6:,.0f} MB gzipped, made in {time.perf_counter() - t:,.0f} s", file=sys.stderr)
    runs = {"baseline": run_child(["baseline", str(data), str(min(args.baseline_articles, args.articles))])}
    print(f"baseline done: {runs['baseline']['median']:.1f} articles/s", file=sys.stderr)
    for name, engine, workers in (("local", "local", 1), ("dask-1", "dask", 1), ("dask-2", "dask", 2)):
        runs[name] = run_child([engine, str(data), str(work / name), str(workers), str(args.shard_size)])
        print(f"{name} done in {runs[name]['wall']:,.0f} s", file=sys.stderr)
    small_n = max(1, args.articles // 5)
    small = work / "collection-small.jsonl.gz"
    make_input(small, small_n)
    runs["dask-2-small"] = run_child(["dask", str(small), str(work / "dask-2-small"), "2", str(args.shard_size)])
    print(f"dask-2 on {small_n:,} done in {runs['dask-2-small']['wall']:,.0f} s", file=sys.stderr)
    digests = {name: tree_digest(work / name) for name in ("local", "dask-1", "dask-2")}
    local_rate = runs["local"]["articles"] / runs["local"]["wall"]
    print(f"Scaled set: {args.articles:,} synthetic articles in one JSONL.gz, shards of {args.shard_size:,}; {os.cpu_count()} cores.\n")
    print("| run | articles/s (wall) | median articles/s per shard | x one process | x spaCy only | peak memory: driver / each worker (MB) | output |")
    print("|---|---:|---:|---:|---:|---|---|")
    base = runs["baseline"]
    print(f"| spaCy pipeline only, one core ({base['articles']:,} articles) | {base['articles'] / base['wall']:.1f} | {base['median']:.1f} (per 500) | | 1.00 | {base['driver_mb']:.0f} | |")
    for name in ("local", "dask-1", "dask-2"):
        r = runs[name]
        rate = r["articles"] / r["wall"]
        same = "identical to local" if digests[name] == digests["local"] else "DIFFERS from local"
        workers = " / ".join(f"{m:.0f}" for m in r["workers_mb"])
        label = {"local": "annotate --engine local, one core", "dask-1": "annotate --engine dask --workers 1", "dask-2": "annotate --engine dask --workers 2"}[name]
        print(f"| {label} | {rate:.1f} | {r['median']:.1f} | {rate / local_rate:.2f} | {r['median'] / base['median']:.2f} | {r['driver_mb']:.0f} / {workers} | {same if name != 'local' else '-'} |")
    r_small, r_big = runs["dask-2-small"], runs["dask-2"]
    print(f"\nMemory as the collection grows (annotate --engine dask --workers 2): driver peak {r_small['driver_mb']:.0f} MB for {small_n:,} articles, "
          f"{r_big['driver_mb']:.0f} MB for {args.articles:,} ({(r_big['driver_mb'] - r_small['driver_mb']) / (args.articles - small_n) * 1e6 / 1024:,.1f} KB per added article); "
          f"each worker {' / '.join(f'{m:.0f}' for m in r_small['workers_mb'])} MB and {' / '.join(f'{m:.0f}' for m in r_big['workers_mb'])} MB.")
    if len(set(digests.values())) != 1:
        print("\nOUTPUTS DIFFER", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
