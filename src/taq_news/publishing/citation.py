"""CITATION.cff is the one place the citation is written; everything else is derived.

The build refreshes its ``version`` fields from the package version (the one
dataset version), and renders the BibTeX shown in README.md, the dataset card
and the loading script from its ``preferred-citation``. ``cffconvert --validate``
checks the file itself in the tests.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

from ruamel.yaml import YAML


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def load_cff(text: str) -> dict:
    return _yaml().load(text) or {}


def cff_with_version(text: str, version: str) -> str:
    """CITATION.cff with its version fields set to ``version``; everything else untouched."""
    data = load_cff(text)
    data["version"] = version
    if "preferred-citation" in data:
        data["preferred-citation"]["version"] = version
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def _author(person: dict) -> str:
    if "name" in person:  # an entity: braces keep BibTeX from splitting it into first and last names
        return "{" + str(person["name"]) + "}"
    return ", ".join(str(person[k]) for k in ("family-names", "given-names") if k in person)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def bibtex(cff_text: str) -> str:
    """A BibTeX entry for the preferred citation (or the work itself when there is none)."""
    cff = load_cff(cff_text)
    ref = cff.get("preferred-citation", cff)
    released = cff.get("date-released")
    released = released if isinstance(released, date) else date.fromisoformat(str(released)) if released else None
    year = ref.get("year", released.year if released else None)
    fields = [
        ("author", " and ".join(_author(a) for a in ref.get("authors", cff.get("authors", [])))),
        ("title", "{" + str(ref.get("title", cff.get("title"))) + "}"),
        ("year", str(year) if year else None),
        ("month", str(released.month) if released and not ref.get("month") else ref.get("month")),
        ("version", str(ref.get("version", cff.get("version", ""))) or None),
        ("url", ref.get("url", cff.get("url"))),
        ("note", ref.get("notes")),
    ]
    key = _key(str(ref.get("title", cff.get("title"))).split(":")[0] + f" {year or ''}")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}\n"


def citation_block(cff_text: str) -> str:
    return "```bibtex\n" + bibtex(cff_text) + "```\n"


# Zenodo's GitHub integration reads .zenodo.json before CITATION.cff. Zenodo takes one
# licence per deposit, and a release archive holds three sets of terms (annotations
# CC BY 4.0, code MIT, article texts the publishers'), so the deposit's licence is
# "other-at" (attribution required) and its notes say which terms cover what.
ZENODO_LICENSE = "other-at"
ZENODO_TERMS = (
    "This deposit holds material under three sets of terms. The annotations (offsets, labels, entity links, "
    "quote structures, metadata with its basis and evidence, the entity registry and the tables derived from them) "
    "are released under CC BY 4.0. The code (src/, scripts/, tests/) is under the MIT licence. The article texts "
    "(dataset/raw/ and every text column derived from them) are not covered by either licence: they remain the "
    "copyright of their publishers and are included only so that every offset can be checked, for research use. "
    "See dataset/LICENSE.md."
)


def _zenodo_creator(person: dict) -> dict:
    if "name" in person:  # an organisation: Zenodo takes its name as written
        return {"name": str(person["name"])}
    name = ", ".join(str(person[k]) for k in ("family-names", "given-names") if k in person)
    out = {"name": name}
    if person.get("affiliation"):
        out["affiliation"] = str(person["affiliation"])
    if str(person.get("orcid", "")).startswith("https://orcid.org/"):
        out["orcid"] = str(person["orcid"]).removeprefix("https://orcid.org/")
    return out


def zenodo_json(cff_text: str) -> bytes:
    """The deposit metadata Zenodo reads on a GitHub release, from CITATION.cff (cffconvert's
    zenodo output has no upload_type and gives the CFF licence to the whole deposit)."""
    cff = load_cff(cff_text)
    released = cff.get("date-released")
    doc = {
        "upload_type": "dataset",
        "title": str(cff["title"]),
        "version": str(cff.get("version", "")),
        "publication_date": str(released) if released else None,
        "creators": [_zenodo_creator(a) for a in cff.get("authors", [])],
        "description": " ".join(str(cff.get("abstract", "")).split()),
        "keywords": [str(k) for k in cff.get("keywords", [])],
        "access_right": "open",
        "license": ZENODO_LICENSE,
        "notes": ZENODO_TERMS,
    }
    return (json.dumps({k: v for k, v in doc.items() if v not in (None, "", [])}, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
