"""``taq-news annotate``: a raw news collection -> a validated, sharded, Hub-ready folder of machine-annotated records."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from taq_news.cli._util import at_least, usage


def _card_name(text: str) -> str:
    """An argparse type: the dataset's name, one line of up to 200 characters (it heads the card)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the name is empty")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        raise argparse.ArgumentTypeError(f"{text[:40]!r} holds a line break or control character: the name is one line of text")
    if len(text) > 200:
        raise argparse.ArgumentTypeError(f"the name is {len(text)} characters long; keep it to 200")
    return text.strip()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("annotate", help="machine-annotate a raw collection (.txt folders, JSONL, JSONL.gz) into sharded Parquet")
    p.add_argument("inputs", nargs="+", help="folders of .txt articles, and .jsonl / .jsonl.gz files with a 'text' field (optional: id, url, title, outlet, published)")
    p.add_argument("--out", required=True, help="the output folder (new, empty, or a previous annotate output)")
    p.add_argument("--shard-size", type=at_least(1), default=1000, help="articles per shard (default 1000)")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="local: in this process (default); dask: on a Dask cluster")
    p.add_argument("--workers", type=at_least(1), default=None, help="with --engine dask and no scheduler: worker processes of a LocalCluster (default 2)")
    p.add_argument("--scheduler", help="with --engine dask: a running scheduler's address (tcp://host:8786)")
    p.add_argument("--scheduler-file", help="with --engine dask: a scheduler file (dask-jobqueue, dask-mpi)")
    p.add_argument("--resume", action="store_true", help="reuse the shards a killed or failed run finished (checked by hash)")
    p.add_argument("--max-rejects", type=at_least(0), help="fail, committing nothing, if more articles than this are rejected")
    p.add_argument("--registry", help="entity registry to match (default: the checkout's dataset/entities.yaml)")
    p.add_argument("--model", help="an installed statistical spaCy model to add (default: blank English)")
    p.add_argument("--name", type=_card_name, default="TAQ-News machine-annotated collection", help="the dataset's name on its card (one line)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _registry(args: argparse.Namespace):
    # deferred, as in every command module: taq-news --help stays light
    from taq_news.annotations.registry import load_registry
    from taq_news.core.paths import CheckoutMissing, Layout, find_root

    if args.registry:
        return load_registry(Path(args.registry), args.registry), args.registry
    try:
        layout = Layout(Path(args.root).resolve()) if args.root else Layout(find_root())
    except CheckoutMissing:
        return {}, None
    return load_registry(layout.registry, layout.rel(layout.registry)), layout.rel(layout.registry)


def run(args: argparse.Namespace) -> int:
    # deferred: spaCy, pyarrow and Dask load only for the commands that run them
    from tqdm import tqdm

    from taq_news.collection.inputs import InputError
    from taq_news.collection.run import RunFailed, annotate
    from taq_news.core.checks import incident
    from taq_news.core.cluster import EngineSpec, EngineUnavailable
    from taq_news.preannotate.pipeline import ModelMissing, model_problem

    if not args.out.strip():
        return usage("taq-news annotate", "argument-invalid", "--out is empty", "name the output folder")
    if args.engine == "local" and (args.scheduler or args.scheduler_file):
        return usage("taq-news annotate", "argument-invalid", "--scheduler and --scheduler-file need --engine dask")
    if args.engine == "local" and args.workers is not None:
        return usage("taq-news annotate", "argument-invalid", "--workers sets the processes of a Dask LocalCluster; the local engine runs in this one", "add --engine dask, or drop --workers")
    if args.model:
        problem = model_problem(args.model)
        if problem:
            return usage("taq-news annotate", "model-missing", problem)
    registry, registry_name = _registry(args)
    if registry_name is None:
        print(incident("registry-unavailable", "taq-news annotate", None, "--registry", "no entity registry given and not in a checkout: entities are matched against none",
                       "pass --registry FILE (a TAQ-News entities.yaml)", severity="warning").format_text(), file=sys.stderr)
    bar = tqdm(total=None, unit="shard", disable=args.no_progress or None, file=sys.stderr, dynamic_ncols=True)
    done = {"articles": 0, "rejects": 0}

    def progress(result, n: int, reused: bool) -> None:
        bar.total = n
        done["articles"] += result.rows["documents"] + len(result.rejects)
        done["rejects"] += len(result.rejects)
        rate = done["articles"] / bar.format_dict["elapsed"] if bar.format_dict.get("elapsed") else 0.0
        bar.set_postfix_str(f"{done['articles']:,} articles, {rate:,.1f}/s, {done['rejects']:,} rejects{' (reused)' if reused else ''}", refresh=False)
        bar.update(1)

    engine = EngineSpec(args.engine, args.workers or 2, args.scheduler, args.scheduler_file)
    try:
        summary = annotate(args.inputs, args.out, registry, shard_size=args.shard_size, engine=engine, resume=args.resume,
                           max_rejects=args.max_rejects, model=args.model, name=args.name, progress=progress)
    except InputError as exc:
        return usage(exc.path, "input-invalid", exc.message, exc.fix)
    except ModelMissing as exc:  # a Dask worker that lacks the model the driver has
        return usage("taq-news annotate", "model-missing", f"{exc} on a worker", "install it where the workers run")
    except EngineUnavailable as exc:
        return usage("taq-news annotate", "argument-invalid", str(exc), "install the dask extra (pip install 'taq-news[dask]'), or check --scheduler / --scheduler-file")
    except RunFailed as exc:
        bar.close()
        for r in exc.rejects:
            print(incident(r["check"], r["location"], None, "-", r["reason"]).format_text())
        print(incident(exc.check, args.out, None, "-", exc.message, exc.fix).format_text())
        print("*** FAILED *** nothing was committed to " + args.out)
        return 1
    finally:
        bar.close()
    rejected = sum(summary.rejects.values())
    print(f"annotated {summary.items:,} input items into {summary.out}: {summary.documents:,} records, {rejected:,} rejected"
          f"{' (' + ', '.join(f'{c} {k}' for c, k in sorted(summary.rejects.items())) + ')' if rejected else ''}; "
          f"{summary.shards} shard(s){f', {summary.reused} reused' if summary.reused else ''}; "
          f"{summary.rows.get('quotes', 0):,} quotes, {summary.rows.get('ner', 0):,} sentences")
    if rejected:
        print(f"  the rejected articles are listed in {Path(summary.out) / 'rejects.jsonl'} with their input location, check id and reason")
    return 0
