"""The statistical-model path (--model), on a small spaCy model built here from the gold: the
tests need no download, and the pipeline is the one a user's installed model gets."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
import spacy
from spacy.training import Example

from taq_news.annotations.registry import load_registry
from taq_news.cli import main
from taq_news.preannotate.pipeline import make_nlp
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """An English pipeline with an NER trained for a few passes on the gold's entity spans."""
    records = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    examples = []
    for r in records:
        doc = nlp.make_doc(r["text"])
        spans = [doc.char_span(m["start"], m["end"], label=m["label"], alignment_mode="contract") for m in r["entities"]]
        ents = [(s.start_char, s.end_char, s.label_) for s in spacy.util.filter_spans([s for s in spans if s is not None])]
        for _, _, label in ents:
            ner.add_label(label)
        examples.append(Example.from_dict(doc, {"entities": ents}))
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(4):
        nlp.update(examples, sgd=optimizer)
    path = tmp_path_factory.mktemp("model") / "taq_small_ner"
    nlp.to_disk(path)
    return path


def test_the_model_pipeline_puts_the_registry_ruler_before_its_ner_and_adds_sentences(small_model):
    nlp = make_nlp(load_registry(ROOT / "dataset/entities.yaml", "entities.yaml"), str(small_model))
    assert nlp.pipe_names.index("taq_entity_ruler") < nlp.pipe_names.index("ner")
    assert "sentencizer" in nlp.pipe_names
    doc = nlp("The Taliban said on Monday that al-Qaeda had no fighters in Kunar.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents if e.text == "Taliban"] == [("Taliban", "ORG", "taliban")]  # the ruler's id wins


@pytest.mark.parametrize("extra", [[], ["--gold", str(ROOT / "tests/dev")]])
def test_evaluate_with_a_model_reports_the_same_table_and_names_the_model(small_model, extra, capsys):
    assert main(["evaluate", "--model", str(small_model), *extra]) == 0
    out = capsys.readouterr().out
    # the title names the weights from the model's meta (blank English made here is "en_pipeline 0.0.0"), and the path it was loaded from
    assert f"spaCy model en_pipeline 0.0.0 (loaded as {small_model})" in out
    assert out.count("| **overall** |") == 1 and "content exact P/R/F1" in out and "speaker acc." in out


def test_readme_with_a_model_needs_the_development_set(small_model, capsys):
    assert main(["evaluate", "--model", str(small_model), "--readme"]) == 2
    assert "--gold" in capsys.readouterr().err


def test_preannotate_with_a_model_drafts_that_build(small_model, repo_copy, capsys):
    import shutil

    for name in ("README.md", "CITATION.cff", "pyproject.toml"):
        shutil.copy(ROOT / name, repo_copy.root / name)
    for p in (repo_copy.root / "dataset/annotations").glob("*.yaml"):
        p.unlink()
    raws = sorted(str(p) for p in (repo_copy.root / "dataset/raw").glob("*.txt"))
    assert main(["--root", str(repo_copy.root), "preannotate", "--model", str(small_model), *raws]) == 0
    assert main(["--root", str(repo_copy.root), "build"]) == 0
    assert main(["--root", str(repo_copy.root), "validate", str(repo_copy.root / "dataset")]) == 0
