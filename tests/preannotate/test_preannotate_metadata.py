"""Outlet and date heuristics: right where the page states them, unknown everywhere else."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from taq_news.preannotate.metadata import find_outlet, find_published
from tests.conftest import ROOT

GOLD = {r["id"]: r for r in pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()}
RAW = {p.stem: p.read_text("utf-8") for p in sorted((ROOT / "dataset/raw").glob("*.txt"))}


@pytest.mark.parametrize("doc_id", sorted(RAW))
def test_on_the_gold_stated_values_are_found_and_nothing_is_invented(doc_id):
    raw, gold = RAW[doc_id], GOLD[doc_id]
    for found, meta, value in ((find_outlet(raw), gold["outlet"], gold["outlet"]["name"]), (find_published(raw), gold["published"], gold["published"]["date"])):
        if meta["basis"] == "stated":
            assert (found.value, found.basis) == (value, "stated")
        if found.basis == "stated":
            assert meta["basis"] == "stated" and found.value == value, "a stated value the gold does not state"
            assert raw[found.start : found.end] == found.evidence
        else:
            assert found.value is None and found.note


@pytest.mark.parametrize("page, outlet", [
    ("Troops on patrol AP\n\nNEW DELHI, March 3 (Reuters): Officials said ...", "Reuters"),
    ("Islamabad, Pakistan AFP \u2014 The talks resumed ...", "AFP"),
    ("PTI | Updated: Jan 02, 2022 10:00 IST\n\nText.", "PTI"),
    ("Soldiers at a checkpoint AP\n\nThe ministry said on Monday ...", None),  # a photo credit is not the outlet
    ("According to a report in CNN on Friday, the raid ...", None),  # a cited outlet is not the publisher
])
def test_outlet_rules_read_credits_not_mentions(page, outlet):
    found = find_outlet(page)
    assert found.value == outlet
    assert found.basis == ("stated" if outlet else "unknown")


@pytest.mark.parametrize("page, day", [
    ("Published: 6 May 2021\n\nText.", "2021-05-06"),
    ("ANI | Updated: May 06, 2021 07:43 IST", "2021-05-06"),
    ("Updated: Feb 30, 2021 09:00", None),  # not a date
    ("In 2018 a court issued a warrant; in 2021 troops left.", None),  # years are not a publication date
])
def test_dates_come_only_from_stamps(page, day):
    found = find_published(page)
    assert found.value == day
    assert found.basis == ("stated" if day else "unknown")
