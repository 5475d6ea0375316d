"""Every metadata value says where it came from; nothing is guessed."""

import re

MONTHS = "January February March April May June July August September October November December".split()


def test_ani_outlet_and_date_are_stated(records):
    rec = records["002_761bafcaa80bbbf4"]
    assert rec["outlet"]["name"] == "ANI" and rec["outlet"]["basis"] == "stated"
    assert rec["published"] == {**rec["published"], "date": "2021-05-06", "precision": "day", "basis": "stated"}


def test_stated_values_have_raw_evidence_that_contains_them(records, layout):
    for rec in records.values():
        raw = (layout.root / rec["source"]["file"]).read_text("utf-8")
        for key in ("outlet", "published"):
            meta = rec[key]
            if meta["basis"] != "stated":
                continue
            span = meta["evidence_span"]
            assert raw[span["start"] : span["end"]] == meta["evidence"]
            if key == "outlet":
                assert meta["name"] in meta["evidence"]
            else:
                y, m, d = meta["date"].split("-")
                pattern = rf"{MONTHS[int(m) - 1]} 0?{int(d)}, {y}"
                assert re.search(pattern, meta["evidence"]), meta["evidence"]


def test_no_value_without_basis_and_reason(records):
    for rec in records.values():
        for key in ("outlet", "published"):
            meta = rec[key]
            assert meta["basis"] in ("stated", "inferred", "external", "unknown")
            if meta["basis"] != "stated":
                assert meta["note"], (rec["id"], key)
            if meta["basis"] == "unknown":
                assert (meta.get("name") or meta.get("date")) is None


def test_dates_that_the_text_does_not_state_stay_unknown(records):
    for doc in ("000_e764413d3f418c65", "001_11cc45b15fc6f254", "003_1aa4f263d7f3497b", "004_f31936eab82d1273"):
        assert records[doc]["published"]["date"] is None
        assert records[doc]["published"]["basis"] == "unknown"
    assert records["001_11cc45b15fc6f254"]["outlet"]["name"] == "CNN"
    assert records["001_11cc45b15fc6f254"]["outlet"]["basis"] == "stated"


def test_wikidata_ids_only_where_checked(corpus):
    for e in corpus.registry.values():
        if e.wikidata:
            assert re.fullmatch(r"Q[1-9][0-9]*", e.wikidata)
            assert e.wikidata_check and e.wikidata_check.get("method")
