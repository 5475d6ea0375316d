"""Corpus statistics: counts per article, entity type, quote type, speaker and outlet."""

from __future__ import annotations

from collections import Counter


def _table(header: list[str], rows: list[list]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def render_stats(records: list[dict]) -> str:
    parts = []
    rows = []
    for r in records:
        types = Counter(q["type"] for q in r["quotes"])
        rows.append([r["id"], r["outlet"]["name"] or "unknown", r["outlet"]["basis"], r["published"]["date"] or "unknown",
                     len(r["text"]), len(r["entities"]), len(r["quotes"]), types["direct"], types["mixed"], types["indirect"]])
    totals = [sum(row[i] for row in rows) for i in range(4, 10)]
    rows.append(["**total**", "", "", "", *totals])
    parts.append("### Per article\n\n" + _table(["document", "outlet", "basis", "date", "characters", "entities", "quotes", "direct", "mixed", "indirect"], rows))

    labels = Counter(m["label"] for r in records for m in r["entities"])
    parts.append("### Entity mentions per type\n\n" + _table(["type", "mentions"], [[k, v] for k, v in sorted(labels.items(), key=lambda kv: (-kv[1], kv[0]))]))

    kinds = Counter(q["speaker_kind"] for r in records for q in r["quotes"])
    parts.append("### Quotes per speaker kind\n\n" + _table(["speaker kind", "quotes"], [[k, v] for k, v in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))]))

    speakers = Counter((q["speaker_name"], q["speaker_kind"]) for r in records for q in r["quotes"])
    parts.append("### Quotes per speaker\n\n" + _table(["speaker", "kind", "quotes"], [[n, k, v] for (n, k), v in sorted(speakers.items(), key=lambda kv: (-kv[1], kv[0]))]))

    outlets: Counter[tuple[str, str]] = Counter()
    for r in records:
        outlets[(r["outlet"]["name"] or "unknown", r["outlet"]["basis"])] += len(r["quotes"])
    parts.append("### Quotes per outlet\n\n" + _table(["outlet", "basis", "quotes"], [[n, b, v] for (n, b), v in sorted(outlets.items())]))
    return "\n".join(parts)
