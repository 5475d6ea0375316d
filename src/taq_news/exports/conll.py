"""CoNLL IOB2 for NER: one token and its tag per line, a blank line between sentences.

Each document starts with the standard ``-DOCSTART- -X- O O`` line, so tools that
split documents on it (``spacy convert``, the CoNLL-2003 readers) see our documents
and no stray token. The format has no place for an id: the n-th document is the
n-th row of the ``documents`` config (the ``ner`` config names the document of
every sentence). Tokens are
spaCy's (blank English, split where a gold span edge falls inside a token);
whitespace tokens are left out. Offsets become tags with spaCy's
``offsets_to_biluo_tags`` and ``biluo_to_iob``, and back with ``iob_to_biluo``
and ``biluo_tags_to_offsets``. Quotes are not part of this format.
"""

from __future__ import annotations

from typing import cast

from spacy.training import biluo_tags_to_offsets, iob_to_biluo

from taq_news.core.tokens import iob_sentences, tokenized

DOCSTART = "-DOCSTART-"
DOCSTART_LINE = "-DOCSTART- -X- O O"  # CoNLL-2003's document separator, as its readers expect it


def write_conll(records: list[dict]) -> str:
    lines: list[str] = []
    for r in records:
        lines += [DOCSTART_LINE, ""]
        for sent in iob_sentences(r):
            lines += [f"{w}\t{tag}" for w, tag in sent] + [""]
    return "\n".join(lines) + "\n"


def read_conll(text: str) -> list[list[tuple[str, str]]]:
    """The documents, in order, each as [(token, tag)]."""
    docs: list[list[tuple[str, str]]] = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        if line.split()[0] == DOCSTART:
            docs.append([])
            continue
        word, _, tag = line.rpartition("\t")
        if not docs or not word:
            raise ValueError(f"line {n}: expected '{DOCSTART_LINE}' or 'token<TAB>tag'")
        docs[-1].append((word, tag))
    return docs


def entities_from_conll(record_text: str, spans: list[tuple[int, int]], tokens: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Character offsets of the entities in ``tokens``, on the record's own text."""
    doc = tokenized(record_text, spans)
    words = [t for t in doc if not t.is_space]
    if [t.text for t in words] != [w for w, _ in tokens]:
        raise ValueError("the tokens do not match the text")
    iob = ["O"] * len(doc)
    for tok, (_, tag) in zip(words, tokens, strict=True):  # same length: their texts were just compared
        iob[tok.i] = tag
    # spaCy types labels as str | int; string tags give string labels
    return sorted(cast("list[tuple[int, int, str]]", biluo_tags_to_offsets(doc, iob_to_biluo(iob))))
