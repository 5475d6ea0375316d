"""brat standoff: ``<id>.txt`` (the clean text) and ``<id>.ann`` per document, plus ``annotation.conf``.

- Entities: ``T`` lines with the OntoNotes type; the registry id as an ``N``
  (normalization) line against the ``TAQ`` resource.
- Quotes: the content as one ``Quote`` text-bound annotation with its parts
  joined by ``;`` (brat's discontinuous spans); the quote type as an ``A`` line,
  the quote id as the Quote's ``AnnotatorNotes`` (``#``) line, the resolved
  speaker as an ``N`` line on the Quote (bare quotes have no ``Source`` span).
  ``Cue``, ``Source`` and ``Addressee`` are ``R`` lines from the Quote to a
  ``T``: the T of the entity mention on that span where there is one (an
  Addressee only when its registry id is the mention's), else a ``T`` of the
  role's own type, written once per span and shared by every quote that names
  it; such an Addressee carries its registry id as an ``N`` line. So no two
  ``T`` lines of one type have the same span.
- Normalization ids: ``TAQ:`` and the registry id with ``_`` for ``-``
  (``al-qaeda`` is ``TAQ:al_qaeda``). Registry ids are kebab-case and hold no
  ``_``, so ``registry_id`` maps back without loss, and readers that allow only
  word characters in an id (bratly) take it.
- ``annotation.conf`` declares every overlap of two ``T`` the data model allows
  (``OVERLAPS``); brat reports any other.
Relaying sources (via), clusters and notes have no brat form and are left out.

Reading: ``parse_ann`` parses one .ann of any brat corpus (discontinuous spans,
events, relations, attributes, normalizations, notes) against its text,
``read_folder`` pairs each .ann of a folder with its .txt, and ``read_ann``
reads our own export back into entities and quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from taq_news.annotations.registry import ONTONOTES_LABELS
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident
from taq_news.corpus.assemble import QUOTE_TYPES

ROLES = {"cue": "Cue", "speaker": "Source", "addressee": "Addressee"}
RESOURCE = "TAQ"
NOTE = "AnnotatorNotes"  # brat's note type: shown with the annotation as its text, where a value-less attribute is a flag


def norm_id(entity_id: str) -> str:
    """A registry id as the id of an N line: word characters only."""
    return entity_id.replace("-", "_")


def registry_id(ref: str) -> str:
    """The registry id an N line's id stands for (registry ids never hold ``_``)."""
    return ref.replace("_", "-")


# annotation.conf from the vocabularies the JSON Schema defines (their one source): the OntoNotes labels, then ours.
_MENTIONS = "|".join(ONTONOTES_LABELS)
_ROLE_TYPES = "|".join(ROLES.values())
_ENTITIES = "".join(f"{label}\n" for label in (*ONTONOTES_LABELS, "Quote", *ROLES.values()))
# A role points at its own T or at the entity mention's on its span.
_RELATIONS = "".join(f"{role}\tArg1:Quote, Arg2:{role}|{_MENTIONS}\n" for role in ROLES.values())
# (Arg1, Arg2, <OVL-TYPE>) for brat's <OVERLAP> rules: 'contain' lets Arg1 lie inside Arg2, 'equal' and
# 'cross' go either way, <ANY> is all of them. brat measures a discontinuous Quote by its extent, so a
# span between its parts crosses it. Only what the data model allows; it rules out two mentions that
# overlap (entity-overlap) and two quotes with the same content (quote-duplicate).
OVERLAPS: tuple[tuple[str, str, str], ...] = (
    ("Quote", "Quote", "contain|cross"),  # nested or interleaved quotes
    ("Quote", f"{_ROLE_TYPES}|{_MENTIONS}", "<ANY>"),  # mentions and roles in the content or between its parts, or around it
    (_ROLE_TYPES, _ROLE_TYPES, "contain|cross"),  # roles of different quotes; a role's span is written once
    ("Cue", "Source|Addressee", "equal"),  # one span in two roles: a T has one type
    ("Source", "Addressee", "equal"),
    ("Addressee", "Addressee", "equal"),  # one addressee span given two registry ids: a T has one N
    (_ROLE_TYPES, _MENTIONS, "contain|cross"),  # a role on a mention's own span is that mention's T,
    (_MENTIONS, _ROLE_TYPES, "contain"),
    ("Addressee", _MENTIONS, "equal"),  # unless the addressee's registry id is not the mention's (value types have none)
)
_OVERLAPS = "".join(f"<OVERLAP>\tArg1:{a}, Arg2:{b}, <OVL-TYPE>:{kind}\n" for a, b, kind in OVERLAPS)
CONF = f"""[entities]
{_ENTITIES}
[relations]
{_RELATIONS}{_OVERLAPS}
[events]

[attributes]
QuoteType\tArg:Quote, Value:{"|".join(QUOTE_TYPES)}
"""


def write_ann(record: dict) -> str:
    text = record["text"]
    lines: list[str] = []
    count = dict.fromkeys("TNRA#", 0)
    roles: dict[tuple, str] = {}  # (role, span, registry id) -> T id: one T per role span, shared by the quotes naming it
    mentions: dict[tuple[int, int], tuple[str, str | None]] = {}  # span -> (T id, registry id) of the entity mention

    def new(kind: str) -> str:
        count[kind] += 1
        return f"{kind}{count[kind]}"

    def norm(target: str, entity_id: str, shown: str) -> None:
        lines.append(f"{new('N')}\tReference {target} {RESOURCE}:{norm_id(entity_id)}\t{shown}")

    def tb(label: str, parts: list[tuple[int, int]]) -> str:
        tid = new("T")
        frags = ";".join(f"{s} {e}" for s, e in parts)
        lines.append(f"{tid}\t{label} {frags}\t{' '.join(text[s:e] for s, e in parts)}")
        return tid

    for e in record["entities"]:
        tid = tb(e["label"], [(e["start"], e["end"])])
        mentions[e["start"], e["end"]] = (tid, e["entity_id"])
        if e["entity_id"]:
            norm(tid, e["entity_id"], e["text"])
    for q in record["quotes"]:
        qid = tb("Quote", [(s["start"], s["end"]) for s in q["content"]])
        lines.append(f"{new('A')}\tQuoteType {qid} {q['type']}")
        lines.append(f"{new('#')}\t{NOTE} {qid}\t{q['id']}")
        norm(qid, q["speaker_entity_id"], q["speaker_name"])  # the resolved speaker, also for bare quotes
        for key, role in ROLES.items():
            s = q[key]
            if s is None:
                continue
            span = (s["start"], s["end"])
            eid = q["addressee_entity_id"] if key == "addressee" else None
            mention = mentions.get(span)
            if mention is not None and (key != "addressee" or mention[1] == eid):
                sid = mention[0]  # its N, if any, is the addressee's
            elif (role, span, eid) in roles:
                sid = roles[role, span, eid]
            else:
                sid = roles[role, span, eid] = tb(role, [span])
                if eid:
                    norm(sid, eid, s["text"])
            lines.append(f"{new('R')}\t{role} Arg1:{qid} Arg2:{sid}")
    return "\n".join(lines) + "\n"


def write_brat(records: list[dict]) -> dict[str, str]:
    """file name -> contents, for the whole corpus."""
    files = {"annotation.conf": CONF}
    for rec in records:
        files[f"{rec['id']}.txt"] = rec["text"]
        files[f"{rec['id']}.ann"] = write_ann(rec)
    return files


# --- reading ------------------------------------------------------------------

# Every line of an .ann file: T (offsets as 'a b' pairs joined by ';'), E, R, and the A/M/N/#/* lines.
_LINE = re.compile(r"^(?:T\d+\t\S+ \d+ \d+(?:;\d+ \d+)*\t(?s:.*)|E\d+\t\S+:\S+(?: \S+:\S+)*|R\d+\t\S+ Arg1:\S+ Arg2:\S+|[AMN#*]\S*\t.*)$")
_ANY_ID = re.compile(r"^(?:[TERAMN]\d+|#\d*|\*)(?=[\s\t]|$)")  # a line that starts with an annotation id, however broken
SYNTAX_FIX = "write 'T1<TAB>Label START END<TAB>text' (or an E, R, A, N, M or # line)"

# What is wrong with a line: not brat at all; offsets outside the text; a T whose text is not
# the text at its offsets; an A, M, N or # line without the fields brat gives it.
ProblemKind = Literal["syntax", "offsets", "text", "shape"]


@dataclass(frozen=True)
class TextBound:
    id: str
    label: str
    fragments: tuple[tuple[int, int], ...]  # more than one: a discontinuous span
    text: str  # as written on the line
    line: int


@dataclass(frozen=True)
class Event:
    id: str
    type: str
    trigger: str
    arguments: tuple[tuple[str, str], ...]  # (role, annotation id) in line order; a role may repeat as Role2, Role3
    line: int


@dataclass(frozen=True)
class Relation:
    id: str
    type: str
    arg1: str
    arg2: str
    line: int


@dataclass(frozen=True)
class Attribute:
    id: str
    name: str
    target: str
    value: str | None  # None: a binary attribute
    line: int


@dataclass(frozen=True)
class Normalization:
    id: str
    type: str
    target: str
    resource: str
    ref: str
    text: str
    line: int


@dataclass(frozen=True)
class Note:
    id: str
    type: str  # AnnotatorNotes, as brat writes them
    target: str
    text: str
    line: int


@dataclass(frozen=True)
class Problem:
    line: int
    kind: ProblemKind
    message: str


@dataclass
class Ann:
    """One .ann file parsed against its text. Equivalence (*) lines are skipped."""

    textbounds: dict[str, TextBound] = field(default_factory=dict)  # by id; a repeated id keeps the last line
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    normalizations: list[Normalization] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # in line order


def _pair(token: str) -> tuple[str, str]:
    key, _, value = token.partition(":")
    return key, value


def parse_ann(ann: str, text: str, text_name: str = "the text") -> Ann:
    """Parse the contents of one .ann file against its .txt. Problems are returned, not raised:
    callers decide which they refuse (``text_name`` names the .txt in the offsets message)."""
    out = Ann()
    defined: dict[str, int] = {}  # id -> line: a second T1 would silently replace the first
    for n, line in _joined_lines(ann):
        if not line.strip():
            continue
        if line[:1] in "ER":
            line = line.rstrip(" ")  # brat itself writes an event without arguments as "E1<TAB>Type:T1 "
        if not _LINE.match(line):
            out.problems.append(Problem(n, "syntax", f"not a brat annotation line: {line[:60]!r}"))
            continue
        ident = line.split("\t", 1)[0]
        if ident in defined:
            out.problems.append(Problem(n, "syntax", f"{ident} is defined twice (lines {defined[ident]} and {n}); brat ids are unique in a file"))
            continue
        defined[ident] = n
        kind = line[0]
        if kind == "T":
            tid, head, shown = line.split("\t", 2)
            label, _, frags = head.partition(" ")
            parts = tuple((int(a), int(b)) for a, b in (piece.split(" ") for piece in frags.split(";")))
            if any(not (0 <= a <= b <= len(text)) for a, b in parts):
                out.problems.append(Problem(n, "offsets", f"{tid} has offsets outside {text_name} ({len(text)} characters)"))
                continue
            if shown != " ".join(text[a:b] for a, b in parts):  # brat joins the fragments' texts with a space
                out.problems.append(Problem(n, "text", f"{tid} text does not match its offsets"))
            out.textbounds[tid] = TextBound(tid, label, parts, shown, n)
        elif kind == "E":
            eid, body = line.split("\t", 1)
            (etype, trigger), *args = (_pair(t) for t in body.split(" "))
            out.events.append(Event(eid, etype, trigger, tuple(args), n))
        elif kind == "R":
            rid, body = line.split("\t", 1)
            rtype, arg1, arg2 = body.split(" ")
            out.relations.append(Relation(rid, rtype, arg1.removeprefix("Arg1:"), arg2.removeprefix("Arg2:"), n))
        elif kind in "AM":  # M: the name older brat versions gave attributes
            aid, body = line.split("\t", 1)
            fields = body.split(" ")
            if len(fields) in (2, 3) and all(fields):
                out.attributes.append(Attribute(aid, fields[0], fields[1], fields[2] if len(fields) == 3 else None, n))
            else:
                out.problems.append(Problem(n, "shape", f"{aid} is not 'Name TARGET [VALUE]'"))
        elif kind == "N":
            nid, rest = line.split("\t", 1)
            body, _, shown = rest.partition("\t")
            fields = body.split(" ")
            resource, _, ref = fields[-1].partition(":")
            if len(fields) == 3 and all(fields[:2]) and resource and ref:
                out.normalizations.append(Normalization(nid, fields[0], fields[1], resource, ref, shown, n))
            else:
                out.problems.append(Problem(n, "shape", f"{nid} is not 'Type TARGET RESOURCE:ID<TAB>text'"))
        elif kind == "#":
            cid, rest = line.split("\t", 1)
            body, tab, shown = rest.partition("\t")
            fields = body.split(" ")
            if tab and len(fields) == 2 and all(fields):
                out.notes.append(Note(cid, fields[0], fields[1], shown, n))
            else:
                out.problems.append(Problem(n, "shape", f"{cid} is not 'Type TARGET<TAB>text'"))
    return out


def _joined_lines(ann: str) -> list[tuple[int, str]]:
    """(line number, line) pairs, with a T annotation whose text runs over a line break (some
    corpora's spans cross a paragraph) joined back into one: a line that is not brat at all,
    right after a T line, is the rest of that T's text."""
    out: list[tuple[int, str]] = []
    blank = 0  # empty lines since the last non-empty one: a span's text may hold a paragraph break
    for n, line in enumerate(ann.split("\n"), 1):
        line = line.rstrip("\r")
        if not line:
            blank += 1
            continue
        last = next((i for i in range(len(out) - 1, -1, -1) if out[i][1]), None)
        if last is not None and out[last][1].startswith("T") and not _LINE.match(line) and not _ANY_ID.match(line):
            out[last] = (out[last][0], out[last][1] + "\n" * (blank + 1) + line)
        else:
            out.append((n, line))
        blank = 0
    return out


@dataclass(frozen=True)
class BratDoc:
    name: str  # the .ann's stem
    file: Path  # the .ann
    text: str
    ann: Ann


def read_folder(folder: Path) -> tuple[list[BratDoc], list[Incident]]:
    """Every .ann under ``folder``, in name order, paired with its .txt and parsed; and the problems as incidents
    (brat-unpaired, utf8-invalid, file-unreadable, brat-syntax). An ``.ann`` named ``<stem>_<annotator>.ann`` pairs
    with ``<stem>.txt``. A corpus from another tool is read leniently: a T whose text differs from its offsets and
    A/M/N lines of another shape are let through. Raises ValueError for offsets outside the text (the data cannot be read).
    """
    docs: list[BratDoc] = []
    problems: list[Incident] = []

    def bad(file: Path, line: int | None, check: str, message: str, fix: str) -> None:
        problems.append(incident(check, str(file), line, "", message, fix))

    for ann in sorted(folder.rglob("*.ann")):
        stem = ann.stem
        # The .txt beside the .ann, or in a sibling text/ folder; never one of the same name elsewhere.
        near = [d / f"{s}.txt" for d in (ann.parent, ann.parent.parent / "text") for s in dict.fromkeys((stem, stem.rsplit("_", 1)[0]))]
        txt = next((p for p in near if p.is_file()), None)
        if txt is None:
            elsewhere = sorted(str(p) for s in {stem, stem.rsplit("_", 1)[0]} for p in folder.rglob(f"{s}.txt") if p not in near)
            where = f" (a file of that name is in another folder: {', '.join(elsewhere)}; brat pairs files by folder)" if elsewhere else ""
            bad(ann, None, "brat-unpaired", f"no {stem}.txt beside it{where}", "put the .txt the .ann was annotated on in the same folder")
            continue
        texts = []
        for path in (txt, ann):
            try:
                with open(path, encoding="utf-8", newline="") as fh:  # keep \r\n: brat offsets count every character
                    texts.append(fh.read())
            except UnicodeDecodeError as exc:
                bad(path, None, "utf8-invalid", f"byte {exc.start} is not valid UTF-8", "save it as UTF-8")
            except OSError as exc:
                bad(path, None, "file-unreadable", "is a folder, not a file" if path.is_dir() else str(exc.strerror or exc), "check the path")
        if len(texts) < 2:
            continue
        text, ann_text = texts
        parsed = parse_ann(ann_text, text, txt.name)
        for p in parsed.problems:
            if p.kind == "offsets":
                raise ValueError(f"{ann}: {p.message}")
            if p.kind == "syntax":
                bad(ann, p.line, "brat-syntax", p.message, SYNTAX_FIX)
        docs.append(BratDoc(stem, ann, text, parsed))
    return docs, problems


def _one_span(tb: TextBound, what: str) -> dict:
    """An entity or a quote's role: one fragment in our export."""
    if len(tb.fragments) != 1:
        raise ValueError(f"line {tb.line}: {tb.id} ({what}) has {len(tb.fragments)} fragments, not one")
    (s, e), = tb.fragments
    return {"start": s, "end": e, "text": tb.text}


def read_ann(ann: str, text: str) -> dict:
    """Entities and quotes back from one .ann file of our own export. Strict, unlike ``read_folder``: any problem
    ``parse_ann`` finds is a ValueError naming its line; events (which we never write) are passed over."""
    parsed = parse_ann(ann, text)
    if parsed.problems:
        p = parsed.problems[0]
        raise ValueError(f"line {p.line}: {p.message}")
    norms = {n.target: registry_id(n.ref) for n in parsed.normalizations if n.resource == RESOURCE}
    notes = {c.target: c.text for c in parsed.notes if c.type == NOTE}
    types = {a.target: a.value for a in parsed.attributes if a.name == "QuoteType"}
    entities: list[dict] = []
    quotes: dict[str, dict] = {}
    for tid, tb in parsed.textbounds.items():
        if tb.label == "Quote":
            if not notes.get(tid) or not types.get(tid):
                raise ValueError(f"line {tb.line}: {tid} (a Quote) needs a QuoteType attribute and its quote id as its {NOTE}")
            quotes[tid] = {"id": notes[tid], "type": types[tid],
                           "content": [{"start": s, "end": e, "text": text[s:e]} for s, e in tb.fragments],
                           "cue": None, "speaker": None, "addressee": None, "speaker_entity_id": norms.get(tid), "addressee_entity_id": None}
        elif tb.label not in ROLES.values():
            entities.append({**_one_span(tb, tb.label), "label": tb.label, "entity_id": norms.get(tid)})
    keys = {v: k for k, v in ROLES.items()}
    for r in parsed.relations:
        target = parsed.textbounds.get(r.arg2)
        if r.type not in keys or r.arg1 not in quotes or target is None or target.label not in (r.type, *ONTONOTES_LABELS):
            raise ValueError(f"line {r.line}: {r.id} is not a Cue, Source or Addressee relation from a Quote to its role's span or an entity mention")
        key = keys[r.type]
        quotes[r.arg1][key] = _one_span(target, r.type)
        if key == "addressee":
            quotes[r.arg1]["addressee_entity_id"] = norms.get(r.arg2)
    return {"entities": entities, "quotes": list(quotes.values())}
