"""dataset/croissant.json: valid for the real mlcroissant, hashes that load checks, fields from the schema."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from taq_news.core.paths import CONFIGS
from taq_news.core.schema import TypeNode, load_schemas
from taq_news.publishing.croissant import KEYS, record_fields
from tests.conftest import ROOT

CROISSANT = ROOT / "dataset/croissant.json"
MLCROISSANT = str(Path(sys.executable).parent / "mlcroissant")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([MLCROISSANT, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_mlcroissant_validate_passes():
    result = run("validate", "--jsonld", "croissant.json", cwd=CROISSANT.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Done." in result.stderr + result.stdout
    assert "error" not in (result.stderr + result.stdout).lower()


def test_every_file_is_listed_with_its_sha256():
    doc = json.loads(CROISSANT.read_text("utf-8"))
    listed = {f["contentUrl"]: f["sha256"] for f in doc["distribution"]}
    assert len(listed) == len(CONFIGS)
    for url, digest in listed.items():
        assert hashlib.sha256((CROISSANT.parent / url).read_bytes()).hexdigest() == digest


def test_record_sets_mirror_the_json_schema():
    doc = json.loads(CROISSANT.read_text("utf-8"))
    schemas = load_schemas(str(ROOT / "schema"))
    sets = {rs["name"]: rs for rs in doc["recordSet"]}
    assert sorted(sets) == sorted(CONFIGS)
    for config in CONFIGS:
        assert sets[config]["field"] == record_fields(schemas, config)
        keys = [{"@id": f"{config}/{k}"} for k in KEYS[config]]
        assert sets[config]["key"] in (keys, keys[0])


def test_version_licence_and_citation_come_from_the_single_sources():
    import taq_news
    from taq_news.publishing.citation import bibtex

    doc = json.loads(CROISSANT.read_text("utf-8"))
    assert doc["version"] == taq_news.__version__
    assert doc["citeAs"] == bibtex((ROOT / "CITATION.cff").read_text("utf-8"))
    assert "creativecommons.org/licenses/by/4.0" in doc["license"]
    assert "copyright of their publishers" in doc["usageInfo"]


def _plain(v):
    return v.decode("utf-8") if isinstance(v, bytes) else v



def _element(node: TypeNode, got: dict, prefix: str):
    """One struct back from the sub-fields mlcroissant returns, by the generator's naming rules."""
    out: dict = {}
    for name, child in node.fields:
        key = f"{prefix}/{name}"
        if child.scalar:
            out[name] = _plain(got[key])
        elif child.kind == "list" and child.item.scalar:
            out[name] = [_plain(x) for x in got[key]]
        elif child.kind == "struct":
            leaves = {leaf: _plain(got[f"{key}_{leaf}"]) for leaf, _ in child.fields}
            out[name] = None if child.nullable and all(v is None for v in leaves.values()) else leaves
        else:  # a list of structs inside an element: positions 0 .. maxItems-1, absent ones all null
            items = [{leaf: _plain(got[f"{key}_{k}_{leaf}"]) for leaf, _ in child.item.fields} for k in range(child.max_items)]
            out[name] = [i for i in items if any(v is not None for v in i.values())]
    return out


def _row(tree: TypeNode, got: dict, config: str) -> dict:
    row: dict = {}
    for name, node in tree.fields:
        key = f"{config}/{name}"
        if node.scalar:
            row[name] = _plain(got[key])
        elif node.kind == "list" and node.item.scalar:
            row[name] = [_plain(x) for x in got[key]]
        elif node.kind == "list":
            row[name] = [_element(node.item, item, key) for item in got[key]]
        else:
            inner = TypeNode("struct", fields=tuple((m, c) for m, c in node.fields if not (c.kind == "list" and c.item.kind == "struct")))
            row[name] = _element(inner, got[key], key)
            for member, child in node.fields:
                if (member, child) not in inner.fields:  # a list of structs in a struct: its own field
                    row[name][member] = [_element(child.item, item, f"{key}_{member}") for item in got[f"{key}_{member}"]]
            row[name] = {m: row[name][m] for m, _ in node.fields}
    return row


@pytest.mark.parametrize("record_set", CONFIGS)
def test_mlcroissant_load_reads_the_same_rows(record_set):
    """Every record set, documents with its nesting too, loads with mlcroissant and gives back
    exactly the rows of the Parquet file, in order."""
    result = run("load", "--jsonld", "croissant.json", "--record_set", record_set, "--num_records", "3", cwd=CROISSANT.parent)
    assert result.returncode == 0, result.stderr[-2000:]

    import mlcroissant as mlc

    rows = pq.read_table(ROOT / f"dataset/data/{record_set}/train-00000-of-00001.parquet").to_pylist()
    loaded = list(mlc.Dataset(jsonld=str(CROISSANT)).records(record_set=record_set))
    tree = load_schemas(str(ROOT / "schema")).type_tree(record_set)
    assert [_row(tree, got, record_set) for got in loaded] == rows


def test_a_wrong_hash_makes_load_fail(tmp_path):
    shutil.copytree(ROOT / "dataset/data", tmp_path / "data")
    doc = json.loads(CROISSANT.read_text("utf-8"))
    doc["distribution"][2]["sha256"] = "0" * 64
    (tmp_path / "croissant.json").write_text(json.dumps(doc), "utf-8")
    result = run("load", "--jsonld", "croissant.json", "--record_set", doc["recordSet"][2]["name"], "--num_records", "1", cwd=tmp_path)
    assert result.returncode != 0
    assert "sha256" in (result.stderr + result.stdout).lower() or "hash" in (result.stderr + result.stdout).lower()


def test_the_validator_reports_a_croissant_that_drifted(tmp_path):
    from taq_news.audit.artifacts import schema_agreement_incidents
    from taq_news.core.paths import Layout

    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part)
    layout = Layout(tmp_path)
    schemas = load_schemas(str(tmp_path / "schema"))
    assert list(schema_agreement_incidents(layout, schemas)) == []
    doc = json.loads(layout.croissant.read_text("utf-8"))
    doc["recordSet"][1]["field"].pop()
    doc["distribution"][0]["sha256"] = "f" * 64
    layout.croissant.write_text(json.dumps(doc), "utf-8")
    messages = [i.message for i in schema_agreement_incidents(layout, schemas)]
    assert any("record set 'quotes' differs" in m for m in messages)
    assert any("SHA-256 of data/documents" in m for m in messages)
