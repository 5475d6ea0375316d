"""HTML pages as sources, on pages written for these tests in three common layouts
(a news CMS with OpenGraph tags, a wire story with JSON-LD, a WordPress blog post)."""

from __future__ import annotations

import pytest

from taq_news.sources.html import extractor, markup_fields, page_text
from taq_news.sources.page import page_of
from tests.conftest import ROOT

PAGES = ROOT / "tests/fixtures/html"
LAYOUTS = ("cms-opengraph", "wire-jsonld", "blog-post")


def markup(name: str) -> str:
    return (PAGES / f"{name}.html").read_text("utf-8")


@pytest.mark.parametrize("name", LAYOUTS)
def test_page_text_is_the_article_in_paragraphs_without_the_page_chrome(name):
    text = page_text(markup(name))
    assert text.endswith("\n") and "\n\n\n" not in text
    paragraphs = text.rstrip("\n").split("\n\n")
    assert all(p == p.strip() and "\n" not in p for p in paragraphs)
    for chrome in ("Home", "Share this", "All rights reserved", "Related coverage", "powered by WordPress", "Great analysis"):
        assert chrome not in text, chrome
    assert page_text(markup(name)) == text  # the same markup, the same text


def test_the_article_body_is_kept_whole():
    text = page_text(markup("wire-jsonld"))
    assert "two people briefed on the talks said." in text
    assert '"Everything depends on how the promise is checked," one Western diplomat said' in text
    assert "told the Meridian Wire that" in text


@pytest.mark.parametrize("name, expected", [
    ("cms-opengraph", {"site_name": "The Kestrel Gazette", "published": "2022-03-14T09:30:00+00:00", "author": "Harlan Mireau"}),
    ("wire-jsonld", {"site_name": "Meridian Wire Service", "published": "2020-02-11T14:05:00Z", "modified": "2020-02-11T18:40:00Z"}),
    ("blog-post", {"site_name": "Kestrel Notes", "published": "2023-06-02T21:15:44+04:30", "modified": "2023-06-03T08:02:10+04:30"}),
])
def test_markup_fields_state_values_with_their_tags_as_evidence(name, expected):
    html = markup(name)
    fields = markup_fields(html)
    for f in fields:
        assert html[f.start : f.end] == f.evidence  # offsets into the markup give the evidence exactly
    found = {f.field: f.value for f in reversed(fields)}  # the first of each kind
    for key, value in expected.items():
        assert found.get(key) == value, key


def test_entities_and_comments_in_tags_do_not_shift_offsets():
    html = "<html><head><!-- a comment\nover lines --><title>A &amp; B</title>\n<meta  property='og:site_name'\n  content=\"Caf&eacute; Daily\"></head><body><p>x</p></body></html>"
    fields = {f.field: f for f in markup_fields(html)}
    assert fields["site_name"].value == "Café Daily"
    assert html[fields["site_name"].start : fields["site_name"].end] == fields["site_name"].evidence
    assert fields["document_title"].value == "A & B"
    assert fields["document_title"].evidence == "<title>A &amp; B</title>"


@pytest.mark.parametrize("html", ["", "<html", "<<<>>>", "<meta content=", "<script type='application/ld+json'>{\"datePublished\": \"", "\x00<p>" * 3, "<title>" * 10_000])
def test_broken_markup_gives_no_fields_or_some_never_an_exception(html):
    for f in markup_fields(html):
        assert html[f.start : f.end] == f.evidence
    page_text(html)


def test_a_plain_text_file_is_its_own_page_and_an_html_file_records_its_extractor():
    assert page_of("a.txt", "Some text.\n").markup is None
    page = page_of("a.html", markup("wire-jsonld"))
    assert page.extractor == extractor() == {"name": "trafilatura", "version": page.extractor["version"]}
    assert page.markup == markup("wire-jsonld")


@pytest.mark.parametrize("ld", [
    '{"@type": "NewsArticle", "publisher": {"@type": "Organization", "logo": {"@type": "ImageObject", "url": "/l.png"}, "name": "Corvane Wire"}}',
    '{"@graph": [{"@type": "Organization", "@id": "#org", "logo": {"url": "/l.png"}, "name": "Corvane Wire"}, {"@type": "Article", "publisher": {"@id": "#org"}}]}',
])
def test_the_json_ld_publisher_is_found_behind_a_logo_or_an_id_reference(ld):
    html = f'<html><head><script type="application/ld+json">{ld}</script></head><body><p>x</p></body></html>'
    site = [f for f in markup_fields(html) if f.field == "site_name"]
    assert [f.value for f in site] == ["Corvane Wire"] and html[site[0].start : site[0].end] == site[0].evidence == '"name": "Corvane Wire"'
