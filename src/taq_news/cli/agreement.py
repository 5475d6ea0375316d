"""``taq-news agreement``: the two annotation passes against each other and against the gold."""

from __future__ import annotations

import argparse
import json

from taq_news.cli._util import layout_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("agreement", help="inter-annotator agreement: pass A vs pass B, and each pass vs the gold")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from taq_news.analysis.agreement import (  # deferred: pulls in the corpus stage
        compute,
        render_table,
    )

    results = compute(layout_of(args))
    print(json.dumps(results, indent=2, sort_keys=True) if args.json else render_table(results), end="")
    return 0
