"""brat standoff: ``<id>.txt`` (the clean text) and ``<id>.ann`` per document, plus ``annotation.conf``.

- Entities: ``T`` lines with the OntoNotes type; the registry id as an ``N``
  (normalization) line against the ``TAQ`` resource.
- Quotes: the content as one ``Quote`` text-bound annotation with its parts
  joined by ``;`` (brat's discontinuous spans); ``Cue``, ``Source`` and
  ``Addressee`` as ``T`` lines linked to it by ``R`` lines; the quote type and id
  as ``A`` lines; the resolved speaker as an ``N`` line on the ``Quote`` (bare
  quotes have no ``Source`` span), the addressee's registry id on the ``Addressee``.
Relaying sources (via), clusters and notes have no brat form and are left out.
"""

from __future__ import annotations

ROLES = {"cue": "Cue", "speaker": "Source", "addressee": "Addressee"}
CONF = """[entities]
PERSON
NORP
FAC
ORG
GPE
LOC
PRODUCT
EVENT
WORK_OF_ART
LAW
LANGUAGE
DATE
TIME
PERCENT
MONEY
QUANTITY
ORDINAL
CARDINAL
Quote
Cue
Source
Addressee

[relations]
Cue\tArg1:Quote, Arg2:Cue
Source\tArg1:Quote, Arg2:Source
Addressee\tArg1:Quote, Arg2:Addressee

[events]

[attributes]
QuoteType\tArg:Quote, Value:direct|mixed|indirect
QuoteId\tArg:Quote
"""


def write_ann(record: dict) -> str:
    text = record["text"]
    lines: list[str] = []
    t = n = r = a = 0

    def tb(label: str, parts: list[tuple[int, int]]) -> str:
        nonlocal t
        t += 1
        frags = ";".join(f"{s} {e}" for s, e in parts)
        lines.append(f"T{t}\t{label} {frags}\t{' '.join(text[s:e] for s, e in parts)}")
        return f"T{t}"

    def norm(target: str, entity_id: str, shown: str) -> None:
        nonlocal n
        n += 1
        lines.append(f"N{n}\tReference {target} TAQ:{entity_id}\t{shown}")

    for e in record["entities"]:
        tid = tb(e["label"], [(e["start"], e["end"])])
        if e["entity_id"]:
            norm(tid, e["entity_id"], e["text"])
    for q in record["quotes"]:
        qid = tb("Quote", [(s["start"], s["end"]) for s in q["content"]])
        a += 1
        lines.append(f"A{a}\tQuoteType {qid} {q['type']}")
        a += 1
        lines.append(f"A{a}\tQuoteId {qid} {q['id']}")
        norm(qid, q["speaker_entity_id"], q["speaker_name"])  # the resolved speaker, also for bare quotes
        for key, role in ROLES.items():
            s = q[key]
            if s is None:
                continue
            sid = tb(role, [(s["start"], s["end"])])
            r += 1
            lines.append(f"R{r}\t{role} Arg1:{qid} Arg2:{sid}")
            if key == "addressee" and q["addressee_entity_id"]:
                norm(sid, q["addressee_entity_id"], s["text"])
    return "\n".join(lines) + "\n"


def write_brat(records: list[dict]) -> dict[str, str]:
    """file name -> contents, for the whole corpus."""
    files = {"annotation.conf": CONF}
    for rec in records:
        files[f"{rec['id']}.txt"] = rec["text"]
        files[f"{rec['id']}.ann"] = write_ann(rec)
    return files


def read_ann(ann: str, text: str) -> dict:
    """Entities and quotes back from one .ann file (offsets checked against the text)."""
    tbs: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    norms: dict[str, str] = {}
    attrs: dict[str, dict[str, str]] = {}
    rels: list[tuple[str, str, str]] = []
    for n, line in enumerate(ann.splitlines(), 1):
        fields = line.split("\t")
        kind = fields[0][:1]
        if kind == "T":
            label, _, frags = fields[1].partition(" ")
            parts = [tuple(int(x) for x in f.split()) for f in frags.split(";")]
            if fields[2] != " ".join(text[s:e] for s, e in parts):
                raise ValueError(f"line {n}: {fields[0]} text does not match its offsets")
            tbs[fields[0]] = (label, parts)
        elif kind == "N":
            _, target, ref = fields[1].split(" ")
            norms[target] = ref.removeprefix("TAQ:")
        elif kind == "A":
            name, target, *value = fields[1].split(" ")
            attrs.setdefault(target, {})[name] = value[0] if value else "true"
        elif kind == "R":
            role, arg1, arg2 = fields[1].split(" ")
            rels.append((role, arg1.removeprefix("Arg1:"), arg2.removeprefix("Arg2:")))
        else:
            raise ValueError(f"line {n}: unknown brat line {line[:20]!r}")
    entities, quotes = [], {}
    for tid, (label, parts) in tbs.items():
        if label == "Quote":
            quotes[tid] = {"id": attrs[tid]["QuoteId"], "type": attrs[tid]["QuoteType"],
                           "content": [{"start": s, "end": e, "text": text[s:e]} for s, e in parts],
                           "cue": None, "speaker": None, "addressee": None, "speaker_entity_id": norms.get(tid), "addressee_entity_id": None}
        elif label not in ROLES.values():
            (s, e), = parts
            entities.append({"start": s, "end": e, "text": text[s:e], "label": label, "entity_id": norms.get(tid)})
    for role, qid, sid in rels:
        key = {v: k for k, v in ROLES.items()}[role]
        (s, e), = tbs[sid][1]
        quotes[qid][key] = {"start": s, "end": e, "text": text[s:e]}
        if key == "addressee":
            quotes[qid]["addressee_entity_id"] = norms.get(sid)
    return {"entities": entities, "quotes": list(quotes.values())}
