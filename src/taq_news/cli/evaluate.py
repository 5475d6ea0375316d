"""``taq-news evaluate``: pre-annotation scored against the gold (our corpus, or a brat folder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from taq_news.cli._util import layout_of, usage
from taq_news.core.checks import incident
from taq_news.core.incidents import IncidentError
from taq_news.publishing.output import replace_files


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score pre-annotation against the gold (our corpus, or a brat folder such as PolNeAR)")
    p.add_argument("--brat", help="a folder of brat .ann/.txt files to use as the gold instead of our corpus")
    p.add_argument("--gold", help="a folder shaped like dataset/ (raw/ with SHA256SUMS, annotations/, entities.yaml), such as the development set tests/dev, "
                                  "to use as the gold; the pre-annotator still works with the corpus registry only")
    p.add_argument("--per-document", action="store_true", help="with --brat: a row per annotation file too")
    p.add_argument("--our-content-rules", action="store_true", help="with --brat: trim gold content by our guidelines (Q11-Q12: no leading 'that', no final stop outside the marks) before scoring")
    p.add_argument("--readme", action="store_true", help="also write the table into README.md (between its EVALUATION markers, or with --gold its DEV EVALUATION ones)")
    p.add_argument("--model", help="an installed statistical spaCy model to add (default: blank English)")
    p.set_defaults(func=run)


def _with(model: str | None) -> str:
    """The pipeline a table was made with, when it is not the default blank English."""
    return f"; spaCy model {model} with the registry EntityRuler before its NER" if model else ""


def run(args: argparse.Namespace) -> int:
    # deferred: spaCy and pyarrow load only for the commands that need them
    import pyarrow.parquet as pq

    from taq_news.annotations.registry import load_registry
    from taq_news.core.paths import Layout
    from taq_news.corpus.compile import compile_corpus
    from taq_news.preannotate.evaluate import (
        CORPUS_TITLE,
        DEV_MARKERS,
        DEV_TITLE,
        MODEL_MARKERS,
        evaluate_brat,
        evaluate_corpus,
        readme_with_table,
        render,
    )
    from taq_news.preannotate.pipeline import ModelMissing, make_nlp

    layout = layout_of(args)
    registry = load_registry(layout.registry, layout.rel(layout.registry))
    try:
        nlp = make_nlp(registry, args.model)
    except ModelMissing as exc:
        return usage("taq-news evaluate", "model-missing", str(exc))
    if args.brat:
        folder = Path(args.brat)
        if not folder.is_dir():
            return usage(args.brat, "argument-invalid", "--brat is not a folder", "point it at a folder of .ann and .txt files")
        try:
            rows = evaluate_brat(folder, registry, nlp, args.our_content_rules)
        except ValueError as exc:
            # Raised, so the summary line is the one every failing command prints (app.main).
            raise IncidentError([incident("brat-syntax", args.brat, None, "-", str(exc), "pair each .ann with the .txt it was annotated on, with offsets that give the text")]) from None
        if not args.per_document:
            rows = rows[-1:]
        print(render(rows, f"Pre-annotation against brat gold in {args.brat} ({len(list(folder.rglob('*.ann')))} annotation files){_with(args.model)}"), end="")
        return 0
    if args.gold:
        folder = Path(args.gold)
        if not (folder / "raw").is_dir() or not (folder / "annotations").is_dir():
            return usage(args.gold, "argument-invalid", "--gold is not a folder with raw/ and annotations/", "point it at a folder shaped like dataset/, e.g. tests/dev")
        dev = compile_corpus(Layout(layout.root, folder.resolve()))  # its incidents are raised: a gold that does not validate is not scored
        rows = evaluate_corpus(dev.records, folder / "raw", registry, nlp, gold_registry=dev.registry)
        table = render(rows, f"{DEV_TITLE} ({len(dev.records)} articles in {args.gold}){_with(args.model)}")
        markers = MODEL_MARKERS if args.model else DEV_MARKERS
    elif args.readme and args.model:
        return usage("taq-news evaluate", "argument-invalid", "--readme with --model writes the development set's model table", "add --gold tests/dev")
    else:
        records = pq.read_table(layout.parquet("documents")).to_pylist()
        table = render(evaluate_corpus(records, layout.raw, registry, nlp), CORPUS_TITLE + _with(args.model))
        markers = None
    print(table, end="")
    if args.readme:
        readme = layout.root / "README.md"
        text = readme_with_table(readme.read_text("utf-8"), table, *(markers or ()))
        if text is None:
            return usage(str(readme), "readme-markers-missing", "the evaluation markers are missing")
        replace_files({readme: text.encode("utf-8")})
    return 0
