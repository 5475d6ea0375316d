"""The value rules' two renderings (lexeme flags, which the pipeline uses, and Matcher
predicates, the reference the benchmark measures) find the same entities on real text."""

from __future__ import annotations

import spacy

from taq_news.annotations.registry import load_registry
from taq_news.preannotate.entities import WORD_TESTS, add_ruler, value_patterns
from taq_news.preannotate.pipeline import make_nlp
from tests.collection.synthetic import articles
from tests.conftest import ROOT

REGISTRY = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")


def _ents(nlp, text: str) -> list[tuple[int, int, str, str]]:
    return [(e.start_char, e.end_char, e.label_, e.ent_id_) for e in nlp(text).ents]


def test_flags_and_predicates_find_the_same_entities_on_the_raw_articles_the_development_set_and_synthetic_text():
    flags = make_nlp(REGISTRY)
    predicates = spacy.blank("en")
    predicates.add_pipe("sentencizer")
    add_ruler(predicates, REGISTRY, flags=False)
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "dataset/raw").glob("*.txt"))]
    texts += [p.read_text("utf-8") for p in sorted((ROOT / "tests/dev/raw").glob("*.txt"))]
    texts += [a["text"] for a in articles(150, seed=5)]
    # dates, numbers and ordinals in the forms the rules name, and near misses
    texts.append("On March 3, 2021 and 3 March 2021, in the 1990s, by mid-2015 and early 2016, last year, 1,200 fighters, "
                 "more than 40 people, about 10 to 12 trucks, 2 million, the 21st round, twelve men, on Monday and in May, "
                 "1899 and 2100, the 2000s, 31st and 32nd, next spring, the past three weeks, MARCH 4, Sept. 9.")
    found = 0
    for text in texts:
        a, b = _ents(flags, text), _ents(predicates, text)
        assert a == b, text[:80]
        found += sum(e[2] in ("DATE", "CARDINAL", "ORDINAL") for e in a)
    assert found > 500  # the comparison covers many values, not only names


def test_a_vocab_gets_each_flag_once_however_often_the_patterns_are_made():
    nlp = spacy.blank("en")
    first = value_patterns(nlp.vocab)
    used = len(nlp.vocab.lex_attr_getters)
    assert value_patterns(nlp.vocab) == first
    assert len(nlp.vocab.lex_attr_getters) == used
    assert all(isinstance(key, int) for p in first for tok in p["pattern"] for key in tok if key != "OP" and key not in ("TEXT", "LOWER"))
    assert len(WORD_TESTS) <= 30  # spaCy has 64 flag bits, some of them its own
