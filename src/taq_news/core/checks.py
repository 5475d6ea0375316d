"""The registry of checks: every incident the project reports has a stable id listed here.

Levels follow the Universal Dependencies validator's idea of layers:
L1 syntax and encoding, L2 schema, L3 spans, L4 references, L5 corpus and
artifacts. ``docs/checks.md`` is generated from this registry
(``taq-news checks --markdown``), and a test keeps it current.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from taq_news.core.incidents import Incident

LEVELS = {
    "L0": "commands and output",
    "L1": "syntax and encoding",
    "L2": "schema",
    "L3": "spans",
    "L4": "references",
    "L5": "corpus and artifacts",
}


@dataclass(frozen=True)
class Check:
    id: str
    level: str
    summary: str
    fix: str


CHECKS: dict[str, Check] = {}


def register(id: str, level: str, summary: str, fix: str) -> Check:
    if id in CHECKS:
        raise ValueError(f"check id {id!r} registered twice")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    CHECKS[id] = c = Check(id, level, summary, fix)
    return c


def incident(check: str, file: str, line: int | None, path: str, message: str, fix: str | None = None, severity: str = "error") -> Incident:
    """An incident of a registered check: its level from the registry, and its fix too unless the
    call site names a more precise one (the file to create, the key to use)."""
    c = CHECKS[check]
    return Incident(file, line, c.level, check, path, message, fix or c.fix, severity)


# L0: commands and output (what a command refuses to do, before or instead of validating)
register("extractor-missing", "L0", "An HTML page cannot be read: trafilatura, which extracts its text, is not installed.", "Reinstall taq-news, which depends on trafilatura and lxml_html_clean.")
register("out-invalid", "L0", "--out is empty or not a usable path.", "Pass --out PATH.")
register("out-symlink", "L0", "--out is a symbolic link; taq-news never writes through one.", "Give the real path.")
register("out-not-folder", "L0", "A command that writes a folder was given a file, or a path under a file.", "Give a new or empty folder, or an earlier output of the same command.")
register("out-not-file", "L0", "A command that writes one file was given a folder (or a folder or link stands where it would write).", "Give a file path, or move the folder away.")
register("out-exists", "L0", "--out is an existing file that this command did not write.", "Pass --force to replace it, or choose another path.")
register(
    "out-not-ours",
    "L0",
    "--out is a folder holding files this command did not write.",
    "Give a new or empty folder, or an earlier output of the same command; where the command has --force, it replaces only the command's own files.",
)
register("out-name-unsafe", "L0", "A file name derived from the data is not a plain file name (it would write outside --out).", "Fix the ids the names come from.")
register("out-outside", "L0", "A write would land outside the folder it belongs to.", "Report this as a bug.")
register("out-busy", "L0", "Another run is writing the same output folder now.", "Wait for it to finish, or choose another --out.")
register("out-incomplete", "L0", "A staged output does not hold exactly the files its run wrote.", "Run again; report it if it repeats.")
register("rejects-exceeded", "L0", "More articles were rejected than --max-rejects allows, so nothing was committed.", "Look at the rejects the run printed, fix the input, or raise --max-rejects.")
register("input-changed", "L0", "An input of taq-news annotate changed while the run read it (the inputs are read more than once).",
         "Run again on inputs nothing is writing to.")
register("input-invalid", "L0", "An input of taq-news annotate cannot be read at all (missing, a pipe, an unknown kind).", "Give folders of .txt files, or .jsonl / .jsonl.gz files.")
register("rule-failed", "L0", "A pre-annotation step raised on an article: annotate rejects it and goes on; preannotate writes nothing.",
         "Report it with the article: the pre-annotator must not fail on any text.")
register("io-error", "L0", "The system refused a read or write (permissions, a full disk, a read-only file system).", "Check permissions and free space; nothing half-written was left in place.")
register("citation-invalid", "L0", "CITATION.cff cannot be read (not UTF-8, not YAML) or lacks the shape the derived citations need.",
         "Fix the line named; `cffconvert --validate` checks the whole file against the CFF schema.")
register("checkout-missing", "L0", "The command needs a TAQ-News checkout (schema/ and dataset/) and found none.", "Run it inside a checkout, or pass --root.")
register(
    "argument-invalid",
    "L0",
    "A command-line argument names something that is not there or not known (a check id, a folder, a raw file).",
    "Correct the argument; 'taq-news CMD --help' lists them.",
)
register("model-missing", "L0", "The spaCy model named by --model is not installed.", "Install it (pip install the model package) or leave --model out for blank English.")
register("readme-markers-missing", "L0", "README.md lacks the generated-block markers that 'evaluate --readme' writes between.", "Restore the markers from git.")
register("internal-error", "L0", "An unexpected error inside taq-news (a defect of ours, not of your input).", "Report it with the command and its input; nothing half-written was left in place.")

# L1: syntax and encoding
register("file-unreadable", "L1", "The file cannot be read (missing, a folder, no permission).", "Check the path.")
register("utf8-invalid", "L1", "The file is not valid UTF-8.", "Save it as UTF-8 without changing the characters.")
register("yaml-syntax", "L1", "The YAML does not parse.", "Fix the syntax at the reported line.")
register("json-syntax", "L1", "A JSON document or JSONL line does not parse.", "Fix the syntax at the reported line.")
register("duplicate-key", "L1", "A mapping has the same key twice (JSON or YAML); parsers would silently keep one.", "Remove or rename the repeated key.")
register("file-empty", "L1", "A record file (JSONL, JSON or Parquet) holds no records.", "Pass a file with records; an empty export usually means the step that wrote it failed.")
register("parquet-unreadable", "L1", "A Parquet file cannot be read.", "Make it again with the command that wrote it ('make dataset' for the corpus, taq-news annotate for a collection).")
register("manifest-syntax", "L1", "A line of dataset/raw/SHA256SUMS is not '<sha256>  <file>'.", "Regenerate it with 'taq-news manifest'.")
register("record-too-large", "L1", "A JSONL line (or a JSON file) is far larger than any record; it is skipped unread.", "One record per line; split the file.")
register(
    "nesting-too-deep",
    "L1",
    "A JSON value nests arrays and objects more than 64 deep (checked on the bytes, before any decoder runs).",
    "Write records of the format's shape; no record needs more than a few levels.",
)
register(
    "number-out-of-range",
    "L1",
    "A JSON number is beyond what the format holds: an integer outside signed 64 bits (10**30) or a number that overflows a double (1e400).",
    "Write integers within signed 64 bits; the format has no larger numbers.",
)
register(
    "unicode-invalid",
    "L1",
    "A JSON string holds a lone surrogate escape (\\ud800 without its pair): not Unicode, and not writable as UTF-8.",
    "Write the character itself, or a valid surrogate pair.",
)
register(
    "control-character",
    "L1",
    "A YAML file holds a raw control character (C0 other than tab/LF/CR, DEL, C1, U+FFFE/U+FFFF; escapes in double quotes are fine), or a raw file holds a NUL byte.",
    "Remove it; the files hold text only.",
)
register(
    "yaml-alias",
    "L1",
    "The YAML uses an anchor, an alias or a merge key (<<); the formats need none, and an alias bomb would expand without bound.",
    "Write the value out in full where it is used.",
)
register("yaml-tag", "L1", "A YAML node has an explicit tag (!!python/..., !!binary, !!set, !custom); the formats are plain YAML.", "Remove the tag; quote text.")
register(
    "yaml-key-invalid",
    "L1",
    "A mapping key is not one line of text (a number, date, boolean, null, list or mapping, or text with a line break or control character).",
    "Use the key names of docs/annotation-format.md.",
)
register("text-too-long", "L1", "An article is longer than the NLP pipeline accepts (spaCy's max_length).", "Check the file is one article; split or trim it before pre-annotating.")
register("text-empty", "L1", "An input article has no text (for an HTML page: the extractor found no article in it).", "Drop the article, or give its text.")
register(
    "brat-unpaired",
    "L1",
    "A brat .ann file has no .txt of its name beside it (or in a sibling text/ folder); one of that name in another folder is not its text.",
    "Put the .txt the .ann was annotated on beside it.",
)
register("brat-syntax", "L1", "A brat .ann line is not a well-formed T (text-bound) or A/R/E/N/# line.", "Fix the line: 'T1<TAB>Label START END<TAB>text'.")

# L2: schema
register("schema", "L2", "The record does not match schema/document.schema.json (JSON Schema 2020-12, formats asserted).", "Make the record match the schema; the message names the rule.")
register(
    "integer-invalid",
    "L2",
    "A value the schema types as integer is not a JSON integer within signed 64 bits: 25.0 or 2.5e1 (JSON Schema would count 25.0 as an integer; the format does not).",
    "Write a plain JSON integer (25).",
)
register(
    "text-not-nfc",
    "L2",
    "text or a span text is not in Unicode NFC (the published corpus is NFC, and offsets count NFC code points).",
    "Normalise the text to NFC (unicodedata.normalize('NFC', ...)) and rebuild the offsets.",
)
register("annotation-shape", "L2", "An annotation file, or a part of it, is not the kind of YAML node the format has there (a mapping, a list).", "Start from docs/annotation-format.md.")
register("key-unknown", "L2", "An annotation file or quote has a key the format does not know.", "Use only the keys of docs/annotation-format.md.")
register("metadata-missing", "L2", "metadata.outlet or metadata.published is missing.", "Add it, with basis: unknown if nothing is known.")
register("basis-invalid", "L2", "A metadata basis is not stated, inferred, external or unknown.", "Say where the value came from.")
register("value-not-text", "L2", "A date, number, boolean, list or mapping stands where the format has text (YAML reads unquoted 2021-05-06, 0123, 1.5 or yes so).",
         "Put the value in double quotes, or write the text itself.")
register(
    "standoff-shape",
    "L2",
    "A standoff record (taq-news export --format standoff) lacks a field that rehydration reads, or has it of the wrong kind.",
    "Use the standoff file as the release wrote it, unedited.",
)
register(
    "raw-name-invalid",
    "L2",
    "A raw file name taken from the data or the command line (a standoff record's source.file, a preannotate argument) is not a plain '<document id>.txt'.",
    "Name raw files NNN_<16 hex digits>.txt; never a path with folders or '..'.",
)
register("date-invalid", "L2", "A date is not YYYY, YYYY-MM or YYYY-MM-DD.", "Write the date in one of those forms, in quotes.")
register(
    "date-precision-mismatch",
    "L2",
    "A record's published.precision is not the precision of its date (year for YYYY, month for YYYY-MM, day for YYYY-MM-DD, null for no date).",
    "Rebuild the record, or set precision from the date.",
)
register(
    "label-invalid",
    "L2",
    "An entity label is not one of the 18 OntoNotes types.",
    "Use PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE, DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL or CARDINAL.",
)
register("entity-shape", "L2", "An entity item is not a mapping.", "Write {exact: ..., label: ..., entity: ...}.")
register("quote-shape", "L2", "A quote is not a mapping.", "See docs/annotation-format.md.")
register("quote-id-invalid", "L2", "A quote id is not like q01.", "Number quotes q01, q02, ...")
register("quote-type-invalid", "L2", "A quote type is not direct, mixed or indirect.", "Use direct, mixed or indirect.")
register("quote-content-missing", "L2", "A quote has no content span.", "Quote the reported words under content:.")
register("cluster-id-invalid", "L2", "A cluster id is not a lower-case slug.", "Use a slug like stanikzai-very-active.")
register("remove-reason-invalid", "L2", "A furniture removal has no known reason.", "Use one of the reasons in docs/annotation-format.md.")
register("non-quote-reason-invalid", "L2", "A non-quote has no known reason.", "Use scare-quote, title, term or headline.")
register("relation-type-invalid", "L2", "A relation type is not rewrites or cites.", "Use rewrites or cites.")
register("method-invalid", "L2", "annotation.method is not manual, adjudicated or machine.", "Say how the file was made.")
register("registry-shape", "L2", "The registry is not a list of mappings.", "Write one '- id: ...' item per entity.")
register("registry-key-unknown", "L2", "A registry entry has an unknown key.", "Use id, name, label, kind, aliases, wikidata, wikidata_check, description.")
register("registry-id-invalid", "L2", "A registry id is not lower-case words joined by hyphens.", "Use an id like al-qaeda.")
register("registry-name-missing", "L2", "A registry entry has no canonical name.", "Add name:.")
register("registry-label-invalid", "L2", "A registry label is not an OntoNotes name type (or null).", "Use a name type or null.")
register("registry-kind-invalid", "L2", "A registry kind is unknown.", "Use person, organization, outlet, document, anonymous, place, group, event or other.")
register("registry-aliases-invalid", "L2", "Registry aliases are not a list of strings.", "Write aliases: [..., ...].")

# L3: spans
register("anchor-invalid", "L3", "A selector is malformed (empty text, bad occurrence, both exact and from/to).", "Quote the text as docs/annotation-format.md shows.")
register("anchor-key-unknown", "L3", "A selector has a key other than exact, from, to, occurrence, prefix, suffix.", "Remove the key; offsets are never typed.")
register("anchor-not-found", "L3", "The quoted text does not occur where the selector looks.", "Copy the exact characters from the text.")
register("anchor-ambiguous", "L3", "The quoted text occurs more than once and nothing picks one.", "Add occurrence: N or a prefix/suffix.")
register("anchor-occurrence-missing", "L3", "The selector asks for an occurrence beyond the last one.", "Use an existing occurrence number.")
register("span-out-of-range", "L3", "A span's offsets fall outside the text, or start >= end.", "Rebuild the record from its annotation.")
register("span-text-mismatch", "L3", "text[start:end] is not the span's text.", "Fix the offsets or the text.")
register("span-empty", "L3", "A span has no text.", "Remove it or quote real text.")
register("span-whitespace-edge", "L3", "A span starts or ends with whitespace.", "Trim the span.")
register("entity-overlap", "L3", "Two entity mentions overlap; mentions are flat.", "Keep the longest name; list occurrences explicitly.")
register("entity-order", "L3", "Entity mentions are not sorted by (start, end).", "Sort them; the build does.")
register("content-overlap", "L3", "Content spans of one quote overlap or are out of order.", "List each stretch once, in text order.")
register("removal-overlap", "L3", "Two furniture removals cover the same raw text.", "Remove each stretch once.")
register("raw-offset-mismatch", "L3", "A removal's, evidence's or segment's raw offsets do not give its text in the raw file.", "Rebuild the record.")
register(
    "source-hash-mismatch",
    "L3",
    "A record's source.sha256 is not the SHA-256 of the raw file it names: it was made from another file.",
    "Rebuild the record from the raw file it names, or name the right file.",
)
register(
    "page-part-mismatch",
    "L3",
    "A record's title, dateline, byline or highlights are not the texts of the removals logged for them.",
    "Rebuild the record: page parts are lifted from the raw page, never written by hand.",
)
register("raw-coverage-gap", "L3", "Raw page text lies in neither a kept paragraph nor a logged removal: it was dropped without a record.", "Log the removal (with its reason) or keep the text.")
register(
    "segment-invalid",
    "L3",
    "source.segments do not map the text's paragraphs one to one and in order, or their raw ranges are empty, overlap or go backwards.",
    "Rebuild the record from its annotation.",
)
register("evidence-span-mismatch", "L3", "A metadata evidence and its evidence_span do not come together, or the span is not as long as the evidence.", "Rebuild the record from its annotation.")

# L4: references
register(
    "registry-unavailable",
    "L4",
    "Warning: no entity registry was given or found, so references to it were not checked (fails under --strict).",
    "Pass --registry dataset/entities.yaml or the entities Parquet of the same release, or validate inside a checkout.",
)
register(
    "extractor-differs",
    "L3",
    "Warning: the record's page text was made from its HTML by another extractor version than the installed one, so removals and evidence were not checked against it (fails under --strict).",
    "Install the version the record names (pip install 'trafilatura==VERSION'), or re-annotate the page with the installed one.",
)
register(
    "raw-unavailable",
    "L3",
    "Warning: the raw articles are not at hand, so removals and evidence were not checked against them (fails under --strict).",
    "Validate inside a TAQ-News checkout that holds dataset/raw/.",
)
register("entity-unknown", "L4", "An id does not resolve to the entity registry.", "Add the entry to dataset/entities.yaml or fix the id.")
register("entity-id-missing", "L4", "A name-type mention has no registry id.", "Add entity: <registry id>.")
register("value-entity-linked", "L4", "A value-type mention (DATE ... CARDINAL) carries a registry or Wikidata id.", "Remove entity:.")
register("speaker-unresolved", "L4", "A quote has no resolved speaker.", "Set speaker_entity (anonymous sources get a described entry).")
register("speaker-kind-invalid", "L4", "The resolved speaker's kind cannot speak (place, event, ...).", "Give it person, organization, outlet, document or anonymous.")
register(
    "outlet-name-mismatch",
    "L4",
    "A linked outlet's name is neither the registry entity's name nor one of its aliases.",
    "Use the registry's name, or add the name as an alias in dataset/entities.yaml.",
)
register("speaker-name-mismatch", "L4", "A record's speaker name or kind differs from the registry entry.", "Rebuild the record from the registry.")
register("addressee-incomplete", "L4", "addressee and addressee_entity must come together.", "Give both or neither.")
register("id-duplicate", "L4", "An id (document, mention, quote) is used more than once in the corpus.", "Ids are unique across the corpus.")
register("item-id-foreign", "L4", "A mention or quote id does not start with its own document's id and '-'.", "Use '<document id>-e001' / '<document id>-q01' ids (rebuild the record).")
register("quote-id-duplicate", "L4", "Two quotes in one file share an id.", "Give each quote its own id.")
register("quote-duplicate", "L4", "Two quotes of one document have the same content spans: one quote is listed twice.", "Keep one of them (merge their cue, speaker and notes).")
register("document-id-mismatch", "L4", "An annotation file names another document than its file name.", "Set document: to the file's stem.")
register("wikidata-id-invalid", "L4", "A Wikidata id does not match ^Q[1-9][0-9]*$.", "Use Q followed by digits, or null.")
register("wikidata-unchecked", "L4", "A Wikidata id has no record of how it was checked.", "Add wikidata_check: {method: ..., source: ...} or set it to null.")
register("wikidata-check-orphan", "L4", "A Wikidata check is recorded without an id.", "Remove wikidata_check or add the id.")
register("wikidata-mismatch", "L4", "A record's Wikidata id differs from the registry's.", "Rebuild the record from the registry.")
register("registry-id-duplicate", "L4", "Two registry entries share an id.", "Merge them or rename one.")
register("relation-target-invalid", "L4", "A relation points to neither or both of a document and an entity.", "Give document: or entity:.")
register("relation-unresolved", "L4", "A relation points to a document that is not in the corpus.", "Point to an existing document id.")
register(
    "corpus-incomplete",
    "L4",
    "Warning: some records could not be read, so the checks that need every record (relation targets, clusters of two or more) did not run (fails under --strict).",
    "Fix the records reported above; these checks then run.",
)
register("cluster-singleton", "L4", "A quote cluster id is used by one quote only.", "Give the matching quote in the other article the same cluster id, or remove it.")
register("quote-marks-unaccounted", "L4", "A passage in quotation marks is neither part of a quote nor a listed non-quote.", "Annotate it as a quote, or list it under non_quotes: with its reason.")
register("annotation-missing", "L4", "A raw file has no annotation file.", "Create one (taq-news preannotate can draft it).")
register("annotation-orphan", "L4", "An annotation file has no raw file.", "Add the raw file or remove the annotation.")
register("stated-without-evidence", "L4", "A 'stated' metadata value quotes no raw evidence.", "Quote the raw words that state it.")
register("basis-without-note", "L4", "An inferred, external or unknown value gives no reason.", "Explain in note:.")
register("unknown-with-value", "L4", "A value is 'unknown' but present.", "Set it to null or give its basis.")
register("value-missing", "L4", "A value has a basis other than unknown but no value.", "Give the value or set basis: unknown.")
register(
    "stated-evidence-mismatch",
    "L4",
    "A 'stated' value is not stated by its evidence: an outlet name must occur there as whole tokens (case-insensitive), "
    "a date in a date expression (a day of the month, never part of a time or the year).",
    "Quote evidence that states the value, or change the basis.",
)

# L5: corpus and artifacts
register("manifest-missing", "L5", "dataset/raw/SHA256SUMS is missing.", "Run 'taq-news manifest' once and commit it.")
register("raw-missing", "L5", "A raw file in the manifest is missing.", "Restore it from the repository.")
register("raw-unlisted", "L5", "A raw file is not in the manifest.", "Run 'taq-news manifest' for a new source and commit.")
register("raw-hash-mismatch", "L5", "A raw file's SHA-256 differs from the manifest: the source changed.", "Raw files are immutable: restore it with git checkout.")
register(
    "rehydrate-mismatch",
    "L5",
    "Cleaning your copy of a raw file does not give back the released text (its hash or paragraph map differs).",
    "Use the article exactly as it was scraped, with the taq-news release the standoff file came with.",
)
register("build-interrupted", "L5", "A build was stopped while switching its outputs in (its journal is still there).", "Run 'taq-news build': it completes the switch, then validate again.")
register("artifact-stale", "L5", "A committed built file differs from a fresh build.", "Run 'make dataset' and commit.")
register("collection-mismatch", "L5", "A file of an annotated collection differs from its _manifest.json.", "Run taq-news annotate again to rebuild it; never edit its files by hand.")
register("schema-disagreement", "L5", "The JSON Schema, Parquet schema, card dataset_info, loading-script Features or Croissant disagree.", "Rebuild; never edit generated parts by hand.")


def implemented_in() -> dict[str, list[str]]:
    """Each check id -> the modules that report it (package-relative, as ``validation/strict.py``),
    found by reading the package's own source for the id as a string literal."""
    import ast  # deferred: only docs generation and its test read the source

    package = Path(__file__).resolve().parents[1]
    sites: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        if path == Path(__file__).resolve():
            continue
        tree = ast.parse(path.read_text("utf-8"))
        in_path = {id(n.right) for n in ast.walk(tree) if isinstance(n, ast.BinOp)}  # layout.root / "schema" names a folder
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CHECKS and id(node) not in in_path:
                sites.setdefault(node.value, set()).add(path.relative_to(package).as_posix())
    return {check: sorted(where) for check, where in sites.items()}


def render_markdown() -> str:
    """docs/checks.md: every check, by level, with its stable id and where it is reported."""
    homes = implemented_in()
    lines = [
        "# Validation checks",
        "",
        "Generated from `src/taq_news/core/checks.py` by `taq-news checks --markdown`; do not edit by hand.",
        "Each incident is printed as `FILE:LINE: LEVEL CHECK-ID PATH: message`. Select or ignore checks by id",
        "with `--select` / `--ignore`. *Reported in* names the modules under `src/taq_news/` that emit the id.",
        "",
    ]
    for level, title in LEVELS.items():
        lines += [f"## {level}: {title}", "", "| id | what it catches | how to fix | reported in |", "|---|---|---|---|"]
        for c in sorted((c for c in CHECKS.values() if c.level == level), key=lambda c: c.id):
            where = ", ".join(f"`{m}`" for m in homes.get(c.id, [])) or "(the check registry only)"
            lines.append(f"| `{c.id}` | {c.summary} | {c.fix} | {where} |")
        lines.append("")
    return "\n".join(lines)
