import pytest

from taq_news.core.anchors import AnchorError, resolve, word_bounded_matches

TEXT = "Afghan forces in Afghanistan said “They are active,” he said. The Taliban’s leader met Taliban envoys."


def test_word_bounded_matches_skip_partial_words():
    assert word_bounded_matches(TEXT, "Afghan") == [0]
    assert len(word_bounded_matches(TEXT, "Taliban")) == 2  # "Taliban’s" counts


def test_exact_unique_and_offsets_give_the_text():
    (span,) = resolve(TEXT, "Afghanistan")
    assert TEXT[span.start : span.end] == "Afghanistan" == span.text


def test_occurrence_and_context():
    first = resolve(TEXT, {"exact": "said", "occurrence": 1})[0]
    second = resolve(TEXT, {"exact": "said", "prefix": "he "})[0]
    assert first.start < second.start
    assert resolve(TEXT, {"exact": "said", "occurrence": 2}) == [second]
    assert resolve(TEXT, {"exact": "said", "suffix": " “They"}) == [first]


def test_range_selector_spans_from_to():
    (span,) = resolve(TEXT, {"from": "“They", "to": "active,”"})
    assert span.text == "“They are active,”"


def test_many_only_for_entities():
    assert len(resolve(TEXT, {"exact": "Taliban", "occurrence": "all"}, allow_many=True)) == 2
    with pytest.raises(AnchorError) as err:
        resolve(TEXT, {"exact": "Taliban", "occurrence": "all"})
    assert err.value.check == "anchor-invalid"


@pytest.mark.parametrize(
    "selector, check",
    [
        ("Kabul", "anchor-not-found"),
        ("said", "anchor-ambiguous"),
        ({"exact": "said", "occurrence": 3}, "anchor-occurrence-missing"),
        ({"exact": " said"}, "span-whitespace-edge"),
        ({"exact": "said", "prefix": "nobody "}, "anchor-not-found"),
        ({"exact": "said", "start": 3}, "anchor-key-unknown"),
        ({"from": "“They", "to": "nowhere"}, "anchor-not-found"),
        ({"exact": "said", "occurrence": 0}, "anchor-invalid"),
    ],
)
def test_bad_anchors_name_the_problem(selector, check):
    with pytest.raises(AnchorError) as err:
        resolve(TEXT, selector)
    assert err.value.check == check
    assert err.value.fix
