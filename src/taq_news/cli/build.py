"""``taq-news build``: compile the corpus and write the release (or, with --check, compare it)."""

from __future__ import annotations

import argparse

from taq_news.cli._util import layout_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="compile annotations into validated records and write Parquet, card and loading script")
    p.add_argument("--check", action="store_true", help="build in memory and fail if the committed files differ")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from taq_news.publishing.build import (  # deferred: pyarrow and spaCy load only when a command needs them
        build,
        stale_incidents,
    )

    layout = layout_of(args)
    corpus, outputs = build(layout, check_only=args.check)
    if args.check:
        stale = stale_incidents(outputs, layout)
        for inc in stale:
            print(inc.format_text())
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
