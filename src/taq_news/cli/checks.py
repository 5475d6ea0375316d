"""``taq-news checks``: every check id, level and summary (``--markdown``: docs/checks.md)."""

from __future__ import annotations

import argparse

from taq_news.core.checks import CHECKS, render_markdown


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("checks", help="list every check id (the registry behind docs/checks.md)")
    p.add_argument("--markdown", action="store_true", help="print docs/checks.md")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.markdown:
        print(render_markdown(), end="")
    else:
        for c in sorted(CHECKS.values(), key=lambda c: (c.level, c.id)):
            print(f"{c.level} {c.id}: {c.summary}")
    return 0
