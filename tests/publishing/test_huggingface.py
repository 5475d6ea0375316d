"""Every load path, on datasets 5.x, 4.x, 3.6.0 and 2.x, gives the same rows and the same features,
and the label names are where research code looks for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taq_news.core.schema import arrow_schema

sys.path.insert(0, str(Path(__file__).parent))
import hf_probe  # noqa: E402

CONFIGS = hf_probe.CONFIGS


@pytest.fixture(scope="module")
def modern(layout):
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    return hf_probe.probe(str(layout.dataset))


# Each older datasets release in its own environment, made by 'make test' (requirements/datasets*.txt).
OTHERS = {"4": "TAQ_DS4_PYTHON", "3.6": "TAQ_DS3_PYTHON", "2": "TAQ_DS2_PYTHON"}


def _probe_in(variable: str, layout, tmp_path_factory) -> dict:
    python = os.environ.get(variable)
    if not python:
        if os.environ.get("CI"):
            pytest.fail(f"{variable} is not set: run the tests through 'make test'")
        pytest.skip(f"the datasets environment of {variable} is not given; 'make test' sets it")
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path_factory.mktemp("hf"))}
    run = subprocess.run([python, str(Path(hf_probe.__file__)), str(layout.dataset)], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.fixture(scope="module", params=sorted(OTHERS))
def other(request, layout, tmp_path_factory):
    return _probe_in(OTHERS[request.param], layout, tmp_path_factory)


@pytest.fixture(scope="module")
def legacy(layout, tmp_path_factory):
    return _probe_in("TAQ_DS3_PYTHON", layout, tmp_path_factory)


def expected(layout, corpus, config):
    schema = arrow_schema(corpus.schemas, config)
    rows = pq.read_table(layout.parquet(config)).to_pylist()
    return {"features": hf_probe.plain_type(pa.struct(list(schema))), "rows": json.loads(json.dumps(rows, default=str))}


def test_versions_are_the_ones_we_claim(modern, legacy):
    assert int(modern["version"].split(".")[0]) >= 5
    assert legacy["version"] == "3.6.0"


@pytest.mark.parametrize("config", CONFIGS)
def test_datasets5_parquet_and_builder_agree_with_the_schema(modern, layout, corpus, config):
    want = expected(layout, corpus, config)
    for path in ("parquet", "builder"):
        got = modern["paths"][config][path]
        assert got["features"] == want["features"], path
        assert json.loads(json.dumps(got["rows"], default=str)) == want["rows"], path


def test_datasets5_refuses_the_script_as_documented(modern):
    assert all(modern["paths"][c]["script_refused"] for c in CONFIGS)


def test_the_environments_hold_the_versions_we_claim(other):
    major = int(other["version"].split(".")[0])
    assert other["version"] in ("3.6.0",) or major in (2, 4), other["version"]


@pytest.mark.parametrize("config", CONFIGS)
def test_every_version_and_path_matches_datasets5(other, modern, config):
    """Parquet configs, the bare Parquet file, the builder and (before 4.0) the loading script."""
    want = modern["paths"][config]["parquet"]
    legacy = int(other["version"].split(".")[0]) < 4
    for path in ("parquet", "from_parquet", "builder", *(("script",) if legacy else ())):
        got = other["paths"][config][path]
        assert got["features"] == want["features"], (other["version"], path)
        assert got["rows"] == want["rows"], (other["version"], path)
        assert got["class_names"] == want["class_names"], (other["version"], path)


def test_card_features_equal_script_features(layout):
    from datasets.info import DatasetInfosDict
    from datasets.utils.metadata import MetadataConfigs
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(layout.card)
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    configs = MetadataConfigs.from_dataset_card_data(card.data)
    assert sorted(configs) == sorted(CONFIGS)
    builder = hf_probe.builder_class(str(layout.dataset))
    for config in CONFIGS:
        assert infos[config].features == builder(config_name=config).info.features, config
        assert infos[config].splits["train"].num_examples == pq.read_metadata(layout.parquet(config)).num_rows


def test_ner_tags_are_a_class_label_on_every_path(modern, other, corpus):
    """Also ``features["ner_tags"].feature.names``, as research code reads them, on every version,
    and for the bare Parquet file (its metadata carries the Features)."""
    names = list(dict(corpus.schemas.type_tree("ner").fields)["ner_tags"].item.names)
    assert names[0] == "O" and len(names) == 37
    for probe in (modern, other):
        legacy = int(probe["version"].split(".")[0]) < 4
        for path in ("parquet", "from_parquet", "builder", *(("script",) if legacy else ())):
            got = probe["paths"]["ner"][path]
            assert got["class_names"] == {"ner_tags": names}, (probe["version"], path)
            assert got["feature_names"] == {"ner_tags": names}, (probe["version"], path)


def test_the_parquet_files_carry_the_features_every_version_reads(layout, corpus):
    """The ``huggingface`` metadata is in 3.x notation (``Sequence``), which 2.x to 5.x read."""
    from taq_news.core.schema import hf_features

    for config in CONFIGS:
        meta = json.loads(pq.read_schema(layout.parquet(config)).metadata[b"huggingface"])
        assert meta == {"info": {"features": hf_features(corpus.schemas, config)}}
        assert "List" not in json.dumps(meta)
    ner = json.loads(pq.read_schema(layout.parquet("ner")).metadata[b"huggingface"])["info"]["features"]
    assert ner["ner_tags"]["_type"] == "Sequence" and ner["ner_tags"]["feature"]["_type"] == "ClassLabel"


def _fields(t: pa.DataType):
    for f in t:
        yield f
        inner = f.type.value_type if pa.types.is_list(f.type) else f.type
        if pa.types.is_struct(inner):
            yield from _fields(inner)


def test_our_tables_concatenate_with_tables_built_from_dicts(layout):
    """Every field is nullable, as in any table Arrow builds from Python objects with the same
    types (a user's schema written field by field has pa.field's default, nullable)."""
    for config in CONFIGS:
        ours = pq.read_table(layout.parquet(config)).replace_schema_metadata(None)
        assert all(f.nullable for f in _fields(pa.struct(list(ours.schema)))), config
        theirs_schema = pa.schema([pa.field(f.name, f.type) for f in ours.schema])
        theirs = pa.Table.from_pylist(ours.slice(0, 2).to_pylist(), schema=theirs_schema)
        assert pa.concat_tables([ours, theirs]).num_rows == ours.num_rows + 2


def test_the_ner_config_is_the_conll_export(layout, corpus):
    from taq_news.exports.conll import read_conll, write_conll

    names = dict(corpus.schemas.type_tree("ner").fields)["ner_tags"].item.names
    rows = pq.read_table(layout.parquet("ner")).to_pylist()
    conll = read_conll(write_conll(corpus.records))
    for record, tokens in zip(corpus.records, conll, strict=True):
        mine = [r for r in rows if r["doc_id"] == record["id"]]
        assert [w for r in mine for w in r["tokens"]] == [w for w, _ in tokens]
        assert [names[t] for r in mine for t in r["ner_tags"]] == [t for _, t in tokens]
