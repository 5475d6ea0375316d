"""The spaCy pipeline for pre-annotation: blank English by default, a statistical model when asked for and installed."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from taq_news.annotations.registry import Entity
from taq_news.preannotate.entities import add_ruler, name_patterns, value_patterns


class ModelMissing(Exception):
    """The requested spaCy model is not installed (it is an optional extra)."""


def model_problem(model: str) -> str | None:
    """Why ``model`` cannot be loaded, checked as spacy.load finds it (an installed package, a pipeline
    folder, 'blank:xx') without loading it, or None."""
    if model.startswith("blank:") or spacy.util.is_package(model) or Path(model).exists():
        return None
    return f"spaCy model {model!r} is not installed (pip install it, e.g. 'python -m spacy download {model}')"


def make_nlp(registry: dict[str, Entity], model: str | None = None) -> Language:
    """Blank English + sentencizer + the registry EntityRuler; or ``model`` with the ruler before its NER.

    With a model, the ruler's matches come first and the statistical NER only adds
    entities where the ruler found none.
    """
    if model is None:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return add_ruler(nlp, registry)
    try:
        nlp = spacy.load(model, exclude=["lemmatizer"])
    except OSError as exc:
        raise ModelMissing(model_problem(model) or f"spaCy model {model!r} could not be loaded: {exc}") from exc
    if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
        nlp.add_pipe("sentencizer", first=True)  # quotes need sentences
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", name="taq_entity_ruler", before="ner" if "ner" in nlp.pipe_names else None,
                                           config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False}))
    ruler.add_patterns(name_patterns(registry) + value_patterns(nlp.vocab))
    return nlp
