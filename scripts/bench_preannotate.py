"""Benchmark `taq-news preannotate` against the spaCy pipeline alone, on a scaled set of articles.

    .venv/bin/python scripts/bench_preannotate.py [--articles 10000] [--chunk 500]

The five raw articles are scaled to N varied articles (each copy rotates the
body paragraphs and adds a numbered sentence, so no two texts are equal). Four
modes run in separate child processes, pinned to one CPU core:

- baseline: the spaCy pipeline only (blank English, sentencizer and the
  registry EntityRuler) on the raw text, its value rules as lexeme flags;
- baseline-predicates: the same pipeline with the value rules rendered as
  Matcher predicates (REGEX and IN, evaluated in Python at each token), as it
  ran before the flags; it finds the same entities;
- preannotate: everything the command does for an article (page parts,
  cleaning, the spaCy pipeline, quotes, speakers, metadata and the draft YAML),
  without writing files;
- preannotate-predicates: the same with the predicate pipeline.

Each child times chunks of --chunk articles; the table gives the median
articles/s over chunks, the ratio to the baseline measured in the same run, and
the child's peak resident memory.
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
MODES = ("baseline", "preannotate", "baseline-predicates", "preannotate-predicates")


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


def child(mode: str, n: int, chunk: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from taq_news.annotations.registry import load_registry
    from taq_news.preannotate.draft import draft_yaml, preannotate
    from taq_news.preannotate.pipeline import make_nlp

    registry = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
    if mode.endswith("-predicates"):
        import spacy

        from taq_news.preannotate.entities import add_ruler

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        add_ruler(nlp, registry, flags=False)
    else:
        nlp = make_nlp(registry)
    articles = scaled(n)
    rates = []
    for start in range(0, n, chunk):
        part = articles[start : start + chunk]
        t = time.perf_counter()
        for doc_id, raw in part:
            if mode.startswith("baseline"):
                nlp(raw)
            else:
                draft_yaml(preannotate(doc_id, raw, registry, nlp), registry)
        rates.append(len(part) / (time.perf_counter() - t))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rates": rates, "peak_mb": peak_mb}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.articles, args.chunk)
        return 0
    results = {}
    for mode in MODES:
        done = subprocess.run([sys.executable, __file__, "--child", mode, "--articles", str(args.articles), "--chunk", str(args.chunk)],
                              check=True, capture_output=True, text=True)
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    base = statistics.median(results["baseline"]["rates"])
    print(f"Scaled set: {args.articles:,} articles from the five raw pages; one CPU core; median over chunks of {args.chunk}.")
    print()
    print("| run | articles/s (median) | x baseline | peak memory (MB) |")
    print("|---|---:|---:|---:|")
    for mode, label in (("baseline", "spaCy pipeline only (blank en + sentencizer + registry EntityRuler, value rules as lexeme flags)"),
                        ("preannotate", "taq-news preannotate (all steps, draft YAML in memory)"),
                        ("baseline-predicates", "spaCy pipeline only, value rules as Matcher predicates (before the flags)"),
                        ("preannotate-predicates", "taq-news preannotate with that pipeline")):
        rate = statistics.median(results[mode]["rates"])
        print(f"| {label} | {rate:,.1f} | {rate / base:.2f} | {results[mode]['peak_mb']:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
