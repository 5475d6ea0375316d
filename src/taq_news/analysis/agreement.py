"""Inter-annotator agreement between the two independent passes, and each pass against the gold.

Run ``python scripts/agreement.py`` (or ``taq-news agreement``); ``--write``
also refreshes the generated tables in README.md and dataset/README.md.
"""

from __future__ import annotations

from taq_news.analysis.scoring import entity_scores, label_kappa, quote_scores
from taq_news.core.paths import Layout
from taq_news.corpus.annotation_sets import (
    AnnotationSet,
    load_annotation_set,
    same_referent,
)
from taq_news.corpus.compile import compile_corpus

PASSES = ("pass-a", "pass-b")
CONVENTIONS_PASS = "pass-c"


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def compare(ref: AnnotationSet, pred: AnnotationSet) -> dict:
    ent = entity_scores({d: b["entities"] for d, b in ref.bodies.items()}, {d: b["entities"] for d, b in pred.bodies.items()})
    qs = quote_scores({d: b["quotes"] for d, b in ref.bodies.items()}, {d: b["quotes"] for d, b in pred.bodies.items()}, same_referent(ref.registry, pred.registry))
    kappa, n_label = label_kappa({d: b["entities"] for d, b in ref.bodies.items()}, {d: b["entities"] for d, b in pred.bodies.items()})
    return {
        "entities_ref": sum(len(b["entities"]) for b in ref.bodies.values()),
        "entities_pred": sum(len(b["entities"]) for b in pred.bodies.values()),
        "entity_f1_strict": ent["strict"].f1,
        "entity_f1_exact": ent["exact"].f1,
        "entity_f1_partial": ent["partial"].f1,
        "quotes_ref": sum(len(b["quotes"]) for b in ref.bodies.values()),
        "quotes_pred": sum(len(b["quotes"]) for b in pred.bodies.values()),
        "quote_f1_exact": qs.exact.f1,
        "quote_f1_overlap": qs.overlap.f1,
        "quotes_matched": qs.matched,
        "speaker_agreement": qs.speaker_agreement,
        "cue_agreement": qs.cue_agreement,
        "kappa_quote_type": qs.type_kappa,
        "kappa_entity_label": kappa,
        "label_pairs": n_label,
    }


def compute(layout: Layout, corpus=None) -> dict[str, dict]:
    if corpus is None:
        corpus = compile_corpus(layout)
    texts = {r["id"]: r["text"] for r in corpus.records}
    gold = AnnotationSet("gold", {r["id"]: {k: r[k] for k in ("entities", "quotes", "non_quotes", "relations")} for r in corpus.records}, corpus.registry)
    sets = {name: load_annotation_set(layout.annotations / "passes" / name, texts, layout.rel) for name in PASSES}
    results = {
        "pass-a vs pass-b": compare(sets["pass-a"], sets["pass-b"]),
        "pass-a vs gold": compare(gold, sets["pass-a"]),
        "pass-b vs gold": compare(gold, sets["pass-b"]),
    }
    # An optional third pass made from the published conventions alone (no project guidelines).
    extra = layout.annotations / "passes" / CONVENTIONS_PASS
    if (extra / "entities.yaml").is_file():
        results[f"{CONVENTIONS_PASS} vs gold"] = compare(gold, load_annotation_set(extra, texts, layout.rel))
    return results


ROWS = [
    ("entity mentions (reference / other)", lambda r: f"{r['entities_ref']} / {r['entities_pred']}"),
    ("entity F1, strict (span + label)", lambda r: _fmt(r["entity_f1_strict"])),
    ("entity F1, exact span", lambda r: _fmt(r["entity_f1_exact"])),
    ("entity F1, partial span", lambda r: _fmt(r["entity_f1_partial"])),
    ("Cohen's kappa, entity label (same span)", lambda r: f"{_fmt(r['kappa_entity_label'])} (n={r['label_pairs']})"),
    ("quotes (reference / other)", lambda r: f"{r['quotes_ref']} / {r['quotes_pred']}"),
    ("quote content F1, exact", lambda r: _fmt(r["quote_f1_exact"])),
    ("quote content F1, overlap", lambda r: _fmt(r["quote_f1_overlap"])),
    ("speaker agreement (matched quotes)", lambda r: f"{_fmt(r['speaker_agreement'])} (n={r['quotes_matched']})"),
    ("cue agreement (matched quotes)", lambda r: _fmt(r["cue_agreement"])),
    ("Cohen's kappa, quote type (matched quotes)", lambda r: _fmt(r["kappa_quote_type"])),
]


def render_table(results: dict[str, dict]) -> str:
    cols = list(results)
    lines = ["| measure | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    for label, fn in ROWS:
        lines.append(f"| {label} | " + " | ".join(fn(results[c]) for c in cols) + " |")
    return "\n".join(lines) + "\n"
