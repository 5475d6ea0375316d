"""Croissant metadata (``dataset/croissant.json``), derived from the same schema as everything else.

One record set per config, keyed by its rows' identity, in the forms mlcroissant
loads (``record_fields``): every value of the Parquet files can be read through
``mlcroissant``, and the tests rebuild the files' rows from what it returns. Every file is listed with its SHA-256, computed from the bytes the
build is about to write, so the metadata and the data are written together.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

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


# Each record set's key (the rows' identity), so other record sets and users can refer to a row.
KEYS = {"documents": ("id",), "quotes": ("doc_id", "quote_id"), "entities": ("entity_id",), "ner": ("id",)}



def _one(config: str, fid: str, column: str, hops: tuple[str, ...], node: TypeNode, repeated: bool = False, ref: str = "fileObject") -> dict:
    """A field read from ``column``, through one JSON path per hop (chained transforms)."""
    out: dict = {"@type": "cr:Field", "@id": f"{config}/{fid}", "name": fid.rsplit("/", 1)[-1], "dataType": DATA_TYPES[node.kind]}
    if repeated:
        out["repeated"] = True
    source: dict = {ref: {"@id": file_id(config)}, "extract": {"column": column}}
    if hops:
        transforms = [{"jsonPath": h} for h in hops]
        source["transform"] = transforms[0] if len(transforms) == 1 else transforms
    out["source"] = source
    return out


def _members(config: str, fid: str, column: str, pre: tuple[str, ...], node: TypeNode, element: bool, ref: str = "fileObject") -> list[dict]:
    """Sub-fields for the members of a struct (``element``: each element of a list of structs).

    mlcroissant rebuilds one level below a field, so a struct inside is flattened into
    ``<member>_<leaf>`` sub-fields, and a list of structs inside a list element into
    positional sub-fields ``<member>_<k>_<leaf>``, k below the JSON Schema's ``maxItems``.
    """
    subs: list[dict] = []
    for name, child in node.fields:
        path = (*pre, name)
        if child.scalar:
            subs.append(_one(config, f"{fid}/{name}", column, path, child, ref=ref))
        elif child.kind == "list" and child.item is not None and child.item.scalar:
            subs.append(_one(config, f"{fid}/{name}", column, path, child.item, repeated=True, ref=ref))
        elif child.kind == "struct":
            for leaf, grand in child.fields:
                if not grand.scalar:
                    raise ValueError(f"{fid}/{name}/{leaf}: nesting this deep has no Croissant form mlcroissant reads")
                subs.append(_one(config, f"{fid}/{name}_{leaf}", column, (*pre, f"{name}.{leaf}"), grand, ref=ref))
        elif element and child.item is not None and child.item.kind == "struct" and child.max_items:
            for k in range(child.max_items):
                for leaf, grand in child.item.fields:
                    subs.append(_one(config, f"{fid}/{name}_{k}_{leaf}", column, (*pre, f"{name}[{k}].{leaf}"), grand, ref=ref))
        else:
            raise ValueError(f"{fid}/{name}: a list of structs here needs maxItems in the JSON Schema for a Croissant form")
    return subs


def record_fields(schemas: SchemaSet, config: str, ref: str = "fileObject") -> list[dict]:
    """The fields of a config's record set, in the forms mlcroissant 1.x loads, losing nothing:
    a scalar column is a field; a list of scalars a repeated field; a struct a field whose
    sub-fields read its members by JSON path; a list of structs a repeated field of sub-fields;
    a list of structs inside a struct its own repeated field ``<column>_<member>``."""
    fields: list[dict] = []
    for name, node in schemas.type_tree(config).fields:
        if node.scalar:
            fields.append(_one(config, name, name, (), node, ref=ref))
        elif node.kind == "list" and node.item is not None and node.item.scalar:
            fields.append(_one(config, name, name, (), node.item, repeated=True, ref=ref))
        elif node.kind == "list" and node.item is not None and node.item.kind == "struct":
            fields.append({"@type": "cr:Field", "@id": f"{config}/{name}", "name": name, "repeated": True,
                           "subField": _members(config, name, name, (), node.item, element=True, ref=ref)})
        elif node.kind == "struct":
            inner = [(m, c) for m, c in node.fields if not (c.kind == "list" and c.item is not None and c.item.kind == "struct")]
            lists = [(m, c) for m, c in node.fields if (m, c) not in inner]
            fields.append({"@type": "cr:Field", "@id": f"{config}/{name}", "name": name,
                           "subField": _members(config, name, name, (), replace(node, fields=tuple(inner)), element=False, ref=ref)})
            for member, child in lists:
                assert child.item is not None  # a list node always has its item type
                fid = f"{name}_{member}"
                fields.append({"@type": "cr:Field", "@id": f"{config}/{fid}", "name": fid, "repeated": True,
                               "subField": _members(config, fid, name, (member,), child.item, element=True, ref=ref)})
        else:
            raise ValueError(f"{config}/{name}: no Croissant form")
    return fields


@dataclass(frozen=True)
class About:
    """What the Croissant document says of the dataset as a whole."""

    name: str = "TAQ-News"
    description: str = (
        "News articles (2016-2023) on the relationship between the Taliban and al-Qaeda: clean text, "
        "outlet and date with their provenance, OntoNotes 5 entity mentions and quotes with resolved speakers."
    )
    usage: str = "Annotations: CC BY 4.0. The article texts remain the copyright of their publishers and are not covered by that licence."


@dataclass(frozen=True)
class Written:
    """A config's one file, written already and known by its SHA-256 (too large to pass as bytes)."""

    sha256: str


def croissant(schemas: SchemaSet, files: dict[str, bytes | str | Written], version: str, cite_as: str, date_published: str | None, about: About = About()) -> dict:
    """The Croissant document for the Parquet files: per config, the one file (its bytes, or
    ``Written``: a FileObject with its SHA-256) or, for a sharded config, the glob of its shards (a FileSet)."""
    doc: dict = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": about.name,
        "description": about.description,
        "conformsTo": CONFORMS_TO,
        "license": LICENSE_URL,
        "citeAs": cite_as,
        "version": version,
        "creator": {"@type": "sc:Organization", "name": "TAQ-News developers"},
        "usageInfo": about.usage,
        "inLanguage": "en",
        "distribution": [],
        "recordSet": [],
    }
    if date_published:
        doc["datePublished"] = date_published
    if not cite_as:
        del doc["citeAs"]
    for config in CONFIGS:
        if config not in files:
            continue  # a config without rows has no file to describe
        data = files[config]
        if isinstance(data, bytes | Written):
            ref = "fileObject"
            doc["distribution"].append({
                "@type": "cr:FileObject",
                "@id": file_id(config),
                "name": file_id(config),
                "contentUrl": f"data/{config}/{SPLIT}-00000-of-00001.parquet",
                "encodingFormat": "application/x-parquet",
                "sha256": data.sha256 if isinstance(data, Written) else hashlib.sha256(data).hexdigest(),
            })
        else:  # shards: a file set (Croissant gives a file set no checksums; _manifest.json has them)
            ref = "fileSet"
            doc["distribution"].append({"@type": "cr:FileSet", "@id": file_id(config), "name": file_id(config),
                                        "encodingFormat": "application/x-parquet", "includes": data})
        keys = [{"@id": f"{config}/{k}"} for k in KEYS[config]]
        doc["recordSet"].append({
            "@type": "cr:RecordSet",
            "@id": config,
            "name": config,
            "key": keys[0] if len(keys) == 1 else keys,
            "field": record_fields(schemas, config, ref),
        })
    return doc


def croissant_bytes(doc: dict) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
