"""``taq-news render``: the corpus browser, a static HTML page per article and an index."""

from __future__ import annotations

import argparse

from taq_news.cli._util import layout_of
from taq_news.publishing.output import write_tree


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="write the corpus browser: a static HTML page per article and an index")
    p.add_argument("--out", required=True, help="output folder: new, empty, or an earlier output of render (then replaced as a whole)")
    p.add_argument("--force", action="store_true", help="write into a folder that holds other files (only render's own files are replaced)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from taq_news.audit.published import published_documents  # deferred: pyarrow
    from taq_news.browser.render import render_site

    pages = render_site(published_documents(layout_of(args)))
    write_tree(args.out, {name: html.encode("utf-8") for name, html in pages.items()}, command="render", force=args.force)
    print(f"wrote {len(pages)} pages to {args.out} (open {args.out}/index.html)")
    return 0
