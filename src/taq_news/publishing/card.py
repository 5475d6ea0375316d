"""Generated parts of committed files: the card's YAML header and the loading script's Features.

Only the marked or named parts are rewritten; the prose around them stays as
people wrote it. Output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import io
import re

from ruamel.yaml import YAML

from taq_news.core.paths import CONFIGS, SPLIT
from taq_news.core.schema import SchemaSet, card_features, python_features

CONFIG_DESCRIPTIONS = {
    "documents": "One row per article: clean text, provenance-tagged metadata, nested entity mentions and quotes.",
    "quotes": "One row per quote, flat: type, content, cue, speaker (as written and resolved), addressee, outlet and date.",
    "entities": "One row per registry entity: canonical name, type, aliases, checked Wikidata id, mention and quote counts.",
    "ner": "One row per sentence, as conll2003: spaCy tokens and IOB2 ner_tags (ClassLabel over the OntoNotes 5 types).",
}


class GeneratedBlockMissing(ValueError):
    pass


def replace_block(text: str, name: str, body: str, comment: str = "#") -> str:
    """Replace what stands between ``BEGIN GENERATED ... name`` and ``END GENERATED`` markers."""
    pattern = re.compile(
        rf"(^{re.escape(comment)} BEGIN GENERATED[^\n]*{re.escape(name)}[^\n]*\n)(.*?)(^{re.escape(comment)} END GENERATED[^\n]*$)",
        re.S | re.M,
    )
    if not pattern.search(text):
        raise GeneratedBlockMissing(f"no generated block {name!r}")
    return pattern.sub(lambda m: m.group(1) + body + m.group(3), text, count=1)


def loader_block(schemas: SchemaSet, version: str, citation: str = "") -> str:
    lines = [f'_VERSION = "{version}"', "", f"_CITATION = {citation!r}", "", "_CONFIG_DESCRIPTIONS = {"]
    lines += [f'    "{c}": "{CONFIG_DESCRIPTIONS[c]}",' for c in CONFIGS]
    lines += ["}", "", "_FEATURES = {"]
    for c in CONFIGS:
        lines.append(f'    "{c}": ' + python_features(schemas, c, indent=4) + ",")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    y.indent(mapping=2, sequence=2, offset=0)
    return y


def split_card(text: str) -> tuple[str, str]:
    if not text.startswith("---\n"):
        raise ValueError("the card must start with a YAML header between '---' lines")
    end = text.index("\n---\n", 4)
    return text[4 : end + 1], text[end + 5 :]


def card_with_info(card_text: str, schemas: SchemaSet, row_counts: dict[str, int], row_bytes: dict[str, int]) -> str:
    """The card with its ``configs`` and ``dataset_info`` regenerated from the schema. A config
    without rows has no file (``datasets`` cannot read an empty Parquet file), so it is not offered."""
    header, body = split_card(card_text)
    y = _yaml()
    data = y.load(header) or {}
    offered = [c for c in CONFIGS if row_counts.get(c, 0) > 0]
    data["configs"] = [
        {
            "config_name": c,
            "data_files": [{"split": SPLIT, "path": f"data/{c}/{SPLIT}-*.parquet"}],
            **({"default": True} if c == "documents" else {}),
        }
        for c in offered
    ]
    data["dataset_info"] = [
        {
            "config_name": c,
            "features": card_features(schemas, c),
            "splits": [{"name": SPLIT, "num_bytes": row_bytes[c], "num_examples": row_counts[c]}],
        }
        for c in offered
    ]
    out = io.StringIO()
    y.dump(data, out)
    return "---\n" + out.getvalue() + "---\n" + body


def fill_markdown_blocks(text: str, blocks: dict[str, str]) -> str:
    """Refresh every ``<!-- BEGIN GENERATED name -->`` block present in ``text``."""
    for name, body in blocks.items():
        try:
            text = replace_block(text, name, "\n" + body.strip("\n") + "\n\n", comment="<!--")
        except GeneratedBlockMissing:
            continue
    return text
