"""``taq-news evaluate``: score pre-annotation against a gold standard, per article and overall.

Two gold sources:

- **our corpus** (default): for each gold record, quotes and entities are
  predicted on the gold clean text (so offsets are comparable) and page parts
  on the raw page. Speakers are compared as referents (``scoring`` and
  ``annotation_sets.SpeakerMatcher``), against the registry plus the entries
  the pre-annotator proposes.
- **brat standoff** (``--brat DIR``), e.g. PolNeAR: ``.ann`` files with
  ``Source``/``Cue``/``Content`` text-bound annotations tied by an event, next
  to (or in a sibling ``text/`` folder of) their ``.txt``. An ``.ann`` named
  ``<stem>_<annotator>.ann`` pairs with ``<stem>.txt``. Quotes are predicted on
  the ``.txt`` as it is. A speaker counts as right when the predicted speaker
  mention overlaps the gold source mention (brat has no referent ids).

Metrics (definitions in ``scoring``): quote content exact and overlap P/R/F1,
cue accuracy and speaker accuracy over overlap-matched quotes (and over the matched
direct quotes alone: by the gold's type, or the prediction's for brat gold, which has none), entity strict
and partial F1 (nervaluate) where the gold has entities, and for our corpus the
character F1 of removed furniture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from taq_news.analysis.scoring import PRF, entity_scores, quote_scores
from taq_news.annotations.registry import ONTONOTES_LABELS, Entity
from taq_news.core.checks import incident
from taq_news.core.incidents import IncidentError
from taq_news.corpus.annotation_sets import same_referent
from taq_news.exports.brat import BratDoc, read_folder
from taq_news.preannotate.draft import annotate_text, metadata_values
from taq_news.preannotate.furniture import find_parts
from taq_news.preannotate.metadata import page_findings
from taq_news.preannotate.quotes import trim_content
from taq_news.sources.page import page_of


@dataclass
class GoldDoc:
    name: str
    text: str
    quotes: list[dict]
    entities: list[dict] | None  # None: the gold has no entity layer
    removed: set[int] | None = None  # raw offsets of removed furniture, when known
    raw: str | None = None  # the page text (for HTML, its extraction)
    file: str | None = None  # where the gold came from, for incidents
    parts: dict | None = None  # title, dateline, byline as the gold has them (None: not annotated)
    metadata: dict | None = None  # outlet and published: (value, stated?) as the gold has them
    markup: str | None = None  # the HTML, for an HTML page


def _span(text: str, a: int, b: int) -> dict:
    return {"start": a, "end": b, "text": text[a:b]}


def predict(text: str, doc_id: str, registry: dict[str, Entity], nlp, page_outlet: Entity | None = None) -> tuple[list[dict], list[dict], dict[str, Entity]]:
    """Quotes and entity mentions predicted on ``text`` (already clean), as record-shaped dicts."""
    found, quotes, _, proposed, _ = annotate_text(doc_id, text, registry, nlp, page_outlet)
    pred_quotes = []
    for q in quotes:
        spk = q.resolved.get("speaker")
        # A bare quote's speaker is its attribution's (Q31): score that mention, as gold that links
        # every quotation to a source mention (PolNeAR) does.
        mention = q.speaker or (q.speaker_of.speaker if q.speaker_of is not None else None)
        pred_quotes.append({
            "type": q.type,
            "content": [_span(text, a, b) for a, b in q.content],
            "cue": _span(text, *q.cue) if q.cue else None,
            "speaker": _span(text, *mention) if mention else None,
            "speaker_entity_id": spk.entity if spk else None,
        })
    pred_entities = [{"start": m.start, "end": m.end, "label": m.label} for m in found]
    return pred_quotes, pred_entities, {e.id: e for e in proposed}


# --- gold from our corpus -------------------------------------------------

def corpus_gold(records: list[dict], raw_dir: Path) -> list[GoldDoc]:
    out = []
    for r in records:
        raw_path = raw_dir / Path(r["source"]["file"]).name
        page = page_of(raw_path.name, raw_path.read_text("utf-8")) if raw_path.is_file() else None
        removed = {i for x in r["source"]["removed"] if x["reason"] not in ("title", "dateline", "byline", "highlight") for i in range(x["raw_start"], x["raw_end"])}
        out.append(GoldDoc(r["id"], r["text"], r["quotes"], [{"start": m["start"], "end": m["end"], "label": m["label"]} for m in r["entities"]],
                           removed, page.text if page else None, file=r["source"]["file"],
                           parts={k: r[k] for k in PART_KEYS},
                           metadata={"outlet": (r["outlet"]["name"], r["outlet"]["basis"] == "stated"), "published": (r["published"]["date"], r["published"]["basis"] == "stated")},
                           markup=page.markup if page else None))
    return out


PART_KEYS = ("title", "dateline", "byline")


# --- gold from brat ---------------------------------------------------------

_TID = re.compile(r"T\d+")


def read_brat(folder: Path, our_content_rules: bool = False) -> list[GoldDoc]:
    """Quote attributions (and entities, if labelled with OntoNotes types) from a brat folder.

    ``our_content_rules`` trims each gold content span by our guidelines' Q11-Q12
    (no leading "that", no full stop or comma outside the marks), so that exact
    scores on a corpus with other conventions (PolNeAR keeps both) count real
    boundary errors only. Off by default: the gold is read as it is.
    The files are paired and parsed by ``exports.brat.read_folder``, whose incidents are raised here.
    """
    docs, problems = read_folder(folder)
    gold = [_brat_gold(doc, our_content_rules) for doc in docs]
    if problems:
        raise IncidentError(problems)
    return gold


def _brat_gold(doc: BratDoc, our_content_rules: bool) -> GoldDoc:
    text, spans = doc.text, doc.ann.textbounds
    events = [dict([(ev.type, ev.trigger), *ev.arguments]) for ev in doc.ann.events]
    # our own export: a "Quote" text-bound annotation with Cue/Source relations to T spans (a relation to an event is no role)
    relations = [r for r in doc.ann.relations if _TID.fullmatch(r.arg2)]
    for tid, tb in spans.items():
        if tb.label == "Quote":
            events.append({"Content": tid, **{r.type: r.arg2 for r in relations if r.arg1 == tid}})
    quotes = []
    for ev in events:
        roles = {k.rstrip("0123456789").lower(): v for k, v in ev.items()}
        if "content" not in roles or roles["content"] not in spans:
            continue
        parts = list(spans[roles["content"]].fragments)
        if our_content_rules:
            parts = [t for t in (trim_content(text, a, b) for a, b in parts) if t]
            if not parts:
                continue
        cue = spans.get(roles.get("cue", ""))
        src = spans.get(roles.get("source", roles.get("speaker", "")))
        quotes.append({
            "type": None,
            "content": [_span(text, a, b) for a, b in parts],
            "cue": _span(text, cue.fragments[0][0], cue.fragments[-1][1]) if cue else None,
            "speaker": _span(text, src.fragments[0][0], src.fragments[-1][1]) if src else None,
            "speaker_entity_id": None,
        })
    ents = [{"start": tb.fragments[0][0], "end": tb.fragments[-1][1], "label": tb.label} for tb in spans.values() if tb.label in ONTONOTES_LABELS]
    return GoldDoc(doc.name, text, quotes, ents or None, file=str(doc.file))


def _length_problems(gold: list[GoldDoc], nlp) -> None:
    """spaCy refuses a text over its max_length with a ValueError mid-run: say so first, with the file."""
    long = [g for g in gold if len(g.text) > nlp.max_length]
    if long:
        raise IncidentError([incident("text-too-long", g.file or g.name, None, "", f"{len(g.text):,} characters, over the pipeline's limit of {nlp.max_length:,}",
                                      "check the file is one article; split or trim it") for g in long])


# --- scoring ----------------------------------------------------------------

def _overlaps(a: dict | None, b: dict | None) -> bool:
    return bool(a and b and a["start"] < b["end"] and b["start"] < a["end"])


@dataclass
class Row:
    name: str
    quotes_gold: int
    quotes_pred: int
    exact: PRF
    overlap: PRF
    cue: float | None
    speaker: float | None
    speaker_direct: float | None  # over matched direct quotes (the gold's type; the prediction's for brat gold, which has none)
    entity_strict: PRF | None
    entity_partial: PRF | None
    furniture: PRF | None
    parts: tuple[int, int] | None = None  # (right, of) over title, dateline and byline
    metadata: tuple[int, int] | None = None  # (right, of) over outlet and published date


def score(gold: list[GoldDoc], preds: dict[str, tuple[list[dict], list[dict], dict]], same_speaker) -> list[Row]:
    """One row per document (when there are several) and a last row 'overall' (micro-averaged)."""
    groups = [(g.name, [g]) for g in gold] if len(gold) > 1 else []
    return [_row(name, group, preds, same_speaker) for name, group in groups + [("overall", gold)]]


def _row(name: str, group: list[GoldDoc], preds: dict, same_speaker) -> Row:
    ref_q = {g.name: g.quotes for g in group}
    pred_q = {g.name: preds[g.name][0] for g in group}
    qs = quote_scores(ref_q, pred_q, same_speaker)
    ref_e = {g.name: g.entities for g in group if g.entities is not None}
    ent = entity_scores(ref_e, {d: preds[d][1] for d in ref_e}) if ref_e else None
    furn = None
    # (gold removed, predicted furniture) per document; scored only when every document has both
    chars = [(g.removed, preds[g.name][2]["furniture"]) for g in group if g.removed is not None and "furniture" in preds[g.name][2]]
    if len(chars) == len(group):
        furn = PRF(sum(len(gold & pred) for gold, pred in chars), sum(len(pred) for _, pred in chars), sum(len(gold) for gold, _ in chars))
    return Row(name, sum(len(v) for v in ref_q.values()), sum(len(v) for v in pred_q.values()),
               qs.exact, qs.overlap, qs.cue_agreement, qs.speaker_agreement, qs.speaker_agreement_direct,
               ent["strict"] if ent else None, ent["partial"] if ent else None, furn,
               _agreement(group, preds, "parts"), _agreement(group, preds, "metadata"))


def _agreement(group: list[GoldDoc], preds: dict, key: str) -> tuple[int, int] | None:
    """(right, of) for page parts or metadata, over the documents whose gold and prediction have them.
    A page part is right when its text is the gold's (both absent counts); a metadata value when
    the prediction states the gold's stated value (casefolded), or states nothing where the gold
    states nothing."""
    right = total = 0
    for g in group:
        gold, pred = getattr(g, key), preds[g.name][2].get(key)
        if gold is None or pred is None:
            continue
        for k, want in gold.items():
            got = pred.get(k)
            total += 1
            if key == "parts":
                right += (want or None) == (got or None)
            else:
                (value, stated), (pvalue, pstated) = want, got
                right += (not stated and not pstated) or (stated and pstated and str(value).casefold() == str(pvalue).casefold())
    return (right, total) if total else None


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _prf(p: PRF | None) -> str:
    if p is not None and p.n_pred == 0 and p.n_ref == 0:
        return "none in gold or prediction"
    if p is not None and p.n_ref == 0:
        return f"{p.precision:.3f} / n/a / n/a (none in gold)"
    return "n/a" if p is None else f"{p.precision:.3f} / {p.recall:.3f} / {p.f1:.3f}"


def _ratio(x: tuple[int, int] | None) -> str:
    return "n/a" if x is None else f"{x[0]}/{x[1]}"


def render(rows: list[Row], title: str) -> str:
    """The table; page-part and metadata columns only where some row has them (not for brat gold)."""
    extra = any(r.parts is not None or r.metadata is not None for r in rows)
    head = ("| document | quotes gold/pred | content exact P/R/F1 | content overlap P/R/F1 | cue acc. | speaker acc. | speaker acc., direct "
            "| entity strict P/R/F1 | entity partial P/R/F1 | furniture chars P/R/F1 |")
    rule = "|---|---:|---|---|---:|---:|---:|---|---|---|"
    if extra:
        head, rule = head + " title/dateline/byline right | outlet/date right |", rule + "---:|---:|"
    lines = [f"{title}", "", head, rule]
    for r in rows:
        name = f"**{r.name}**" if r.name == "overall" else r.name
        line = (f"| {name} | {r.quotes_gold}/{r.quotes_pred} | {_prf(r.exact)} | {_prf(r.overlap)} | {_f(r.cue)} | {_f(r.speaker)} | {_f(r.speaker_direct)} | "
                f"{_prf(r.entity_strict)} | {_prf(r.entity_partial)} | {_prf(r.furniture)} |")
        lines.append(line + (f" {_ratio(r.parts)} | {_ratio(r.metadata)} |" if extra else ""))
    return "\n".join(lines) + "\n"


CORPUS_TITLE = "Pre-annotation against the TAQ-News gold (blank spaCy + registry EntityRuler; quotes and entities on the gold clean text, furniture on the raw page)"
_README_BEGIN = "<!-- BEGIN EVALUATION (output of: taq-news evaluate) -->\n\n"
_README_END = "\n<!-- END EVALUATION -->"


DEV_TITLE = "Pre-annotation against the development set (fictional articles in many outlets' styles; the corpus registry only, never the set's own)"
MODEL_MARKERS = ("<!-- BEGIN MODEL EVALUATION (output of: taq-news evaluate --gold tests/dev --model MODEL) -->\n\n", "\n<!-- END MODEL EVALUATION -->")
DEV_MARKERS = ("<!-- BEGIN DEV EVALUATION (output of: taq-news evaluate --gold tests/dev) -->\n\n", "\n<!-- END DEV EVALUATION -->")


def readme_with_table(readme: str, table: str, begin: str = _README_BEGIN, end: str = _README_END) -> str | None:
    """README.md with the table between its evaluation markers (None when the markers are missing)."""
    if begin not in readme or end not in readme:
        return None
    head, rest = readme.split(begin, 1)
    return head + begin + table + end + rest.split(end, 1)[1]


def evaluate_corpus(records: list[dict], raw_dir: Path, registry: dict[str, Entity], nlp, gold_registry: dict[str, Entity] | None = None) -> list[Row]:
    """Score against curated records. ``registry`` is what the pre-annotator works with; the gold's
    speakers are resolved in ``gold_registry`` (the same registry for our corpus; a development
    set's own registry, which the pre-annotator never sees, for ``--gold``)."""
    gold = corpus_gold(records, raw_dir)
    _length_problems(gold, nlp)
    preds, pred_registry = {}, dict(registry)
    for g in gold:
        info: dict = {}
        known, new_outlet = registry, None
        if g.raw is not None:
            parts = find_parts(g.raw)
            info["furniture"] = {i for s, _ in parts.furniture or [] for i in range(s.start, s.end)}
            info["parts"] = {k: (getattr(parts, k).text if getattr(parts, k) else None) for k in PART_KEYS}
            # As preannotate does: the page's outlet is proposed before the speakers are resolved,
            # and scored as the draft and the record give it (unknown where it cannot be anchored or linked).
            outlet, published, new_outlet = page_findings(g.raw, g.markup, registry, g.name, byline=parts.byline.text if parts.byline else None)
            if new_outlet is not None:
                known = {**registry, new_outlet.id: new_outlet}
                pred_registry[new_outlet.id] = new_outlet
            meta = metadata_values(g.raw, g.markup, outlet, published, known)
            info["metadata"] = {"outlet": (meta["outlet"]["name"], meta["outlet"]["basis"] == "stated"),
                                "published": (meta["published"]["date"], meta["published"]["basis"] == "stated")}
        q, e, extra = predict(g.text, g.name, registry, nlp, new_outlet)
        pred_registry.update(extra)
        preds[g.name] = (q, e, info)
    return score(gold, preds, same_referent(gold_registry if gold_registry is not None else registry, pred_registry))


def evaluate_brat(folder: Path, registry: dict[str, Entity], nlp, our_content_rules: bool = False) -> list[Row]:
    gold = read_brat(folder, our_content_rules)
    _length_problems(gold, nlp)
    preds = {}
    cache: dict[str, tuple] = {}
    for g in gold:
        if g.text not in cache:
            q, e, _ = predict(g.text, "000_brat", registry, nlp)
            cache[g.text] = (q, e)
        preds[g.name] = (*cache[g.text], {})
    return score(gold, preds, lambda a, b: _overlaps(a.get("speaker"), b.get("speaker")))
