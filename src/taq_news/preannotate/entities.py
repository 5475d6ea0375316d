"""Pre-annotation of entity mentions: spaCy's EntityRuler fed from the registry, plus value rules.

- Names: every registry entry with a label contributes its name and aliases as
  token patterns, matched case-sensitively (``ORTH``), and also in all capitals
  for headline-style text. The ruler keeps the longest match where patterns
  overlap ("United Nations Security Council" over "United Nations").
- Values: DATE (month-day-year, month-year, years, decades, relative dates) and
  CARDINAL (digit numbers, number words above ten, ranges, "more than N").
- A statistical spaCy model, when one is installed and asked for, runs after
  the ruler and may only add entities where the ruler found none.
- Capitalized runs that match nothing are returned as candidates for curation;
  they are never presented as entities.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import cast

import numpy
from spacy.attrs import ENT_IOB, IDX, IS_STOP, LENGTH, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.strings import hash_string  # type: ignore[attr-defined]  # a Cython function the stubs omit
from spacy.tokens import Doc
from spacy.vocab import Vocab

from taq_news.annotations.registry import Entity
from taq_news.core.tokens import text_of
from taq_news.preannotate.places import PLACE_ID, place_patterns

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
MONTH_FORMS = MONTHS + [m[:3] for m in MONTHS] + [m[:3] + "." for m in MONTHS] + ["Sept", "Sept."]
YEAR = r"^(1[89]|20)\d\d$"
SMALL_NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
SEASONS = ["spring", "summer", "winter"]
NUMBER_WORDS = SMALL_NUMBERS + ["dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions",
                "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
RELATIVE = ["last", "this", "next", "past", "recent", "coming", "previous"]
PERIODS = ["year", "years", "month", "months", "week", "weeks", "decade", "decades", "day", "days"]


VALUE_RULE_LABELS = ("DATE", "CARDINAL", "ORDINAL")
_NUMBER = r"^\d{1,3}(,\d{3})+$|^\d+(\.\d+)?$"

# The word tests the value rules use, each once: (token attribute, {Matcher predicate: argument}).
# ``value_patterns`` renders them as lexeme flags (computed once per word type, checked in C by the
# Matcher) or as the equivalent Matcher predicates (evaluated in Python at every token); both find
# the same entities, and the flags make the spaCy pipeline about 2.4 times faster.
WORD_TESTS: dict[str, tuple[str, dict[str, object]]] = {
    "day": ("TEXT", {"REGEX": r"^([1-9]|[12]\d|3[01])(st|nd|rd|th)?$"}),
    "month": ("TEXT", {"IN": MONTH_FORMS}),
    "whole_month": ("TEXT", {"IN": [m for m in MONTHS if m != "May"]}),  # "may" is also a verb
    "year": ("TEXT", {"REGEX": YEAR}),
    "number": ("TEXT", {"REGEX": _NUMBER}),
    "count": ("TEXT", {"REGEX": _NUMBER, "NOT_IN": [str(y) for y in range(1800, 2100)]}),  # a bare number that is not a year (years are DATE)
    "decade": ("TEXT", {"REGEX": r"^(19|20)\d0s$"}),
    "early_year": ("TEXT", {"REGEX": r"^(early|mid|late)-(19|20)\d\d$"}),
    "ordinal_digits": ("TEXT", {"REGEX": r"^\d+(st|nd|rd|th)$"}),
    "weekday": ("TEXT", {"IN": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}),
    "early": ("LOWER", {"IN": ["early", "mid", "late"]}),
    "relative": ("LOWER", {"IN": RELATIVE}),
    "season": ("LOWER", {"IN": SEASONS}),
    "period": ("LOWER", {"IN": PERIODS}),
    "ordinal": ("LOWER", {"IN": ORDINALS}),
    "number_word": ("LOWER", {"IN": NUMBER_WORDS}),
    "today": ("LOWER", {"IN": ["today", "yesterday", "tomorrow"]}),
    "more": ("LOWER", {"IN": ["more", "fewer", "less"]}),
    "about": ("LOWER", {"IN": ["about", "around", "nearly", "some", "approximately"]}),
    "scale": ("LOWER", {"IN": ["hundred", "thousand", "million", "billion"]}),
}


def _word_test(attr: str, predicates: dict[str, object]) -> Callable[[str], bool]:
    """The test on a word's text, as the Matcher applies the predicates to a token's attribute."""
    checks: list[Callable[[str], bool]] = []
    for kind, arg in predicates.items():
        if kind == "REGEX":
            checks.append(partial(_search, re.compile(cast(str, arg))))
        elif kind == "IN":
            checks.append(frozenset(cast(list, arg)).__contains__)
        elif kind == "NOT_IN":
            checks.append(partial(_not_in, frozenset(cast(list, arg))))
        else:
            raise ValueError(f"no lexeme-flag rendering for the predicate {kind}")
    lower = attr == "LOWER"

    def test(orth: str) -> bool:
        word = orth.lower() if lower else orth
        return all(check(word) for check in checks)

    return test


def _search(pattern: re.Pattern[str], word: str) -> bool:
    return pattern.search(word) is not None  # the Matcher's REGEX is re.search


def _not_in(excluded: frozenset[str], word: str) -> bool:
    return word not in excluded


_FLAG_GETTERS = {name: _word_test(attr, preds) for name, (attr, preds) in WORD_TESTS.items()}


def _flag(vocab: Vocab, name: str) -> int:
    """The vocab's flag for a word test, added once per vocab (the getter's identity finds it again)."""
    return _getter_flag(vocab, _FLAG_GETTERS[name])


def _getter_flag(vocab: Vocab, getter: Callable[[str], bool]) -> int:
    getters: dict[int, Callable] = vocab.lex_attr_getters  # type: ignore[attr-defined]  # a Cython attribute the stubs omit
    for flag_id, registered in getters.items():
        if registered is getter:
            return flag_id
    return vocab.add_flag(getter)


def value_patterns(vocab: Vocab | None = None) -> list[dict]:
    """Token patterns for DATE and CARDINAL values (OntoNotes conventions, guidelines 2.4): with
    ``vocab``, the word tests are flags of that vocab; without, Matcher predicates (the reference
    rendering, slower, same matches)."""

    def t(name: str, **extra: str) -> dict:
        if vocab is None:
            attr, preds = WORD_TESTS[name]
            return {attr: dict(preds), **extra}
        return {_flag(vocab, name): True, **extra}

    day, month, year, num = t("day"), t("month"), t("year"), t("number")
    return [
        {"label": "DATE", "pattern": [month, day, {"TEXT": ",", "OP": "?"}, year]},
        {"label": "DATE", "pattern": [day, month, year]},
        {"label": "DATE", "pattern": [month, day]},
        {"label": "DATE", "pattern": [t("early", OP="?"), {"TEXT": "-", "OP": "?"}, month, year]},
        {"label": "DATE", "pattern": [{"LOWER": "the", "OP": "?"}, t("decade")]},
        {"label": "DATE", "pattern": [year]},
        {"label": "DATE", "pattern": [t("early_year")]},
        {"label": "DATE", "pattern": [t("whole_month")]},
        {"label": "DATE", "pattern": [t("relative"), month]},
        {"label": "DATE", "pattern": [month, t("relative"), {"LOWER": "year"}]},
        {"label": "DATE", "pattern": [t("season"), year]},
        {"label": "DATE", "pattern": [t("relative"), t("season")]},
        {"label": "ORDINAL", "pattern": [t("ordinal")]},
        {"label": "ORDINAL", "pattern": [t("ordinal_digits")]},
        {"label": "DATE", "pattern": [t("relative"), t("period")]},
        {"label": "DATE", "pattern": [t("relative"), num, t("period")]},
        {"label": "DATE", "pattern": [t("today")]},
        {"label": "DATE", "pattern": [t("weekday")]},
        {"label": "CARDINAL", "pattern": [t("more"), {"LOWER": "than"}, num]},
        {"label": "CARDINAL", "pattern": [t("about", OP="?"), num, {"LOWER": "to"}, num]},
        {"label": "CARDINAL", "pattern": [t("count"), t("scale", OP="?")]},
        {"label": "CARDINAL", "pattern": [t("number_word")]},
    ]


def name_patterns(registry: dict[str, Entity]) -> list[dict]:
    patterns = []
    for e in sorted(registry.values(), key=lambda e: e.id):
        if e.label is None or e.label in ("DATE", "CARDINAL", "ORDINAL"):
            continue
        for form in dict.fromkeys((e.name, *e.aliases)):
            for variant in dict.fromkeys((form, form.upper() if len(form) > 4 else form)):
                patterns.append({"label": e.label, "pattern": variant, "id": e.id})
    return patterns


def add_ruler(nlp: Language, registry: dict[str, Entity], name: str = "taq_entity_ruler", flags: bool = True) -> Language:
    """Add an EntityRuler with the registry's names, the place names (``places``) and the value rules; returns ``nlp``.
    ``flags=False`` renders the value rules as Matcher predicates (the slower reference the benchmark measures)."""
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", name=name, config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True}))
    names = name_patterns(registry)
    ruler.add_patterns(names + place_patterns({p["pattern"] for p in names}) + value_patterns(nlp.vocab if flags else None))
    return nlp


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    label: str
    entity: str | None  # registry id, or None for values, places and model-only finds
    origin: str  # "registry" | "place" | "rule" | "model" | "speaker"


def mentions(doc: Doc) -> list[Mention]:
    text = text_of(doc)  # a slice of it, not ent.text, which joins the entity's tokens again
    out = []
    for ent in doc.ents:
        start, end, ent_id = ent.start_char, ent.end_char, ent.ent_id_
        if ent_id.startswith(PLACE_ID):
            if inside_a_name(doc, ent.start, ent.end):
                continue
            out.append(Mention(start, end, text[start:end], ent.label_, None, "place"))
            continue
        origin = "registry" if ent_id else ("rule" if ent.label_ in VALUE_RULE_LABELS else "model")
        out.append(Mention(start, end, text[start:end], ent.label_, ent_id or None, origin))
    return out


def inside_a_name(doc: Doc, start: int, end: int) -> bool:
    """Tokens [start, end) are part of a longer capitalized name: a capitalized word follows them
    ("Washington Post", "Pakistan Army"), or precedes them inside a sentence ("New Kabul Bank")."""
    after = doc[end] if end < len(doc) else None
    before = doc[start - 1] if start > 0 else None
    return ((after is not None and after.text[:1].isupper() and after.is_alpha and not after.is_sent_start)
            or (before is not None and before.text[:1].isupper() and before.is_alpha and not before.is_sent_start and not doc[start].is_sent_start))


_CAP = re.compile(r"^[A-Z][\w'’.-]*$")
SENTENCE_OPENERS = frozenset({"The", "A", "An", "In", "On", "At", "But", "And", "Or", "If", "As", "He", "She", "It", "They", "We", "I", "This",
         "That", "These", "Those", "His", "Her", "Their", "Its", "Our", "When", "While", "After", "Before", "Since", "For",
         "According", "Meanwhile", "However", "Mr", "Mr.", "Mrs.", "Ms.", "Dr."})
_JOINERS = ("al", "bin", "of", "-")  # words inside a name ("Abu Bakr al Baghdadi", "Bank of England")


def _capitalized(orth: str) -> bool:
    return _CAP.match(orth) is not None


def candidates(doc: Doc) -> list[tuple[int, int, str]]:
    """Capitalized runs outside any entity, for a curator to consider; sentence-initial function words are skipped.
    The word tests are a lexeme flag and token arrays: only the few capitalized tokens are visited in Python."""
    if not len(doc):
        return []
    text = text_of(doc)
    arr = doc.to_array([_getter_flag(doc.vocab, _capitalized), IS_STOP, ENT_IOB, IDX, LENGTH, SPACY, SENT_START, ORTH])
    outside = (arr[:, 2] != 1) & (arr[:, 2] != 3)
    capitalized = (arr[:, 0] == 1) & (arr[:, 1] == 0) & outside
    joiner = numpy.isin(arr[:, 7], _joiner_hashes()) & (arr[:, 5] == 1)  # followed by a space
    starts, ends = arr[:, 3].tolist(), (arr[:, 3] + arr[:, 4]).tolist()
    sent_start = arr[:, 6].tolist()
    cap = capitalized.tolist()
    out: list[tuple[int, int, str]] = []
    for run in _runs(numpy.flatnonzero(capitalized | joiner).tolist(), cap):
        while run and text[starts[run[0]] : ends[run[0]]] in SENTENCE_OPENERS:
            run = run[1:]
        if run and not (len(run) == 1 and (run[0] == 0 or sent_start[run[0]] == 1)):
            out.append((starts[run[0]], ends[run[-1]], text[starts[run[0]] : ends[run[-1]]]))
    return out


def _runs(indices: list[int], cap: list[bool]) -> Iterator[list[int]]:
    """The runs of consecutive token indices (capitalized words or joiners) that a capitalized word
    opens: a token between that is neither ends a run, and a joiner with no run before it opens none."""
    run: list[int] = []
    last = -2
    for i in indices:
        if i != last + 1 and run:
            yield run
            run = []
        last = i
        if cap[i] or run:
            run.append(i)
    if run:
        yield run


@lru_cache(maxsize=1)
def _joiner_hashes() -> numpy.ndarray:
    return numpy.array([hash_string(w) for w in _JOINERS], dtype=numpy.uint64)


def unique_candidates(found: Iterable[tuple[int, int, str]]) -> list[str]:
    return sorted({text for _, _, text in found if len(text) > 2})
