"""The ``taq-news`` command line. Bad input gives incidents and exit 1, never a traceback."""

from __future__ import annotations

import argparse
import re
import signal
import sys
from pathlib import Path

from taq_news.core.checks import CHECKS
from taq_news.core.incidents import Incident, IncidentError
from taq_news.core.paths import CheckoutMissing, Layout, find_root, packaged_schema_dir
from taq_news.publishing.output import (
    OutputRefused,
    check_target,
    replace_files,
    write_file,
    write_tree,
)


def _usage(target: str, check: str, message: str, fix: str | None = None) -> int:
    """A refused argument: one incident line on standard error, exit 2."""
    print(Incident(target, None, CHECKS[check].level, check, "-", message, fix or CHECKS[check].fix).format_text(), file=sys.stderr)
    return 2


def _layout(args: argparse.Namespace) -> Layout:
    if not args.root:
        return Layout(find_root())
    root = Path(args.root).resolve()
    if not ((root / "schema" / "document.schema.json").is_file() and (root / "dataset").is_dir()):
        raise CheckoutMissing(f"--root {args.root} is not a TAQ-News checkout (no schema/document.schema.json and dataset/)")
    return Layout(root)


def cmd_build(args: argparse.Namespace) -> int:
    from taq_news.publishing.build import build, stale_outputs

    layout = _layout(args)
    corpus, outputs = build(layout, check_only=args.check)
    if args.check:
        stale = stale_outputs(outputs)
        for p in stale:
            print(f"{layout.rel(p)}: L5 artifact-stale -: differs from a fresh build (fix: run 'make dataset' and commit)")
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


def cmd_agreement(args: argparse.Namespace) -> int:
    import json

    from taq_news.analysis.agreement import compute, render_table

    results = compute(_layout(args))
    print(json.dumps(results, indent=2, sort_keys=True) if args.json else render_table(results), end="")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from taq_news.analysis.stats import render_stats
    from taq_news.corpus.compile import compile_corpus

    print(render_stats(compile_corpus(_layout(args)).records), end="")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from taq_news.audit.dispatch import validate
    from taq_news.validation.report import exit_code, render

    def ids(values: list[str] | None) -> list[str]:
        return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]

    try:
        incidents = validate(
            args.paths, select=ids(args.select), ignore=ids(args.ignore), level=args.level,
            max_errors=args.max_errors, engine=args.engine, registry=args.registry, schema_dir=args.schema_dir,
        )
    except ValueError as exc:  # unknown check ids
        return _usage("taq-news validate", "argument-invalid", str(exc), "see 'taq-news checks' for the ids")
    truncated = args.max_errors is not None and len(incidents) >= args.max_errors
    sys.stdout.write(render(incidents, args.format, truncated, args.strict))
    return exit_code(incidents, args.strict)


def cmd_wikidata_check(args: argparse.Namespace) -> int:
    from taq_news.annotations.registry import load_registry
    from taq_news.validation.wikidata import check_registry

    layout = _layout(args)
    results = check_registry(load_registry(layout.registry, layout.rel(layout.registry)))
    for eid, qid, verdict in results:
        print(f"{eid}\t{qid}\t{verdict}")
    failed = [r for r in results if r[2] != "ok"]
    print(f"{len(results) - len(failed)} of {len(results)} linked entities confirmed live")
    return 1 if failed else 0


def cmd_checks(args: argparse.Namespace) -> int:
    from taq_news.core.checks import CHECKS, render_markdown

    if args.markdown:
        print(render_markdown(), end="")
    else:
        for c in sorted(CHECKS.values(), key=lambda c: (c.level, c.id)):
            print(f"{c.level} {c.id}: {c.summary}")
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from taq_news.sources.raw import update_manifest

    layout = _layout(args)
    rehash = frozenset(Path(x).name for x in args.rehash or [])
    unknown = sorted(n for n in rehash if not (layout.raw / n).exists() and n not in _listed(layout))
    if unknown:
        return _usage("taq-news manifest", "argument-invalid", f"--rehash {', '.join(unknown)}: neither in {layout.rel(layout.raw)} nor in the manifest", "name a raw file, e.g. 000_e764413d3f418c65.txt")
    from taq_news.core.schema import load_schemas

    id_pattern = load_schemas(str(layout.schema_dir)).by_file["document.schema.json"]["properties"]["id"]["pattern"]
    data, changes = update_manifest(layout.raw, layout.manifest, layout.rel, rehash, id_pattern)
    replace_files({layout.manifest: data})
    for line in changes:
        print(f"  {line}")
    n_files = data.count(b"\n")
    print(f"{layout.rel(layout.manifest)}: {n_files} raw files, {len(changes)} change(s)")
    return 0


def _listed(layout: Layout) -> set[str]:
    from taq_news.sources.raw import read_manifest

    return set(read_manifest(layout.manifest, layout.rel(layout.manifest))) if layout.manifest.is_file() else set()


def _write_atomically(out: str, lines: list[bytes], command: str = "export", force: bool = False) -> None:
    if out == "-":
        sys.stdout.buffer.write(b"".join(lines))
        return
    write_file(out, b"".join(lines), command=command, force=force)


def _published_records(layout: Layout) -> list[dict]:
    """The published documents, validated first: file names derived from them must be safe."""
    from taq_news.audit.published import published_documents

    return published_documents(layout)


def _json_line(obj: dict) -> bytes:
    import json

    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def cmd_export(args: argparse.Namespace) -> int:
    layout = _layout(args)
    records = _published_records(layout)
    if args.format in ("jsonl", "standoff"):
        from taq_news.exports.standoff import to_standoff

        convert = to_standoff if args.format == "standoff" else (lambda r: r)
        _write_atomically(args.out, [_json_line(convert(r)) for r in records], f"export-{args.format}", args.force)
    elif args.format == "conll":
        from taq_news.exports.conll import write_conll

        _write_atomically(args.out, [write_conll(records).encode("utf-8")], "export-conll", args.force)
    elif args.format == "spacy":
        from taq_news.exports.spacy_docbin import write_docbin

        _write_atomically(args.out, [write_docbin(records)], "export-spacy", args.force)
    else:
        from taq_news.exports.brat import write_brat

        write_tree(args.out, {k: v.encode("utf-8") for k, v in write_brat(records).items()}, command="export-brat", force=args.force)
    if args.out != "-":
        print(f"wrote {len(records)} documents as {args.format} to {args.out}", file=sys.stderr)
    return 0


def cmd_rehydrate(args: argparse.Namespace) -> int:
    from taq_news.annotations.registry import load_registry
    from taq_news.core.schema import load_schemas
    from taq_news.exports.standoff import rehydrate_file
    from taq_news.validation.readers import Item
    from taq_news.validation.record_checks import CorpusIndex
    from taq_news.validation.records import Selection, validate_records

    raw_dir = Path(args.raw)
    if not raw_dir.is_dir():
        return _usage(args.raw, "argument-invalid", "--raw is not a folder", "point it at your copies of the raw articles")
    standoff = Path(args.standoff)
    if args.out != "-" and Path(args.out).exists() and standoff.exists() and Path(args.out).resolve() == standoff.resolve():
        return _usage(args.out, "argument-invalid", "--out is the standoff file being read", "write the records to another file")
    if not standoff.is_file():
        raise IncidentError([Incident(args.standoff, None, "L1", "file-unreadable", "", "is a folder, not a file" if standoff.is_dir() else "no such file", "give the file 'taq-news export --format standoff' wrote")])
    try:  # the schema (and the registry, when there is one) every rebuilt record must pass
        layout: Layout | None = _layout(args)
    except CheckoutMissing:
        if args.root:
            raise
        layout = None  # an installed package: its own schema, no registry
    schemas = load_schemas(str(layout.schema_dir if layout else packaged_schema_dir()))
    id_pattern = schemas.by_file["document.schema.json"]["properties"]["id"].get("pattern")
    try:
        data = standoff.read_bytes()
    except OSError as exc:
        raise IncidentError([Incident(args.standoff, None, "L1", "file-unreadable", "", str(exc.strerror or exc), "check the path")]) from None
    rebuilt, problems = rehydrate_file(data, args.standoff, raw_dir, id_pattern)
    if not rebuilt and not problems:
        problems.append(Incident(args.standoff, None, "L1", "file-empty", "", "the standoff file holds no records", CHECKS["file-empty"].fix))
    registry = load_registry(layout.registry, layout.rel(layout.registry)) if layout and layout.registry.is_file() else None
    # The full validator, exactly as on published records: what rehydrate writes must be a valid release.
    # Cross-record checks (clusters, relations) only over a complete file: a line that failed would
    # only make its partners look alone.
    items = [Item(args.standoff, n, rec) for n, rec in rebuilt]
    problems += validate_records(items, schemas, registry, Selection(), engine="auto", index=CorpusIndex() if problems else None)
    if problems:
        for inc in sorted(set(problems), key=lambda i: (i.line or 0, i.check, i.path)):
            print(inc.format_text())
        print(f"*** FAILED *** {len(problems)} problem(s) in {args.standoff}; nothing was written")
        return 1
    records = [rec for _, rec in rebuilt]
    _write_atomically(args.out, [_json_line(r) for r in records], "rehydrate", args.force)
    print(f"rehydrated {len(records)} records into {args.out}", file=sys.stderr)
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from taq_news.browser.render import render_site

    layout = _layout(args)
    pages = render_site(_published_records(layout))
    write_tree(args.out, {name: html.encode("utf-8") for name, html in pages.items()}, command="render", force=args.force)
    print(f"wrote {len(pages)} pages to {args.out} (open {args.out}/index.html)")
    return 0


def cmd_preannotate(args: argparse.Namespace) -> int:
    from taq_news.annotations.registry import load_registry
    from taq_news.core.schema import load_schemas
    from taq_news.preannotate.draft import draft_yaml, preannotate, registry_yaml
    from taq_news.preannotate.pipeline import ModelMissing, make_nlp

    layout = _layout(args)
    registry_path = Path(args.registry) if args.registry else layout.registry
    registry = load_registry(registry_path, layout.rel(registry_path) if registry_path.is_absolute() else str(registry_path))
    out_dir = check_target(args.out_dir, folder=True) if args.out_dir else layout.annotations
    id_pattern = load_schemas(str(layout.schema_dir)).by_file["document.schema.json"]["properties"]["id"].get("pattern")
    try:
        nlp = make_nlp(registry, args.model)
    except ModelMissing as exc:
        return _usage("taq-news preannotate", "model-missing", str(exc))
    from taq_news.core.checks import CHECKS

    problems: list[Incident] = []

    def bad(file: str, line: int | None, check: str, message: str, fix: str) -> None:
        problems.append(Incident(file, line, CHECKS[check].level, check, "", message, fix))

    jobs = []
    seen: dict[str, str] = {}
    for raw_arg in args.raw:
        raw_path = Path(raw_arg)
        doc_id = raw_path.stem
        target = out_dir / f"{doc_id}.yaml"
        if not raw_path.is_file():
            bad(raw_arg, None, "file-unreadable", "is a folder, not a file" if raw_path.is_dir() else "no such file", "give the path of a raw .txt article")
        elif raw_path.suffix != ".txt" or (id_pattern and not re.fullmatch(id_pattern, doc_id)):
            bad(raw_arg, None, "raw-name-invalid", f"{raw_path.name!r} is not '<document id>.txt' with an id matching {id_pattern}", "name the file NNN_<16 hex digits>.txt")
        elif doc_id in seen:
            bad(raw_arg, None, "id-duplicate", f"gives the document id {doc_id} that {seen[doc_id]} gives too: one draft would overwrite the other", "pre-annotate one of them; document ids are unique")
        elif target.is_dir() or target.is_symlink():
            bad(str(target), None, "out-not-file", "a folder or link stands where the draft would be written", "move it away")
        elif target.exists() and not args.force:
            bad(str(target), None, "out-exists", "an annotation file is already there", "pass --force to replace it, or move it away")
        elif target.exists() and not _is_machine_draft(target):
            bad(str(target), None, "out-not-ours", "is a curated annotation (its method is not 'machine'); even --force replaces only preannotate's own drafts", "move it away first if you really mean to start over")
        else:
            seen[doc_id] = raw_arg
            try:
                data = raw_path.read_bytes()
            except OSError as exc:
                bad(raw_arg, None, "file-unreadable", str(exc.strerror or exc), "check the file")
                continue
            try:
                raw = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad(raw_arg, data[: exc.start].count(b"\n") + 1, "utf8-invalid", f"byte {exc.start} is not valid UTF-8", "save the article as UTF-8")
                continue
            if "\0" in raw:
                bad(raw_arg, raw[: raw.index("\0")].count("\n") + 1, "control-character", "the article holds a NUL byte", "remove it: a raw article is text")
            elif len(raw) > nlp.max_length:
                bad(raw_arg, None, "text-too-long", f"{len(raw):,} characters, over the pipeline's limit of {nlp.max_length:,}", "check the file is one article; split or trim it")
            else:
                jobs.append((doc_id, raw, target))
    if problems:
        for inc in problems:
            print(inc.format_text())
        print(f"*** FAILED *** {len(problems)} problem(s); nothing was written")
        return 1
    outputs: dict[Path, bytes] = {}
    proposed = {}
    for doc_id, raw, target in jobs:
        draft = preannotate(doc_id, raw, {**registry, **proposed}, nlp)
        for e in draft.proposed:
            proposed.setdefault(e.id, e)
        outputs[target] = draft_yaml(draft, registry).encode("utf-8")
        types = {t: sum(q.type == t for q in draft.quotes) for t in ("direct", "mixed", "indirect")}
        print(f"{doc_id}: title {'found' if draft.parts.title else 'none'}, dateline {'found' if draft.parts.dateline else 'none'}, "
              f"byline {'found' if draft.parts.byline else 'none'}, {len(draft.parts.furniture or [])} furniture, "
              f"outlet {draft.outlet.basis}, date {draft.published.basis}, {len(draft.entities)} entities, "
              f"{len(draft.quotes)} quotes ({', '.join(f'{n} {t}' for t, n in types.items())}), {len(draft.non_quotes)} other quoted passages, "
              f"{len(draft.proposed)} new registry entries, {len(draft.candidates)} capitalized candidates")
    new = [e for e in proposed.values() if e.id not in registry]
    if new:
        text = registry_path.read_text("utf-8")
        outputs[registry_path] = (text.rstrip("\n") + "\n" + registry_yaml(new)).encode("utf-8")
    replace_files(outputs)
    for p in sorted(outputs):
        print(f"  wrote {p}")
    print("check every item marked origin: machine; then 'taq-news build'")
    return 0


def _is_machine_draft(path: Path) -> bool:
    """An annotation file preannotate wrote and nobody curated: its method is still 'machine'."""
    from taq_news.annotations.yamlio import load_yaml

    try:
        node = load_yaml(path, str(path))
    except IncidentError:
        return False
    ann = node.get("annotation") if isinstance(node, dict) else None
    return isinstance(ann, dict) and ann.get("method") == "machine"


def cmd_evaluate(args: argparse.Namespace) -> int:
    import pyarrow.parquet as pq

    from taq_news.annotations.registry import load_registry
    from taq_news.preannotate.evaluate import evaluate_brat, evaluate_corpus, render
    from taq_news.preannotate.pipeline import ModelMissing, make_nlp

    layout = _layout(args)
    registry = load_registry(layout.registry, layout.rel(layout.registry))
    try:
        nlp = make_nlp(registry, args.model)
    except ModelMissing as exc:
        return _usage("taq-news evaluate", "model-missing", str(exc))
    if args.brat:
        folder = Path(args.brat)
        if not folder.is_dir():
            return _usage(args.brat, "argument-invalid", "--brat is not a folder", "point it at a folder of .ann and .txt files")
        try:
            rows = evaluate_brat(folder, registry, nlp, args.our_content_rules)
        except ValueError as exc:
            print(Incident(args.brat, None, "L1", "brat-syntax", "-", str(exc), "pair each .ann with the .txt it was annotated on, with offsets that give the text").format_text())
            print("*** FAILED *** with 1 error")
            return 1
        if not args.per_document:
            rows = rows[-1:]
        print(render(rows, f"Pre-annotation against brat gold in {args.brat} ({len(list(folder.rglob('*.ann')))} annotation files)"), end="")
        return 0
    records = pq.read_table(layout.parquet("documents")).to_pylist()
    rows = evaluate_corpus(records, layout.raw, registry, nlp)
    table = render(rows, "Pre-annotation against the TAQ-News gold (blank spaCy + registry EntityRuler; quotes and entities on the gold clean text, furniture on the raw page)")
    print(table, end="")
    if args.readme:
        readme = layout.root / "README.md"
        begin, end = "<!-- BEGIN EVALUATION (output of: taq-news evaluate) -->\n\n", "\n<!-- END EVALUATION -->"
        text = readme.read_text("utf-8")
        if begin not in text or end not in text:
            return _usage(str(readme), "readme-markers-missing", "the evaluation markers are missing")
        head, rest = text.split(begin, 1)
        replace_files({readme: (head + begin + table + end + rest.split(end, 1)[1]).encode("utf-8")})
    return 0


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):  # `taq-news ... | head` ends quietly, as Unix tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = argparse.ArgumentParser(prog="taq-news", description="Build, validate and publish the TAQ-News corpus.")
    parser.add_argument("--root", help="repository root (default: found from the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="compile annotations into validated records and write Parquet, card and loading script")
    p.add_argument("--check", action="store_true", help="build in memory and fail if the committed files differ")
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("agreement", help="inter-annotator agreement: pass A vs pass B, and each pass vs the gold")
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(func=cmd_agreement)
    p = sub.add_parser("stats", help="corpus statistics per article, entity type, quote type, speaker and outlet")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("validate", help="validate records (JSONL, JSON, Parquet), annotation YAML, the registry, or the dataset folder")
    p.add_argument("paths", nargs="+", help="files or the dataset/ folder")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--select", action="append", metavar="IDS", help="only these check ids (comma-separated; repeatable)")
    p.add_argument("--ignore", action="append", metavar="IDS", help="skip these check ids (comma-separated; repeatable)")
    p.add_argument("--level", type=int, choices=range(1, 6), default=5, help="run levels 1..N (default 5)")
    p.add_argument("--max-errors", type=int, metavar="N", help="stop after N incidents")
    p.add_argument("--engine", choices=("auto", "rs", "python"), default="auto", help="JSON Schema engine: jsonschema-rs (default) or pure-Python jsonschema")
    p.add_argument("--registry", help="entity registry YAML for reference checks (default: the checkout's)")
    p.add_argument("--schema-dir", help="folder with document.schema.json (default: the checkout's)")
    p.add_argument("--strict", action="store_true", help="fail when a check could not run (no registry, no raw articles at hand)")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("wikidata-check", help="(needs the network) confirm each registry Wikidata id against its live labels")
    p.set_defaults(func=cmd_wikidata_check)
    p = sub.add_parser("checks", help="list every check id (the registry behind docs/checks.md)")
    p.add_argument("--markdown", action="store_true", help="print docs/checks.md")
    p.set_defaults(func=cmd_checks)
    p = sub.add_parser("manifest", help="record the SHA-256 of new raw files in dataset/raw/SHA256SUMS (listed files stay locked)")
    p.add_argument("--rehash", action="append", metavar="FILE", help="re-record this listed raw file as it is now (its new hash, or its removal if it is gone); repeatable")
    p.set_defaults(func=cmd_manifest)
    p = sub.add_parser("export", help="write the published records as JSONL, standoff (no article text), CoNLL IOB2, a spaCy DocBin or brat")
    p.add_argument("--format", choices=("jsonl", "standoff", "conll", "spacy", "brat"), required=True)
    p.add_argument("--out", required=True, help="output file (a folder for brat), or - for standard output")
    p.add_argument("--force", action="store_true", help="replace a file, or this command's files in a folder, that an earlier run of this command did not write")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("render", help="write the corpus browser: a static HTML page per article and an index")
    p.add_argument("--out", required=True, help="output folder: new, empty, or an earlier output of render (then replaced as a whole)")
    p.add_argument("--force", action="store_true", help="write into a folder that holds other files (only render's own files are replaced)")
    p.set_defaults(func=cmd_render)
    p = sub.add_parser("rehydrate", help="rebuild full records from a standoff file and your own copies of the raw articles (hashes checked)")
    p.add_argument("standoff", help="a file written by 'taq-news export --format standoff'")
    p.add_argument("--raw", required=True, help="folder with the raw article files, named as in the release (e.g. 000_e764413d3f418c65.txt)")
    p.add_argument("--out", required=True, help="output JSONL file")
    p.add_argument("--force", action="store_true", help="replace an existing file that rehydrate did not write")
    p.set_defaults(func=cmd_rehydrate)
    p = sub.add_parser("preannotate", help="draft an annotation file (machine-marked) for new raw articles")
    p.add_argument("raw", nargs="+", help="raw article files (dataset/raw/NNN_<16 hex>.txt)")
    p.add_argument("--out-dir", help="where to write <doc-id>.yaml (default: dataset/annotations)")
    p.add_argument("--registry", help="entity registry to match and to extend with proposed entries (default: dataset/entities.yaml)")
    p.add_argument("--model", help="an installed statistical spaCy model to add (default: blank English)")
    p.add_argument("--force", action="store_true", help="replace an existing annotation file")
    p.set_defaults(func=cmd_preannotate)
    p = sub.add_parser("evaluate", help="score pre-annotation against the gold (our corpus, or a brat folder such as PolNeAR)")
    p.add_argument("--brat", help="a folder of brat .ann/.txt files to use as the gold instead of our corpus")
    p.add_argument("--per-document", action="store_true", help="with --brat: a row per annotation file too")
    p.add_argument("--our-content-rules", action="store_true", help="with --brat: trim gold content by our guidelines (Q11-Q12: no leading 'that', no final stop outside the marks) before scoring")
    p.add_argument("--readme", action="store_true", help="also write the table into README.md (between its EVALUATION markers)")
    p.add_argument("--model", help="an installed statistical spaCy model to add (default: blank English)")
    p.set_defaults(func=cmd_evaluate)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    try:
        return args.func(args)
    except IncidentError as exc:
        for inc in exc.incidents:
            print(inc.format_text())
        print(f"*** FAILED *** with {len(exc.incidents)} error(s)")
        return 1
    except OutputRefused as exc:
        print(Incident(exc.target, None, "L0", exc.check, "--out", exc.message, exc.fix).format_text(), file=sys.stderr)
        return 2
    except CheckoutMissing as exc:
        print(Incident(f"taq-news {args.command}", None, "L0", "checkout-missing", "--root", str(exc), CHECKS["checkout-missing"].fix).format_text(), file=sys.stderr)
        return 2
    except OSError as exc:  # the system refused (permissions, a full disk, a read-only file system)
        where = exc.filename or f"taq-news {getattr(args, 'command', '')}"
        print(Incident(str(where), None, "L0", "io-error", "-", f"{exc.strerror or exc}",
                       "check permissions and free space; nothing half-written was left in place").format_text(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("taq-news: interrupted; nothing half-written was left in place", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: a defect of ours, never a traceback for the user
        print(Incident(f"taq-news {getattr(args, 'command', '')}", None, "L0", "internal-error", "-", f"{type(exc).__name__}: {exc}",
                       "this is a bug in taq-news: please report it with the command and its input").format_text(), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
