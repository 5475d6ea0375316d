"""``taq-news rehydrate``: full records from a standoff file and the user's own raw articles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from taq_news.cli._util import failed, json_line, layout_of, usage, write_output
from taq_news.core.checks import incident
from taq_news.core.incidents import IncidentError
from taq_news.core.paths import CheckoutMissing, Layout


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rehydrate", help="rebuild full records from a standoff file and your own copies of the raw articles (hashes checked)")
    p.add_argument("standoff", help="a file written by 'taq-news export --format standoff'")
    p.add_argument("--raw", required=True, help="folder with the raw article files, named as in the release (e.g. 000_e764413d3f418c65.txt)")
    p.add_argument("--out", required=True, help="output JSONL file")
    p.add_argument("--force", action="store_true", help="replace an existing file that rehydrate did not write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from taq_news.exports.rehydrate import (
        rehydrate_checked,  # deferred: the validator loads pyarrow
    )

    raw_dir = Path(args.raw)
    if not raw_dir.is_dir():
        return usage(args.raw, "argument-invalid", "--raw is not a folder", "point it at your copies of the raw articles")
    standoff = Path(args.standoff)
    if args.out != "-" and Path(args.out).exists() and standoff.exists() and Path(args.out).resolve() == standoff.resolve():
        return usage(args.out, "argument-invalid", "--out is the standoff file being read", "write the records to another file")
    if not standoff.is_file():
        message = "is a folder, not a file" if standoff.is_dir() else "no such file"
        raise IncidentError([incident("file-unreadable", args.standoff, None, "", message, "give the file 'taq-news export --format standoff' wrote")])
    try:  # the schema (and the registry, when there is one) every rebuilt record must pass
        layout: Layout | None = layout_of(args)
    except CheckoutMissing:
        if args.root:
            raise
        layout = None  # an installed package: its own schema, no registry
    records, problems = rehydrate_checked(standoff, args.standoff, raw_dir, layout)
    if problems:
        return failed(problems, f" in {args.standoff}; nothing was written")
    write_output(args.out, b"".join(json_line(r) for r in records), "rehydrate", args.force)
    print(f"rehydrated {len(records)} records into {args.out}", file=sys.stderr)
    return 0
