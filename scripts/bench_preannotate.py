"""Benchmark `taq-news preannotate` against the spaCy pipeline alone, on a scaled set of articles.

    .venv/bin/python scripts/bench_preannotate.py [--articles 10000] [--chunk 500]

The five raw articles are scaled to N varied articles (each copy rotates the
body paragraphs and adds a numbered sentence, so no two texts are equal). Two
pipelines are measured, each in its own child process pinned to one CPU core:

- flags: the spaCy pipeline (blank English, sentencizer and the registry
  EntityRuler) with its value rules as lexeme flags, as preannotate runs it;
- predicates: the same pipeline with the value rules rendered as Matcher
  predicates (REGEX and IN, evaluated in Python at each token), as it ran
  before the flags; it finds the same entities.

With --model, a third: an installed statistical spaCy pipeline with the
registry ruler before its NER, as ``taq-news preannotate --model`` runs it.

For each, two runs take turns chunk by chunk (in ABBA order): the baseline,
the spaCy pipeline only on the raw text; and preannotate, everything the
command does for an article (page parts, cleaning, the spaCy pipeline, quotes,
speakers, metadata and the draft YAML) without writing files. The table gives
the median articles/s over chunks, the median of the per-chunk ratios of the
two (so a slow spell of the shared machine falls on both), and the child's
peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIPELINES = ("flags", "predicates")


def scaled(n: int) -> list[tuple[str, str]]:
    raws = [(p.stem, p.read_text("utf-8")) for p in sorted((ROOT / "dataset/raw").glob("*.txt"))]
    out = []
    for i in range(n):
        doc_id, raw = raws[i % len(raws)]
        paras = raw.split("\n\n")
        k = (i // len(raws)) % max(1, len(paras) - 4)
        head, body = paras[:4], paras[4:]
        body = body[k:] + body[:k]
        out.append((f"{i % 1000:03d}_{i:016x}", "\n\n".join(head + body) + f"\n\nThis is copy number {i} of {doc_id}, the editors said.\n"))
    return out


def child(pipeline: str, n: int, chunk: int, model: str | None = None) -> None:
    """Both modes of one pipeline, chunk by chunk in turn (ABBA), so that a slower spell of the
    shared machine falls on both: the ratio is the median of the per-chunk ratios."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from taq_news.annotations.registry import load_registry
    from taq_news.preannotate.draft import draft_yaml, preannotate
    from taq_news.preannotate.pipeline import make_nlp

    registry = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
    if pipeline == "predicates":
        import spacy

        from taq_news.preannotate.entities import add_ruler

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        add_ruler(nlp, registry, flags=False)
    else:
        nlp = make_nlp(registry, model if pipeline == "model" else None)
    articles = scaled(n)

    def baseline(part: list[tuple[str, str]]) -> float:
        t = time.perf_counter()
        for _, raw in part:
            nlp(raw)
        return len(part) / (time.perf_counter() - t)

    def full(part: list[tuple[str, str]]) -> float:
        t = time.perf_counter()
        for doc_id, raw in part:
            draft_yaml(preannotate(doc_id, raw, registry, nlp), registry)
        return len(part) / (time.perf_counter() - t)

    rates: dict[str, list[float]] = {"baseline": [], "full": []}
    for k, start in enumerate(range(0, n, chunk)):
        part = articles[start : start + chunk]
        order = (("baseline", baseline), ("full", full)) if k % 2 == 0 else (("full", full), ("baseline", baseline))
        for name, run in order:
            rates[name].append(run(part))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({**rates, "peak_mb": peak_mb}))


def _positive(value: str) -> int:
    n = int(value) if value.strip().lstrip("+").isdigit() else 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 1 or more")
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=_positive, default=10_000)
    parser.add_argument("--chunk", type=_positive, default=500)
    parser.add_argument("--model", help="also measure with this installed spaCy model (its pipeline with the registry ruler before its NER)")
    parser.add_argument("--child", choices=(*PIPELINES, "model"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.articles, args.chunk, args.model)
        return 0
    results = {}
    pipelines = (*PIPELINES, "model") if args.model else PIPELINES
    for pipeline in pipelines:
        done = subprocess.run([sys.executable, __file__, "--child", pipeline, "--articles", str(args.articles), "--chunk", str(args.chunk),
                               *(["--model", args.model] if args.model else [])], capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            print(f"bench_preannotate: the {pipeline} run failed: {last}", file=sys.stderr)
            return 2
        results[pipeline] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"Scaled set: {args.articles:,} articles from the five raw pages; one CPU core; median over chunks of {args.chunk},")
    print("the two runs of each pipeline taking turns chunk by chunk; x baseline is the median of the per-chunk ratios.")
    print()
    print("| run | articles/s (median) | x baseline | peak memory (MB) |")
    print("|---|---:|---:|---:|")
    for pipeline, (base_label, full_label) in (
            ("flags", ("spaCy pipeline only (blank en + sentencizer + registry EntityRuler, value rules as lexeme flags)",
                       "taq-news preannotate (all steps, draft YAML in memory)")),
            ("predicates", ("spaCy pipeline only, value rules as Matcher predicates (before the flags)", "taq-news preannotate with that pipeline")),
            ("model", (f"spaCy pipeline only, model {args.model} with the registry ruler", "taq-news preannotate with that pipeline"))):
        if pipeline not in results:
            continue
        r = results[pipeline]
        ratio = statistics.median(f / b for f, b in zip(r["full"], r["baseline"], strict=True))
        print(f"| {base_label} | {statistics.median(r['baseline']):,.1f} | 1.00 | {r['peak_mb']:,.0f} |")
        print(f"| {full_label} | {statistics.median(r['full']):,.1f} | {ratio:.2f} | {r['peak_mb']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
