"""Inputs named and shaped as real crawls name them: underscores, spaces, colons and non-ASCII
letters in file names, .TXT in capitals, links, a file given twice, JSON escapes that are no text,
and dates that no calendar has. Each article becomes a record or a reject that says why."""

from __future__ import annotations

import json
import os

import pyarrow.parquet as pq
import pytest

from taq_news.cli.app import main
from taq_news.collection.article import location_uri
from taq_news.collection.run import annotate

TEXT = "Officials in Kabul said on Monday that the talks with the delegation would resume in {n}, the ministry added."


def feed(path, n: int = 3, **fields) -> None:
    path.write_text("".join(json.dumps({"text": TEXT.format(n=2000 + i), **fields}) + "\n" for i in range(n)), "utf-8")


def rows(out) -> list[dict]:
    return pq.read_table(out / "data/documents").to_pylist()


@pytest.mark.parametrize("name", ["my_feed.jsonl", "2feed.jsonl", "my feed.jsonl", "feed%.jsonl", "ünï.jsonl", "feed#1.jsonl"])
def test_every_article_of_a_feed_becomes_a_record_whatever_the_file_is_called(registry, tmp_path, name, capsys):
    src = tmp_path / "in" / name
    src.parent.mkdir()
    feed(src)
    out = tmp_path / "out"
    summary = annotate([str(src)], str(out), registry, shard_size=2)
    assert summary.documents == 3 and not summary.rejects
    files = sorted(r["source"]["file"] for r in rows(out))
    assert files == [location_uri(f"{name}:{n}") for n in (1, 2, 3)]
    assert all(r["annotation"]["file"] == r["source"]["file"] for r in rows(out))
    assert main(["validate", str(out)]) == 0, capsys.readouterr().out


def test_a_location_is_a_uri_reference_that_reads_back_as_the_file():
    from urllib.parse import unquote, urlsplit

    assert location_uri("feed.jsonl:12") == "feed.jsonl#L12"
    assert location_uri("my feed.jsonl.gz:3") == "my%20feed.jsonl.gz#L3"
    assert location_uri("pages/we ird:name.txt") == "pages/we%20ird%3Aname.txt"
    for loc, path in (("a:b/c d.txt", "a:b/c d.txt"), ("x#y.jsonl:4", "x#y.jsonl")):
        parts = urlsplit(location_uri(loc))
        assert parts.scheme == "" and unquote(parts.path) == path


def test_a_page_with_a_colon_and_a_capitalised_suffix_is_read(registry, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "we ird:name.txt").write_text(TEXT.format(n=2001) + "\n", "utf-8")
    (pages / "UPPER.TXT").write_text(TEXT.format(n=2002) + "\n", "utf-8")
    summary = annotate([str(pages)], str(tmp_path / "out"), registry, shard_size=2)
    assert summary.documents == 2 and not summary.rejects
    assert sorted(r["source"]["file"] for r in rows(tmp_path / "out")) == ["pages/UPPER.TXT", "pages/we%20ird%3Aname.txt"]


@pytest.mark.parametrize("field", ["text", "id", "title", "url", "outlet", "published"])
def test_a_lone_surrogate_escape_is_a_reject_naming_its_line_and_field(registry, tmp_path, field):
    src = tmp_path / "feed.jsonl"
    feed(src, 2)
    bad = {"text": TEXT.format(n=1999), field: ("half \ud800 of a pair" if field != "text" else "Officials said \ud800 it.")}
    with open(src, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(bad) + "\n")  # json.dumps escapes it as \ud800, as a broken exporter writes it
    summary = annotate([str(src)], str(tmp_path / "out"), registry, shard_size=2)
    assert summary.documents == 2 and dict(summary.rejects) == {"utf8-invalid": 1}
    reject = json.loads((tmp_path / "out/rejects.jsonl").read_text("utf-8"))
    assert reject["location"] == "feed.jsonl:3" and f"'{field}' holds a lone surrogate \\ud800" in reject["reason"]


@pytest.mark.parametrize("given", ["2024-02-30", "2023-13-01", "0000-00-00", "2100-02-29", "2024-01-01T25:00:00", "2024-01-01T10:00:00+25:00"])
def test_a_date_no_calendar_has_is_unknown_with_a_note_not_a_lost_article(registry, tmp_path, given):
    src = tmp_path / "feed.jsonl"
    feed(src, 1, published=given)
    summary = annotate([str(src)], str(tmp_path / "out"), registry, shard_size=2)
    assert summary.documents == 1 and not summary.rejects
    pub = rows(tmp_path / "out")[0]["published"]
    assert (pub["date"], pub["basis"]) == (None, "unknown") and f"{given!r} is no day of the calendar" in pub["note"]


def test_the_same_file_twice_through_a_folder_or_a_link_is_a_usage_error(registry, tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(TEXT.format(n=2001) + "\n", "utf-8")
    os.symlink(pages / "a.txt", tmp_path / "link.txt")
    for args in ([str(pages), str(pages / "a.txt")], [str(pages / "a.txt"), str(tmp_path / "link.txt")]):
        assert main(["annotate", *args, "--out", str(tmp_path / "out"), "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert "input-invalid" in err and "so its articles would be read twice" in err
    assert not (tmp_path / "out").exists()


def test_out_inside_an_input_reached_through_a_link_is_refused(tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(TEXT.format(n=2001) + "\n", "utf-8")
    os.symlink(pages, tmp_path / "pages-link")
    assert main(["annotate", str(tmp_path / "pages-link"), "--out", str(pages / "out"), "--no-progress"]) == 2
    assert "inside this input folder" in capsys.readouterr().err and not (pages / "out").exists()
    assert main(["annotate", str(pages), "--out", str(tmp_path / "pages-link" / "out"), "--no-progress"]) == 2
    assert "inside this input folder" in capsys.readouterr().err and not (pages / "out").exists()


def test_a_dangling_link_is_a_reject_that_says_so(registry, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(TEXT.format(n=2001) + "\n", "utf-8")
    os.symlink(tmp_path / "gone.txt", pages / "dangling.txt")
    os.symlink(pages / "loop.txt", pages / "loop.txt")
    summary = annotate([str(pages)], str(tmp_path / "out"), registry, shard_size=2)
    assert summary.documents == 1 and dict(summary.rejects) == {"file-unreadable": 2}
    reasons = [json.loads(line)["reason"] for line in (tmp_path / "out/rejects.jsonl").read_text("utf-8").splitlines()]
    assert reasons == ["is a link that leads to no file (its target is gone, or the link loops)"] * 2


@pytest.mark.parametrize(("args", "check", "says"), [
    (["--name", ""], "argument --name", "the name is empty"),  # argparse's own usage error, as for every typed argument
    (["--name", "x\nlicense: mit\n---"], "argument --name", "holds a line break"),
    (["--model", "en_core_web_nonexistent"], "model-missing", "is not installed"),
    (["--workers", "4"], "argument-invalid", "the local engine runs in this one"),
    (["--out", ""], "argument-invalid", "--out is empty"),
])
def test_arguments_that_cannot_work_are_refused_before_any_work(tmp_path, capsys, args, check, says):
    src = tmp_path / "feed.jsonl"
    feed(src, 1)
    out = ["--out", str(tmp_path / "out")] if "--out" not in args else []
    assert main(["annotate", str(src), *out, "--no-progress", *args]) == 2
    err = capsys.readouterr().err
    assert check in err and says in err and "internal-error" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.jsonl"]


def test_a_name_with_yaml_syntax_is_the_card_s_name_verbatim(registry, tmp_path, capsys):
    import yaml

    src = tmp_path / "feed.jsonl"
    feed(src, 2)
    name = "Crawl: 2024 # Kabul & \"Doha\" – pages"
    assert main(["annotate", str(src), "--out", str(tmp_path / "out"), "--no-progress", "--name", name]) == 0, capsys.readouterr()
    card = (tmp_path / "out/README.md").read_text("utf-8")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["pretty_name"] == name and f"\n# {name}\n" in card
    assert main(["validate", str(tmp_path / "out")]) == 0


def test_a_dask_run_leaves_nothing_in_the_temporary_folder(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    pytest.importorskip("distributed")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = subprocess.run([sys.executable, "-m", "taq_news.cli", "--root", str(ROOT), "annotate", str(ROOT / "dataset/raw"), "--out", str(tmp_path / "out"),
                          "--engine", "dask", "--workers", "1", "--no-progress"], capture_output=True, text=True, timeout=600, env={**os.environ, "TMPDIR": str(scratch)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(scratch.iterdir()) == []  # Dask's dask-scratch-space/ lock files went with the cluster


def test_a_page_named_like_a_feed_s_id_is_not_that_article(registry, tmp_path):
    coll = tmp_path / "coll"
    coll.mkdir()
    (coll / "a.jsonl").write_text(json.dumps({"id": "x.txt", "text": TEXT.format(n=2001)}) + "\n", "utf-8")
    (coll / "a.jsonl#x.txt").write_text(TEXT.format(n=2002) + "\n", "utf-8")
    summary = annotate([str(coll)], str(tmp_path / "out"), registry, shard_size=2)
    assert summary.documents == 2 and not summary.rejects
