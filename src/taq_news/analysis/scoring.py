"""Comparing two annotations of the same texts: entity F1, quote F1, speaker and kappa.

Used for inter-annotator agreement (pass A against pass B) and for scoring
machine pre-annotation against the gold. The reference comes first; for
agreement the F1 figures are symmetric.

Definitions (written down so that anyone can re-run and argue with them):
- entity strict / exact / partial / type: nervaluate's four schemes on
  character spans (strict = same boundaries and label; partial = overlapping
  boundaries count half, label ignored).
- quote content, exact: the quote's content spans are identical.
- quote content, overlap: the quotes share at least one content character;
  quotes are paired one-to-one, largest overlap first.
- speaker agreement: among overlap-matched quotes, the share whose resolved
  speakers are the same referent: same registry id, canonical name or alias
  (case-insensitive); for unnamed referents (anonymous sources, unnamed
  documents), ids are aligned when a matched pair of quotes gives them
  overlapping speaker mentions (see annotation_sets.SpeakerMatcher).
- Cohen's kappa: on quote type over overlap-matched quotes, and on entity
  label over entity mentions with identical boundaries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from nervaluate import Evaluator

from taq_news.annotations.registry import ONTONOTES_LABELS


@dataclass(frozen=True)
class PRF:
    tp: float
    n_pred: int
    n_ref: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_ref if self.n_ref else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa for two raters' labels on the same items; None when undefined."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(left[k] * right.get(k, 0) for k in left) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else None
    return (observed - expected) / (1 - expected)


def entity_scores(ref: dict[str, list[dict]], pred: dict[str, list[dict]]) -> dict[str, PRF]:
    """nervaluate's strict/exact/partial/ent_type schemes over all documents."""
    docs = sorted(set(ref) | set(pred))

    def spans(mentions: list[dict]) -> list[dict]:
        # nervaluate compares inclusive ends; our ends are exclusive.
        return [{"label": m["label"], "start": m["start"], "end": m["end"] - 1} for m in mentions]

    result = Evaluator([spans(ref.get(d, [])) for d in docs], [spans(pred.get(d, [])) for d in docs], tags=list(ONTONOTES_LABELS)).evaluate()
    overall = result["overall"] if isinstance(result, dict) else result[0]
    out = {}
    for scheme in ("strict", "exact", "partial", "ent_type"):
        r = overall[scheme]
        tp = r.correct + (0.5 * r.partial if scheme == "partial" else 0)
        out[scheme] = PRF(tp, r.actual, r.possible)
    return out


def _chars(quote: dict) -> set[int]:
    return {i for s in quote["content"] for i in range(s["start"], s["end"])}


def match_quotes(ref: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of quotes whose contents overlap, largest overlap first."""
    candidates = []
    for i, a in enumerate(ref):
        ca = _chars(a)
        for j, b in enumerate(pred):
            n = len(ca & _chars(b))
            if n:
                candidates.append((-n, i, j))
    used_r, used_p, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_r and j not in used_p:
            used_r.add(i)
            used_p.add(j)
            pairs.append((ref[i], pred[j]))
    return pairs


@dataclass
class QuoteScores:
    exact: PRF
    overlap: PRF
    speaker_agreement: float | None
    speaker_agreement_direct: float | None  # over the matched pairs that are direct quotes
    cue_agreement: float | None
    type_kappa: float | None
    matched: int


def quote_scores(
    ref: dict[str, list[dict]],
    pred: dict[str, list[dict]],
    same_speaker: Callable[[dict, dict], bool],
) -> QuoteScores:
    n_ref = sum(len(v) for v in ref.values())
    n_pred = sum(len(v) for v in pred.values())
    exact_tp = 0
    pairs: list[tuple[dict, dict]] = []
    for doc in sorted(set(ref) | set(pred)):
        r, p = ref.get(doc, []), pred.get(doc, [])
        keys = Counter(tuple((s["start"], s["end"]) for s in q["content"]) for q in p)
        for q in r:
            k = tuple((s["start"], s["end"]) for s in q["content"])
            if keys[k] > 0:
                keys[k] -= 1
                exact_tp += 1
        pairs += match_quotes(r, p)
    if hasattr(same_speaker, "fit"):
        same_speaker.fit(pairs)
    speakers = [same_speaker(a, b) for a, b in pairs]
    # direct quotes: by the reference's type, or the prediction's where the reference has none (brat gold)
    direct = [ok for ok, (a, b) in zip(speakers, pairs, strict=True) if (a.get("type") or b.get("type")) == "direct"]
    cues = [(a["cue"] or {}).get("text") == (b["cue"] or {}).get("text") and (a["cue"] or {}).get("start") == (b["cue"] or {}).get("start") for a, b in pairs]
    return QuoteScores(
        exact=PRF(exact_tp, n_pred, n_ref),
        overlap=PRF(len(pairs), n_pred, n_ref),
        speaker_agreement=sum(speakers) / len(speakers) if speakers else None,
        speaker_agreement_direct=sum(direct) / len(direct) if direct else None,
        cue_agreement=sum(cues) / len(cues) if cues else None,
        type_kappa=cohen_kappa([(a["type"], b["type"]) for a, b in pairs]),
        matched=len(pairs),
    )


def label_kappa(ref: dict[str, list[dict]], pred: dict[str, list[dict]]) -> tuple[float | None, int]:
    pairs = []
    for doc in sorted(set(ref) & set(pred)):
        by_span = {(m["start"], m["end"]): m["label"] for m in pred[doc]}
        pairs += [(m["label"], by_span[(m["start"], m["end"])]) for m in ref[doc] if (m["start"], m["end"]) in by_span]
    return cohen_kappa(pairs), len(pairs)
