"""CITATION.cff is valid for the real cffconvert, and one version and one citation reach every artifact."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from importlib.metadata import version as installed_version

import pytest

import taq_news
from taq_news.audit.artifacts import script_features
from taq_news.publishing.citation import (
    bibtex,
    cff_with_version,
    citation_block,
    load_cff,
    zenodo_json,
)
from tests.conftest import ROOT

CFF = ROOT / "CITATION.cff"


@pytest.fixture(scope="module")
def cffconvert() -> str:
    exe = os.environ.get("TAQ_CFFCONVERT")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("TAQ_CFFCONVERT is not set: run the tests through 'make test'")
        pytest.skip("cffconvert environment not given (TAQ_CFFCONVERT); 'make test' installs .venv-cff and sets it")
    return exe


def run(exe: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


def fields(entry: str) -> dict[str, str]:
    """BibTeX fields, braces stripped, as both cffconvert and we write them (one per line)."""
    return {k.lower(): v.replace("{", "").replace("}", "") for k, v in re.findall(r"^\s*(\w+)\s*=\s*\{(.*)\},?\s*$", entry, re.M)}


def test_citation_cff_passes_cffconvert_validate(cffconvert):
    result = run(cffconvert, "--validate", "-i", str(CFF))
    assert result.returncode == 0, result.stdout + result.stderr


def test_cffconvert_rejects_a_broken_citation_file(cffconvert, tmp_path):
    broken = tmp_path / "CITATION.cff"
    broken.write_text(CFF.read_text("utf-8").replace("  type: data\n", "  type: dataset\n"), "utf-8")
    assert "type: dataset" in broken.read_text("utf-8")
    assert run(cffconvert, "--validate", "-i", str(broken)).returncode != 0


def test_the_citation_has_what_papers_need():
    cff = load_cff(CFF.read_text("utf-8"))
    for key in ("version", "date-released", "authors", "license", "preferred-citation", "title"):
        assert cff.get(key), key
    assert cff["license"] == "CC-BY-4.0"
    assert "copyright of their publishers" in " ".join(cff["message"].split())


def test_our_bibtex_agrees_with_cffconvert_on_the_shared_fields(cffconvert):
    theirs = fields(run(cffconvert, "-f", "bibtex", "-i", str(CFF)).stdout)
    ours = fields(bibtex(CFF.read_text("utf-8")))
    assert theirs, "cffconvert printed no BibTeX"
    for key in ("author", "title", "year", "month"):
        assert ours[key] == theirs[key], key
    assert ours["version"] == taq_news.__version__


def test_one_version_everywhere():
    v = taq_news.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", v), "the dataset version is semver"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert "version" in pyproject.get("dynamic", []) and "version" not in pyproject
    assert installed_version("taq-news") == v
    cff = load_cff(CFF.read_text("utf-8"))
    assert str(cff["version"]) == str(cff["preferred-citation"]["version"]) == v
    assert script_features((ROOT / "dataset/taq_news.py").read_text("utf-8"))["_VERSION"] == v
    assert f"version = {{{v}}}" in (ROOT / "dataset/README.md").read_text("utf-8")


def test_the_bibtex_in_readme_card_and_script_is_generated_from_the_cff():
    text = CFF.read_text("utf-8")
    assert cff_with_version(text, taq_news.__version__) == text, "CITATION.cff is stale: run 'make dataset'"
    block = citation_block(text)
    assert block in (ROOT / "README.md").read_text("utf-8")
    assert block in (ROOT / "dataset/README.md").read_text("utf-8")
    assert script_features((ROOT / "dataset/taq_news.py").read_text("utf-8"))["_CITATION"] == bibtex(text)


def test_changing_the_cff_changes_the_generated_entry():
    text = CFF.read_text("utf-8")
    other = text.replace("TAQ-News developers", "Someone Else")
    assert fields(bibtex(other))["author"] == "Someone Else"
    assert cff_with_version(text, "9.9.9").count("version: 9.9.9") == 2


def test_bibtex_readers_see_the_organisation_as_one_author_in_ours_and_as_a_person_in_cffconvert_s(cffconvert):
    """pybtex, BibTeX's rules in Python: our braces keep "TAQ-News developers" whole. cffconvert 2.0.0
    (the newest release) writes it bare, a person "developers, TAQ-News", under the fixed key
    YourReferenceHere and with no version field (BibtexObjectShared.__str__): the README says to
    cite with our entry."""
    from pybtex.database import parse_string

    ours = parse_string(bibtex(CFF.read_text("utf-8")), "bibtex")
    (key, entry), = ours.entries.items()
    assert key == "taq_news_2026" and entry.fields["version"] == taq_news.__version__
    (author,) = entry.persons["author"]
    assert author.last_names == ["{TAQ-News developers}"] and not author.first_names
    theirs = parse_string(run(cffconvert, "-f", "bibtex", "-i", str(CFF)).stdout, "bibtex")
    (their_key, their_entry), = theirs.entries.items()
    (their_author,) = their_entry.persons["author"]
    assert (their_key, their_author.first_names, their_author.last_names) == ("YourReferenceHere", ["TAQ-News"], ["developers"])
    assert "version" not in their_entry.fields
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "cffconvert" in readme and "YourReferenceHere" in readme


def test_zenodo_metadata_is_derived_from_the_cff_and_does_not_license_the_article_texts(cffconvert):
    text = CFF.read_text("utf-8")
    committed = (ROOT / ".zenodo.json").read_bytes()
    assert committed == zenodo_json(text), ".zenodo.json is stale: run 'make dataset'"
    ours = json.loads(committed)
    assert ours["upload_type"] == "dataset" and ours["access_right"] == "open"
    # one licence per deposit, and the release archive holds the article texts: attribution, with the terms in the notes
    assert ours["license"] == "other-at"
    notes = ours["notes"]
    assert "CC BY 4.0" in notes and "MIT" in notes and "copyright of their publishers" in notes and "not covered" in notes
    assert ours["creators"] == [{"name": "TAQ-News developers"}]
    theirs = json.loads(run(cffconvert, "-f", "zenodo", "-i", str(CFF)).stdout)
    for key in ("title", "version", "publication_date", "keywords", "creators", "description"):
        assert ours[key] == theirs[key], key
    assert "upload_type" not in theirs and theirs["license"] == {"id": "CC-BY-4.0"}  # why we write our own


def test_a_person_author_becomes_a_zenodo_creator_family_name_first():
    text = CFF.read_text("utf-8").replace(
        "authors:\n  - name: TAQ-News developers\nabstract",
        "authors:\n  - family-names: Doe\n    given-names: Jane\n    orcid: https://orcid.org/0000-0002-1825-0097\nabstract", 1)
    creators = json.loads(zenodo_json(text))["creators"]
    assert creators == [{"name": "Doe, Jane", "orcid": "0000-0002-1825-0097"}]
