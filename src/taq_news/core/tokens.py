"""spaCy documents for the exports: the record's text, tokenized so that every annotated span is whole tokens.

spaCy's English tokenizer keeps "pre-9/11" and "U.S.-backed" as one token, but
the gold marks "9/11" and "U.S." inside them. Rather than drop or stretch those
spans, the token is split at the span's edge with spaCy's retokenizer, so
offsets -> BIO stays exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import biluo_to_iob, offsets_to_biluo_tags


@lru_cache(maxsize=1)
def blank_english() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _split_at(doc: Doc, boundaries: Iterable[int]) -> None:
    """Split every token that a span boundary falls inside."""
    cuts: dict[int, list[int]] = {}
    for b in sorted(set(boundaries)):
        for tok in doc:
            if tok.idx < b < tok.idx + len(tok.text):
                cuts.setdefault(tok.i, []).append(b - tok.idx)
                break
    with doc.retokenize() as retok:
        for i, offsets in cuts.items():
            tok = doc[i]
            edges = [0, *offsets, len(tok.text)]
            orths = [tok.text[a:b] for a, b in pairwise(edges)]
            retok.split(tok, orths, heads=[(tok, k) for k in range(len(orths))])


def tokenized(text: str, spans: Iterable[tuple[int, int]]) -> Doc:
    """The text as a spaCy Doc (blank English, sentencizer) in which every span is whole tokens."""
    nlp = blank_english()
    spans = list(spans)
    doc = nlp.make_doc(text)
    _split_at(doc, [x for s in spans for x in s])
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def record_spans(record: dict) -> list[tuple[int, int]]:
    out = [(e["start"], e["end"]) for e in record["entities"]]
    for q in record["quotes"]:
        out += [(s["start"], s["end"]) for s in q["content"]]
        out += [(q[k]["start"], q[k]["end"]) for k in ("cue", "speaker", "addressee") if q[k] is not None]
    return out


def iob_sentences(record: dict) -> list[list[tuple[str, str]]]:
    """The record's sentences as (token, IOB2 tag) pairs, whitespace tokens left out
    (the ``ner`` config and the CoNLL export)."""
    doc = tokenized(record["text"], record_spans(record))
    tags = biluo_to_iob(offsets_to_biluo_tags(doc, [(e["start"], e["end"], e["label"]) for e in record["entities"]]))
    if "-" in tags:
        raise ValueError(f"{record['id']}: an entity does not fall on token boundaries")
    out = [[(t.text, tags[t.i]) for t in sent if not t.is_space] for sent in doc.sents]
    return [s for s in out if s]
