"""``taq-news evaluate``: pre-annotation scored against the gold (our corpus, or a brat folder)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from taq_news.cli._util import layout_of, usage
from taq_news.core.checks import incident
from taq_news.core.incidents import IncidentError
from taq_news.publishing.output import replace_files

if TYPE_CHECKING:
    from spacy.language import Language


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score pre-annotation against the gold (our corpus, or a brat folder such as PolNeAR)")
    p.add_argument("--brat", help="a folder of brat .ann/.txt files to use as the gold instead of our corpus")
    p.add_argument("--gold", help="a folder shaped like dataset/ (raw/ with SHA256SUMS, annotations/, entities.yaml), such as the development set tests/dev, "
                                  "to use as the gold; the pre-annotator still works with the corpus registry only")
    p.add_argument("--per-document", action="store_true", help="with --brat: a row per annotation file too")
    p.add_argument("--our-content-rules", action="store_true", help="with --brat: trim gold content by our guidelines (Q11-Q12: no leading 'that', no final stop outside the marks) before scoring")
    p.add_argument("--readme", action="store_true", help="also write the table into README.md (between its EVALUATION markers, or with --gold its DEV EVALUATION ones)")
    p.add_argument("--model", help="an installed statistical spaCy model to add (default: blank English)")
    p.add_argument("--record", metavar="LABEL", help="also keep the overall figures under LABEL (e.g. 'PolNeAR dev') in the package's accuracy record, "
                                                    "which collection cards quote; --readme records our gold and the development set by itself")
    p.set_defaults(func=run)


def _with(nlp: Language, model: str | None) -> str:
    """The pipeline a table was made with, when it is not the default blank English: the model's own
    name and version from its meta, so a table says which weights made it whatever the package is called."""
    if not model:
        return ""
    meta = nlp.meta
    return f"; spaCy model {meta.get('lang', '?')}_{meta.get('name', '?')} {meta.get('version', '?')} (loaded as {model}) with the registry EntityRuler before its NER"


def run(args: argparse.Namespace) -> int:
    # deferred: spaCy and pyarrow load only for the commands that need them
    import pyarrow.parquet as pq

    from taq_news.annotations.registry import load_registry
    from taq_news.core.paths import Layout
    from taq_news.corpus.compile import compile_corpus
    from taq_news.preannotate import accuracy
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
    if args.record is not None and (not args.record.strip() or len(args.record) > 80 or not args.record.isprintable() or "|" in args.record):
        return usage("taq-news evaluate", "argument-invalid", "--record needs a label of one printable line, at most 80 characters, without '|' (it becomes a table row)",
                     "name the gold, e.g. --record 'PolNeAR dev'")
    if args.record and not accuracy.RECORD.resolve().is_relative_to(layout.root):
        return usage(str(accuracy.RECORD), "argument-invalid", "--record writes the accuracy record of a taq-news checkout, and this package is installed elsewhere",
                     "run it from a checkout with an editable install (make dataset)")
    if args.record or args.readme:
        try:
            accuracy.read()
        except ValueError as exc:  # a hand-edited record that is no longer JSON: say so before evaluating
            return usage(str(accuracy.RECORD), "file-unreadable", f"the accuracy record is not JSON: {exc}", "restore it from git (git checkout -- the file)")
    if args.brat:
        folder = Path(args.brat)
        if not folder.is_dir():
            return usage(args.brat, "argument-invalid", "--brat is not a folder", "point it at a folder of .ann and .txt files")
        if args.readme:
            return usage("taq-news evaluate", "argument-invalid", "--readme with --brat: the README's brat tables are pasted, not written", "use --record LABEL to keep the figures")
        try:
            rows = evaluate_brat(folder, registry, nlp, args.our_content_rules)
        except ValueError as exc:
            # Raised, so the summary line is the one every failing command prints (app.main).
            raise IncidentError([incident("brat-syntax", args.brat, None, "-", str(exc), "pair each .ann with the .txt it was annotated on, with offsets that give the text")]) from None
        table = render(rows if args.per_document else rows[-1:],
                       f"Pre-annotation against brat gold in {args.brat} ({len(list(folder.rglob('*.ann')))} annotation files){_with(nlp, args.model)}")
        markers, label = None, None
    elif args.gold:
        folder = Path(args.gold)
        if not (folder / "raw").is_dir() or not (folder / "annotations").is_dir():
            return usage(args.gold, "argument-invalid", "--gold is not a folder with raw/ and annotations/", "point it at a folder shaped like dataset/, e.g. tests/dev")
        dev = compile_corpus(Layout(layout.root, folder.resolve()))  # its incidents are raised: a gold that does not validate is not scored
        rows = evaluate_corpus(dev.records, folder / "raw", registry, nlp, gold_registry=dev.registry)
        table = render(rows, f"{DEV_TITLE} ({len(dev.records)} articles in {args.gold}){_with(nlp, args.model)}")
        markers = MODEL_MARKERS if args.model else DEV_MARKERS
        label = None if args.model else accuracy.DEV_LABEL
    elif args.readme and args.model:
        return usage("taq-news evaluate", "argument-invalid", "--readme with --model writes the development set's model table", "add --gold tests/dev")
    else:
        records = pq.read_table(layout.parquet("documents")).to_pylist()
        rows = evaluate_corpus(records, layout.raw, registry, nlp)
        table = render(rows, CORPUS_TITLE + _with(nlp, args.model))
        markers, label = None, (None if args.model else accuracy.GOLD_LABEL)
    print(table, end="")
    writes: dict[Path, bytes] = {}
    if args.readme:
        readme = layout.root / "README.md"
        text = readme_with_table(readme.read_text("utf-8"), table, *(markers or ()))
        if text is None:
            return usage(str(readme), "readme-markers-missing", "the evaluation markers are missing")
        writes[readme] = text.encode("utf-8")
    label = args.record or (label if args.readme else None)
    if label:
        command = " ".join(["taq-news evaluate", *(f"--{k.replace('_', '-')} {v}" for k, v in (("brat", args.brat), ("gold", args.gold), ("model", args.model)) if v),
                            *(["--our-content-rules"] if args.our_content_rules else [])])
        writes[accuracy.RECORD] = accuracy.with_entry(label.strip(), accuracy.summary(rows, command, _with(nlp, args.model).lstrip("; ") or "blank English + sentencizer + registry EntityRuler"))
    if writes:
        replace_files(writes)  # the README and the record together, or neither
    return 0
