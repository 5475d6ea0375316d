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
from taq_news.core.schema import load_schemas
from taq_news.publishing.croissant import field_shape, schema_shape
from tests.conftest import ROOT

CROISSANT = ROOT / "dataset/croissant.json"
MLCROISSANT = str(Path(sys.executable).parent / "mlcroissant")
# mlcroissant 1.1 reads one level of repeated sub-fields; `documents` nests deeper
# (quotes[].content[], source.removed[]), so `load` is run on the flat configs.
LOADABLE = ("quotes", "entities", "ner")


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
        assert field_shape(sets[config]["field"]) == schema_shape(schemas.type_tree(config))


def test_version_licence_and_citation_come_from_the_single_sources():
    import taq_news
    from taq_news.publishing.citation import bibtex

    doc = json.loads(CROISSANT.read_text("utf-8"))
    assert doc["version"] == taq_news.__version__
    assert doc["citeAs"] == bibtex((ROOT / "CITATION.cff").read_text("utf-8"))
    assert "creativecommons.org/licenses/by/4.0" in doc["license"]
    assert "copyright of their publishers" in doc["usageInfo"]


@pytest.mark.parametrize("record_set", LOADABLE)
def test_mlcroissant_load_reads_the_same_rows(record_set):
    result = run("load", "--jsonld", "croissant.json", "--record_set", record_set, "--num_records", "3", cwd=CROISSANT.parent)
    assert result.returncode == 0, result.stderr[-2000:]

    import mlcroissant as mlc

    rows = pq.read_table(ROOT / f"dataset/data/{record_set}/train-00000-of-00001.parquet").to_pylist()
    loaded = list(mlc.Dataset(jsonld=str(CROISSANT)).records(record_set=record_set))
    assert len(loaded) == len(rows)

    def plain(v):
        return v.decode("utf-8") if isinstance(v, bytes) else v

    for got, want in zip(loaded, rows, strict=True):
        for column, value in want.items():
            key = f"{record_set}/{column}"
            if isinstance(value, list) and value and isinstance(value[0], dict):
                assert [{k.rsplit("/", 1)[1]: plain(x) for k, x in item.items()} for item in got[key]] == value
            elif isinstance(value, list):
                assert [plain(x) for x in got[key]] == value
            else:
                assert plain(got[key]) == value, key


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
