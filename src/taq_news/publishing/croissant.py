"""Croissant metadata (``dataset/croissant.json``), derived from the same schema as everything else.

One record set per config, one field per column: structs become ``subField``
lists, lists become ``repeated`` fields, both read from the Parquet column with
a JSON path. Every file is listed with its SHA-256, computed from the bytes the
build is about to write, so the metadata and the data are written together.
"""

from __future__ import annotations

import hashlib
import json

from taq_news.core.paths import CONFIGS, SPLIT
from taq_news.core.schema import SchemaSet, TypeNode

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
DATA_TYPES = {"string": "sc:Text", "int64": "sc:Integer", "float64": "sc:Float", "bool": "sc:Boolean"}

# The Croissant 1.0 JSON-LD vocabulary (the spec's standard context).
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def file_id(config: str) -> str:
    return f"{config}-parquet"


def _field(config: str, path: list[str], node: TypeNode, hops: tuple[str, ...] = ()) -> dict:
    """A Croissant field for the column (or the part of a column) at ``path``.

    ``hops`` is the JSON path inside the column: a list on the way is entered with ``[*]``.
    """
    fid = f"{config}/" + "/".join(path)
    out: dict = {"@type": "cr:Field", "@id": fid, "name": path[-1]}
    source: dict = {"fileObject": {"@id": file_id(config)}, "extract": {"column": path[0]}}
    if hops:
        source["transform"] = {"jsonPath": ".".join(hops)}
    value = node.item if node.kind == "list" else node
    assert value is not None  # a list node always has its item type
    if node.kind == "list":
        out["repeated"] = True
    if value.kind == "struct":
        inner = hops[:-1] + (hops[-1] + "[*]",) if (hops and node.kind == "list") else hops
        out["subField"] = [_field(config, [*path, name], child, (*inner, name) if len(path) > 1 else (name,)) for name, child in value.fields]
    elif value.kind == "list":
        raise ValueError(f"{fid}: a list of lists has no Croissant field form")
    else:
        out["dataType"] = DATA_TYPES[value.kind]
    out["source"] = source
    return out


def croissant(schemas: SchemaSet, files: dict[str, bytes], version: str, cite_as: str, date_published: str | None) -> dict:
    """The Croissant document for the Parquet ``files`` (config -> bytes)."""
    doc: dict = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": "TAQ-News",
        "description": (
            "News articles (2016-2023) on the relationship between the Taliban and al-Qaeda: clean text, "
            "outlet and date with their provenance, OntoNotes 5 entity mentions and quotes with resolved speakers."
        ),
        "conformsTo": CONFORMS_TO,
        "license": LICENSE_URL,
        "citeAs": cite_as,
        "version": version,
        "creator": {"@type": "sc:Organization", "name": "TAQ-News developers"},
        "usageInfo": "Annotations: CC BY 4.0. The article texts remain the copyright of their publishers and are not covered by that licence.",
        "inLanguage": "en",
        "distribution": [],
        "recordSet": [],
    }
    if date_published:
        doc["datePublished"] = date_published
    for config in CONFIGS:
        data = files[config]
        doc["distribution"].append({
            "@type": "cr:FileObject",
            "@id": file_id(config),
            "name": file_id(config),
            "contentUrl": f"data/{config}/{SPLIT}-00000-of-00001.parquet",
            "encodingFormat": "application/x-parquet",
            "sha256": hashlib.sha256(data).hexdigest(),
        })
        tree = schemas.type_tree(config)
        doc["recordSet"].append({
            "@type": "cr:RecordSet",
            "@id": config,
            "name": config,
            "field": [_field(config, [name], node) for name, node in tree.fields],
        })
    return doc


def field_shape(fields: list[dict]) -> dict:
    """name -> (data type or sub-tree, repeated), as written in a record set."""
    return {f["name"]: (field_shape(f["subField"]) if "subField" in f else f.get("dataType"), bool(f.get("repeated"))) for f in fields}


def schema_shape(node: TypeNode) -> dict:
    """The same tree, as the JSON Schema says it should be."""
    out = {}
    for name, child in node.fields:
        value = child.item if child.kind == "list" else child
        assert value is not None  # a list node always has its item type
        out[name] = (schema_shape(value) if value.kind == "struct" else DATA_TYPES.get(value.kind), child.kind == "list")
    return out


def croissant_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
