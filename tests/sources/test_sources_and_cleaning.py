"""Raw sources are locked by hash; cleaning removes furniture and records every removal."""

import hashlib

from taq_news.cli import main
from taq_news.sources.raw import read_manifest

SEEDS = "/work/shared/seeds"


def test_five_raw_files_match_the_manifest(layout):
    listed = read_manifest(layout.manifest, "SHA256SUMS")
    files = sorted(p.name for p in layout.raw.glob("*.txt"))
    assert len(files) == 5 and sorted(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((layout.raw / name).read_bytes()).hexdigest() == digest


def test_build_refuses_a_changed_raw_file(repo_copy, capsys):
    raw = repo_copy.raw / "002_761bafcaa80bbbf4.txt"
    raw.write_bytes(raw.read_bytes().replace(b"Kabul", b"Kabol", 1))
    before = {p: p.read_bytes() for p in repo_copy.data.rglob("*.parquet")}
    assert main(["--root", str(repo_copy.root), "build"]) == 1
    out = capsys.readouterr().out
    assert "dataset/raw/002_761bafcaa80bbbf4.txt" in out and "raw-hash-mismatch" in out and "git checkout" in out
    assert {p: p.read_bytes() for p in repo_copy.data.rglob("*.parquet")} == before


def test_build_refuses_an_unlisted_raw_file(repo_copy, capsys):
    (repo_copy.raw / "005_0000000000000000.txt").write_text("A new article.\n", "utf-8")
    assert main(["--root", str(repo_copy.root), "build"]) == 1
    assert "raw-unlisted" in capsys.readouterr().out


def test_removals_point_at_the_raw_text(records, layout):
    for rec in records.values():
        raw = (layout.root / rec["source"]["file"]).read_text("utf-8")
        assert rec["source"]["removed"], rec["id"]
        for r in rec["source"]["removed"]:
            assert raw[r["raw_start"] : r["raw_end"]] == r["text"]


def test_segments_map_clean_paragraphs_to_raw(records, layout):
    for rec in records.values():
        raw = (layout.root / rec["source"]["file"]).read_text("utf-8")
        for s in rec["source"]["segments"]:
            para = rec["text"][s["start"] : s["end"]]
            assert para and "\n" not in para
            chunk = raw[s["raw_start"] : s["raw_end"]]
            assert chunk.startswith(para[:10]) and chunk.endswith(para[-5:])


FURNITURE = [
    "al Qaeda forces AP",
    "Please let us know if you're having issues with commenting.",
    "Story highlights",
    "Hans Blix: Iraq War was a terrible mistake and violation of U.N. charter",
    "Al Qaeda branch calls for new attacks against United States",
    "Afghanistan gas station",
    "Wasted money in Afghanistan",
    "01:21 - Source: CNN",
    "Al-Qaeda resurgent",
    "Burkina Faso attack demonstrates al Qaeda revival in Africa",
    "Afghanistan war: Just what was the point?",
    "‘They need the fighters’",
    "Representative Image",
    "ANI | Updated: May 06, 2021 07:43 IST",
    "(ANI)",
    "Policy",
    "Show More",
    "Related Articles",
    "Back to top button",
    "Verified by MonsterInsights",
]


def test_no_furniture_paragraph_is_left(records):
    for rec in records.values():
        paragraphs = rec["text"].split("\n\n")
        for line in FURNITURE:
            assert line not in paragraphs, (rec["id"], line)
        assert "(ANI)" not in rec["text"]
        assert rec["text"] == rec["text"].strip() and "\n\n\n" not in rec["text"]


def test_page_parts_are_lifted(records):
    assert records["001_11cc45b15fc6f254"]["title"] is None
    assert records["001_11cc45b15fc6f254"]["dateline"].startswith("Kabul, Afghanistan CNN")
    assert len(records["001_11cc45b15fc6f254"]["highlights"]) == 3
    assert records["002_761bafcaa80bbbf4"]["dateline"] == "Kabul [Afghanistan], May 6 (ANI):"
    assert records["002_761bafcaa80bbbf4"]["text"].startswith("Terrorist organisations Taliban")
    assert records["003_1aa4f263d7f3497b"]["text"].startswith("Al-Qaeda’s bond")
    assert records["004_f31936eab82d1273"]["title"].startswith("UN Report:")
