"""Quotation passages on text written for these tests, including marks typed the wrong way round."""

from __future__ import annotations

import pytest

from taq_news.core.quote_marks import find_passages


def spans(text: str) -> list[tuple[str, bool]]:
    return [(text[p.start : p.end], p.closed) for p in find_passages(text)]


def test_curly_straight_and_doubled_marks_pair_within_their_paragraph():
    text = "“We will stay,” she said. \"Not for long,\" he said.\n''Never,'' said a third, and “this one stays open"
    assert spans(text) == [("“We will stay,”", True), ('"Not for long,"', True), ("''Never,''", True), ("“this one stays open", False)]


@pytest.mark.parametrize("text, passage", [
    # an opening mark typed after sentence punctuation closes the open passage
    ("“The bridge will open in May.“ [Bayside Herald]", "“The bridge will open in May.“"),
    ("“Apparently not,“ he said.", "“Apparently not,“"),
    ("She asked: “Is the road closed?“", "“Is the road closed?“"),
])
def test_an_opening_mark_typed_as_a_close_closes_the_passage(text, passage):
    assert spans(text) == [(passage, True)]


def test_a_closing_mark_typed_as_an_open_opens_a_passage():
    text = "”Mr. Roe embodies the old harbour,” a resident said."
    assert spans(text) == [("”Mr. Roe embodies the old harbour,”", True)]


@pytest.mark.parametrize("text", [
    "He said “yes“and left.",  # no punctuation before the mark: a new opening, not a close
    "The so-called “experts“ were wrong.",
])
def test_a_wrong_way_mark_without_the_telltale_context_is_left_as_it_was(text):
    assert all(not p.closed for p in find_passages(text))


def test_a_stray_closing_mark_with_no_letter_after_opens_nothing():
    assert find_passages("The council voted ” and left.") == []
