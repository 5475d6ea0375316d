"""``taq-news preannotate``: machine-marked annotation drafts for new raw articles."""

from __future__ import annotations

import argparse
from pathlib import Path

from taq_news.cli._util import failed, layout_of, usage
from taq_news.publishing.output import check_target, replace_files


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preannotate", help="draft an annotation file (machine-marked) for new raw articles")
    p.add_argument("raw", nargs="+", help="raw article files (dataset/raw/NNN_<16 hex>.txt or .html)")
    p.add_argument("--out-dir", help="where to write <doc-id>.yaml (default: dataset/annotations)")
    p.add_argument("--registry", help="entity registry to match and to extend with proposed entries (default: dataset/entities.yaml)")
    p.add_argument("--model", help="an installed statistical spaCy model to add (default: blank English)")
    p.add_argument("--force", action="store_true", help="replace an existing annotation file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # deferred: spaCy loads only for the commands that run it
    from taq_news.annotations.registry import load_registry
    from taq_news.core.schema import load_schemas
    from taq_news.preannotate.batch import draft_all, plan
    from taq_news.preannotate.pipeline import ModelMissing, make_nlp

    layout = layout_of(args)
    registry_path = Path(args.registry) if args.registry else layout.registry
    registry = load_registry(registry_path, layout.rel(registry_path) if registry_path.is_absolute() else str(registry_path))
    out_dir = check_target(args.out_dir, folder=True) if args.out_dir else layout.annotations
    id_pattern = load_schemas(str(layout.schema_dir)).document_id_pattern()
    try:
        nlp = make_nlp(registry, args.model)
    except ModelMissing as exc:
        return usage("taq-news preannotate", "model-missing", str(exc))
    jobs, problems = plan(args.raw, out_dir, args.force, id_pattern, nlp.max_length)
    if problems:
        return failed(problems, "; nothing was written")
    outputs, _ = draft_all(jobs, registry, registry_path, nlp, report=print)  # each line as its draft is made
    replace_files(outputs)
    for p in sorted(outputs):
        print(f"  wrote {p}")
    print("check every item marked origin: machine; then 'taq-news build'")
    return 0
