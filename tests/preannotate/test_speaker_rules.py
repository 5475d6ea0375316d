"""Speaker rules on sentences written for these tests (fictional people and outlets): the
mention each quote is attributed to, as `taq-news evaluate` scores it against brat gold."""

from __future__ import annotations

import itertools

import pytest

from taq_news.annotations.registry import load_registry
from taq_news.preannotate.pipeline import make_nlp
from taq_news.preannotate.quotes import find_quotes
from tests.conftest import ROOT

REGISTRY = load_registry(ROOT / "dataset/entities.yaml", "entities.yaml")
NLP = make_nlp(REGISTRY)


def attributions(text: str) -> list[tuple[str, str | None, str]]:
    """(content, speaker mention, rule) per quote; a bare quote shows its attribution's mention."""
    quotes, _ = find_quotes(NLP(text))
    out = []
    for q in quotes:
        mention = q.speaker or (q.speaker_of.speaker if q.speaker_of is not None else None)
        out.append((" / ".join(text[a:b] for a, b in q.content), text[mention[0]:mention[1]] if mention else None, q.rule))
    return out


@pytest.mark.parametrize("text, content, speaker", [
    # spaCy ends the sentence at the question mark; the attribution after it still belongs to the quote
    ("The mayor spoke first.\n\n“How will we pay for the bridge?” she asked.",
     "“How will we pay for the bridge?”", "she"),
    ("“Is anyone listening to the farmers?” Mr. Odhiambo asked.",
     "“Is anyone listening to the farmers?”", "Mr. Odhiambo"),
    ("“Not again!” Councillor Vesna Petrak said.",
     "“Not again!”", "Councillor Vesna Petrak"),
])
def test_an_attribution_after_a_question_or_exclamation_mark_is_the_quotes(text, content, speaker):
    assert (content, speaker, "quote-then-cue") in attributions(text)


def test_a_new_sentence_after_a_question_is_not_taken_for_its_attribution():
    text = "“Who will pay?” The council has not answered that question, officials said."
    assert all(speaker != "The council" for _, speaker, _ in attributions(text))


@pytest.mark.parametrize("text, speaker", [
    # introductory phrases before the subject are never the speaker
    ("Hours later, Mayor Ilse Brandt returned the favour, telling reporters, “He is a fine neighbour.”", "Mayor Ilse Brandt"),
    ("Back in 2009, Mr. Faraday praised the plan, saying, “It will pay for itself.”", "Mr. Faraday"),
    ("Here in Tamsworth, Ms. Oyelaran stepped up her campaign, saying, “We will win this county.”", "Ms. Oyelaran"),
    ("Speaking to farmers on Friday, the minister defended the tax, adding, “Nobody likes it.”", "the minister"),
    # an intro with a comma of its own, then the subject
    ("In a long, friendly interview last week, Dorota Lenz said she was ready and added, “I will run.”", "Dorota Lenz"),
    # an intro and a subordinate clause, then a pronoun subject
    ("Last month, when I asked him about the vote, he smiled and said, “I have no idea.”", "he"),
    ("Then he turned to the crowd, saying, “Go home, all of you!”", "he"),
    # the cue inside a subordinate clause: its subject is the speaker
    ("While Mr. Castellano is a critic of the deal and said, “It is a bad bargain,” he voted for it.", "Mr. Castellano"),
])
def test_the_subject_after_an_introductory_phrase_is_the_speaker(text, speaker):
    got = attributions(text)
    assert got and got[0][1] == speaker, got


def test_according_to_before_a_colon_names_the_source_not_according():
    text = "According to the Harbour Gazette: “The ferry will stop running in March.”"
    assert attributions(text) == [("“The ferry will stop running in March.”", "the Harbour Gazette", "colon")]


@pytest.mark.parametrize("text, speaker", [
    # a participle after a preposition takes the sentence's subject
    ("Ms. Adeyemi closed her speech by saying, “We are not done yet.”", "Ms. Adeyemi"),
    ("On Tuesday, Mr. McAllister deflected questions before saying, “It is time to move on.”", "Mr. McAllister"),
    # a participle after a quote's attribution takes that attribution's speaker, not the sentence's opening name
    ("Governor Ruth Abara was blunt on Monday: “We built this,” she said, adding, “And we will keep it.”", "she"),
    # a short time phrase before the subject
    ("Eight years ago, he backed the mayor and said, “She has done nothing for us.”", "he"),
])
def test_participles_and_time_phrases_find_the_speaker(text, speaker):
    got = attributions(text)
    assert got and got[-1][1] == speaker, got


def test_a_doubled_space_after_the_cue_does_not_lose_the_speaker():
    got = attributions('"The vote was never close," said  Republican strategist Ines Volkova.')
    assert got == [('"The vote was never close,"', "Republican strategist Ines Volkova", "quote-then-cue")]


@pytest.mark.parametrize("signature, speaker", [
    ("- Senator Hal Brennan.", "Senator Hal Brennan"),
    ("-Mayor Ilse Brandt, in a statement.", "Mayor Ilse Brandt"),
    ("— Ann Roe", "Ann Roe"),
])
def test_a_signature_line_after_a_quotation_names_its_speaker(signature, speaker):
    text = f"The council met again.\n\n\"We will not raise the tax this year.\"\n\n{signature}\n\nThe vote is on Friday."
    assert ('"We will not raise the tax this year."', speaker, "dash-signature") in attributions(text)


def test_a_signature_line_is_no_quote_of_its_own():
    text = "\"Great speech. She is ready.\"\n\n-Mayor Ilse Brandt, tweeting after the speech.\n\nThe vote is on Friday."
    assert attributions(text) == [('"Great speech. She is ready."', "Mayor Ilse Brandt", "dash-signature")]


def test_a_dash_line_that_is_no_name_signs_nothing():
    text = "The council met again.\n\n\"We will not raise the tax this year.\"\n\n- and that was all.\n\nThe vote is on Friday."
    assert all(rule != "dash-signature" for _, _, rule in attributions(text))


@pytest.mark.parametrize("line, speaker", [
    # a testimonial signs its quotation on the same line, with a dash or a horizontal bar
    ("“The bridge is the best thing the council has built. I drive over it every day.” ― Ilse Marten", "Ilse Marten"),
    ("“I was against the harbour tax from the start.”― Dorota K. Lenz", "Dorota K. Lenz"),
    ("“Nobody asked the fishermen. Nobody ever does.” — Tomas Heller.", "Tomas Heller"),
])
def test_a_testimonial_signed_on_its_own_line_is_its_signers_direct_quote(line, speaker):
    text = f"Lakeport residents shared their views on the new tax.\n\n{line}\n\nThe vote is on Friday."
    got = [(speaker_, rule) for _, speaker_, rule in attributions(text)]
    assert got == [(speaker, "dash-signature")]


def test_a_dash_after_a_quotation_that_no_name_follows_signs_nothing():
    text = "Residents were asked.\n\n“The tax is too high.” ― and many agreed with that.\n\nThe vote is on Friday."
    assert all(rule != "dash-signature" for _, _, rule in attributions(text))


def test_a_clause_content_never_ends_on_an_opening_bracket():
    text = "Aides said the campaign had raised more money in one month than in the whole of last year. (The figures are due on Friday.)"
    (content, speaker, _), = attributions(text)
    assert (content, speaker) == ("the campaign had raised more money in one month than in the whole of last year", "Aides")


def resolved_speakers(text: str) -> list[tuple[str, str, str | None]]:
    """(entity id, kind, label) of each quote's resolved speaker, as the draft gives them."""
    from taq_news.preannotate.draft import preannotate

    draft = preannotate("x", text, REGISTRY, NLP)
    return [(r.entity, r.kind, r.label) for q in draft.quotes if (r := q.resolved.get("speaker")) is not None]


@pytest.mark.parametrize("sentence, want", [
    # a news medium's name is an outlet, never a person, though it is two capitalized words
    ("“We will not let anyone use our soil,” Northgate Radio said, citing a commander.", ("northgate-radio", "outlet", "ORG")),
    ("“Nothing has changed,” Harbor Valley Times reported.", ("harbor-valley-times", "outlet", "ORG")),
    # other organizations' names are organizations; the article before them is the sentence's
    ("“We keep our word,” said the Kestrel Policy Institute.", ("kestrel-policy-institute", "organization", "ORG")),
    ("“The talks are over,” the Lindqvist Foundation said.", ("lindqvist-foundation", "organization", "ORG")),
    ("“No comment,” The Dunmore Herald said.", ("the-dunmore-herald", "outlet", "ORG")),  # a capital The may be the paper's own
    # a person's name stays a person's
    ("“It is over,” Amira Sato said.", ("amira-sato", "person", "PERSON")),
    # a lower-case run after "the" is no name
    ("“We will wait,” the local council said.", ("doc-x-the-local-council", "anonymous", None)),
])
def test_a_named_organization_or_outlet_is_never_taken_for_a_person(sentence, want):
    assert resolved_speakers(f"Envoys meet again\n\nKABUL — Talks resumed on Tuesday.\n\n{sentence}\n") == [want]


def test_a_name_the_speaker_rules_propose_is_an_entity_wherever_the_text_prints_it():
    from taq_news.preannotate.draft import preannotate

    text = ("Envoys meet again\n\nKABUL — Talks resumed on Tuesday, and Tamsin Okafor was among the envoys.\n\n"
            "“We will not give up,” Tamsin Okafor said. “Nothing has changed,” Northgate Radio reported.\n\n"
            "Okafor later spoke to Northgate Radio again. “It is late,” Brennan said.\n")
    draft = preannotate("x", text, REGISTRY, NLP)
    named = {(draft.text[m.start:m.end], m.label, m.entity) for m in draft.entities if m.origin == "speaker"}
    spans = [(m.start, m.end) for m in draft.entities if m.origin == "speaker"]
    assert named == {("Tamsin Okafor", "PERSON", "tamsin-okafor"), ("Northgate Radio", "ORG", "northgate-radio")}
    assert len(spans) == 4  # each name twice: where it is quoted and where it is only mentioned
    # Every span gives its text, and none overlaps another mention.
    ordered = sorted((m.start, m.end) for m in draft.entities)
    assert all(b <= c for (_, b), (c, _) in itertools.pairwise(ordered))
    assert all(draft.text[m.start:m.end] == m.text for m in draft.entities)
    # A lone surname ("Brennan said") is proposed as a speaker but never marked as an entity: its kind is a guess.
    assert not any(m.text in ("Brennan", "Okafor") for m in draft.entities)
    assert {e.id for e in draft.proposed} >= {"tamsin-okafor", "northgate-radio"}


def test_a_lone_surname_is_the_person_the_text_introduced_with_it():
    text = ("Panel on the talks\n\nKABUL — The panel heard Saskia Tembo, a professor of security studies, and Ilse Brandt, who chaired it.\n\n"
            "Opening the discussion, Tembo said the talks had stalled. “We are reading it through a keyhole,” Tembo said.\n\n"
            "“I disagree,” Brandt said.\n")
    speakers = resolved_speakers(text)
    assert ("saskia-tembo", "person", "PERSON") in speakers and ("ilse-brandt", "person", "PERSON") in speakers
    assert not any(eid in ("tembo", "brandt", "speakers-saskia-tembo", "chair-ilse-brandt") for eid, _, _ in speakers)
