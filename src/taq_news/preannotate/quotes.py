"""Pre-annotation of quotes: content, cue, speaker (as written and resolved) and addressee.

Rules on a spaCy ``Doc`` (tokens and sentences from spaCy; a blank English
pipeline is enough, a statistical one is used when the caller passes it):

1. Units. spaCy's sentences, merged where a quotation runs across a sentence
   end, so "“The US violated the accord. Now ...,” he said." is one unit.
2. Cues. Reporting verbs (``cues.SPEECH_VERBS``, with auxiliaries and the
   adverbs between them, Q14) and "according to"; a verb form right after a
   determiner is a noun ("the report") and no cue.
3. Content, by where the cue stands (Q13):
   - after a quotation (“...,” X said / said X): the quotation, ``direct``;
   - before a quotation (X said: “...”): the quotation, ``direct``;
   - before a clause (X said [that] ...): the clause up to the unit's end or the
     next attribution, ``mixed`` if it holds quoted words, else ``indirect``;
   - after a clause (..., X said.): the clause before the comma;
   - "according to X, ..." and "..., according to X".
4. A unit that is only quoted words and has no cue continues the direct quote
   just before it in the same or the previous paragraph (Q30, Q31); otherwise
   it is a bare quote of the last named speaker.
5. Quoted passages that no quote takes are returned as non-quotes (scare
   quotes by default), so the draft accounts for every quotation mark.

Nothing here raises on odd input: unclosed or unbalanced marks come from
``quote_marks.find_passages``, which closes them at the paragraph end.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import overload

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, LOWER, ORTH, SENT_START
from spacy.strings import hash_string  # type: ignore[attr-defined]  # a Cython function the stubs omit
from spacy.tokens import Doc, Token

from taq_news.core.quote_marks import SIGNATURE_DASHES, Passage, find_passages, rstrip_end
from taq_news.core.tokens import text_of
from taq_news.preannotate.cues import (
    ADVERBS,
    AUXILIARIES,
    LIGHT_NOUNS,
    LIGHT_VERBS,
    NOUN_LIKE,
    OBJECT_VERBS,
    cue_forms,
    is_addressee_verb,
)

DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your", "one", "another", "some", "any"})
PRONOUNS = {"he": "person", "she": "person", "i": "person", "we": "group", "they": "group", "it": "organization", "who": "person", "which": "organization"}
# Words that end a speaker phrase when it is read leftwards from the cue.
LEFT_STOP = frozenset({
    "that", "which", "who", "whom", "whose", "and", "but", "or", "while", "as", "when", "after", "before", "because",
    "since", "if", "although", "though", "where", "so", "than", "to", "in", "on", "at", "by", "for", "with", "from",
    "about", "into", "over", "under", "during", "also", "has", "have", "had", "was", "were", "is", "are", "said",
    "says", "there", "here", "not", "what", "how", "why", "per", "against", "between", "through", "without",
})
# Words that end a speaker phrase read rightwards from the cue ("said one soldier, who ...").
RIGHT_STOP = frozenset({
    "who", "which", "that", "in", "on", "at", "during", "while", "when", "after", "before", "to", "adding", "as",
    "according", "last", "this", "told", "said", "and", "but", "with", "from", "via", "through", "citing",
})
# Words that open a phrase which may stand between a cue and its "that" ("said in a statement that").
SKIPPABLE = frozenset({
    "in", "on", "at", "during", "via", "through", "after", "before", "last", "earlier", "this", "late",
    "again", "repeatedly", "publicly", "privately", "recently", "previously", "today", "yesterday",
    "tuesday", "monday", "wednesday", "thursday", "friday", "saturday", "sunday",
})
CLOSE_MARKS = ("”", '"', "’", "''")
OPEN_MARKS = ("“", '"', "‘", "''", "``")


@dataclass
class QuoteDraft:
    type: str
    content: list[tuple[int, int]]
    cue: tuple[int, int] | None
    speaker: tuple[int, int] | None
    addressee: tuple[int, int] | None = None
    speaker_of: "QuoteDraft | None" = None  # bare quotes: whose attribution they depend on
    rule: str = ""
    resolved: dict = field(default_factory=dict)  # filled by speakers.resolve


_NEWLINE = re.compile("\n")
_ASKED = tuple(end + mark for end in "?!" for mark in ("”", '"', "’", "''"))


@dataclass(frozen=True)
class Unit:
    start: int  # token index
    end: int
    paragraph: int


def _units(doc: Doc, passages: list[Passage]) -> list[Unit]:
    text_ = text_of(doc)
    opens = {p.start for p in passages}
    bounds: list[list[int]] = []
    # one pass (doc.sents re-checks the whole doc per sentence); a paragraph break always ends a sentence
    # Token attributes as arrays, and sentence starts found with numpy: a Python pass over every
    # token costs more than the rest of the rule.
    arr = doc.to_array([SENT_START, IS_SPACE, IDX, LENGTH])
    idx, space, ends = arr[:, 2].tolist(), arr[:, 1].tolist(), (arr[:, 2] + arr[:, 3]).tolist()
    newlines = numpy.fromiter((m.start() for m in _NEWLINE.finditer(text_)), dtype=numpy.int64)
    holder = numpy.searchsorted(arr[:, 2], newlines, side="right") - 1  # the token each newline is in
    after_break = holder[(holder >= 0) & (arr[holder, 1] == 1) if len(holder) else holder >= 0] + 1
    sentence = numpy.flatnonzero(arr[:, 0] == 1)
    starts = sorted({0, *sentence[sentence >= 1].tolist(), *after_break[after_break < len(arr)].tolist()}) if doc else [0]
    for a, b in zip(starts, starts[1:] + [len(doc)], strict=True):  # equal lengths by construction
        if bounds and idx[bounds[-1][1] - 1] in opens and bounds[-1][1] - 1 > bounds[-1][0]:
            # spaCy hangs an opening mark on the sentence before it: move it forward
            bounds[-1][1] -= 1
            a -= 1
        bounds.append([a, b])
    units: list[list[int]] = []
    starts = [p.start for p in passages]  # sorted by start
    for a, b in bounds:
        if units:
            boundary = idx[a]
            # a quotation that opened earlier in the unit before and runs past this boundary
            opened = passages[bisect_left(starts, idx[units[-1][0]]) : bisect_left(starts, boundary)]
            inside = any(p.closed and boundary < p.end for p in opened)
            same_par = "\n" not in text_[idx[units[-1][1] - 1] : boundary]
            # '“... the results?” he said.': spaCy ends a sentence at the question mark, but the
            # quote's attribution after the closing mark continues it ("he said", "Mr. Roe asked")
            attribution = text_[max(0, boundary - 8) : boundary].rstrip().endswith(_ASKED) and _attribution_opens(doc, a, b)
            if (inside or attribution) and same_par:
                units[-1][1] = b
                continue
        units.append([a, b])
    out, paragraph, last_end = [], 0, 0
    for a, b in units:
        # strip whitespace tokens at the edges (paragraph breaks)
        while a < b and space[a]:
            a += 1
        while b > a and space[b - 1]:
            b -= 1
        if a >= b:
            continue
        if "\n" in text_[last_end : idx[a]]:
            paragraph += 1
        last_end = ends[b - 1]
        out.append(Unit(a, b, paragraph))
    return out


def _attribution_opens(doc: Doc, a: int, b: int) -> bool:
    """The sentence spaCy starts after '?”' is the quote's attribution: it opens in lower case
    ("he said") or with a short name and a speech verb ("Mr. Trump asked", "Hannity pressed")."""
    first = doc[a]
    if first.text[:1].islower():
        return True
    j = a
    while j < b and j - a < 4 and (doc[j].is_title or doc[j].is_upper or doc[j].lower_ in ("mr.", "mrs.", "ms.", "dr.")) and not doc[j].is_punct:
        j += 1
    return a < j < b and doc[j].lower_ in cue_forms() and doc[j].lower_ not in NOUN_LIKE


def _is_cue(doc: Doc, i: int) -> bool:
    tok = doc[i]
    low = tok.lower_
    if low not in cue_forms():
        return False
    prev = doc[i - 1].lower_ if i > 0 else ""
    nxt = doc[i + 1].text if i + 1 < len(doc) else ""
    if prev in ("to", "worth", "not"):
        return False  # "to threaten", "worth mentioning": no act reported here
    if nxt.lower() in ("himself", "herself", "themselves", "itself"):
        return False  # "identified himself as": no content reported
    if tok.is_title and i > 0 and low in ("state", "states", "report", "reports", "note", "notes"):
        return False  # "Islamic State", "United States"
    if low not in NOUN_LIKE:
        return not (prev in DETERMINERS or doc[i - 1].text in ("’s", "'s") if i > 0 else False)
    # forms that are nouns as often as verbs ("report", "claims", "notes")
    if prev in DETERMINERS or (i > 0 and doc[i - 1].text in ("’s", "'s")):
        return False  # "the report", "Monday's report"
    if prev in ("of", "in", "for", "with", "and", "on", "by", "up", "about", "over", "amid", "despite", "against", "such", "new", "recent", "earlier", "similar"):
        return False  # "in a report", "backing up claims that" (Q5)
    after_quote = i > 0 and (doc[i - 1].text in CLOSE_MARKS or (doc[i - 1].text == "," and i > 1 and doc[i - 2].text in CLOSE_MARKS))
    if after_quote or prev in AUXILIARIES or prev in PRONOUNS:
        return True  # “...,” reports CNN; "has noted"; "he notes"
    complement = nxt.lower() == "that" or nxt in (":", ",") or nxt in OPEN_MARKS
    if not complement:
        return False  # "the United Nations report said": a noun unless a complement follows
    return not (i > 0 and (doc[i - 1].is_title or doc[i - 1].is_upper) and not doc[i - 1].is_sent_start and nxt in (",",))


def _cue_span(doc: Doc, i: int, floor: int) -> tuple[int, int]:
    """Token range of the verb group: auxiliaries and the adverbs between them and the verb (Q14)."""
    start = i
    j = i - 1
    while j >= floor and (doc[j].lower_ in ADVERBS or (doc[j].lower_.endswith("ly") and doc[j].is_lower)):
        j -= 1
    if j >= floor and doc[j].lower_ in AUXILIARIES:
        while j >= floor and (doc[j].lower_ in AUXILIARIES or doc[j].lower_ in ADVERBS):
            j -= 1
        start = j + 1
        while doc[start].lower_ in ADVERBS:  # adverbs before the first auxiliary stay out
            start += 1
    end = i + 1
    if end < len(doc) and doc[end].lower_ in ("out",) and doc[i].lower_.startswith("point"):
        end += 1
    if end < len(doc) and doc[end].lower_ == "to" and cue_forms().get(doc[i].lower_) == "refer":
        end += 1  # "has referred to"
    return start, end


def _skip_left_adverbs(doc: Doc, j: int, floor: int) -> int:
    while j >= floor and (doc[j].lower_ in ADVERBS or (doc[j].lower_.endswith("ly") and doc[j].is_lower and len(doc[j]) > 3)):
        j -= 1
    return j


# Words that make a noun phrase a time, not an agent ("on Wednesday", "in June", "last week").
TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
    "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "today", "yesterday", "tonight", "week", "weeks", "month", "months",
    "year", "years", "day", "days", "morning", "afternoon", "evening", "night", "weekend", "time", "hours", "minutes",
})
# Prepositions that open a modifier of the speaker's noun ("a commander from Helmand", "officials in Kabul").
PP_HEADS = frozenset({"in", "on", "at", "from", "for", "of", "near", "across", "inside", "outside", "within", "throughout", "between", "during", "since", "with"})
SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "it"})
PERSON_SUBJECTS = SUBJECT_PRONOUNS - {"it"}  # pronouns that can open a speaker's clause ("it" rarely speaks)


def _is_time(doc: Doc, start: int, end: int) -> bool:
    """A phrase that says when: its words are time words, numbers and determiners only."""
    words = [t for t in doc[start:end] if not t.is_punct]
    return bool(words) and any(t.lower_ in TIME_WORDS for t in words) and all(
        t.lower_ in TIME_WORDS or t.like_num or t.lower_ in DETERMINERS or t.lower_ in ("last", "next", "early", "late", "earlier", "later", "and", "the") for t in words)


def _left_np(doc: Doc, cue_start: int, floor: int) -> tuple[int, int] | None:
    """The speaker phrase read leftwards from the cue: a noun phrase with its modifiers ("a
    commander from Helmand"), never a time ("on Wednesday") nor a clause."""
    np = _left_np_core(doc, cue_start, floor)
    for _ in range(3):  # a noun phrase that is the object of a preposition modifies the one before it
        if np is None or np[0] - 1 <= floor or doc[np[0] - 1].lower_ not in PP_HEADS:
            break
        time = _is_time(doc, np[0], np[1])
        before = _left_np_core(doc, np[0] - 1, floor)
        if before is None or before[1] != np[0] - 1 or _is_time(doc, *before):
            return None if time else np  # "in June said": no speaker here, rather than a month
        np = before if time else (before[0], np[1])  # "The Taliban on Wednesday" -> "The Taliban"; "officials in Kabul" whole
    if np is not None and _is_time(doc, *np):
        return None
    return np


def _left_np_core(doc: Doc, cue_start: int, floor: int) -> tuple[int, int] | None:
    j = _skip_left_adverbs(doc, cue_start - 1, floor)
    if j >= floor and doc[j].lower_ in SUBJECT_PRONOUNS:
        return j, j + 1  # "In a post on social media he said": a pronoun is a noun phrase by itself
    if j >= floor and doc[j].lower_ in ("who", "which") and j > floor and doc[j - 1].text == ",":
        return j, j + 1  # "X, who said ...": the relative pronoun is the mention nearest the cue
    if j > floor and doc[j].text == ",":
        # "Name, a senior member of X, said": the name with its appositive (Q19)
        k = j - 1
        while k > floor and doc[k].text not in (",", ";", ":") and doc[k].text not in CLOSE_MARKS + OPEN_MARKS and j - k < 20:
            k -= 1
        if k > floor and doc[k].text == ",":
            head = _left_np(doc, k, floor)
            named = head is not None and head[1] == k and (doc[head[0]].is_title or doc[head[0]].is_upper or doc[head[0]].lower_ in DETERMINERS)
            if not named and k - 1 > floor:
                # "Name, chief executive of X, a San Francisco company, said": one more appositive
                k2 = k - 1
                while k2 > floor and doc[k2].text not in (",", ";", ":") and doc[k2].text not in CLOSE_MARKS + OPEN_MARKS and k - k2 < 20:
                    k2 -= 1
                if k2 > floor and doc[k2].text == ",":
                    outer = _left_np(doc, k2, floor)
                    if outer and outer[1] == k2 and (doc[outer[0]].is_title or doc[outer[0]].is_upper):
                        return outer[0], j
            if head and head[1] == k and (doc[head[0]].is_title or doc[head[0]].is_upper or doc[head[0]].lower_ in DETERMINERS):
                if doc[k + 1].lower_ in ("who", "which", "whose"):
                    return head  # "A shopkeeper in Asadabad, who spoke on condition ..., said": the noun phrase, not its clause
                return head[0], j
            appositive = [t for t in doc[k + 1 : j] if not t.is_punct]
            if appositive and all(t.is_title or t.is_upper for t in appositive) and len(appositive) <= 4:
                return k + 1, j  # "One of the authors ..., Ari Fleischer, said": at least the name
        return None
    end = j + 1
    while j >= floor and end - j <= 16:
        tok = doc[j]
        if (tok.is_punct and tok.text not in ("-", "’s", "'s", ".", ")")) or tok.is_space or tok.text in CLOSE_MARKS or tok.lower_ in LEFT_STOP:
            if tok.lower_ == "of" or tok.text == ",":
                break
            break
        if tok.text == ")":  # "Sen. Marco Rubio (R-Fla.) said": step over the parenthesis
            k = j - 1
            while k >= floor and doc[k].text != "(" and j - k < 8:
                k -= 1
            if k >= floor and doc[k].text == "(":
                j = k - 1
                continue
            break
        if tok.lower_ in cue_forms() and tok.lower_ not in NOUN_LIKE and j != end - 1 and tok.is_lower:
            break
        j -= 1
    start = j + 1
    # trim: a phrase read this way may start with function words or a stray comma
    while start < end and (doc[start].is_punct or doc[start].lower_ in LEFT_STOP):
        start += 1
    if start >= end:
        return None
    # keep the noun phrase at the end: from the last determiner or capitalized run
    words = [doc[k] for k in range(start, end)]
    if len(words) > 6:
        for k in range(end - 1, start - 1, -1):
            if doc[k].lower_ in DETERMINERS:
                start = k
                break
    return start, end


def _right_np(doc: Doc, i: int, limit: int) -> tuple[int, int] | None:
    while i < limit and doc[i].is_space:
        i += 1  # 'said  Chris Russell': a doubled space is a token of its own
    j = i
    while j < limit and j - i < 12:
        tok = doc[j]
        if tok.is_punct and tok.text not in ("-", "’s", "'s") or tok.is_space or tok.lower_ in RIGHT_STOP or tok.text in OPEN_MARKS:
            break
        j += 1
    if j == i:
        return None
    return i, j


def _colon_attribution(doc: Doc, text: str, unit: Unit, ua: int, ub: int, passages: list[Passage], found_cues: bool) -> QuoteDraft | None:
    """'Name: “...”' or 'Name in December 1992: ...' - a colon after a short name phrase that opens the unit."""
    colons = _colons(doc)
    at = bisect_left(colons, unit.start)
    k = colons[at] if at < len(colons) and colons[at] < min(unit.end, unit.start + 10) else None
    if k is None or k == unit.start or k + 1 >= unit.end:
        return None
    head = doc[unit.start : k]
    if not (head[0].is_title or head[0].is_upper) or any(t.text in OPEN_MARKS + CLOSE_MARKS for t in head):
        return None
    # a name phrase, maybe followed by a time ("Clinton in December 1992"); not a clause
    first = unit.start + 2 if k > unit.start + 2 and head[0].lower_ == "according" and head[1].lower_ == "to" else unit.start  # "According to X: ..."
    speaker_end = next((t.i for t in doc[first:k] if t.is_lower and t.lower_ in ("in", "on", "at", "to")), k)
    name_part = [t for t in doc[first : speaker_end] if t.is_alpha]
    if not name_part or not all(t.is_title or t.is_upper or t.lower_ in ("of", "the", "al", "bin") or (first > unit.start and t.text[0].isupper()) for t in name_part):
        return None
    time_part = [t for t in doc[speaker_end:k] if t.is_alpha and t.lower_ not in ("in", "on", "at", "to", "the")]
    if any(t.is_lower for t in time_part) or (found_cues and any(cue_forms().get(t.lower_) for t in head)):
        return None
    content = trim_content(text, doc[k + 1].idx, ub)
    if content is None:
        return None
    whole = [p for p in passages if p.start == content[0] and p.end >= content[1] - 1]
    if whole:
        return QuoteDraft("direct", [(whole[0].start, whole[0].end)], _span_chars(doc, k, k + 1), _span_chars(doc, first, speaker_end), rule="colon")
    kind = "mixed" if any(content[0] <= p.start < content[1] for p in passages) else "indirect"
    full_name = sum(1 for t in name_part if t.is_title or t.is_upper) >= 2 or any(t.ent_type_ == "PERSON" for t in name_part)
    if kind == "indirect" and not (full_name and text[content[1] : ub].strip()[:1] in (".", "!", "?") or text[content[1] - 1 : content[1]] in ("?", "!")):
        return None  # "Poll: Trump ties Clinton" - a headline label, not a quote; "Alex Seitz-Wald: She is right ..." is one
    return QuoteDraft(kind, [content], _span_chars(doc, k, k + 1), _span_chars(doc, first, speaker_end), rule="colon")


# Words that open an introductory phrase before a sentence's subject ("Hours later, Trump ...",
# "Back in 1999, Mr. Trump ...", "When asked about it, Canova ..."), beside the prepositions.
INTRO_HEADS = frozenset({
    "after", "before", "last", "earlier", "later", "when", "while", "as", "since", "although", "though", "if", "because", "once",
    "until", "here", "there", "instead", "meanwhile", "still", "now", "then", "back", "hours", "days", "minutes", "moments",
    "weeks", "months", "years", "decades", "shortly", "soon", "speaking", "asked", "appearing", "writing", "according",
    "however", "yet", "also", "separately", "previously", "today", "yesterday",
})

SUBORDINATORS = frozenset({"when", "while", "as", "although", "though", "if", "because", "since", "after", "before", "once", "until"})


def _after_intro(doc: Doc, start: int, limit: int) -> int:
    """Where a sentence's subject starts: after an opening "But"/"And" and the introductory
    phrases closed by a comma ("On Thursday, Trump ...", "Last month, when I asked him, he ...",
    "Speaking to reporters, the minister ..."). A phrase may hold commas of its own ("In a
    wide-ranging, in-prison interview ..., Lazar"): it runs on while the next word is lower-case."""
    j = start
    if j < limit and doc[j].lower_ in ("but", "and", "so", "yet"):
        j += 1
    while j < limit and (doc[j].lower_ in PP_HEADS or doc[j].lower_ in INTRO_HEADS or _time_ago(doc, j, limit)
                         or (doc[j].is_title and doc[j].lower_.endswith(("ing", "ed")) and len(doc[j]) > 4)):
        if j + 1 < limit and doc[j + 1].lower_ in PERSON_SUBJECTS:
            return j + 1  # "Then he cut into Bush, calling him ..."
        k = j + 1
        while k < limit and k - j <= 25 and not (doc[k].text == "," and k + 1 < limit and _opens_subject(doc[k + 1])):
            if doc[k].text in (";", ":"):
                return j
            k += 1
        if not (k < limit and doc[k].text == ","):
            # no comma before the cue: the cue is in the clause itself ("While Mr. Ryan is ... and wrote ...")
            return j + 1 if doc[j].lower_ in SUBORDINATORS else j
        j = k + 1
    return j


def _time_ago(doc: Doc, j: int, limit: int) -> bool:
    """ "Eight years ago," "Two days later," "A week earlier,": a short time phrase and its comma."""
    k = j + 1
    while k < limit and k - j < 4 and doc[k].text != ",":
        k += 1
    return k < limit and doc[k].text == "," and k - j >= 2 and doc[k - 1].lower_ in ("ago", "later", "earlier", "before")


def _token_span(doc: Doc, chars: tuple[int, int]) -> tuple[int, int] | None:
    span = doc.char_span(*chars, alignment_mode="expand")
    return (span.start, span.end) if span is not None else None


def _opens_subject(tok: Token) -> bool:
    """A word a subject can start with, after an introductory phrase's comma (not "in-prison" in "In a wide-ranging, in-prison interview")."""
    return not tok.is_lower or tok.lower_ in SUBJECT_PRONOUNS or tok.lower_ in DETERMINERS


def _subject(doc: Doc, start: int, limit: int) -> tuple[int, int] | None:
    """A sentence-opening name or determiner phrase: "Republican Senator Lindsey Graham", "The United Nations report"."""
    j = start
    if j < limit and doc[j].lower_ in PERSON_SUBJECTS and (j + 1 >= limit or not doc[j + 1].is_punct):
        return j, j + 1  # "Last month, when I asked him, he ... said"
    if j < limit and (doc[j].lower_ in PP_HEADS or doc[j].lower_ in INTRO_HEADS):
        return None  # "In", "Hours", "Here": an introductory phrase, never the subject
    if j < limit and doc[j].lower_ in DETERMINERS:
        j += 1
    while j < limit and doc[j].text[:1].isupper() and not doc[j].is_punct:  # "McConnell", "LeVell": capitalized, not title case
        j += 1
    if j == start + 1 and doc[start].lower_ in DETERMINERS:
        # "The departments declined ...": a determiner and a few lower-case words before the verb
        while j < limit and j - start <= 3 and doc[j].is_lower and doc[j].is_alpha and not doc[j].lower_.endswith("ed") \
                and doc[j].lower_ not in AUXILIARIES and doc[j].lower_ not in LEFT_STOP and doc[j].lower_ not in cue_forms():
            j += 1
    if j < limit and j > start and doc[j].is_lower and doc[j].lower_ in ("report", "statement", "official", "officials", "spokesman", "spokeswoman", "spokesperson", "minister",
                                                                      "agency", "ministry", "sources", "leaders", "forces", "lawmakers", "authorities", "diplomats"):
        j += 1  # a common-noun head after the name
    if j == start or (j == start + 1 and doc[start].lower_ in DETERMINERS):
        return None
    return start, j


def _inverted_speaker(doc: Doc, i: int, limit: int) -> tuple[int, int] | None:
    """The speaker after an inverted cue ("said the minister", "reported The Frontier Post"): a noun phrase, not a clause."""
    np = _right_np(doc, i, limit)
    if np is None:
        return None
    a, b = np
    first = doc[a]
    if not (first.is_title or first.is_upper or first.lower_ in DETERMINERS - {"that", "this", "these", "those"}):
        return None
    if any(t.lower_ in AUXILIARIES or t.lower_ in ("can", "cannot", "must", "shall", "won't", "can't") for t in doc[a:b]):
        return None  # "saying they cannot discuss ...": a clause
    return np


def _addressee(doc: Doc, i: int, limit: int) -> tuple[int, int] | None:
    """Who was told: a capitalized name ("The Daily Beast"), a short determiner phrase, or one plural noun."""
    np = _right_np(doc, i, limit)
    if np is None:
        return None
    a, b = np
    if doc[a].is_title or doc[a].is_upper or (doc[a].lower_ == "the" and a + 1 < b and doc[a + 1].is_title):
        j = a + 1
        while j < b and (doc[j].is_title or doc[j].is_upper or doc[j].lower_ in ("of", "the", "al", "and")):
            j += 1
        while j > a + 1 and doc[j - 1].lower_ in ("of", "the", "al", "and"):
            j -= 1
        return a, j
    if doc[a].lower_ in DETERMINERS:
        # "told the paper": only "tell" takes a noun-phrase addressee; "warned the group's ..." starts the content
        return (a, min(b, a + 2)) if a + 1 < b and cue_forms().get(doc[i - 1].lower_) == "tell" else None
    if doc[a].lower_ in ("him", "her", "them", "us", "me") or doc[a].lower_.endswith("s"):
        return a, a + 1  # "told him", "told reporters"
    return None


def _span_chars(doc: Doc, a: int, b: int) -> tuple[int, int]:
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1])


def trim_content(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Drop edge whitespace, a final full stop or comma outside the marks (or an opening bracket), and a leading "that" (Q11, Q12)."""
    while start < end and (text[start].isspace() or text[start] in ",:;—–-"):
        start += 1
    if text[start:end].lower().startswith("that ") :
        start += 5
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:—–-([{"):  # an opening bracket never ends content
        end -= 1
    return (start, end) if end - start >= 3 else None


@dataclass
class _Sentence:
    """What the quote patterns of one unit share while they run over its cues."""

    doc: Doc
    text: str
    unit: Unit
    ua: int  # the unit's character range
    ub: int
    passages: list[Passage]  # quoted passages in the unit (unclosed ones end with it)
    used: set[int]  # starts of passages taken as content, for the whole document
    quotes: list[QuoteDraft] = field(default_factory=list)

    def prev_end(self) -> int:
        """Where the unit's last quote ends (content before it is taken)."""
        return self.quotes[-1].content[-1][1] if self.quotes else self.ua

    def holds_marks(self, content: tuple[int, int]) -> bool:
        return any(content[0] <= p.start < content[1] for p in self.passages)

    def take_marks(self, content: tuple[int, int]) -> None:
        for p in self.passages:
            if content[0] <= p.start < content[1]:
                self.used.add(p.start)

    def kind(self, content: tuple[int, int]) -> str:
        return "mixed" if self.holds_marks(content) else "indirect"


@dataclass(frozen=True)
class _Cue:
    a: int  # token range of the cue
    b: int
    next_cue: int  # first token of the next cue, or the unit's end
    chars: tuple[int, int]


def find_quotes(doc: Doc) -> tuple[list[QuoteDraft], list[Passage]]:
    """Quotes in a document, and the quoted passages none of them takes (non-quotes)."""
    text = text_of(doc)
    passages = find_passages(text)
    units = _units(doc, passages)
    quotes: list[QuoteDraft] = []
    used: set[int] = set()  # passage starts taken as direct content
    signatures: set[int] = set()  # units that sign the quotation before them ("- Sanders."): no quotes of their own

    starts = [p.start for p in passages]  # find_passages returns them sorted by start

    def passages_in(a: int, b: int) -> list[Passage]:
        return passages[bisect_left(starts, a) : bisect_left(starts, b)]

    for u_index, unit in enumerate(units):
        if u_index in signatures:
            continue
        ua, ub = doc[unit.start].idx, doc[unit.end - 1].idx + len(doc[unit.end - 1])
        # an unclosed mark runs at most to the end of its sentence (guidelines 3.11)
        unit_passages = [p if p.closed or p.end <= ub else Passage(p.start, rstrip_end(text, p.start, ub), False, p.mark) for p in passages_in(ua, ub)]
        st = _Sentence(doc, text, unit, ua, ub, unit_passages, used)
        cues = _find_cues(doc, unit, unit_passages)
        colon = _colon_attribution(doc, text, unit, ua, ub, unit_passages, found_cues=bool(cues))
        if colon is not None:
            st.take_marks((colon.content[0][0], colon.content[-1][1]))
            st.quotes.append(colon)
            cues = []
        for n, (kind, a, b) in enumerate(cues):
            cue = _Cue(a, b, cues[n + 1][1] if n + 1 < len(cues) else unit.end, _span_chars(doc, a, b))
            if kind == "according":
                q = _according(doc, text, unit, a, b, cue.chars, unit_passages)
                if q:
                    st.quotes.append(q)
                continue
            _attribute(st, cue)
        if not cues and _bare_quotes(st, units, u_index, quotes):
            signatures.add(u_index + 1)
        quotes += [q for q in st.quotes if q.content and all(q.content)]
    for q in quotes:
        q.content = sorted(q.content)
    leftovers = [p for p in passages if p.start not in used and not any(a <= p.start < b for q in quotes for a, b in q.content)]
    return quotes, leftovers


@lru_cache(maxsize=1)
def _trigger_hashes() -> numpy.ndarray:
    """Hashes of the words a cue can start at (a reporting verb form, a light verb, "according"),
    as spaCy stores a token's lower-case form (its LOWER attribute)."""
    words = set(cue_forms()) | LIGHT_VERBS | {"according"}
    return numpy.array(sorted(hash_string(w) for w in words), dtype=numpy.uint64)


def _triggers(doc: Doc) -> list[int]:
    """Indices of the tokens a cue can start at, found once per Doc with numpy; the rule then
    looks only at those (most words of an article could never be a cue)."""
    found = doc.user_data.get("taq:cue-triggers")
    if found is None:
        lower = doc.to_array(LOWER) if len(doc) else numpy.zeros(0, dtype=numpy.uint64)
        hashes = _trigger_hashes()  # sorted: a binary search per token (numpy.isin sorts both arrays, three times slower here)
        at = numpy.minimum(numpy.searchsorted(hashes, lower), len(hashes) - 1)
        found = doc.user_data["taq:cue-triggers"] = numpy.flatnonzero(hashes[at] == lower).tolist()
    return found


def _colons(doc: Doc) -> list[int]:
    """Indices of the tokens that are a colon, found once per Doc (see _triggers)."""
    found = doc.user_data.get("taq:colons")
    if found is None:
        orth = doc.to_array(ORTH) if len(doc) else numpy.zeros(0, dtype=numpy.uint64)
        found = doc.user_data["taq:colons"] = numpy.flatnonzero(orth == numpy.uint64(hash_string(":"))).tolist()
    return found


def _find_cues(doc: Doc, unit: Unit, passages: list[Passage]) -> list[tuple[str, int, int]]:
    """Reporting verbs (with their auxiliaries) and "according to" outside quotation marks, in order."""
    closed = [(p.start, p.end) for p in passages if p.closed]
    triggers = _triggers(doc)
    cues = []
    k = unit.start
    for t in triggers[bisect_left(triggers, unit.start) : bisect_left(triggers, unit.end)]:
        if t < k:  # inside a cue already taken
            continue
        k = t
        at = doc[k].idx
        if any(a <= at < b for a, b in closed):  # inside quotation marks: no cue there
            continue
        low = doc[k].lower_
        if low == "according" and k + 1 < unit.end and doc[k + 1].lower_ == "to":
            cues.append(("according", k, k + 2))
            k += 2
            continue
        if low in LIGHT_VERBS and k + 1 < unit.end and doc[k + 1].lower_ in LIGHT_NOUNS and k + 2 < unit.end and doc[k + 2].lower_ == "that":
            a, _ = _cue_span(doc, k, unit.start)
            cues.append(("verb", a, k + 2))
            k += 2
            continue
        if _is_cue(doc, k):
            a, b = _cue_span(doc, k, unit.start)
            cues.append(("verb", a, b))
        k += 1
    return cues


def _attribute(st: _Sentence, cue: _Cue) -> None:
    """One verb cue's quote: the patterns in order, the first that fits wins."""
    doc, a = st.doc, cue.a
    before = [p for p in st.passages if p.end <= cue.chars[0] and p.start not in st.used]
    after = [p for p in st.passages if p.start >= cue.chars[1] and p.start not in st.used]
    if before and _quote_then_cue(st, cue, before[-1]):
        return
    addressee, c = _content_start(st, cue)
    rest_start = doc[c].idx if c < len(doc) else len(st.text)
    speaker = _left_np(doc, a, st.unit.start)
    if speaker and speaker[1] > a:
        speaker = None
    if a > st.unit.start and doc[a - 1].text == "," and doc[cue.b - 1].lower_.endswith("ing"):
        # ", saying ...": the participle's subject is the sentence's, not the noun before the comma;
        # after a quote's attribution ('“...,” he said, adding ...') it is that attribution's speaker
        earlier = [q.speaker for q in st.quotes if q.speaker is not None and q.cue is not None and q.cue[1] <= doc[a].idx]
        subject = _token_span(doc, earlier[-1]) if earlier else _subject(doc, _after_intro(doc, st.unit.start, a), a)
        if subject is not None:
            speaker = subject
    elif a > st.unit.start + 1 and doc[a - 1].lower_ in ("by", "before", "after", "without", "while") and doc[cue.b - 1].lower_.endswith("ing"):
        # "She followed that by saying ...", "He deflected questions before saying ...": the sentence's subject
        subject = _subject(doc, _after_intro(doc, st.unit.start, a - 1), a - 1)
        if subject is not None:
            speaker = subject
    if speaker is None and a > st.unit.start + 2 and doc[a - 1].lower_ in ("and", "but") and doc[a - 2].is_lower and doc[a - 2].lower_.endswith("ed"):
        speaker = _left_np(doc, a - 2, st.unit.start)  # "he laughed and told me": the subject of the verb before "and"
    if speaker is None and a > st.unit.start + 1 and doc[a - 1].lower_ in ("and", "but"):
        speaker = _subject(doc, _after_intro(doc, st.unit.start, a), a)  # "X praised Y and said ...": the sentence's subject
    if _interrupted_by_cue(st, cue, speaker):
        return
    if _cue_then_quote(st, cue, after, c, rest_start, speaker, addressee):
        return
    content, speaker = _clause_after_cue(st, cue, c, rest_start, speaker)
    if content and not _topic_only(st.text, content) and len(st.text[content[0] : content[1]].split()) >= 3 and speaker is not None:
        st.take_marks(content)
        st.quotes.append(QuoteDraft(st.kind(content), [content], cue.chars, _chars(doc, speaker), _chars(doc, addressee), rule="cue-then-clause"))
        return
    if _clause_then_cue(st, cue, speaker):
        return
    _participle(st, cue, content)


def _quote_then_cue(st: _Sentence, cue: _Cue, p: Passage) -> bool:
    """1. “...,” X said / said X (a quotation just before the cue)."""
    doc, text, a, b = st.doc, st.text, cue.a, cue.b
    gap = text[p.end : cue.chars[0]]
    gap_span = doc.char_span(p.end, cue.chars[0], alignment_mode="expand") if cue.chars[0] > p.end else None
    sentence_end = any(t.text in (".", "!", "?") for t in gap_span or [])  # "Mr." is one token, a full stop another
    if not (len(gap.split()) <= 30 and not sentence_end and not any(m in gap for m in OPEN_MARKS) and (_before_close(text, p) in ",?!—" or gap.strip().startswith((",", "—")))):
        return False
    speaker = _np_between(doc, p.end, cue.chars[0], a) or _right_np(doc, b, cue.next_cue)
    st.used.add(p.start)
    prev_end = st.prev_end()
    lead = text[prev_end : p.start]
    if any(ch.isalnum() for ch in lead) and not lead.rstrip().endswith((":", ",")):
        # reporter's words before the quoted ones: a mixed quote of the whole clause (Q8)
        clause = trim_content(text, prev_end, p.end)
        for q in st.passages:
            if clause and clause[0] <= q.start < clause[1]:
                st.used.add(q.start)
        st.quotes.append(QuoteDraft("mixed", [clause or (p.start, p.end)], cue.chars, _chars(doc, speaker), rule="clause-quote-then-cue"))
        return True
    parts = [(p.start, p.end)]
    # “...,” the commander said, “and we will win.” - one cue, two spans (Q30)
    tail_end = max(cue.chars[1], _chars(doc, speaker)[1] if speaker else 0)
    resume = [q for q in st.passages if q.start >= tail_end and q.start not in st.used and not text[tail_end : q.start].strip(" ,:")]
    # taken unless another cue comes first (next_cue is the unit's end when there is none)
    if resume:
        span = doc.char_span(resume[0].start, resume[0].end, alignment_mode="expand")
        assert span is not None  # "expand" always finds the tokens of a passage in the doc
        if cue.next_cue > span[-1].i:
            parts.append((resume[0].start, resume[0].end))
            st.used.add(resume[0].start)
    st.quotes.append(QuoteDraft("direct", parts, cue.chars, _chars(doc, speaker), rule="quote-then-cue"))
    return True


def _content_start(st: _Sentence, cue: _Cue) -> tuple[tuple[int, int] | None, int]:
    """The addressee of "told CNN", "warned reporters", and the token where the content may start."""
    doc, b, next_cue = st.doc, cue.b, cue.next_cue
    addressee = None
    c = b
    if is_addressee_verb(doc[b - 1].text):
        np = _addressee(doc, b, next_cue)
        if np:
            addressee = np
            c = np[1]
    # skip "in a statement", "on Tuesday", "— on Twitter —" before "that" / ":"
    if c < next_cue and (doc[c].lower_ == "that" or doc[c].text == ":"):
        c += 1
    elif c < next_cue and (doc[c].lower_ in SKIPPABLE or doc[c].text in ("—", "–", ",", "(")):
        for k2 in range(c, min(c + 12, next_cue)):
            if doc[k2].lower_ == "that" or doc[k2].text == ":":
                if not any(doc[m].text in OPEN_MARKS for m in range(c, k2)):
                    c = k2 + 1
                break
        else:
            # no "that": "said on Friday he met ..." - step over a short time phrase to the subject
            for k2 in range(c + 1, min(c + 5, next_cue)) if doc[c].lower_ in SKIPPABLE else ():
                if doc[k2].text in OPEN_MARKS or doc[k2].is_punct:
                    break
                if doc[k2].lower_ in PRONOUNS and doc[k2].lower_ not in ("who", "which", "it"):
                    c = k2
                    break
    return addressee, c


def _interrupted_by_cue(st: _Sentence, cue: _Cue, speaker: tuple[int, int] | None) -> bool:
    """1b. "This campaign, he says, is different": a cue set off by commas inside its content."""
    doc, text, a, b, unit = st.doc, st.text, cue.a, cue.b, st.unit
    if not (speaker and speaker[1] == a and speaker[1] - speaker[0] <= 4 and speaker[0] > unit.start and doc[speaker[0] - 1].text == ","
            and b < unit.end - 1 and doc[b].text == "," and not any(p.start < doc[b].idx < p.end for p in st.passages)):
        return False
    first = trim_content(text, st.prev_end(), doc[speaker[0] - 1].idx)
    second = trim_content(text, doc[b].idx + 1, _clause_end(doc, unit, cue.next_cue, st.ub))
    opens_quote = second is not None and any(second[0] == p.start for p in st.passages)  # "X, CNN adds, “...”": pattern 2
    if not (first and second and not opens_quote and len(text[first[0]:first[1]].split()) >= 2 and len(text[second[0]:second[1]].split()) >= 2):
        return False
    parts = [first, second]
    inside_marks = [p for p in st.passages if any(x <= p.start < y for x, y in parts)]
    whole = all(any(p.start == x and p.end >= y for p in st.passages) for x, y in parts)
    for p in inside_marks:
        st.used.add(p.start)
    st.quotes.append(QuoteDraft("direct" if whole else "mixed" if inside_marks else "indirect", parts, cue.chars, _chars(doc, speaker), rule="interrupted-by-cue"))
    return True


def _cue_then_quote(st: _Sentence, cue: _Cue, after: list[Passage], c: int, rest_start: int, speaker, addressee) -> bool:
    """2. X said: “...” (a quotation right where the content starts)."""
    doc, text, b = st.doc, st.text, cue.b
    nxt = [p for p in after if p.start >= rest_start and not text[rest_start : p.start].strip(" ,:")]
    if not nxt:
        return False
    p = nxt[0]
    clause_end = _clause_end(doc, st.unit, cue.next_cue, st.ub)
    whole = len(text[p.end : clause_end].strip(" .,")) < 3  # the quotation is all the content
    st.used.add(p.start)
    if speaker is None:
        speaker = _right_np(doc, b, cue.next_cue) if c == b else None
    speaker_chars = _chars(doc, speaker)
    if speaker is None and st.quotes and doc[b - 1].lower_.endswith("ing"):
        speaker_chars = st.quotes[-1].speaker  # "..., he said, adding, “...”": the same speaker (Q21)
    content = (p.start, p.end) if whole else trim_content(text, rest_start, clause_end)
    assert content is not None  # the clause holds the quotation and more, so it never trims to nothing
    st.quotes.append(QuoteDraft("direct" if whole else "mixed", [content], cue.chars, speaker_chars, _chars(doc, addressee), rule="cue-then-quote"))
    return True


def _clause_after_cue(st: _Sentence, cue: _Cue, c: int, rest_start: int, speaker):
    """3. X said (that) CLAUSE: the clause, or None where it reports nothing; and the
    speaker, dropped when the words after the cue are the speaker itself."""
    doc, text, b = st.doc, st.text, cue.b
    clause_end = _clause_end(doc, st.unit, cue.next_cue, st.ub)
    content = trim_content(text, rest_start, clause_end) if rest_start < clause_end else None
    if c == b and c < st.unit.end and doc[c].text == ",":
        content = None  # "X said, referring to ...": nothing reported after the cue
    inverted = _inverted_speaker(doc, b, st.unit.end) if text[max(0, cue.chars[0] - 3) : cue.chars[0]].rstrip().endswith(",") else None
    if inverted and not text[doc[inverted[1] - 1].idx + len(doc[inverted[1] - 1]) : st.ub].strip(" .,;"):
        content = None  # "..., reported The Frontier Post.": the words after the cue are its speaker
        speaker = None
    if content and cue_forms().get(doc[b - 1].lower_) in OBJECT_VERBS or (content and doc[b - 1].lower_ == "to" and b >= 2 and cue_forms().get(doc[b - 2].lower_) in OBJECT_VERBS):
        if not st.holds_marks(content) and " as " not in text[content[0] : content[1]]:
            content = None  # "referred to the period", "described the attack": a topic, no content (Q4)
    return content, speaker


def _topic_only(text: str, content: tuple[int, int]) -> bool:
    """Content that opens with a preposition names a topic ("spoke about ..."), not what was said."""
    return text[content[0] : content[1]].split(" ", 1)[0].lower() in ("on", "about", "upon", "at", "in", "for", "of", "with", "from")


def _clause_then_cue(st: _Sentence, cue: _Cue, speaker) -> bool:
    """4. CLAUSE, X said.  (never ", saying ...": a participle opens its own content)"""
    doc, text, a, b = st.doc, st.text, cue.a, cue.b
    participle = doc[b - 1].lower_.endswith("ing") and a > st.unit.start and doc[a - 1].text == ","
    sp = speaker
    if sp is None:
        inverted = _inverted_speaker(doc, b, st.unit.end)  # "..., said the minister." must reach the end
        after = text[doc[inverted[1] - 1].idx + len(doc[inverted[1] - 1]) : st.ub] if inverted else ""
        if inverted and (not after.strip(" .,;\"”’") or after.lstrip().startswith((",", "—", "("))):
            sp = inverted
    left_edge = speaker[0] if speaker else a
    prev_end = st.prev_end()
    comma = text.rfind(",", prev_end, doc[left_edge].idx)
    if not (comma > prev_end and sp and not participle):
        return False
    content = trim_content(text, prev_end, comma)
    if not (content and len(text[content[0] : content[1]].split()) >= 3):
        return False
    st.take_marks(content)
    st.quotes.append(QuoteDraft(st.kind(content), [content], cue.chars, _chars(doc, sp), rule="clause-then-cue"))
    return True


def _participle(st: _Sentence, cue: _Cue, content: tuple[int, int] | None) -> None:
    """A participle cue after a comma (", adding ..."): the speaker of the quote before,
    or else the subject that opens the sentence ("Senator X commented ..., stating ...")."""
    doc, a, b = st.doc, cue.a, cue.b
    if not st.quotes and content and doc[b - 1].lower_.endswith("ing") and a > st.unit.start and doc[a - 1].text == "," and not _cuts_a_quotation(st, content):
        subject = _subject(doc, _after_intro(doc, st.unit.start, a), a)
        if subject:
            st.quotes.append(QuoteDraft(st.kind(content), [content], cue.chars, _chars(doc, subject), rule="participle-subject"))
            return
    if st.quotes and content and doc[b - 1].lower_.endswith("ing"):
        prev = st.quotes[-1]
        direct = [p for p in st.passages if p.start == content[0] and p.end >= content[1]]
        kind = st.kind(content)
        st.take_marks(content)
        st.quotes.append(QuoteDraft("direct" if direct else kind, [(direct[0].start, direct[0].end)] if direct else [content], cue.chars, prev.speaker, rule="participle"))


def _cuts_a_quotation(st: _Sentence, content: tuple[int, int]) -> bool:
    """Content that starts or ends inside a quotation (a clause reaching into '“We built this,”')."""
    return any(p.start < content[1] and content[0] < p.end and not content[0] <= p.start < p.end <= content[1] for p in st.passages)


def _bare_quotes(st: _Sentence, units: list[Unit], u_index: int, quotes: list[QuoteDraft]) -> bool:
    """5. A unit of quoted words only: it is signed by the next unit (True), continues the direct
    quote before it, or is a bare quote."""
    only = [p for p in st.passages if p.start not in st.used]
    if not only or _outside_words(st.text[st.ua : st.ub], [(p.start - st.ua, p.end - st.ua) for p in only]):
        return False
    signed = _dash_signature(st.doc, units, u_index)
    if signed is not None:
        st.quotes.append(QuoteDraft("direct", [(p.start, p.end) for p in only], None, signed, rule="dash-signature"))
        for p in only:
            st.used.add(p.start)
        return True
    prev = quotes[-1] if quotes else None
    if prev is None:
        return False  # no speaker before it to depend on: the passages stay unclaimed (non-quotes in the draft), never unaccounted
    if prev.type == "direct" and _adjacent(units, u_index, prev, st.doc):
        prev.content += [(p.start, p.end) for p in only]
    else:
        st.quotes.append(QuoteDraft("direct", [(p.start, p.end) for p in only], None, None, speaker_of=prev.speaker_of or prev, rule="bare"))
    for p in only:
        st.used.add(p.start)
    return False


def _dash_signature(doc: Doc, units: list[Unit], u_index: int) -> tuple[int, int] | None:
    """The name in a signature line after a quotation ('"..."' then '- Senator Ann Roe, in a tweet.'),
    as characters: a unit opening with a dash and a capitalized name, at most a paragraph after the
    quotation, or a name right after a quotation that ends on a dash (a testimonial, '“...” ― Ann Roe',
    which the sentencizer splits after the dash). spaCy keeps a dash written against the name in its
    token ("-President")."""
    if u_index + 1 >= len(units):
        return None
    here, nxt = units[u_index], units[u_index + 1]
    first, last = doc[nxt.start].text, doc[here.end - 1].text
    if nxt.paragraph - here.paragraph > 1:
        return None
    if first[:1] in SIGNATURE_DASHES:
        glued = first.lstrip(SIGNATURE_DASHES)
    elif last[-1:] in SIGNATURE_DASHES and not last.strip(SIGNATURE_DASHES + "”\"’") and nxt.paragraph == here.paragraph:
        glued = first  # the sentence split after the dash: '“...” ―' then 'Sonya Herridge'
    else:
        return None
    if glued and not glued[:1].isupper():
        return None
    a = j = nxt.start if glued else nxt.start + 1
    while j < nxt.end and j - a < 6 and (doc[j].is_title or doc[j].is_upper or j == a and glued or doc[j].text in (".", "-") and j > a):
        j += 1
    while j > a and doc[j - 1].text in (".", "-"):
        j -= 1
    if j == a or not (j == nxt.end or doc[j].text in (",", ".", ";", "(")):
        return None
    start = doc[a].idx + (len(first) - len(glued) if glued else 0)
    return start, doc[j - 1].idx + len(doc[j - 1].text)


def _before_close(text: str, p: Passage) -> str:
    """The character just inside a passage's closing mark ("," in “...,”)."""
    close = 2 if text[p.end - 2 : p.end] == "''" else 1
    return text[p.end - close - 1 : p.end - close] if p.end - close - 1 >= p.start else ""


_ALNUM = re.compile(r"[^\W_]")  # exactly the characters str.isalnum accepts


def _outside_words(rest: str, spans: list[tuple[int, int]]) -> bool:
    """Any letter or digit of ``rest`` outside the spans (searched gap by gap, not character by character)."""
    pos = 0
    for a, b in sorted(spans):
        if a > pos and _ALNUM.search(rest, pos, a):
            return True
        pos = max(pos, b)
    return _ALNUM.search(rest, pos) is not None


def _adjacent(units: list[Unit], u_index: int, prev: QuoteDraft, doc: Doc) -> bool:
    """The previous unit (same or previous paragraph) ends with ``prev``'s attribution."""
    if u_index == 0:
        return False
    before = units[u_index - 1]
    if units[u_index].paragraph - before.paragraph > 1:
        return False
    b_start = doc[before.start].idx
    return prev.content[-1][1] >= b_start or (prev.cue is not None and prev.cue[0] >= b_start)


def _np_between(doc: Doc, start_char: int, end_char: int, cue_tok: int) -> tuple[int, int] | None:
    toks = [t.i for t in doc.char_span(start_char, end_char, alignment_mode="expand") or [] if not (t.is_punct or t.is_space or t.text in CLOSE_MARKS)] if end_char > start_char else []
    toks = [i for i in toks if i < cue_tok and doc[i].lower_ not in ADVERBS]
    if not toks:
        return None
    return toks[0], toks[-1] + 1


# a token range always gives a character range; only no tokens gives None
@overload
def _chars(doc: Doc, tokens: tuple[int, int]) -> tuple[int, int]: ...


@overload
def _chars(doc: Doc, tokens: tuple[int, int] | None) -> tuple[int, int] | None: ...


def _chars(doc: Doc, tokens: tuple[int, int] | None) -> tuple[int, int] | None:
    if tokens is None:
        return None
    a, b = tokens
    return _span_chars(doc, a, b)


def _clause_end(doc: Doc, unit: Unit, next_cue: int, ub: int) -> int:
    """Where a clause after a cue ends: the unit's end, or the comma before the next attribution."""
    if next_cue >= unit.end:
        return ub
    # walk back from the next cue over its speaker phrase to the comma before it
    k = next_cue - 1
    while k > unit.start and doc[k].text not in (",", ";", "—"):
        k -= 1
    return doc[k].idx if k > unit.start else ub


def _according(doc: Doc, text: str, unit: Unit, a: int, b: int, cue_chars, passages) -> QuoteDraft | None:
    ua, ub = doc[unit.start].idx, doc[unit.end - 1].idx + len(doc[unit.end - 1])
    speaker = _right_np(doc, b, unit.end)
    if speaker is None:
        return None
    if not text[ua : cue_chars[0]].strip(" ,"):
        comma = text.find(",", cue_chars[1], ub)
        if comma < 0:
            return None
        speaker = _right_np(doc, b, unit.end)
        sp_end = doc.char_span(cue_chars[1], comma, alignment_mode="contract")
        if sp_end is not None and len(sp_end):
            speaker = (sp_end.start + (1 if sp_end[0].is_space else 0), sp_end.end)
        content = trim_content(text, comma + 1, ub)
    else:
        comma = text.rfind(",", ua, cue_chars[0])
        content = trim_content(text, ua, comma if comma > ua else cue_chars[0])
    if not content:
        return None
    kind = "mixed" if any(content[0] <= p.start < content[1] for p in passages) else "indirect"
    return QuoteDraft(kind, [content], cue_chars, _chars(doc, speaker), rule="according-to")
