"""``taq-news stats``: corpus statistics."""

from __future__ import annotations

import argparse

from taq_news.cli._util import layout_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="corpus statistics per article, entity type, quote type, speaker and outlet")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from taq_news.analysis.stats import (
        render_stats,  # deferred: pulls in the corpus stage
    )
    from taq_news.corpus.compile import compile_corpus

    print(render_stats(compile_corpus(layout_of(args)).records), end="")
    return 0
