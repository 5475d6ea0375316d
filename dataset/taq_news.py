"""Hugging Face loading script for TAQ-News.

For ``datasets`` < 4 (tested on 3.6.0), which still runs scripts:

    load_dataset("/path/to/dataset/taq_news.py", "documents", trust_remote_code=True)

``datasets`` >= 4 refuses scripts; load the Parquet configs instead
(``load_dataset("/path/to/dataset", "documents")``), or import this module and
run its builder directly:

    builder = TaqNews(config_name="documents", cache_dir=...)
    builder.download_and_prepare()
    ds = builder.as_dataset(split="train")

The script reads the same Parquet files as the Parquet configs, and its
Features are generated from schema/ by ``taq-news build``: do not edit the
generated block by hand. The feature notation (plain lists) runs on datasets
3.x and 5.x alike.
"""

import os

import datasets
import pyarrow.parquet as pq

_DESCRIPTION = (
    "TAQ-News: news articles (2016-2023) on the relationship between the Taliban and "
    "al-Qaeda, with clean text, provenance-tagged metadata, named entities (OntoNotes 5 "
    "types) and quotes with resolved speakers."
)
_LICENSE = "Annotations: CC BY 4.0. Article texts: copyright of their publishers."
_HOMEPAGE = ""

# BEGIN GENERATED (taq-news build): version and features
_VERSION = "0.1.0"

_CITATION = '@misc{taq_news_2026,\n  author = {{TAQ-News developers}},\n  title = {{TAQ-News: an annotated news corpus on the Taliban and al-Qaeda (2016-2023)}},\n  year = {2026},\n  month = {11},\n  version = {0.1.0},\n  note = {Annotations CC BY 4.0; article texts remain the copyright of their publishers.}\n}\n'

_CONFIG_DESCRIPTIONS = {
    "documents": "One row per article: clean text, provenance-tagged metadata, nested entity mentions and quotes.",
    "quotes": "One row per quote, flat: type, content, cue, speaker (as written and resolved), addressee, outlet and date.",
    "entities": "One row per registry entity: canonical name, type, aliases, checked Wikidata id, mention and quote counts.",
    "ner": "One row per sentence, as conll2003: spaCy tokens and IOB2 ner_tags (ClassLabel over the OntoNotes 5 types).",
}

_FEATURES = {
    "documents": {
        "id": datasets.Value("string"),
        "schema_version": datasets.Value("string"),
        "language": datasets.Value("string"),
        "title": datasets.Value("string"),
        "dateline": datasets.Value("string"),
        "byline": datasets.Value("string"),
        "highlights": datasets.Sequence(datasets.Value("string")),
        "text": datasets.Value("string"),
        "outlet": {
            "name": datasets.Value("string"),
            "entity_id": datasets.Value("string"),
            "wikidata_id": datasets.Value("string"),
            "basis": datasets.Value("string"),
            "evidence": datasets.Value("string"),
            "evidence_span": {
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
                "layer": datasets.Value("string"),
            },
            "note": datasets.Value("string"),
        },
        "published": {
            "date": datasets.Value("string"),
            "precision": datasets.Value("string"),
            "basis": datasets.Value("string"),
            "evidence": datasets.Value("string"),
            "evidence_span": {
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
                "layer": datasets.Value("string"),
            },
            "note": datasets.Value("string"),
        },
        "source": {
            "file": datasets.Value("string"),
            "sha256": datasets.Value("string"),
            "removed": [{
                "raw_start": datasets.Value("int64"),
                "raw_end": datasets.Value("int64"),
                "text": datasets.Value("string"),
                "reason": datasets.Value("string"),
            }],
            "segments": [{
                "raw_start": datasets.Value("int64"),
                "raw_end": datasets.Value("int64"),
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
            }],
            "given": {
                "id": datasets.Value("string"),
                "url": datasets.Value("string"),
                "title": datasets.Value("string"),
            },
            "extractor": {
                "name": datasets.Value("string"),
                "version": datasets.Value("string"),
            },
            "tags": [{
                "field": datasets.Value("string"),
                "value": datasets.Value("string"),
                "evidence": datasets.Value("string"),
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
            }],
        },
        "entities": [{
            "id": datasets.Value("string"),
            "start": datasets.Value("int64"),
            "end": datasets.Value("int64"),
            "text": datasets.Value("string"),
            "label": datasets.Value("string"),
            "entity_id": datasets.Value("string"),
            "wikidata_id": datasets.Value("string"),
            "origin": datasets.Value("string"),
        }],
        "quotes": [{
            "id": datasets.Value("string"),
            "type": datasets.Value("string"),
            "content": [{
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
                "text": datasets.Value("string"),
            }],
            "cue": {
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
                "text": datasets.Value("string"),
            },
            "speaker": {
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
                "text": datasets.Value("string"),
            },
            "speaker_entity_id": datasets.Value("string"),
            "speaker_name": datasets.Value("string"),
            "speaker_kind": datasets.Value("string"),
            "addressee": {
                "start": datasets.Value("int64"),
                "end": datasets.Value("int64"),
                "text": datasets.Value("string"),
            },
            "addressee_entity_id": datasets.Value("string"),
            "via": datasets.Sequence(datasets.Value("string")),
            "cluster_id": datasets.Value("string"),
            "note": datasets.Value("string"),
            "origin": datasets.Value("string"),
        }],
        "non_quotes": [{
            "start": datasets.Value("int64"),
            "end": datasets.Value("int64"),
            "text": datasets.Value("string"),
            "reason": datasets.Value("string"),
        }],
        "relations": [{
            "type": datasets.Value("string"),
            "document": datasets.Value("string"),
            "entity_id": datasets.Value("string"),
        }],
        "annotation": {
            "guidelines": datasets.Value("string"),
            "method": datasets.Value("string"),
            "annotators": datasets.Sequence(datasets.Value("string")),
            "file": datasets.Value("string"),
        },
    },
    "quotes": {
        "doc_id": datasets.Value("string"),
        "quote_id": datasets.Value("string"),
        "type": datasets.Value("string"),
        "content_text": datasets.Value("string"),
        "content_spans": [{
            "start": datasets.Value("int64"),
            "end": datasets.Value("int64"),
            "text": datasets.Value("string"),
        }],
        "cue_text": datasets.Value("string"),
        "speaker_text": datasets.Value("string"),
        "speaker_name": datasets.Value("string"),
        "speaker_entity_id": datasets.Value("string"),
        "speaker_kind": datasets.Value("string"),
        "speaker_wikidata_id": datasets.Value("string"),
        "addressee_text": datasets.Value("string"),
        "addressee_entity_id": datasets.Value("string"),
        "via": datasets.Sequence(datasets.Value("string")),
        "cluster_id": datasets.Value("string"),
        "outlet_name": datasets.Value("string"),
        "outlet_basis": datasets.Value("string"),
        "published_date": datasets.Value("string"),
        "published_basis": datasets.Value("string"),
        "note": datasets.Value("string"),
    },
    "entities": {
        "entity_id": datasets.Value("string"),
        "name": datasets.Value("string"),
        "label": datasets.Value("string"),
        "kind": datasets.Value("string"),
        "aliases": datasets.Sequence(datasets.Value("string")),
        "description": datasets.Value("string"),
        "wikidata_id": datasets.Value("string"),
        "wikidata_check": datasets.Value("string"),
        "mention_count": datasets.Value("int64"),
        "document_count": datasets.Value("int64"),
        "quote_count": datasets.Value("int64"),
        "doc_ids": datasets.Sequence(datasets.Value("string")),
    },
    "ner": {
        "id": datasets.Value("string"),
        "doc_id": datasets.Value("string"),
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=["O", "B-PERSON", "I-PERSON", "B-NORP", "I-NORP", "B-FAC", "I-FAC", "B-ORG", "I-ORG", "B-GPE", "I-GPE", "B-LOC", "I-LOC", "B-PRODUCT", "I-PRODUCT", "B-EVENT", "I-EVENT", "B-WORK_OF_ART", "I-WORK_OF_ART", "B-LAW", "I-LAW", "B-LANGUAGE", "I-LANGUAGE", "B-DATE", "I-DATE", "B-TIME", "I-TIME", "B-PERCENT", "I-PERCENT", "B-MONEY", "I-MONEY", "B-QUANTITY", "I-QUANTITY", "B-ORDINAL", "I-ORDINAL", "B-CARDINAL", "I-CARDINAL"])),
    },
}
# END GENERATED


class TaqNews(datasets.GeneratorBasedBuilder):
    """TAQ-News, one builder config per published table."""

    VERSION = datasets.Version(_VERSION)
    BUILDER_CONFIGS = [
        datasets.BuilderConfig(name=name, version=datasets.Version(_VERSION), description=description)
        for name, description in _CONFIG_DESCRIPTIONS.items()
    ]
    DEFAULT_CONFIG_NAME = "documents"

    def _info(self):
        return datasets.DatasetInfo(
            description=_DESCRIPTION,
            features=datasets.Features(_FEATURES[self.config.name]),
            homepage=_HOMEPAGE,
            license=_LICENSE,
            citation=_CITATION,
        )

    def _split_generators(self, dl_manager):
        # datasets 3.x sets base_path to the script's folder; a builder imported
        # directly has none, so fall back to this file's folder.
        base = self.base_path or os.path.dirname(os.path.abspath(__file__))
        relative = f"data/{self.config.name}/train-00000-of-00001.parquet"
        path = dl_manager.download(os.path.join(base, relative))
        return [datasets.SplitGenerator(name=datasets.Split.TRAIN, gen_kwargs={"path": path})]

    def _generate_examples(self, path):
        for index, row in enumerate(pq.read_table(path).to_pylist()):
            yield index, row
