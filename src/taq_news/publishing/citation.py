"""CITATION.cff is the one place the citation is written; everything else is derived.

The build refreshes its ``version`` fields from the package version (the one
dataset version), and renders the BibTeX shown in README.md, the dataset card
and the loading script from its ``preferred-citation``. ``cffconvert --validate``
checks the file itself in the tests.
"""

from __future__ import annotations

import io
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
