"""The pre-annotator's published accuracy: one record per gold, written by ``taq-news evaluate``
(``--readme`` for our gold and the development set, ``--record LABEL`` for any other, such as
PolNeAR's dev split) and read by every place that quotes the figures (a collection's card).

The record ships in the wheel, so a card made from an installed package quotes the same
figures as the README; ``tests/preannotate/test_accuracy_record.py`` re-computes the rows
that can be re-run without outside data, so a rule change that moves them fails until the
record is re-made.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from taq_news.preannotate.evaluate import Row

RECORD = Path(__file__).with_name("accuracy.json")
GOLD_LABEL = "TAQ-News gold"
DEV_LABEL = "development set"
# The rows a collection card shows, in this order (the others stay in the record).
CARD_LABELS = (GOLD_LABEL, DEV_LABEL, "PolNeAR dev")


def summary(rows: list[Row], command: str, pipeline: str) -> dict:
    """The overall row of an evaluation, as the record keeps it."""
    r = rows[-1]
    return {
        "command": command,
        "pipeline": pipeline,
        "documents": max(1, len(rows) - 1),
        "quotes_gold": r.quotes_gold,
        "content_exact_f1": _r(r.exact.f1),
        "content_overlap_f1": _r(r.overlap.f1),
        "cue_accuracy": _r(r.cue),
        "speaker_accuracy": _r(r.speaker),
        "speaker_accuracy_direct": _r(r.speaker_direct),
        "entity_strict_f1": _r(r.entity_strict.f1) if r.entity_strict is not None and r.entity_strict.n_ref else None,
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def read(path: Path | None = None) -> dict[str, dict]:
    """The record (``RECORD`` unless ``path``; looked up at call time, so a test can point it elsewhere)."""
    path = RECORD if path is None else path
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def with_entry(label: str, entry: dict, path: Path | None = None) -> bytes:
    """The record's new bytes with ``label`` set to ``entry`` (sorted keys: the same figures give the same bytes)."""
    return (json.dumps({**read(path), label: entry}, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def card_table(record: dict[str, dict] | None = None) -> str:
    """The Markdown table a collection card shows."""
    record = read() if record is None else record
    lines = ["| gold | documents | gold quotes | content exact F1 | content overlap F1 | cue acc. | speaker acc. | speaker acc., direct | entity strict F1 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    commands = []
    for label in CARD_LABELS:
        e = record.get(label)
        if e is None:
            continue
        cells = [e["content_exact_f1"], e["content_overlap_f1"], e["cue_accuracy"], e["speaker_accuracy"], e["speaker_accuracy_direct"], e["entity_strict_f1"]]
        lines.append(f"| {label} | {e['documents']:,} | {e['quotes_gold']:,} | " + " | ".join("n/a" if c is None else f"{c:.3f}" for c in cells) + " |")
        commands.append(f"- {label}: `{e['command']}` ({e['pipeline']})")
    return "\n".join(lines) + ("\n\nRe-run in a TAQ-News checkout with:\n\n" + "\n".join(commands) if commands else "")
