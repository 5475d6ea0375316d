"""The dataset card parses offline with Hugging Face's own readers and documents every column."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard

from taq_news.core.paths import CONFIGS
from taq_news.core.schema import load_schemas
from taq_news.publishing.columns_doc import (
    UndocumentedColumn,
    column_rows,
    render_columns,
)
from tests.conftest import ROOT

CARD = ROOT / "dataset/README.md"
SECTIONS = (
    "Motivation", "Composition", "Collection", "Preprocessing and cleaning", "Annotation", "Uses",
    "Known limitations and biases", "Data statement", "Columns", "Statistics", "Distribution",
    "Licence", "Maintenance", "Citation",
)


@pytest.fixture(scope="module")
def card() -> DatasetCard:
    return DatasetCard.load(CARD)


def test_the_header_has_what_the_hub_shows(card):
    data = card.data.to_dict()
    for key in ("license", "language", "task_categories", "task_ids", "size_categories", "pretty_name", "annotations_creators", "source_datasets", "configs", "dataset_info"):
        assert data.get(key), key
    assert data["language"] == ["en"]
    assert data["size_categories"] == ["n<1K"]


def test_configs_point_at_the_published_parquet(card):
    configs = MetadataConfigs.from_dataset_card_data(card.data)
    assert sorted(configs) == sorted(CONFIGS)
    for name, config in configs.items():
        (pattern,) = [f["path"] for f in config["data_files"] if f["split"] == "train"] if isinstance(config["data_files"], list) else [config["data_files"]["train"]]
        files = sorted((ROOT / "dataset").glob(pattern))
        assert files, f"{name}: {pattern} matches no file"
    assert configs["documents"].get("default") is True


def test_dataset_info_agrees_with_the_parquet_files(card):
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    assert sorted(infos) == sorted(CONFIGS)
    for name, info in infos.items():
        table = pq.read_table(ROOT / f"dataset/data/{name}/train-00000-of-00001.parquet")
        assert info.splits["train"].num_examples == table.num_rows
        assert list(info.features) == table.schema.names


def test_every_datasheet_section_is_there(card):
    headings = [line[3:].strip() for line in card.text.splitlines() if line.startswith("## ")]
    for section in SECTIONS:
        assert section in headings, section


def test_the_licence_is_plain_about_the_article_texts(card):
    text = " ".join(card.text.split())
    assert "CC BY 4.0" in text
    assert "remain the copyright of their publishers" in text


def test_card_cff_croissant_and_the_terms_agree_on_the_licence(card):
    """One licence story everywhere: annotations CC BY 4.0, the article texts not covered,
    and the card links the terms (license_link), which ship beside it."""
    import json

    import yaml

    assert card.data.license == "other" and card.data.license_link == "LICENSE.md"
    terms = " ".join((ROOT / "dataset" / card.data.license_link).read_text("utf-8").split())
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    croissant = json.loads((ROOT / "dataset/croissant.json").read_text("utf-8"))
    assert cff["license"] == "CC-BY-4.0"
    assert croissant["license"] == "https://creativecommons.org/licenses/by/4.0/" and croissant["license"] in terms
    for text in (terms, " ".join(cff["message"].split()), croissant["usageInfo"], " ".join(card.text.split())):
        assert "CC BY 4.0" in text and "copyright of their publishers" in text, text[:120]
        assert "not covered" in text or "**not** covered" in text, text[:120]


def test_every_column_is_documented_from_the_schema(card):
    schemas = load_schemas(str(ROOT / "schema"))
    assert render_columns(schemas).strip() in card.text
    for name in CONFIGS:
        documented = {c for c, _, _, _ in column_rows(schemas, name)}
        columns = pq.read_schema(ROOT / f"dataset/data/{name}/train-00000-of-00001.parquet").names
        assert set(columns) <= documented


def test_a_column_without_a_description_stops_the_card(tmp_path):
    import json
    import shutil

    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    path = tmp_path / "schema/tables.schema.json"
    doc = json.loads(path.read_text("utf-8"))
    del doc["$defs"]["entity_row"]["properties"]["kind"]["description"]
    path.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(UndocumentedColumn, match="entities: .*kind"):
        column_rows(load_schemas(str(tmp_path / "schema")), "entities")


def test_the_null_column_says_what_the_schema_allows_and_the_data_holds(card):
    """"never" is the JSON Schema's promise: the published Parquet holds no null there, although every Parquet field is nullable."""
    schemas = load_schemas(str(ROOT / "schema"))
    for name in CONFIGS:
        rows = {c: n for c, _, n, _ in column_rows(schemas, name)}
        table = pq.read_table(ROOT / f"dataset/data/{name}/train-00000-of-00001.parquet")
        for column in table.column_names:
            if rows[column] == "never":
                assert table.column(column).null_count == 0, (name, column)
    documents = {c: n for c, _, n, _ in column_rows(schemas, "documents")}
    assert documents["id"] == documents["text"] == documents["quotes[].type"] == "never"
    assert documents["outlet.name"] == documents["title"] == documents["quotes[].cue"] == "yes"
    assert "| `outlet_name` | string | yes |" in card.text
