"""``taq-news export``: the published records as JSONL, standoff, CoNLL, a spaCy DocBin or brat."""

from __future__ import annotations

import argparse
import sys

from taq_news.cli._util import json_line, layout_of, write_output
from taq_news.publishing.output import write_tree


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write the published records as JSONL, standoff (no article text), CoNLL IOB2, a spaCy DocBin or brat")
    p.add_argument("--format", choices=("jsonl", "standoff", "conll", "spacy", "brat"), required=True)
    p.add_argument("--out", required=True, help="output file (a folder for brat), or - for standard output")
    p.add_argument("--force", action="store_true", help="replace a file, or this command's files in a folder, that an earlier run of this command did not write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: each format loads only what it needs (spaCy for CoNLL and DocBin)
    from taq_news.audit.published import published_documents

    records = published_documents(layout_of(args))  # validated first: file names derived from them must be safe
    command = f"export-{args.format}"
    if args.format in ("jsonl", "standoff"):
        from taq_news.exports.standoff import to_standoff

        convert = to_standoff if args.format == "standoff" else (lambda r: r)
        write_output(args.out, b"".join(json_line(convert(r)) for r in records), command, args.force)
    elif args.format == "conll":
        from taq_news.exports.conll import write_conll

        write_output(args.out, write_conll(records).encode("utf-8"), command, args.force)
    elif args.format == "spacy":
        from taq_news.exports.spacy_docbin import write_docbin

        write_output(args.out, write_docbin(records), command, args.force)
    else:
        from taq_news.exports.brat import write_brat

        write_tree(args.out, {k: v.encode("utf-8") for k, v in write_brat(records).items()}, command=command, force=args.force)
    if args.out != "-":
        print(f"wrote {len(records)} documents as {args.format} to {args.out}", file=sys.stderr)
    return 0
