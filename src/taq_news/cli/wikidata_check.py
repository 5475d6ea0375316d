"""``taq-news wikidata-check``: (needs the network) each registry Wikidata id against its live labels."""

from __future__ import annotations

import argparse

from taq_news.cli._util import layout_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("wikidata-check", help="(needs the network) confirm each registry Wikidata id against its live labels")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: stage imports load only for the command run, so `taq-news --help` stays fast
    from taq_news.annotations.registry import load_registry
    from taq_news.validation.wikidata import check_registry

    layout = layout_of(args)
    results = check_registry(load_registry(layout.registry, layout.rel(layout.registry)))
    for eid, qid, verdict in results:
        print(f"{eid}\t{qid}\t{verdict}")
    failed = [r for r in results if r[2] != "ok"]
    print(f"{len(results) - len(failed)} of {len(results)} linked entities confirmed live")
    return 1 if failed else 0
