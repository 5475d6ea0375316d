"""The card's column tables, written from the JSON Schema's descriptions so they cannot drift.

Top-level columns and the fields one level inside them are listed; deeper
structures (a span's start/end/text) are described by their parent. A column
without a description is an error: the build refuses rather than publishing an
undocumented column.
"""

from __future__ import annotations

from typing import cast

from taq_news.core.paths import CONFIGS
from taq_news.core.schema import SchemaSet, TypeNode


class UndocumentedColumn(ValueError):
    pass


def _type_name(node: TypeNode) -> str:
    if node.kind == "list":
        assert node.item is not None  # a list node always has its item type
        return f"list<{_type_name(node.item)}>"
    return node.kind


def _described(schemas: SchemaSet, s: dict, doc: dict) -> tuple[dict, dict, str | None]:
    """Follow $ref and nullable anyOf to the value schema, keeping the nearest description."""
    desc = s.get("description")
    while True:
        if "$ref" in s:
            s, doc = schemas.deref(s["$ref"], doc)
        elif "anyOf" in s and len([b for b in s["anyOf"] if b.get("type") != "null"]) == 1:
            s = next(b for b in s["anyOf"] if b.get("type") != "null")
        else:
            return s, doc, desc
        desc = desc or s.get("description")


def _null(node: TypeNode, parent_null: bool = False) -> str:
    """"never" when the JSON Schema rules out null (the validator holds every record to it),
    whatever the Parquet field says: every Parquet field is nullable, for the clients' sake."""
    return "yes" if node.nullable or node.optional or parent_null else "never"


def column_rows(schemas: SchemaSet, config: str) -> list[tuple[str, str, str, str]]:
    """(column, type, may it be null, description) for one config."""
    row, doc = schemas.row_schema(config)
    tree = dict(schemas.type_tree(config).fields)
    rows: list[tuple[str, str, str, str | None]] = []
    for name, prop in row["properties"].items():
        s, sdoc, desc = _described(schemas, prop, doc)
        node = tree[name]
        rows.append((name, _type_name(node), _null(node), desc))
        inner, idoc, suffix = s, sdoc, "."
        inner_node: TypeNode | None = node
        if s.get("type") == "array" or node.kind == "list":
            inner, idoc, _ = _described(schemas, s["items"], sdoc)
            inner_node, suffix = node.item, "[]."
        assert inner_node is not None  # a list node always has its item type
        if inner_node.kind == "struct" and "properties" in inner:
            sub = dict(inner_node.fields)
            for child, cprop in inner["properties"].items():
                _, _, cdesc = _described(schemas, cprop, idoc)
                # a field of a struct that may itself be null is null then too
                rows.append((f"{name}{suffix}{child}", _type_name(sub[child]), _null(sub[child], suffix == "." and node.nullable), cdesc))
    missing = [c for c, _, _, d in rows if not d]
    if missing:
        raise UndocumentedColumn(f"{config}: no description in the schema for {', '.join(missing)}")
    return cast("list[tuple[str, str, str, str]]", rows)  # every description is there now


def render_columns(schemas: SchemaSet) -> str:
    out = []
    for config in CONFIGS:
        out += [f"#### `{config}`", "", "| column | type | null | description |", "|---|---|---|---|"]
        out += [f"| `{c}` | {t} | {n} | {d.replace('|', '/')} |" for c, t, n, d in column_rows(schemas, config)]
        out.append("")
    return "\n".join(out)
