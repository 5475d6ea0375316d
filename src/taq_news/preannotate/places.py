"""Place names for the blank pipeline's EntityRuler: GPE mentions the registry does not hold.

The names come from pycountry (ISO 3166): every country, and the first-level
subdivisions of the countries this corpus reports on most (Afghanistan's and
Pakistan's provinces, the U.S. states), spelled as English news spells them
(ISO's transliteration marks folded: "Paktīkā" -> "Paktika", "Kunaṟ" -> "Kunar").
No name is written by hand here. A registry name always wins; a place the
registry lacks becomes a proposed entry (``linking``), named as listed here.

A place name inside a longer capitalized name ("Washington Post", "Pakistan
Army") is no GPE: ``mentions`` drops such a match (``inside_a_name``). With a
statistical model, the model's own NER reads places in context, so this list
is not added there.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import pycountry

PLACE_ID = "place:"  # the ruler's id prefix of a place pattern; the mention's entity stays null
SUBDIVISIONS_OF = ("AF", "PK", "US")


def _folded(name: str) -> str:
    """``name`` without combining marks ("Nūristān" -> "Nuristan"); other letters as they are."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))


def _plain(name: str) -> bool:
    # ISO's long forms ("Congo, The Democratic Republic of the", "Saint Martin (French part)") are not how a text names a place.
    return bool(name) and "," not in name and "(" not in name


@lru_cache(maxsize=1)
def place_names() -> tuple[tuple[str, str], ...]:
    """(name as a text prints it, ISO code) for every country and listed subdivision, in a stable order;
    provinces also as "Kunar Province" and "Kunar province"."""
    out: dict[str, str] = {}
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        for name in dict.fromkeys((getattr(c, "common_name", None) or c.name, c.name)):
            if _plain(name):
                for form in dict.fromkeys((name, _folded(name))):
                    out.setdefault(form, c.alpha_2)
    for country in SUBDIVISIONS_OF:
        for s in sorted(pycountry.subdivisions.get(country_code=country) or [], key=lambda s: s.code):
            name = _folded(s.name)
            if not _plain(name):
                continue
            out.setdefault(name, s.code)
            if s.type == "Province":
                for suffix in (" Province", " province"):
                    out.setdefault(name + suffix, s.code)
    return tuple(out.items())


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[str, str]]:
    """Each listed name -> (the place's name as an entry gives it: the first listed for its code, its ISO code)."""
    first: dict[str, str] = {}
    for name, code in place_names():
        first.setdefault(code, name)
    return {name: (first[code], code) for name, code in place_names()}


def canonical_place(name: str) -> tuple[str, str] | None:
    """(the entry's name, the ISO code) of a listed place name ("Kunar province" -> ("Kunar", "AF-KNR")), or None."""
    return _by_name().get(name)


def place_patterns(taken: set[str]) -> list[dict]:
    """EntityRuler patterns (label GPE, id ``place:<ISO code>``) for the names not in ``taken`` (the registry's names and aliases)."""
    return [{"label": "GPE", "pattern": name, "id": PLACE_ID + code} for name, code in place_names() if name not in taken]


def version() -> str:
    """pycountry's version: the place list's, for a run's manifest and its fingerprint."""
    from importlib.metadata import version as installed  # deferred: only a run's manifest and fingerprint ask

    return installed("pycountry")
