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
from ruamel.yaml.error import YAMLError


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.width = 4096
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


class CitationInvalid(ValueError):
    """CITATION.cff cannot be read, or does not have the shape the derived citations need."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message, self.line = message, line


def load_cff(text: str) -> dict:
    """The file's mapping; raises CitationInvalid (with the line, where known) for what cannot be read."""
    try:
        data = _yaml().load(text)
    except YAMLError as exc:  # syntax, a duplicate key, a tab where indentation belongs
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        raise CitationInvalid(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", mark.line + 1 if mark else None) from None
    if data is None:
        raise CitationInvalid("the file is empty: CFF needs at least cff-version, message, title and authors", 1)
    if not isinstance(data, dict):
        raise CitationInvalid(f"the file is a YAML {'list' if isinstance(data, list) else 'scalar'}, not a mapping of CFF keys", 1)
    _check_shape(data)
    return data


def _line(node: dict, key: str) -> int | None:
    lc = getattr(node, "lc", None)
    try:
        return lc.key(key)[0] + 1 if lc is not None else None
    except (KeyError, TypeError, AttributeError):
        return None


def _check_shape(cff: dict) -> None:
    """What the BibTeX, Croissant and Zenodo renderings read, in the types they read it as
    (``cffconvert --validate`` checks the full CFF schema in the tests)."""
    if not isinstance(cff.get("title"), str | int | float) or not str(cff["title"]).strip():
        raise CitationInvalid("'title' is missing or empty (CFF requires it)", _line(cff, "title") or 1)
    if not isinstance(cff.get("keywords", []), list):
        raise CitationInvalid("'keywords' must be a list", _line(cff, "keywords"))
    ref = cff.get("preferred-citation", cff)
    if not isinstance(ref, dict):
        raise CitationInvalid("'preferred-citation' must be a mapping", _line(cff, "preferred-citation"))
    for node, where in ((cff, ""), (ref, "preferred-citation.")):
        authors = node.get("authors", [])
        if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
            raise CitationInvalid(f"'{where}authors' must be a list of persons or entities (mappings)", _line(node, "authors"))
        for key in ("title", "version", "url", "notes", "month", "year"):
            value = node.get(key)
            if isinstance(value, dict | list):
                raise CitationInvalid(f"'{where}{key}' must be a single value, not a {type(value).__name__}", _line(node, key))
    released = cff.get("date-released")
    if released is not None and not isinstance(released, date):
        try:
            date.fromisoformat(str(released))
        except ValueError:
            raise CitationInvalid(f"'date-released' is {str(released)[:40]!r}, not a date YYYY-MM-DD", _line(cff, "date-released")) from None


def cff_with_version(text: str, version: str) -> str:
    """CITATION.cff with its version fields set to ``version``; everything else untouched."""
    data = load_cff(text)
    data["version"] = version
    if isinstance(data.get("preferred-citation"), dict):
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
