"""The JSON Schema is the one source of truth; Arrow and HF Features derive from it.

The derivation walks the schema (following $ref, nullable anyOf, enums) into a
small type tree, then renders that tree as a pyarrow schema, as the
``dataset_info`` feature list of the card's YAML, or as the Python source of
the loading script's ``Features``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

DOCUMENT_SCHEMA = "document.schema.json"
TABLES_SCHEMA = "tables.schema.json"
# config -> (schema file, JSON pointer of the row schema)
CONFIG_ROWS = {
    "documents": (DOCUMENT_SCHEMA, ""),
    "quotes": (TABLES_SCHEMA, "/$defs/quote_row"),
    "entities": (TABLES_SCHEMA, "/$defs/entity_row"),
    "ner": (TABLES_SCHEMA, "/$defs/ner_row"),
}
CLASS_NAMES = "x-class-names"  # on an integer schema: the labels its values index (HF ClassLabel)


@dataclass(frozen=True)
class TypeNode:
    kind: str  # string | int64 | float64 | bool | struct | list
    nullable: bool = False
    fields: tuple[tuple[str, "TypeNode"], ...] = ()
    item: "TypeNode | None" = None
    names: tuple[str, ...] = ()  # class names of an int64 that is a ClassLabel
    optional: bool = False  # a property its object does not require (so also nullable)
    max_items: int | None = None  # a list's maxItems (Croissant describes positions up to it)

    @property
    def scalar(self) -> bool:
        """A leaf value (string, number, boolean), not a struct or a list."""
        return self.kind not in ("struct", "list")

    def all_required(self) -> bool:
        """Does every object in this tree require each property it names?"""
        nodes = [n for _, n in self.fields] + ([self.item] if self.item else [])
        return all(not n.optional and n.all_required() for n in nodes)


class SchemaDirInvalid(Exception):
    """A schema folder (validate --schema-dir) without the document schema, or with a file that is no schema."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path} {message}")
        self.path, self.message = path, message


class SchemaSet:
    """The project's schemas, addressable by $id and by file name."""

    def __init__(self, schema_dir: Path):
        self.dir = schema_dir
        self.by_file: dict[str, dict] = {}
        self.by_id: dict[str, dict] = {}
        if not (schema_dir / DOCUMENT_SCHEMA).is_file():
            raise SchemaDirInvalid(str(schema_dir), f"holds no {DOCUMENT_SCHEMA}" if schema_dir.is_dir() else "is not a folder")
        for path in sorted(schema_dir.glob("*.schema.json")):
            try:
                doc = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError, RecursionError) as exc:
                raise SchemaDirInvalid(str(path), f"is not readable JSON: {str(exc)[:120]}") from None
            if not (isinstance(doc, dict) and isinstance(doc.get("$id"), str)):
                raise SchemaDirInvalid(str(path), "is not a JSON Schema with an $id")
            self.by_file[path.name] = doc
            self.by_id[doc["$id"]] = doc

    def version(self) -> str:
        return self.by_file[DOCUMENT_SCHEMA]["version"]

    def document_id_pattern(self) -> str | None:
        """The pattern every document id matches (raw file names are ``<id>.txt``)."""
        return self.by_file[DOCUMENT_SCHEMA]["properties"]["id"].get("pattern")

    def row_schema(self, config: str) -> tuple[dict, dict]:
        """(the row's subschema, the document it lives in)."""
        fname, pointer = CONFIG_ROWS[config]
        doc = self.by_file[fname]
        return _pointer(doc, pointer), doc

    def deref(self, ref: str, base: dict) -> tuple[dict, dict]:
        uri, _, frag = ref.partition("#")
        doc = self.by_id[uri] if uri else base
        return _pointer(doc, frag), doc

    def type_tree(self, config: str) -> TypeNode:
        sub, doc = self.row_schema(config)
        return self._node(sub, doc)

    def _node(self, s: dict, doc: dict) -> TypeNode:
        if "$ref" in s:
            target, tdoc = self.deref(s["$ref"], doc)
            return self._node(target, tdoc)
        if "anyOf" in s:
            branches = [b for b in s["anyOf"] if b.get("type") != "null"]
            nullable = len(branches) != len(s["anyOf"])
            nodes = {self._node(b, doc) for b in branches}
            if len(nodes) != 1:
                raise ValueError(f"anyOf branches of different types cannot map to one column: {s}")
            (node,) = nodes
            return replace(node, nullable=nullable or node.nullable)
        if "const" in s:
            return TypeNode(_json_type(s["const"]))
        if "enum" in s:
            kinds = {_json_type(v) for v in s["enum"] if v is not None}
            if len(kinds) != 1:
                raise ValueError(f"enum of mixed types: {s['enum']}")
            return TypeNode(kinds.pop(), nullable=None in s["enum"])
        types = s.get("type")
        types = [types] if isinstance(types, str) else list(types or [])
        nullable = "null" in types
        types = [t for t in types if t != "null"]
        if len(types) != 1:
            raise ValueError(f"cannot map JSON type {s.get('type')!r} to one column")
        t = types[0]
        if t == "object":
            required = set(s.get("required", []))
            fields = []
            for name, prop in s["properties"].items():
                node = self._node(prop, doc)
                if name not in required:
                    node = replace(node, nullable=True, optional=True)
                fields.append((name, node))
            return TypeNode("struct", nullable, tuple(fields))
        if t == "array":
            return TypeNode("list", nullable, item=self._node(s["items"], doc), max_items=s.get("maxItems"))
        if t == "integer" and CLASS_NAMES in s:
            return TypeNode("int64", nullable, names=tuple(s[CLASS_NAMES]))
        return TypeNode({"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}[t], nullable)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    return "string"


def _pointer(doc: dict, pointer: str) -> dict:
    node: Any = doc
    for part in [p for p in pointer.split("/") if p]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@lru_cache(maxsize=None)
def _packaged_schema(name: str) -> dict:
    from taq_news.core.paths import packaged_schema_dir  # deferred: paths is not needed to derive Arrow types

    return json.loads((packaged_schema_dir() / name).read_text("utf-8"))


def _enum(name: str, definition: str, prop: str | None) -> tuple[str, ...]:
    node = _packaged_schema(name)["$defs"][definition]
    if prop is not None:
        node = node["properties"][prop]
    return tuple(v for v in node["enum"] if v is not None)


@lru_cache(maxsize=None)
def document_enum(definition: str, prop: str | None = None) -> tuple[str, ...]:
    """The values the document schema allows for ``$defs/<definition>`` (or one of its properties):
    code that needs a vocabulary reads it here, so the schema is its one source (read once)."""
    return _enum(DOCUMENT_SCHEMA, definition, prop)


@lru_cache(maxsize=None)
def table_enum(definition: str, prop: str | None = None) -> tuple[str, ...]:
    """The same for the tables schema (the configs other than documents)."""
    return _enum(TABLES_SCHEMA, definition, prop)


def load_schemas(schema_dir: str) -> SchemaSet:
    return SchemaSet(Path(schema_dir))


# ---- renderings -----------------------------------------------------------

_ARROW = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}


def to_arrow_type(node: TypeNode) -> pa.DataType:
    if node.kind == "struct":
        return pa.struct([pa.field(n, to_arrow_type(c), nullable=c.nullable) for n, c in node.fields])
    if node.kind == "list":
        assert node.item is not None  # a list node always has its item type
        return pa.list_(pa.field("item", to_arrow_type(node.item), nullable=node.item.nullable))
    return _ARROW[node.kind]


def arrow_schema(schemas: SchemaSet, config: str) -> pa.Schema:
    root = schemas.type_tree(config)
    return pa.schema([pa.field(n, to_arrow_type(c), nullable=c.nullable) for n, c in root.fields])


def _yaml_type(node: TypeNode) -> dict:
    """One feature's type in the card's dataset_info notation, as datasets 3.x writes it:
    ``sequence`` for a list of scalars (so ``features[name].feature.names`` works on 2.x
    and 3.x, and 4.x and 5.x read it as a list), ``list`` for a list of structs."""
    if node.kind == "struct":
        return {"struct": [{"name": n, **_yaml_type(c)} for n, c in node.fields]}
    if node.kind == "list":
        assert node.item is not None  # a list node always has its item type
        inner = _yaml_type(node.item)
        if node.item.scalar:
            return {"sequence": inner["dtype"]}
        return {"list": inner.get("struct", inner)}
    if node.names:
        return {"dtype": {"class_label": {"names": {str(i): n for i, n in enumerate(node.names)}}}}
    return {"dtype": node.kind}


def card_features(schemas: SchemaSet, config: str) -> list[dict]:
    root = schemas.type_tree(config)
    return [{"name": n, **_yaml_type(c)} for n, c in root.fields]


def python_features(schemas: SchemaSet, config: str, indent: int = 8) -> str:
    """Python source of a Features dict that runs on datasets 2.x to 5.x alike: ``Sequence`` for
    a list of scalars (``.feature.names`` on every version), a plain list for a list of structs
    (a ``Sequence`` of a struct would be a struct of lists on 2.x and 3.x)."""

    def render(node: TypeNode, depth: int) -> str:
        pad = " " * (indent + 4 * depth)
        if node.kind == "struct":
            inner = ",\n".join(f'{pad}    "{n}": {render(c, depth + 1)}' for n, c in node.fields)
            return "{\n" + inner + ",\n" + pad + "}"
        if node.kind == "list":
            assert node.item is not None  # a list node always has its item type
            if node.item.scalar:
                return "datasets.Sequence(" + render(node.item, depth) + ")"
            return "[" + render(node.item, depth) + "]"
        if node.names:
            return "datasets.ClassLabel(names=[" + ", ".join(f'"{n}"' for n in node.names) + "])"
        return f'datasets.Value("{node.kind}")'

    return render(schemas.type_tree(config), 0)


def hf_features(schemas: SchemaSet, config: str) -> dict:
    """The config's ``Features`` as ``Features.to_dict()`` writes them on datasets 3.x: the one
    notation 2.x, 3.x, 4.x and 5.x all read back (5.x's ``List`` is unknown to 2.x and 3.x)."""

    def render(node: TypeNode) -> Any:
        if node.kind == "struct":
            return {n: render(c) for n, c in node.fields}
        if node.kind == "list":
            assert node.item is not None  # a list node always has its item type
            if node.item.scalar:
                return {"feature": render(node.item), "_type": "Sequence"}
            return [render(node.item)]
        if node.names:
            return {"names": list(node.names), "_type": "ClassLabel"}
        return {"dtype": node.kind, "_type": "Value"}

    return {n: render(c) for n, c in schemas.type_tree(config).fields}


def _nullable(t: pa.DataType) -> pa.DataType:
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _nullable(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(pa.field("item", _nullable(t.value_type)))
    return t


def published_schema(schemas: SchemaSet, config: str) -> pa.Schema:
    """The schema of a published Parquet file: the JSON Schema's types, every field nullable, and
    the ``datasets`` Features in the file's metadata.

    Nullable, because that is what every Arrow writer makes (``pa.Table.from_pylist``, pandas,
    polars, ``datasets``), so tables concatenate with ours, and because ``datasets`` reads the
    Features from the metadata only for nullable fields. That a value is never null is the JSON
    Schema's promise, checked by ``taq-news validate``, not the Parquet type's.
    """
    fields = [pa.field(f.name, _nullable(f.type)) for f in arrow_schema(schemas, config)]
    info = {"info": {"features": hf_features(schemas, config)}}
    return pa.schema(fields, metadata={b"huggingface": json.dumps(info, separators=(", ", ": ")).encode("utf-8")})
