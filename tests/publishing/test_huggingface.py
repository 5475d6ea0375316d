"""Every load path, on datasets 5.x and 3.6.0, gives the same rows and the same features."""

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


@pytest.fixture(scope="module")
def legacy(layout, tmp_path_factory):
    python = os.environ.get("TAQ_DS3_PYTHON")
    if not python:
        if os.environ.get("CI"):
            pytest.fail("TAQ_DS3_PYTHON is not set: run the tests through 'make test'")
        pytest.skip("datasets 3.6.0 environment not given (TAQ_DS3_PYTHON); 'make test' sets it")
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path_factory.mktemp("hf3"))}
    run = subprocess.run([python, str(Path(hf_probe.__file__)), str(layout.dataset)], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


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


@pytest.mark.parametrize("config", CONFIGS)
def test_datasets3_every_path_matches_datasets5(legacy, modern, config):
    want = modern["paths"][config]["parquet"]
    for path in ("parquet", "script", "builder"):
        got = legacy["paths"][config][path]
        assert got["features"] == want["features"], path
        assert got["rows"] == want["rows"], path


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


def test_ner_tags_are_a_class_label_on_every_path(modern, legacy, corpus):
    names = list(dict(corpus.schemas.type_tree("ner").fields)["ner_tags"].item.names)
    assert names[0] == "O" and len(names) == 37
    assert modern["paths"]["ner"]["parquet"]["class_names"] == {"ner_tags": names}
    assert modern["paths"]["ner"]["builder"]["class_names"] == {"ner_tags": names}
    for path in ("parquet", "script", "builder"):
        assert legacy["paths"]["ner"][path]["class_names"] == {"ner_tags": names}, path


def test_the_ner_config_is_the_conll_export(layout, corpus):
    from taq_news.exports.conll import read_conll, write_conll

    names = dict(corpus.schemas.type_tree("ner").fields)["ner_tags"].item.names
    rows = pq.read_table(layout.parquet("ner")).to_pylist()
    conll = read_conll(write_conll(corpus.records))
    for doc_id, tokens in conll.items():
        mine = [r for r in rows if r["document"] == doc_id]
        assert [w for r in mine for w in r["tokens"]] == [w for w, _ in tokens]
        assert [names[t] for r in mine for t in r["ner_tags"]] == [t for _, t in tokens]
