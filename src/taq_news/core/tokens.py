"""spaCy documents for the exports: the record's text, tokenized so that every annotated span is whole tokens.

spaCy's English tokenizer keeps "pre-9/11" and "U.S.-backed" as one token, but
the gold marks "9/11" and "U.S." inside them. Rather than drop or stretch those
spans, the token is split at the span's edge with spaCy's retokenizer, so
offsets -> BIO stays exact.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc


@lru_cache(maxsize=1)
def blank_english() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per Doc: spaCy joins every token's text on each access
    (about a millisecond for an article), and a rule reads it many times."""
    text = doc.user_data.get("taq:text")
    if text is None:
        text = doc.user_data["taq:text"] = doc.text
    return text


def _offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Token start and end offsets, read in C (a spaCy Token made per token costs more than the rest)."""
    a = doc.to_array([IDX, LENGTH])
    starts = a[:, 0].tolist()
    return starts, [s + n for s, n in zip(starts, a[:, 1].tolist(), strict=True)]


def _split_at(doc: Doc, boundaries: Iterable[int]) -> None:
    """Split every token that a span boundary falls inside."""
    cuts: dict[int, list[int]] = {}
    starts, ends = _offsets(doc)
    for b in sorted(set(boundaries)):
        i = bisect_right(starts, b) - 1  # the last token starting at or before b
        if i >= 0 and starts[i] < b < ends[i]:
            cuts.setdefault(i, []).append(b - starts[i])
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
    # One pass over the tokens (a spaCy Token is made per access, which dominates the cost),
    # then each entity's tokens found by bisection on their offsets.
    starts, ends = _offsets(doc)
    flags = doc.to_array([IS_SPACE, SENT_START])
    space, sent_start = flags[:, 0].tolist(), flags[:, 1].tolist()
    text = record["text"]  # the Doc's text: tokenized() keeps every character
    tags = ["O"] * len(starts)
    for e in record["entities"]:
        first, last = bisect_right(starts, e["start"]) - 1, bisect_right(starts, e["end"] - 1) - 1
        if first < 0 or starts[first] != e["start"] or ends[last] != e["end"] or any(t != "O" for t in tags[first : last + 1]):
            raise ValueError(f"{record['id']}: an entity does not fall on token boundaries")
        tags[first : last + 1] = [f"B-{e['label']}"] + [f"I-{e['label']}"] * (last - first)
    out: list[list[tuple[str, str]]] = []
    for i, tag in enumerate(tags):
        if sent_start[i] == 1 or not out:
            out.append([])
        if not space[i]:
            out[-1].append((text[starts[i] : ends[i]], tag))
    return [s for s in out if s]
