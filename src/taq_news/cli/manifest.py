"""``taq-news manifest``: record the SHA-256 of new raw files; listed files stay locked unless --rehash."""

from __future__ import annotations

import argparse
from pathlib import Path

from taq_news.cli._util import layout_of, usage
from taq_news.publishing.output import replace_files


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("manifest", help="record the SHA-256 of new raw files in dataset/raw/SHA256SUMS (listed files stay locked)")
    p.add_argument("--rehash", action="append", metavar="FILE", help="re-record this listed raw file as it is now (its new hash, or its removal if it is gone); repeatable")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: stage imports load only for the command run, so `taq-news --help` stays fast
    from taq_news.core.schema import load_schemas
    from taq_news.sources.raw import unknown_names, update_manifest

    layout = layout_of(args)
    rehash = frozenset(Path(x).name for x in args.rehash or [])
    unknown = unknown_names(rehash, layout.raw, layout.manifest, layout.rel(layout.manifest))
    if unknown:
        return usage("taq-news manifest", "argument-invalid", f"--rehash {', '.join(unknown)}: neither in {layout.rel(layout.raw)} nor in the manifest",
                     "name a raw file, e.g. 000_e764413d3f418c65.txt")
    id_pattern = load_schemas(str(layout.schema_dir)).document_id_pattern()
    data, changes = update_manifest(layout.raw, layout.manifest, layout.rel, rehash, id_pattern)
    replace_files({layout.manifest: data})
    for line in changes:
        print(f"  {line}")
    n_files = data.count(b"\n")
    print(f"{layout.rel(layout.manifest)}: {n_files} raw files, {len(changes)} change(s)")
    return 0
