"""Resolve each quote's speaker (and addressee) mention to a registry id, or propose a new entry.

In order of the text, keeping a history of the speakers already resolved:
1. a registry name inside the mention (PERSON before ORG before GPE/NORP);
2. a surname or short form that ends a registry person's name;
3. a pronoun: he/she/I -> the last person, it -> the last organization or
   document, they/we -> the last group or organization (Q20, Q22);
4. a description ("the official", "the report") -> the last speaker whose
   mention ends in the same head word; otherwise a new anonymous or document
   entry for this article (Q24, Q25);
5. an unknown capitalized name -> a new entry proposed for the registry.
Bare quotes take the speaker of the attribution they depend on (Q31).
Proposed entries are marked as machine-made in their description.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from taq_news.annotations.registry import SPEAKER_KINDS, Entity, qualified_id, slug
from taq_news.preannotate.entities import SENTENCE_OPENERS, Mention
from taq_news.preannotate.metadata import NEWS_HEADS, name_words
from taq_news.preannotate.quotes import DETERMINERS, PRONOUNS, QuoteDraft

PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
KIND_OF_LABEL = {"PERSON": "person", "ORG": "organization", "GPE": "organization", "NORP": "group"}
# Heads that stand for the organization that modifies them ("the Taliban government": the Taliban).
RULER_HEADS = {"government", "regime", "administration", "leadership", "movement", "authorities"}
DOCUMENT_HEADS = {"report", "statement", "poster", "document", "letter", "study", "assessment", "memo", "agreement", "deal", "survey"}


ROLE_NOUNS = {
    "official", "officials", "minister", "chief", "commander", "spokesman", "spokeswoman", "spokesperson", "general",
    "president", "director", "secretary", "ambassador", "envoy", "senator", "governor", "officer", "leader", "adviser",
    "advisor", "analyst", "expert", "fellow", "researcher", "member", "soldier", "source", "sources", "diplomat",
    "spokespersons", "spokesmen", "staff", "head", "deputy", "mayor", "lawmaker", "representative", "negotiator",
}


# Words that make a capitalized run an organization, a place, an event or a work, not a person's name.
NOT_PERSON_WORDS = frozenset({
    "forum", "institute", "council", "ministry", "office", "team", "mission", "agency", "university", "center", "centre",
    "committee", "party", "group", "foundation", "association", "department", "command", "force", "forces", "army", "court",
    "assembly", "conference", "summit", "report", "review", "times", "post", "news", "herald", "gazette", "press", "wire",
    "radio", "television", "network", "service", "bank", "fund", "union", "nations", "states", "republic", "emirate",
    "province", "valley", "city", "street", "road", "river", "agreement", "accord", "act", "day", "house", "hall", "school",
})
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "brig", "adm", "sen", "rep", "gov", "amb",
    "mullah", "mawlawi", "maulvi", "mawlana", "maulana", "qari", "sheikh", "haji", "hafiz", "sir", "general", "colonel",
    "major", "captain", "admiral", "senator", "president", "minister", "ambassador", "judge", "justice", "father", "imam",
})
_NAME_RUN = re.compile(r"(?:\b(?:[A-Z][a-z]+\.?|[A-Z]\.)\s+){1,4}[A-Z][a-z’'-]+\b")


def person_name(words: list[str], role_before: bool) -> str | None:
    """A person's name at the end of ``words`` (after a role noun when ``role_before``), without
    honorifics: "Taliban spokesman Qari Nadir Wahidi" -> "Nadir Wahidi". None if there is none."""
    tail: list[str] = []
    for w in reversed(words):
        bare = w.strip("’'.")
        if not bare or not bare[:1].isupper() or bare.lower() in ROLE_NOUNS or bare.isupper() and len(bare) > 1:
            break
        tail.insert(0, w.rstrip(".") if w.endswith(".") and bare.lower() in HONORIFICS else w)
    if role_before and (len(tail) == len(words) or words[len(words) - len(tail) - 1].strip("’'.,").lower() not in ROLE_NOUNS):
        return None  # no role noun right before the name: not this rule's case ("a report in CNN on Friday")
    while tail and tail[0].strip("’'.").lower() in HONORIFICS:
        tail.pop(0)
    if not tail or len(tail) > 4 or any(t.strip("’'.").lower() in DETERMINERS for t in tail):
        return None
    if len(tail) == 1 and role_before is False:
        return None  # one capitalized word after a comma is rarely a whole name
    return " ".join(t.strip("’'") for t in tail)


# Capitalized words that open a sentence or a label, never part of the name after them.
_SENTENCE_WORDS = SENTENCE_OPENERS | {"Asked", "Speakers", "Chair", "By", "From", "With", "To", "Of", "Opening", "Closing", "Then"}


def _bare(word: str) -> str:
    return word.lower().strip("’'.,")


def _names_organization(words: Sequence[str]) -> bool:
    """A word of the run makes it an organization's or a news medium's name, not a person's
    ("Northgate Radio", "Radio Halcyon", "Kestrel Policy Institute")."""
    return any(_bare(w) in NOT_PERSON_WORDS or _bare(w) in NEWS_HEADS for w in words)


def _named_organization(words: list[str]) -> str | None:
    """The name in "the Kestrel Policy Institute" or "the Harbor Valley Times": capitalized words
    after "the", ending in a word that names an organization or a news medium. The article is
    dropped (E14), but for a capital "The" before a news medium's name, which may be its own
    ("The Herald"); before any other name it only opens the sentence."""
    if not 2 <= len(words) <= 6 or words[0].lower() != "the":
        return None
    rest = words[1:]
    last = _bare(rest[-1])
    if last not in NOT_PERSON_WORDS and last not in NEWS_HEADS:
        return None
    if not rest[0][:1].isupper() or not name_words(rest):
        return None
    return " ".join(words if words[0] == "The" and last in NEWS_HEADS else rest)


def _singular(name: str) -> bool:
    words = name.split(",")[0].split()
    return bool(words) and not words[-1].lower().endswith("s")


def _head_noun(words: list[str]) -> str:
    """The phrase's head when it is a common noun: the last role or document noun, else the last lower-case word."""
    low = [w.lower().strip("’'.") for w in words]
    for w in reversed(low):
        if w in ROLE_NOUNS or w in DOCUMENT_HEADS:
            return w
    return low[-1] if low and words[-1].islower() else ""


@dataclass
class Resolved:
    entity: str
    name: str
    kind: str
    label: str | None


@dataclass(frozen=True)
class MentionIndex:
    """An article's mentions in text order, with their starts, for the few a speaker phrase holds."""

    mentions: tuple[Mention, ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, mentions: Iterable[Mention]) -> MentionIndex:
        ordered = tuple(sorted(mentions, key=lambda m: m.start))  # doc.ents order already: a linear pass
        return cls(ordered, tuple(m.start for m in ordered))

    def starting_in(self, a: int, b: int) -> tuple[Mention, ...]:
        """The mentions that start in [a, b)."""
        return self.mentions[bisect_left(self.starts, a) : bisect_left(self.starts, b)]


class SpeakerResolver:
    """``page_outlet``: the outlet the page names, newly proposed: a speaker of that name is it.
    ``qualify``: proposed ids carry a digest of what they propose (``qualified_id``), for
    articles annotated apart."""

    def __init__(self, registry: dict[str, Entity], doc_id: str, page_outlet: Entity | None = None, qualify: bool = False):
        self.registry = registry
        self.page_outlet = page_outlet
        self.outlet_key = slug(page_outlet.name) if page_outlet is not None else None
        self.qualify = qualify
        head = doc_id.split("_")[0]
        # The corpus's serial number ("doc-002-...") is unique; a collection's 3 hex digits are not, so its whole id is used.
        self.doc_prefix = f"doc-{head}" if head.isdigit() else f"doc-{doc_id.replace('_', '-')}"
        self.history: list[Resolved] = []
        self.proposed: dict[str, Resolved] = {}
        self.persons = [e for e in sorted(registry.values(), key=lambda e: e.id) if e.kind == "person"]  # sorted once, not per speaker

    def _known(self, eid: str) -> Resolved:
        e = self.registry[eid]
        return Resolved(e.id, e.name, e.kind, e.label)

    def _propose(self, eid: str, name: str, kind: str, label: str | None) -> Resolved:
        if self.page_outlet is not None and eid == self.outlet_key:
            o = self.page_outlet
            return Resolved(o.id, o.name, o.kind, o.label)
        if eid in self.registry and self.registry[eid].kind in SPEAKER_KINDS:
            return self._known(eid)
        if eid in self.registry:  # the words name a place or a thing, which cannot speak: an unnamed source of this document
            eid, kind, label = f"{self.doc_prefix}-{eid}", "anonymous", None
        if self.qualify:
            eid = qualified_id(eid, name, kind, label)
        r = self.proposed.setdefault(eid, Resolved(eid, name, kind, label))
        return r

    def resolve(self, text: str, span: tuple[int, int] | None, index: MentionIndex, before: int | None = None) -> Resolved | None:
        if span is None:
            return None
        a, b = span
        head_text = text[a:b].split(",")[0].strip()
        head_end = a + len(text[a:b].split(",")[0].rstrip())
        words = head_text.split()
        head = _head_noun(words)
        local = index.starting_in(a, head_end)
        named = self._named_person(text[a:b], head_text, words, local, a, head_end)
        if named is not None:
            return named
        inside = [m for m in local if a <= m.start and m.end <= head_end and m.entity and m.label in PRIORITY
                  and m.entity in self.registry and self.registry[m.entity].kind in SPEAKER_KINDS]
        # A name is the speaker only when it heads the phrase ("U.S. General John Campbell"),
        # not when it modifies a noun ("a United Nations report", "Taliban spokespersons").
        named_head = [m for m in inside if m.end >= head_end - 1 or not head or (head in RULER_HEADS and m.label == "ORG")]
        if named_head:
            best = min(named_head, key=lambda m: (PRIORITY[m.label], m.start))
            assert best.entity is not None  # inside keeps registry mentions only
            return self._known(best.entity)
        low = head_text.lower()
        if low in PRONOUNS:
            return self._pronoun(low, head_text, text[:a], index.mentions)
        if words and words[-1][:1].isupper() and words[0].lower() not in DETERMINERS and not head:
            last = words[-1].strip("’'s")
            for e in self.persons:
                if e.name.split() and e.name.split()[-1] == last:
                    return self._known(e.id)
            if len(words) == 1:
                full = self._introduced_name(text[:a], last)
                if full is not None:  # "Temmerman said", after "Saskia Temmerman, Associate Professor"
                    return self._person(full)
            caps = [w for w in words if w[:1].isupper()]
            if 2 <= len(caps) <= 4 and len(caps) == len(words) and not _names_organization(words):
                name = person_name(words, role_before=False) or head_text  # "Gen. Ruth Calloway" -> "Ruth Calloway"
                return self._person(name)
            return self._organization(head_text)
        organization = _named_organization(words)
        if organization is not None:  # "the Kestrel Policy Institute said": a name behind its article
            return self._organization(organization)
        head = head or (words[-1].lower() if words else "")
        for r in reversed(self.history):
            if head and (head in r.name.lower().split() or head in r.entity.split("-")):
                return r
        if head in ROLE_NOUNS and not head.endswith("s") and before is not None:
            person = self._introduced_as(text, head, index.mentions, before)
            if person is not None:
                return person
        kind = "document" if head in DOCUMENT_HEADS else "anonymous"
        return self._propose(f"{self.doc_prefix}-{slug(head_text)}", head_text, kind, None)

    def _pronoun(self, low: str, shown: str, before: str, mentions: Sequence[Mention]) -> Resolved:
        kind = PRONOUNS[low]
        for r in reversed(self.history):
            if kind == "person" and (r.kind == "person" or (r.kind == "anonymous" and _singular(r.name))):
                return r
            if kind == "organization" and r.kind in ("organization", "document", "outlet"):
                return r
            if kind == "group" and (r.kind in ("organization",) or (r.kind == "anonymous" and not _singular(r.name))):
                return r
        if kind == "person" and low in ("he", "she"):
            # No speaker yet: the last person the text has named ("Inamullah Sarwari ... He said").
            person = self._last_named(before, mentions)
            if person is not None:
                return person
        return self._propose(f"{self.doc_prefix}-unresolved-{low}", f"unresolved '{shown}'", "anonymous", None)

    def _organization(self, name: str) -> Resolved:
        """A named organization; a news medium's name ("Northgate Radio") makes it an outlet (Q29)."""
        outlet = any(_bare(w) in NEWS_HEADS for w in name.split())  # "Radio Halcyon International"
        return self._propose(slug(name), name, "outlet" if outlet else "organization", "ORG")

    def _person(self, name: str) -> Resolved:
        """A person by name: a registry entry whose name or alias it is, or whose surname it ends
        in; else an earlier person of this article with that surname; else a proposed entry."""
        for e in self.persons:
            if e.name == name or name in e.aliases:
                return self._known(e.id)
        last = name.split()[-1]
        for e in self.persons:
            if e.name.split() and e.name.split()[-1] == last and (len(name.split()) == 1 or e.name.endswith(name)):
                return self._known(e.id)
        for r in [*reversed(self.history), *self.proposed.values()]:
            if r.kind == "person" and r.name.split()[-1] == last:
                return r
        return self._propose(slug(name), name, "person", "PERSON")

    def _named_person(self, mention: str, head_text: str, words: list[str], mentions: Sequence[Mention], a: int, head_end: int) -> Resolved | None:
        """The named person a speaker phrase gives, when it names one beside its role (Q19):
        "Taliban spokesman Nadir Wahidi", "Gen. Ruth Calloway, the head of ...", "A senior
        official, Abdul Saqib". A registry name heading the phrase is left to the caller."""
        if any(m.entity and a <= m.start and m.end <= head_end and m.label == "PERSON" for m in mentions):
            return None  # a registry person: the caller's rule 1
        parts = [p.strip() for p in mention.split(",")]
        name = person_name(words, role_before=True)
        if name is None and len(parts) > 1 and _head_noun(words) in ROLE_NOUNS:
            appositive = parts[1].split()
            whole = person_name(appositive, role_before=False)
            # "A Pakistani spokeswoman, Saira Durrani": the appositive is the name, all of it
            if whole is not None and all(w.strip("’'.")[:1].isupper() for w in appositive):
                name = whole
        return self._person(name) if name else None

    def _introduced_name(self, before: str, surname: str) -> str | None:
        """The last person's name in ``before`` that ends in ``surname``, of two to four words on
        one line ("Saskia Temmerman" for "Temmerman"), or None."""
        if not surname[:1].isupper() or len(surname) < 2:
            return None
        for m in reversed(list(re.finditer(rf"(?<![\w’'-])((?:[A-Z][a-z’'-]+\.?[ \u00a0]){{1,3}}){re.escape(surname)}(?![\w-])", before))):
            words = m.group(0).split()
            name = person_name(words, role_before=False)
            if name is not None and len(name.split()) >= 2 and not _names_organization(name.split()) and not any(w in _SENTENCE_WORDS for w in name.split()):
                return name
        return None

    def _last_named(self, before: str, mentions: Sequence[Mention]) -> Resolved | None:
        """The last run of two to four capitalized words in ``before`` that is a person's name
        (not a registry place, organization or group), as a person."""
        for m in reversed(list(_NAME_RUN.finditer(before))):
            words = m.group(0).split()
            name = person_name(words, role_before=False)
            if name is None or len(name.split()) < 2 or any(w.lower() in NOT_PERSON_WORDS for w in name.split()):
                continue
            start = m.start()
            if any(x.start <= start < x.end and x.entity and self.registry.get(x.entity, None) is not None and self.registry[x.entity].kind != "person" for x in mentions):
                continue
            return self._person(name)
        return None

    def _introduced_as(self, text: str, head: str, mentions: Sequence[Mention], before: int) -> Resolved | None:
        """The last named person before ``before`` introduced with this role ("Jeff Buchanan, deputy chief of staff").

        The role is looked for next to the mention (the words up to the previous and next
        comma or full stop) and in the registry entry's description.
        """
        # the last one before, else the first one soon after (a lede often names its source later)
        earlier = sorted((m for m in mentions if m.end <= before and m.label == "PERSON" and m.entity in self.registry), key=lambda m: -m.start)
        later = sorted((m for m in mentions if before < m.start < before + 1500 and m.label == "PERSON" and m.entity in self.registry), key=lambda m: m.start)
        for m in earlier + later:
            assert m.entity is not None  # both keep registry mentions only
            title = " ".join(re.split(r"[,.;:\n]", text[max(0, m.start - 80) : m.start])[-1].split()[-4:])
            after = text[m.end : m.end + 120]
            appositive = re.split(r"[,.;:\n]", after[1:])[0] if after.startswith(",") else ""
            context = (title + " " + appositive).lower()  # "Defense Minister X", "X, deputy chief of staff,"
            description = (self.registry[m.entity].description or "").lower()
            if re.search(rf"\b{re.escape(head)}\b", context) or re.search(rf"\b{re.escape(head)}\b", description):
                return self._known(m.entity)
        return None

    def resolve_all(self, text: str, quotes: list[QuoteDraft], mentions: list[Mention]) -> None:
        index = MentionIndex.of(mentions)
        for q in quotes:
            if q.speaker is None and q.speaker_of is not None and q.speaker_of.resolved:
                q.resolved["speaker"] = q.speaker_of.resolved["speaker"]
            else:
                r = self.resolve(text, q.speaker, index, before=q.content[0][0])
                if r is None:
                    r = self.history[-1] if self.history else self._propose(f"{self.doc_prefix}-unknown-speaker", "unknown speaker", "anonymous", None)
                q.resolved["speaker"] = r
            self.history.append(q.resolved["speaker"])
            if q.addressee is not None:
                r = self.resolve(text, q.addressee, index)
                q.resolved["addressee"] = r
                if r is None:
                    q.addressee = None


NAMED_KINDS = ("person", "organization", "outlet")  # what a proposal names; not an unnamed source or a document


def _is_name(r: Resolved) -> bool:
    """A proposal sure enough to mark its name's other mentions: a person's name of two words or
    more, an outlet's, or an organization's with a word that makes it one. A lone capitalized word
    ("Wahidi said") or a phrase the rules could not read is left to the curator."""
    words = r.name.split()
    if r.kind not in NAMED_KINDS or r.label is None or not words or not name_words(words):
        return False
    if r.kind == "person":
        return len(words) >= 2
    return r.kind == "outlet" or _names_organization(words)


def named_mentions(text: str, named: Iterable[Resolved], found: Sequence[Mention]) -> list[Mention]:
    """``found`` with every whole-word occurrence of a name the speaker rules proposed (or the
    page's outlet) that no mention covers: "Samir Haidari" is a person's name wherever the text
    prints it, not only where he is quoted. A model's unlinked mention of exactly that span and
    label is linked to the entry. In text order."""
    by_span = {(m.start, m.end): m for m in found}
    starts = sorted(by_span)
    ends = [b for _, b in starts]
    heads = [a for a, _ in starts]
    added: list[Mention] = []
    for r in sorted(named, key=lambda r: (-len(r.name), r.entity)):  # the longer name first: "Kestrel Policy Institute" before "Kestrel"
        label = r.label if _is_name(r) else None
        if label is None:
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(r.name)}(?![\w-])", text):
            a, b = m.span()
            same = by_span.get((a, b))
            if same is not None:
                if same.entity is None and same.label == label and same.origin == "model":
                    by_span[(a, b)] = Mention(a, b, same.text, same.label, r.entity, same.origin)
                continue
            i = bisect_left(heads, b)  # mentions do not overlap: only the last one starting before b can reach past a
            if (i > 0 and ends[i - 1] > a) or any(n.start < b and a < n.end for n in added):
                continue
            added.append(Mention(a, b, text[a:b], label, r.entity, "speaker"))
    return sorted([*by_span.values(), *added], key=lambda m: (m.start, m.end))


def proposed_entity(r: Resolved, doc_id: str) -> Entity:
    return Entity(r.entity, r.name, r.label, r.kind, (), None, None, f"proposed by taq-news preannotate from {doc_id}; check and complete", None)
