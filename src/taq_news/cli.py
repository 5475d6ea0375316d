"""The ``taq-news`` command line. Bad input gives incidents and exit 1, never a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .incidents import IncidentError
from .paths import Layout, find_root


def _layout(args: argparse.Namespace) -> Layout:
    return Layout(Path(args.root).resolve() if args.root else find_root())


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build, stale_outputs

    layout = _layout(args)
    corpus, outputs = build(layout, check_only=args.check)
    if args.check:
        stale = stale_outputs(outputs)
        for p in stale:
            print(f"{layout.rel(p)}: L5 artifact-stale -: differs from a fresh build (fix: run 'make dataset' and commit)")
        if stale:
            print(f"*** FAILED *** {len(stale)} built file(s) are stale")
            return 1
        print(f"built files are current ({len(outputs)} files)")
        return 0
    n_ent = sum(len(r["entities"]) for r in corpus.records)
    n_q = sum(len(r["quotes"]) for r in corpus.records)
    print(f"built {len(corpus.records)} documents, {n_ent} entity mentions, {n_q} quotes, {len(corpus.registry)} registry entities")
    for p in sorted(outputs):
        print(f"  wrote {layout.rel(p)}")
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from .sources import write_manifest

    layout = _layout(args)
    for line in write_manifest(layout.raw, layout.manifest):
        print(line)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="taq-news", description="Build, validate and publish the TAQ-News corpus.")
    parser.add_argument("--root", help="repository root (default: found from the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="compile annotations into validated records and write Parquet, card and loading script")
    p.add_argument("--check", action="store_true", help="build in memory and fail if the committed files differ")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("manifest", help="record the SHA-256 of every raw file in dataset/raw/SHA256SUMS")
    p.set_defaults(func=cmd_manifest)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    try:
        return args.func(args)
    except IncidentError as exc:
        for inc in exc.incidents:
            print(inc.format_text())
        print(f"*** FAILED *** with {len(exc.incidents)} error(s)")
        return 1
    except FileNotFoundError as exc:
        print(f"taq-news: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
