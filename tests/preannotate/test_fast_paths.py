"""The pre-annotator's faster forms of a rule give what the plain form gives, on real text.

Each speed-up of this round replaced a plain loop with arrays, bisection or a pattern; the
plain form is kept here as the reference, and both run over the raw articles, the
development set and synthetic articles."""

from __future__ import annotations

import random
import re

import pytest

from taq_news.annotations.registry import load_registry
from taq_news.core.anchors import resolve_one, word_bounded_matches
from taq_news.preannotate.draft import anchor
from taq_news.preannotate.entities import _CAP, SENTENCE_OPENERS, candidates, inside_a_name, mentions
from taq_news.preannotate.furniture import _WIRE_CREDIT, _may_be_wire_credit, is_headline
from taq_news.preannotate.pipeline import make_nlp
from taq_news.preannotate.places import PLACE_ID
from taq_news.preannotate.quotes import _outside_words
from tests.collection.synthetic import articles
from tests.conftest import ROOT

REGISTRY = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
TEXTS = [p.read_text("utf-8") for p in sorted((ROOT / "dataset/raw").glob("*.txt"))]
TEXTS += [p.read_text("utf-8") for p in sorted((ROOT / "tests/dev/raw").glob("*.txt"))]
TEXTS += [a["text"] for a in articles(60, seed=11)]


@pytest.fixture(scope="module")
def docs():
    nlp = make_nlp(REGISTRY)
    return [nlp(t) for t in TEXTS]


def _candidates_reference(doc) -> list[tuple[int, int, str]]:
    """Token by token, as the rule was first written."""
    covered = {t.i for ent in doc.ents for t in ent}
    out, run = [], []

    def flush():
        while run and run[0].text in SENTENCE_OPENERS:
            run.pop(0)
        if run and not (len(run) == 1 and run[0].is_sent_start):
            out.append((run[0].idx, run[-1].idx + len(run[-1].text), doc.text[run[0].idx : run[-1].idx + len(run[-1].text)]))
        run.clear()

    for tok in doc:
        capitalized = tok.i not in covered and _CAP.match(tok.text) and not tok.is_stop
        joiner = run and tok.text in ("al", "bin", "of", "-") and tok.whitespace_ != ""
        if capitalized or joiner:
            run.append(tok)
        else:
            flush()
    flush()
    return out


def test_candidates_from_arrays_equal_the_token_loop(docs):
    found = 0
    for doc in docs:
        assert candidates(doc) == _candidates_reference(doc), doc.text[:60]
        found += len(candidates(doc))
    assert found > 300


def test_mentions_equal_the_docs_entities(docs):
    # A place pattern's id is the ruler's, not the registry's: its mention has none (and a place inside a longer name is none; test_places)
    for doc in docs:
        assert [(m.start, m.end, m.text, m.label, m.entity) for m in mentions(doc)] == \
               [(e.start_char, e.end_char, e.text, e.label_, None if e.ent_id_.startswith(PLACE_ID) else e.ent_id_ or None) for e in doc.ents
                if not (e.ent_id_.startswith(PLACE_ID) and inside_a_name(doc, e.start, e.end))]


def test_every_anchor_resolves_to_its_span_and_none_only_where_no_anchor_can(docs):
    rnd = random.Random(3)
    checked = 0
    for doc in docs[:20]:
        text = doc.text
        spans = [(t.idx, t.idx + len(t)) for t in doc] + [(e.start_char, e.end_char) for e in doc.ents]
        spans += [(doc[i].idx, doc[j].idx + len(doc[j])) for i, j in (sorted(rnd.sample(range(len(doc)), 2)) for _ in range(100))]
        for a, b in spans:
            found = anchor(text, a, b)
            exact = text[a:b]
            if found is None:
                assert not exact.strip() or exact != exact.strip() or a not in word_bounded_matches(text, exact)
                continue
            span = resolve_one(text, found)
            assert (span.start, span.end) == (a, b)
            checked += 1
    assert checked > 2000


def _outside_words_reference(rest: str, spans: list[tuple[int, int]]) -> bool:
    chars = list(rest)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = " "
    return any(ch.isalnum() for ch in chars)


def test_outside_words_equals_the_character_loop():
    rnd = random.Random(7)
    alphabet = "ab1 ,.“”’_-é٣\n"
    for _ in range(3000):
        rest = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        spans = []
        for _ in range(rnd.randint(0, 3)):
            a = rnd.randint(0, len(rest))
            spans.append((a, rnd.randint(a, len(rest))))
        assert _outside_words(rest, spans) == _outside_words_reference(rest, spans), (rest, spans)


def test_the_wire_credit_prefilter_never_hides_a_match():
    lines = [ln.strip() for t in TEXTS for ln in t.split("\n") if ln.strip()]
    lines += ["(Reporting by Jane Roe; Editing by John Doe)", "Jane Roe contributed to this report.", "Ann Lee reported from Kabul.",
              "Staff contributed reporting", "(Writing by A. B.)"]
    hits = 0
    for line in lines:
        if _WIRE_CREDIT.search(line):
            assert _may_be_wire_credit(line), line
            hits += 1
    assert hits >= 5


def test_headline_test_equals_the_word_filter():
    def reference(line: str) -> bool:
        long = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) >= 4]
        return len(long) >= 3 and sum(w[0].isupper() for w in long) / len(long) > 0.7

    lines = [ln for t in TEXTS for ln in t.split("\n")] + ["Al-Qaeda Allies with Taliban", "_abcd 1Abcd é-Été x'Yzzy Ab_cd", "ab abc ABCD Abcd"]
    assert sum(map(is_headline, lines)) > 5
    for line in lines:
        assert is_headline(line) == reference(line), line
