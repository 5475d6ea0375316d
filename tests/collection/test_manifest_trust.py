"""What validate and --resume believe of an annotate folder is checked against the data itself:
the manifest's totals, the derived rows against the records, and a staged shard's done-record
against its files. Each tampering here once passed."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest

from taq_news.cli.app import main
from taq_news.collection.run import annotate
from taq_news.collection.shards import _seal
from taq_news.publishing.build import parquet_bytes
from taq_news.publishing.output import sha_file
from tests.collection import helpers
from tests.collection.helpers import SHARD, tree


@pytest.fixture()
def copy(local_run, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(local_run[0], out)
    return out


def edit_manifest(folder, change) -> None:
    path = folder / "_manifest.json"
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", "utf-8")


def verdict(folder, capsys) -> tuple[int, str]:
    code = main(["validate", str(folder)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(("field", "value", "says"), [
    ("items", 1000, "input items are not the"),
    ("rejects", 7, "lists 6 rejected articles; _manifest.json counts 7"),
    ("documents", 1, "records, but rows.documents is"),
])
def test_manifest_totals_that_do_not_add_up_fail(copy, capsys, field, value, says):
    edit_manifest(copy, lambda doc: doc.__setitem__(field, value))
    code, out = verdict(copy, capsys)
    assert code == 1 and "L5 collection-mismatch" in out and says in out, out


def test_a_config_total_that_is_not_its_shards_sum_fails(copy, capsys):
    edit_manifest(copy, lambda doc: doc["rows"].__setitem__("quotes", doc["rows"]["quotes"] + 1))
    code, out = verdict(copy, capsys)
    assert code == 1 and "rows.quotes" in out and "the shards hold" in out, out


def test_a_record_removed_with_its_hash_and_counts_forged_leaves_its_rows_behind_and_fails(copy, capsys):
    shard = sorted((copy / "data/documents").glob("*.parquet"))[0]
    table = pq.read_table(shard)
    gone = table["id"][0].as_py()
    rel = shard.relative_to(copy).as_posix()
    shard.write_bytes(parquet_bytes(table.slice(1)))

    def forge(doc):
        doc["files"][rel] = sha_file(shard)
        entry = next(s for s in doc["shards"] if rel in s["files"])
        entry["files"][rel] = doc["files"][rel]
        entry["rows"]["documents"] -= 1
        doc["rows"]["documents"] -= 1
        doc["documents"] -= 1
        doc["items"] -= 1  # even a forger who keeps the totals consistent leaves the derived rows behind

    edit_manifest(copy, forge)
    code, out = verdict(copy, capsys)
    assert code == 1 and f"in no record of the shard's documents file (first: {gone})" in out, out


def test_resume_does_not_reuse_a_shard_whose_done_record_was_edited(inputs, registry, local_run, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="shard 3 fell over"):
        annotate(inputs, str(out), registry, shard_size=SHARD, work=helpers.fails_at_shard_3)
    shards = tmp_path / ".taq-staging-out.annotate" / "_shards"
    done = sorted(shards.glob("?????.json"))
    assert len(done) >= 2
    edited = json.loads(done[0].read_text("utf-8"))
    edited["rows"]["quotes"] = 1  # as a damaged or hand-edited record would say
    done[0].write_text(json.dumps(edited), "utf-8")
    forged = json.loads(done[1].read_text("utf-8"))
    forged["rows"]["quotes"] = 1
    forged["seal"] = _seal({k: v for k, v in forged.items() if k != "seal"})  # sealed again: the file's row count still says otherwise
    done[1].write_text(json.dumps(forged), "utf-8")
    summary = annotate(inputs, str(out), registry, shard_size=SHARD, resume=True)
    assert summary.reused == len(done) - 2
    assert tree(out) == tree(local_run[0])


def test_a_shard_that_is_no_parquet_file_is_said_once(copy, capsys):
    shard = sorted((copy / "data/documents").glob("*.parquet"))[1]
    rel = shard.relative_to(copy).as_posix()
    shard.write_bytes(b"not parquet at all\n" * 10)

    def rehash(doc):
        doc["files"][rel] = sha_file(shard)
        next(s for s in doc["shards"] if rel in s["files"])["files"][rel] = doc["files"][rel]

    edit_manifest(copy, rehash)
    code, out = verdict(copy, capsys)
    assert code == 1 and out.count("parquet-unreadable -:") == 1, out
