"""L5: the published artifacts agree with the schema they derive from.

Checks the Parquet schema of every config, the card's ``dataset_info``, the
loading script's ``Features`` and Croissant's record sets (and its file hashes)
against the JSON Schema, without needing the
``datasets`` library (the script's feature block is evaluated with a stand-in).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pyarrow.parquet as pq
from ruamel.yaml import YAML

from taq_news.core.checks import incident
from taq_news.core.incidents import Incident
from taq_news.core.paths import CONFIGS, Layout
from taq_news.core.schema import SchemaSet, TypeNode, published_schema
from taq_news.publishing.card import split_card
from taq_news.publishing.croissant import KEYS, record_fields


def _shape(node: TypeNode) -> object:
    """A type tree without nullability: what every rendering must agree on."""
    if node.kind == "struct":
        return {n: _shape(c) for n, c in node.fields}
    if node.kind == "list":
        assert node.item is not None  # a list node always has its item type
        return [_shape(node.item)]
    return ("class_label", node.names) if node.names else node.kind


def _script_shape(value: Any) -> object:  # the loading script's Features: dicts, lists and Value(dtype)
    if isinstance(value, dict):
        return {k: _script_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_script_shape(value[0])]
    return value.dtype


def _card_shape(features: list) -> object:
    def dtype(d: object) -> object:
        if isinstance(d, dict) and "class_label" in d:
            names = d["class_label"]["names"]
            return ("class_label", tuple(names[k] for k in sorted(names, key=int)))
        return d

    def one(f: dict) -> object:
        if "dtype" in f:
            return dtype(f["dtype"])
        if "struct" in f:
            return {g["name"]: one(g) for g in f["struct"]}
        if "sequence" in f:  # a list of scalars, in the notation every datasets version reads
            return [dtype(f["sequence"])]
        inner = f["list"]
        return [dtype(inner) if isinstance(inner, (str, dict)) and not isinstance(inner, list) else {g["name"]: one(g) for g in inner}]

    return {f["name"]: one(f) for f in features}


def script_features(script_text: str) -> dict:
    """Evaluate the loading script's generated block with a stand-in for ``datasets``."""
    match = re.search(r"^# BEGIN GENERATED[^\n]*\n(.*?)^# END GENERATED", script_text, re.S | re.M)
    if not match:
        raise ValueError("the loading script has no generated block")
    fake = SimpleNamespace(
        Value=lambda dtype: SimpleNamespace(dtype=dtype),
        ClassLabel=lambda names: SimpleNamespace(dtype=("class_label", tuple(names))),
        Sequence=lambda feature: [feature],
    )
    namespace: dict = {"datasets": fake}
    exec(compile(match.group(1), "taq_news.py", "exec"), namespace)  # our own generated code
    return namespace


def schema_agreement_incidents(layout: Layout, schemas: SchemaSet) -> Iterator[Incident]:
    def bad(file, message):
        return incident("schema-disagreement", layout.rel(file), None, "", message, "run 'make dataset'; never edit generated parts by hand")

    try:
        card = YAML(typ="safe").load(split_card(layout.card.read_text("utf-8"))[0]) or {}
        infos = {i["config_name"]: i for i in card.get("dataset_info", [])}
    except Exception as exc:  # noqa: BLE001 - any parse failure is a disagreement
        yield bad(layout.card, f"the card's YAML header cannot be read: {exc}")
        infos = {}
    try:
        script = script_features(layout.loading_script.read_text("utf-8"))
    except Exception as exc:  # noqa: BLE001
        yield bad(layout.loading_script, f"the loading script's features cannot be read: {exc}")
        script = {}
    yield from _croissant_incidents(layout, schemas, bad)
    for config in CONFIGS:
        want = _shape(schemas.type_tree(config))
        path = layout.parquet(config)
        try:
            got, want_schema = pq.read_schema(path), published_schema(schemas, config)
            # The types, and the datasets Features in the metadata (what a bare Parquet reader sees).
            if not got.remove_metadata().equals(want_schema.remove_metadata()) or got.metadata != want_schema.metadata:
                yield bad(path, f"the Parquet schema of {config!r} differs from the one derived from the JSON Schema")
        except OSError as exc:
            yield bad(path, f"cannot read the Parquet schema: {exc}")
        if config not in infos or _card_shape(infos[config].get("features", [])) != want:
            yield bad(layout.card, f"dataset_info of {config!r} differs from the JSON Schema")
        if _script_shape(script.get("_FEATURES", {}).get(config, {})) != want:
            yield bad(layout.loading_script, f"the loading script's Features of {config!r} differ from the JSON Schema")


def _croissant_incidents(layout: Layout, schemas: SchemaSet, bad) -> Iterator[Incident]:
    """Croissant's record sets mirror the JSON Schema, and its hashes are the files' hashes."""
    try:
        doc = json.loads(layout.croissant.read_text("utf-8"))
        sets = {rs["name"]: rs for rs in doc["recordSet"]}
        files = {f["contentUrl"]: f["sha256"] for f in doc["distribution"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        yield bad(layout.croissant, f"croissant.json cannot be read: {exc}")
        return
    for config in CONFIGS:
        keys = [{"@id": f"{config}/{k}"} for k in KEYS[config]]
        if config not in sets or sets[config].get("field") != record_fields(schemas, config) or sets[config].get("key") not in (keys, keys[0]):
            yield bad(layout.croissant, f"the Croissant record set {config!r} differs from the JSON Schema")
    for url, digest in sorted(files.items()):
        path = layout.dataset / url
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            yield bad(layout.croissant, f"the SHA-256 of {url} differs from the file's")
