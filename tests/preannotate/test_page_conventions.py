"""Page parts and metadata in the conventions of outlets the seeds do not show, on lines
written for these tests: every value keeps its basis and evidence, a cited outlet is never the
publisher, and nothing is 'stated' that the page does not state."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taq_news.core.quote_marks import SIGNATURE_DASHES
from taq_news.preannotate.furniture import find_parts
from taq_news.preannotate.metadata import find_outlet, find_published, is_stamp_line
from taq_news.sources.cleaning import clean


def page(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


BODY = "The Taliban said on Tuesday that no foreign fighter would be allowed to use Afghan soil, officials in Kabul said."


@pytest.mark.parametrize("dateline, credit", [
    ("KABUL (Meridian Wire) -", "Meridian Wire"),
    ("ISLAMABAD, March 4 (Corvane Wire) —", "Corvane Wire"),
    ("KANDAHAR, Afghanistan, Feb 21 (CPA) —", "CPA"),
    ("WASHINGTON (RNN) --", "RNN"),
    ("Kabul, May 6 (Reuters) -", "Reuters"),
])
def test_a_dateline_with_any_outlet_credit_is_the_dateline_and_names_the_outlet(dateline, credit):
    raw = page("Taliban deny hosting foreign fighters in the east", f"{dateline} {BODY}")
    parts = find_parts(raw)
    assert parts.dateline is not None and parts.dateline.text == dateline
    outlet = find_outlet(raw)
    assert (outlet.value, outlet.basis) == (credit, "stated") and raw[outlet.start : outlet.end] == outlet.evidence and dateline in outlet.evidence


@pytest.mark.parametrize("dateline", ["KABUL —", "DOHA, Qatar —", "ISLAMABAD:"])
def test_a_place_dateline_names_no_outlet(dateline):
    raw = page("Envoys meet again in the Gulf as talks resume", f"{dateline} {BODY}")
    assert find_parts(raw).dateline.text == dateline
    assert find_outlet(raw).basis == "unknown"


def test_an_outlet_the_text_cites_is_never_the_publisher():
    raw = page("Envoys meet again", BODY + " The commander told Reuters that the group had left.", "A second official told the Meridian Wire the same.")
    assert find_outlet(raw).basis == "unknown"


@pytest.mark.parametrize("line, name", [
    ("© 2022 The Kestrel Gazette. All rights reserved.", "The Kestrel Gazette"),
    ("Copyright 2023 WBC. The WBC is not responsible for the content of external sites.", "WBC"),
    ("© 1996-2016 The Bayside Herald", "The Bayside Herald"),
])
def test_a_copyright_line_names_the_outlet(line, name):
    outlet = find_outlet(page("Envoys meet again in the Gulf", BODY, line))
    assert (outlet.value, outlet.basis, outlet.rule) == (name, "stated", "copyright")


def test_a_byline_with_an_outlet_and_a_masthead_name_it():
    assert find_outlet(page("Envoys meet again in the Gulf", "Jonas Ekwall | Meridian Wire Service", BODY)).value == "Meridian Wire Service"
    masthead = find_outlet(page("Frontier Notes", "Why the Taliban will not give up al-Qaeda (yet)", BODY))
    assert (masthead.value, masthead.rule) == ("Frontier Notes", "masthead")
    assert find_outlet(page("Policy", "Why the Taliban will not give up al-Qaeda", BODY)).basis == "unknown"  # a section label, not a masthead



def test_a_writer_who_holds_the_copyright_is_the_author_not_the_outlet():
    # A newsletter signed and copyrighted by its writer: the copyright holder is the byline's person.
    raw = page("Frontline Letters", "Why the guests stay", "Ruth Okonedo", "Mar 3, 2022", BODY, "© 2022 Ruth Okonedo")
    assert find_outlet(raw, byline="Ruth Okonedo").basis == "unknown"
    assert find_outlet(raw).value == "Ruth Okonedo"  # without the byline, the line alone cannot tell
    signed_off = find_outlet(page("Why the guests stay", "Ruth Okonedo", BODY, "Thanks for reading Frontline Letters! Share it with a friend.",
                                  "© 2022 Ruth Okonedo"), byline="Ruth Okonedo")
    assert (signed_off.value, signed_off.basis, signed_off.rule) == ("Frontline Letters", "stated", "closing-line")
    # A holder that only shares a word with the byline is still the outlet.
    assert find_outlet(page("Envoys meet", "By Ann Keller", BODY, "© 2021 Keller Media Group"), byline="By Ann Keller").value == "Keller Media Group"
    assert find_outlet(page("Envoys meet", "By Jo Annan", BODY, "© 2021 Ann Press"), byline="By Jo Annan").value == "Ann Press"


def test_a_print_edition_line_names_the_paper_and_dates_the_page_however_long_it_is():
    line = ("A version of this article appears in print on March 2, 2020, Section A, Page 6 of The Wexford Tribune "
            "with the headline: Envoys Meet Again as Talks Resume in the Gulf After a Long Pause.")
    raw = page("Envoys meet again in the Gulf", BODY, line)
    outlet, published = find_outlet(raw), find_published(raw)
    assert (outlet.value, outlet.rule) == ("The Wexford Tribune", "print-edition") and raw[outlet.start : outlet.end] == line
    assert (published.value, published.basis) == ("2020-03-02", "stated") and published.evidence == line
    # The real convention names an edition, not the paper: no outlet is read from it.
    edition = page("Envoys meet again", BODY, "A version of this article appears in print on March 2, 2020, Section A, Page 6 of the New York edition "
                                              "with the headline: Envoys Meet Again.")
    assert find_outlet(edition).basis == "unknown" and find_published(edition).value == "2020-03-02"


def test_an_upper_case_masthead_takes_the_spelling_the_page_gives_it_and_an_email_masthead_counts():
    raw = page("NORTHFIELD POLICY INSTITUTE", "Envoys meet again in the Gulf", BODY, "Amira Sato is a fellow at the Northfield Policy Institute.")
    outlet = find_outlet(raw)
    assert (outlet.value, outlet.evidence, outlet.rule) == ("Northfield Policy Institute", "NORTHFIELD POLICY INSTITUTE", "masthead")
    assert "NORTHFIELD POLICY INSTITUTE" in outlet.note and "also spells Northfield Policy Institute" in outlet.note
    assert find_outlet(page("NORTHFIELD POLICY INSTITUTE", "Envoys meet again", BODY)).value == "NORTHFIELD POLICY INSTITUTE"  # no other spelling
    prose = page("NORTHFIELD POLICY INSTITUTE", "Envoys meet again", BODY, "the northfield policy institute said nothing.")
    assert find_outlet(prose).value == "NORTHFIELD POLICY INSTITUTE"  # lower-case prose is no spelling of a name
    email = find_outlet(page("View this email in your browser", "Harbour Street Digest", "Envoys meet again", BODY))
    assert (email.value, email.rule) == ("Harbour Street Digest", "masthead")
    # After a breadcrumb, the next line is a section's label, never the outlet.
    assert find_outlet(page("Home / Analysis / Reports", "Special Report", "Envoys meet again", BODY)).basis == "unknown"


def test_a_day_wins_over_a_month_and_an_event_schedule_is_no_stamp():
    assert find_published(page("Envoys meet again", "May 2021", "Published 14 May 2021", BODY)).value == "2021-05-14"
    event = page("Events", "Envoys meet again: a discussion", "Tuesday 9 March 2021, 18:00–19:30 CET", BODY)
    assert find_published(event).basis == "unknown"  # when the event is, not when the page was published
    assert find_published(page("Envoys meet again", "Tuesday 9 March 2021, 18:00 CET", BODY)).value == "2021-03-09"

@pytest.mark.parametrize("stamp, day", [
    ("Published 14 March 2022, 09:30 GMT", "2022-03-14"),
    ("Updated: August 18, 2021 6:05 p.m. ET", "2021-08-18"),
    ("2021-08-17T10:02:00Z", "2021-08-17"),
    ("Aug 15, 2022 — 14:20 GMT", "2022-08-15"),
    ("Thu 21 Feb 2019 09:14 GMT", "2019-02-21"),
    ("Posted by Tariq Balouch on Oct 12, 2016", "2016-10-12"),
    ("Published in The Daily Lantern, July 22nd, 2018", "2018-07-22"),
    # an issue or series line, and a line that gives only the month, date the page to what they give
    ("Issue #112 · 2020-09-14", "2020-09-14"),
    ("Briefing Paper No. 7 | April 2019", "2019-04"),
    ("June 2021", "2021-06"),
])
def test_a_stamp_in_any_common_format_dates_the_page_with_its_evidence(stamp, day):
    raw = page("Envoys meet again in the Gulf as talks resume", stamp, BODY)
    found = find_published(raw)
    assert (found.value, found.basis) == (day, "stated") and raw[found.start : found.end] == found.evidence == stamp


def test_publication_wins_over_an_update_and_a_numeric_date_is_not_stated():
    raw = page("Envoys meet again in the Gulf", "Updated: March 15, 2022 6:05 p.m. ET", "Published 14 March 2022, 09:30 GMT", BODY)
    assert find_published(raw).value == "2022-03-14"
    assert find_published(page("Envoys meet again in the Gulf", "03/04/2019", BODY)).basis == "unknown"  # which number is the month?
    assert find_published(page("Envoys meet again", BODY + " The deal was signed on February 29, 2020.")).basis == "unknown"  # a date in a sentence


def test_stamp_lines_and_boilerplate_are_furniture_and_the_headline_skips_navigation():
    raw = page("News | World | Asia", "Reading time: 4 minutes", "Taliban deny hosting foreign fighters in the east", "By Priya Castellan",
               "September 27, 2016 at 7:15 p.m. EDT", f"KABUL, Afghanistan — {BODY}", "(Reporting by Priya Castellan; Editing by Tomas Wyre)",
               "Our Standards: The Trust Principles.", "Follow us on social media")
    parts = find_parts(raw)
    assert parts.title.text == "Taliban deny hosting foreign fighters in the east"
    assert parts.byline.text == "By Priya Castellan"
    reasons = {span.text: why for span, why in parts.furniture}
    assert reasons["September 27, 2016 at 7:15 p.m. EDT"] == "timestamp"
    assert reasons["(Reporting by Priya Castellan; Editing by Tomas Wyre)"] == "agency-credit"
    assert reasons["Our Standards: The Trust Principles."] == "site-footer"
    assert reasons["Follow us on social media"] == "navigation"
    assert is_stamp_line("Updated: August 18, 2021 6:05 p.m. ET") and not is_stamp_line(BODY)


def test_a_newspaper_archive_that_closes_quotes_with_doubled_apostrophes_keeps_its_body():
    # '' for a closing mark (as in some newspaper archives): the paragraphs are prose, not furniture
    raw = page("Mayor Says New Bridge Will Open in 'Spring or Summer.'",
               "LAKEPORT -- Mayor Ilse Brandt, opening the council session on Monday, said the bridge would open ''in the spring, or the summer at the latest.''",
               "''We have waited long enough for this bridge,'' she told the council, which voted eight to one for the plan.")
    parts = find_parts(raw)
    assert parts.title is not None and parts.title.text.startswith("Mayor Says")
    assert parts.dateline is not None and parts.dateline.text == "LAKEPORT --"
    assert parts.furniture == []


def test_a_digest_paragraph_that_closes_on_its_source_is_body_text_with_its_source_kept():
    # a newsletter digest ends each summary on the outlet it links to ('... in May.” [Kestrel Gazette.]'):
    # the summaries are the page's text, not related links
    digest = [
        "TALKS STALL IN DOHA - Envoys from both sides left the hotel on Tuesday without a date for the next round, and one of them said “nothing has moved since May.” [Kestrel Gazette.]",
        "-A council member in Lakeport explains why the harbour tax failed for the third time this year. [Bayside Herald]",
        "The ministry said the convoy had reached the border crossing before the storm closed the road.\xa0[Meridian Wire | Paywall]",
        "“We will keep the schools open whatever the weather brings this winter, and we will say so again.“[Corvane Wire]",
    ]
    raw = page("Wednesday's Morning Briefing: Talks Stall In Doha Again", *digest, "Council debate in full and the reply of the mayor [Video]")
    parts = find_parts(raw)
    removed = {span.text: reason for span, reason in parts.furniture}
    assert not any(line in removed for line in digest), removed
    assert removed == {"Council debate in full and the reply of the mayor [Video]": "related-link"}  # no sentence before the bracket: still a link
    text = clean(raw, title=parts.title, furniture=parts.furniture).text
    assert "[Kestrel Gazette.]" in text and "[Bayside Herald]" in text


@pytest.mark.parametrize("dash", list(SIGNATURE_DASHES))
def test_testimonials_that_close_on_their_speaker_are_body_text(dash):
    # every dash the signature rule reads as a signature; the last signer's name is long enough that the
    # dash lies more than 40 characters before the line's end
    lines = [f"“{s}” {dash} {name}" for s, name in (
        ("The bridge is the best thing the council has done in ten years, and I drive over it every single day.", "Ilse Marten"),
        ("I was against the harbour tax from the start, and nothing I heard at the meeting has changed my mind.", "Dorota K. Lenz"),
        ("We asked for a second crossing for years and the council finally listened to the people of the town.",
         "Maximiliane Oberhausen-Wittgenstein Kowalczyk-Lindqvist"),
    )]
    assert len(lines[-1]) - lines[-1].rindex("”") > 40
    parts = find_parts(page("Lakeport Residents Share Their Views On The Harbour Tax", *lines))
    assert parts.title is not None and parts.title.text.startswith("Lakeport")
    assert parts.furniture == []


@pytest.mark.parametrize("line, reason", [
    ("Getty.", "photo-credit"),
    ("Ilse Marten via Getty Images.", "photo-credit"),
    ("Harbour Press/Getty Images.", "photo-credit"),
    ("- Reuters.", "agency-credit"),
])
def test_a_photo_or_wire_credit_line_between_paragraphs_is_named_as_such(line, reason):
    parts = find_parts(page("Council votes down the harbour tax again, and the mayor is angry", BODY, line, BODY.replace("Tuesday", "Wednesday")))
    assert [(span.text, r) for span, r in parts.furniture] == [(line, reason)]


@pytest.mark.parametrize("kicker", ["LOOK:", "BOOM:", "POLLWATCH:", "FIX IS IN:"])
def test_a_headline_kicker_before_a_colon_is_part_of_the_title_not_a_dateline(kicker):
    raw = page(f"{kicker} Council Votes Down The Harbour Tax Again", BODY)
    parts = find_parts(raw)
    assert parts.title is not None and parts.title.text.startswith(kicker)
    assert parts.dateline is None


def test_a_byline_label_is_the_byline():
    parts = find_parts(page("Council votes down the harbour tax again, and the mayor is angry", "BYLINE: Dorota Lenz.", BODY))
    assert parts.byline is not None and parts.byline.text == "BYLINE: Dorota Lenz." and parts.dateline is None


def test_a_dateline_opening_a_line_that_looks_like_a_list_header_keeps_the_line_in_the_body():
    raw = page("The Latest: Council votes down the harbour tax", "LAKEPORT (RNN) — The Latest on the harbour vote (all times local):", "11:20 p.m.", BODY)
    parts = find_parts(raw)
    assert parts.dateline is not None and parts.dateline.text == "LAKEPORT (RNN) —"
    assert not any(span.start <= parts.dateline.start < span.end for span, _ in parts.furniture)


LINES = ["LOOK: Council Votes Down The Harbour Tax Again", "BYLINE: Dorota Lenz.", "KABUL (Meridian Wire) - The Taliban said so.", "WASHINGTON --",
         "Share this:", "11:20 p.m.", "___.", "Related: Council votes again", "By Ann Roe", "Posted by admin", "PHOTO: Ann Roe/RNN",
         "''We will stay,'' the commander said on Monday in Kandahar.", BODY, "Advertisement", "HUFFPOLLSTER: A Shift", "Kabul, May 6 (Reuters) - Talks.",
         "Updated 4 March 2021, 10:15 GMT", "Follow us on Twitter", "© 2021 Meridian Wire. All rights reserved.", "The Latest on the vote (all times local):"]


@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=12))
@settings(max_examples=300, deadline=None)
def test_no_page_of_common_lines_makes_overlapping_removals(lines):
    raw = page(*lines)
    parts = find_parts(raw)
    # the cleaner raises OverlapError on overlapping removals; their spans are the page's own text
    cleaned = clean(raw, title=parts.title, dateline=parts.dateline, byline=parts.byline, highlights=parts.highlights, furniture=parts.furniture)
    assert all(raw[r.raw_start : r.raw_end] == r.text for r in cleaned.removed)
