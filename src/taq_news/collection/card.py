"""The dataset card of an annotated collection: Hub configs for every shard pattern and
``dataset_info`` from the one JSON Schema (the corpus card's own code), and a datasheet
saying how the records were made and how accurate the pre-annotator is."""

from __future__ import annotations

import json
from collections import Counter

from taq_news.core.paths import CONFIGS
from taq_news.core.schema import SchemaSet
from taq_news.core.version import __version__
from taq_news.preannotate import accuracy
from taq_news.publishing.card import card_with_info

HEADER = """---
pretty_name: {name}
language:
- en
license: other
license_name: annotations-cc-by-4.0-texts-not-covered
annotations_creators:
- machine-generated
task_categories:
- token-classification
- text-classification
task_ids:
- named-entity-recognition
size_categories:
- {size}
---
"""

BODY = """
# {name}

Machine-annotated news records made by `taq-news annotate` {version}, in the TAQ-News
schema (`documents`, `quotes`, `entities`, `ner` configs). **No record was checked by
a person**: every entity, quote and metadata value is the pre-annotator's (each item
says `origin: machine`, each record `annotation.method: machine`).

## How it was made

- Input: {inputs}.
- Each article went through the TAQ-News pre-annotator (blank spaCy English, a
  sentencizer and an EntityRuler over the entity registry; quote, cue and speaker
  rules), then the same assembly, span checks and JSON Schema as the curated corpus.
- Metadata the input gave (outlet, publication date) has basis `external` and a note
  naming the input field; metadata found in the text keeps `stated` with its raw
  evidence, or `unknown`. The input's own id, URL and title are in `source.given`.
- Document ids are 19 hex digits of a SHA-256 over the input location and the text, shaped as the corpus's (3, an underscore, 16).
- Articles that could not be processed are listed in `rejects.jsonl` with their input
  location, the check id and the reason; none was dropped silently.
- `_manifest.json` lists every file with its SHA-256 and row count, and the versions
  of taq-news, pyarrow and spaCy; `taq-news validate` checks the folder against it.

## Counts

{counts}

## How accurate the pre-annotator is

Measured against the five-article TAQ-News gold corpus (quotes and entities on the gold
clean text), the TAQ-News development set (fictional articles in many outlets' styles)
and PolNeAR's development split (its documents are annotation files; some texts have
two). The README of the TAQ-News repository has the full tables:

{accuracy}

Expect lower figures on outlets and page layouts unlike those, and no entity links
beyond the registry's entries: speakers the registry lacks are proposed entries
("proposed by taq-news preannotate"), unchecked.

## Terms

The annotations are released under CC BY 4.0. The article texts are not covered:
they remain the copyright of their publishers and of whoever collected them.
"""

def _size(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def collection_card(schemas: SchemaSet, name: str, inputs: list[str], rows: dict[str, int], nbytes: dict[str, int],
                    rejects: Counter[str], articles: int) -> str:
    counts = [f"- {articles:,} input items; {rows['documents']:,} records; {sum(rejects.values()):,} rejected.",
              f"- {rows['quotes']:,} quotes, {rows['ner']:,} sentences, {rows['entities']:,} registry entities."]
    missing = [c for c in CONFIGS if not rows[c]]
    if missing:
        counts.append("- " + "; ".join(f"No `{c}` rows" for c in missing) + ": a config without rows has no file and is not offered below.")
    if rejects:
        counts.append("- Rejects by check: " + ", ".join(f"`{c}` {n:,}" for c, n in sorted(rejects.items())) + ".")
    shown = ", ".join(f"`{i}`" for i in inputs[:5]) + (f" and {len(inputs) - 5} more" if len(inputs) > 5 else "")
    # The name as a JSON string, which YAML reads as a double-quoted scalar: a ':' or '#' in it stays the name.
    text = HEADER.format(name=json.dumps(name, ensure_ascii=False), size=_size(rows["documents"])) + BODY.format(
        name=name, version=__version__, inputs=shown, counts="\n".join(counts), accuracy=accuracy.card_table())
    return card_with_info(text, schemas, rows, nbytes)
