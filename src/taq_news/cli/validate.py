"""``taq-news validate``: record files, annotation YAML, the registry, or the dataset folder."""

from __future__ import annotations

import argparse
import sys

from taq_news.cli._util import at_least, usage


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate records (JSONL, JSON, Parquet), annotation YAML, the registry, or the dataset folder")
    p.add_argument("paths", nargs="+", help="files or the dataset/ folder")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--select", action="append", metavar="IDS", help="only these check ids (comma-separated; repeatable)")
    p.add_argument("--ignore", action="append", metavar="IDS", help="skip these check ids (comma-separated; repeatable)")
    p.add_argument("--level", type=int, choices=range(1, 6), default=5, help="run levels 1..N (default 5)")
    p.add_argument("--max-errors", type=at_least(1), metavar="N", help="stop after N incidents")
    p.add_argument("--engine", choices=("auto", "rs", "python", "dask"), default="auto",
                   help="JSON Schema engine: jsonschema-rs (default) or pure-Python jsonschema; dask: jsonschema-rs, the shards of an annotated collection in parallel on Dask")
    p.add_argument("--workers", type=int, default=2, help="with --engine dask and no scheduler: worker processes of a LocalCluster (default 2)")
    p.add_argument("--scheduler", help="with --engine dask: a running scheduler's address")
    p.add_argument("--scheduler-file", help="with --engine dask: a scheduler file")
    p.add_argument("--registry", help="entity registry YAML for reference checks (default: the checkout's)")
    p.add_argument("--schema-dir", help="folder with document.schema.json (default: the checkout's)")
    p.add_argument("--strict", action="store_true", help="fail when a check could not run (no registry, no raw articles at hand)")
    p.set_defaults(func=run)


def _ids(values: list[str] | None) -> list[str]:
    return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]


def run(args: argparse.Namespace) -> int:
    from taq_news.audit.dispatch import (
        validate,  # deferred: the validator loads pyarrow and the schema engines
    )
    from taq_news.core.cluster import EngineSpec, EngineUnavailable
    from taq_news.core.schema import SchemaDirInvalid
    from taq_news.validation.records import UnknownCheckIds
    from taq_news.validation.report import exit_code, render

    if args.workers < 1:
        return usage("taq-news validate", "argument-invalid", f"--workers {args.workers} must be at least 1")
    cluster = EngineSpec("dask", args.workers, args.scheduler, args.scheduler_file) if args.engine == "dask" else None
    try:
        incidents = validate(
            args.paths, select=_ids(args.select), ignore=_ids(args.ignore), level=args.level,
            max_errors=args.max_errors, engine="auto" if cluster else args.engine, registry=args.registry, schema_dir=args.schema_dir, cluster=cluster,
        )
    except EngineUnavailable as exc:
        return usage("taq-news validate", "argument-invalid", str(exc), "install the dask extra, or check --scheduler")
    except UnknownCheckIds as exc:
        return usage("taq-news validate", "argument-invalid", str(exc), "see 'taq-news checks' for the ids")
    except SchemaDirInvalid as exc:
        return usage(exc.path, "argument-invalid", f"--schema-dir: {exc.message}", "pass the folder holding the TAQ-News schemas (document.schema.json and the rest), or leave --schema-dir out")
    truncated = args.max_errors is not None and len(incidents) >= args.max_errors
    sys.stdout.write(render(incidents, args.format, truncated, args.strict))
    return exit_code(incidents, args.strict)
