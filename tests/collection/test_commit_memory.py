"""The commit of ``taq-news annotate`` without holding the collection: the entities table is
merged from the shards' pair files in entity ranges, and uniqueness (of input keys and of
document ids) is checked on 64-bit digests, confirmed on the strings.

The bound itself is measured by scripts/bench_scale.py (peak memory at two collection
sizes); these tests make sure the bounded paths give the same answers as holding it all.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from taq_news.collection import entities, run
from taq_news.collection import inputs as reading
from taq_news.collection.run import RunFailed, annotate
from taq_news.core.repeats import Repeats, digest64
from tests.collection.helpers import SHARD, tree

ENTITIES = "data/entities/train-00000-of-00001.parquet"


def test_the_entities_table_is_the_same_in_any_number_of_ranges(inputs, registry, local_run, tmp_path, monkeypatch):
    out, _ = local_run
    whole = pq.ParquetFile(out / ENTITIES)
    assert whole.metadata.num_row_groups == 1  # the default range holds this small collection's pairs
    monkeypatch.setattr(entities, "BATCH_ROWS", 7)
    ranged = tmp_path / "ranged"
    annotate(inputs, str(ranged), registry, shard_size=SHARD)
    parts = pq.ParquetFile(ranged / ENTITIES)
    assert parts.metadata.num_row_groups > 20
    assert parts.read().equals(whole.read())
    # The per-config shards do not depend on the ranges, only the entities file does.
    for p in sorted((out / "data").rglob("*.parquet")):
        rel = p.relative_to(out).as_posix()
        if rel != ENTITIES:
            assert (ranged / rel).read_bytes() == p.read_bytes(), rel


def test_the_entities_table_counts_what_the_documents_shards_hold(local_run):
    out, _ = local_run
    docs = pq.read_table(sorted((out / "data/documents").glob("*.parquet")), columns=["id", "entities", "quotes"]).to_pylist()
    mentions = Counter(m["entity_id"] for d in docs for m in d["entities"] if m["entity_id"])
    speaking = Counter(q["speaker_entity_id"] for d in docs for q in d["quotes"] if q["speaker_entity_id"])
    named_in = {}
    for d in docs:
        for e in {m["entity_id"] for m in d["entities"]} | {q["speaker_entity_id"] for q in d["quotes"]}:
            if e:
                named_in.setdefault(e, set()).add(d["id"])
    table = pq.read_table(out / ENTITIES).to_pylist()
    assert [r["entity_id"] for r in table] == sorted(r["entity_id"] for r in table)
    assert sum(mentions.values()) > 500
    for row in table:
        e = row["entity_id"]
        assert (row["mention_count"], row["quote_count"]) == (mentions[e], speaking[e]), e
        assert row["doc_ids"] == sorted(named_in.get(e, ())), e
        assert row["document_count"] == len(row["doc_ids"])


def test_a_sorted_file_gives_exactly_the_rows_of_a_range_and_the_ranges_cover_every_key(tmp_path):
    keys = sorted(["a", "b", "b", "c", "d", "d", "d", "e", "f", "g", "h", "h"])
    table = pa.table({"entity": keys, "doc": [f"d{i}" for i in range(len(keys))]})
    path = tmp_path / "sorted.parquet"
    pq.write_table(table, path, row_group_size=3)
    sf, sample = entities.survey(path, table.schema, every=2)
    assert sf.groups == (("a", "b"), ("c", "d"), ("d", "f"), ("g", "h")) and sample.to_pylist() == keys[::2]
    bounds = entities.cuts([sample], every=2, batch_rows=4)
    assert bounds == sorted(set(bounds)) and len(bounds) >= 2
    seen = []
    for low, high in entities.ranges(bounds):
        got = sf.rows_in(low, high).column("entity").to_pylist()
        assert got == [k for k in keys if (low is None or k >= low) and (high is None or k < high)]
        seen += got
    assert seen == keys  # each key in exactly one range, none split
    assert sf.rows_in("x", None).num_rows == 0 and sf.rows_in(None, "a").num_rows == 0


def _shards_of_ids(folder, *shards: list[str]):
    n = len(shards)
    for i, ids in enumerate(shards):
        path = folder / f"data/documents/train-{i:05d}-of-{n:05d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"id": pa.array(ids, pa.string())}), path)
    return SimpleNamespace(path=folder), SimpleNamespace(n_shards=n)


def test_a_document_id_in_two_shards_stops_the_commit(tmp_path):
    staged, setup = _shards_of_ids(tmp_path, ["a1", "b2"], ["c3"], ["d4", "b2"])
    with pytest.raises(RunFailed) as err:
        run._check_ids(staged, setup)
    assert err.value.check == "id-duplicate" and "b2" in err.value.message and "shards 0 and 2" in err.value.message


def test_digests_that_collide_are_told_apart_by_the_ids_themselves(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "digest64", lambda text: 0)
    monkeypatch.setattr("taq_news.core.repeats.digest64", lambda text: 0)
    staged, setup = _shards_of_ids(tmp_path, ["a1", "b2"], ["c3"])
    run._check_ids(staged, setup)  # every digest is 0, yet no id repeats: no failure
    staged, setup = _shards_of_ids(tmp_path / "again", ["a1"], ["a1"])
    with pytest.raises(RunFailed):
        run._check_ids(staged, setup)


def test_repeats_names_only_the_digests_seen_twice():
    seen = Repeats()
    for text in ["x", "y", "x", "z", "z", "z", "\udcff"]:  # a lone surrogate (a file name's undecodable byte) is digested too
        seen.add(text)
    assert seen.repeated() == {digest64("x"), digest64("z")}
    assert Repeats().repeated() == frozenset()


def test_duplicate_keys_are_found_when_only_repeated_keys_are_remembered(tmp_path, monkeypatch):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(f'{{"id": "{k}", "text": "Story {n} is here."}}\n' for n, k in enumerate(["a", "b", "a", "c", "b", "a"])), "utf-8")
    items, repeated = reading.scan_keys([str(feed)])
    assert items == 6 and len(repeated) == 2
    got = [(type(x).__name__, x.location) for x in reading.iter_articles([str(feed)], repeated=repeated)]
    assert got == [(type(x).__name__, x.location) for x in reading.iter_articles([str(feed)])]
    assert [loc for kind, loc in got if kind == "Reject"] == ["feed.jsonl:3", "feed.jsonl:5", "feed.jsonl:6"]
    # With colliding digests every key is remembered: the same answer, at the old cost.
    monkeypatch.setattr(reading, "digest64", lambda text: 0)
    assert [(type(x).__name__, x.location) for x in reading.iter_articles([str(feed)], repeated=frozenset({0}))] == got


def test_a_commit_that_fails_inside_the_entities_table_commits_nothing_and_resume_equals_a_clean_run(inputs, registry, local_run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real = entities.entity_rows
    calls = {"n": 0}

    def fails_on_the_third_range(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(*args)

    monkeypatch.setattr(entities, "BATCH_ROWS", 7)
    monkeypatch.setattr(entities, "entity_rows", fails_on_the_third_range)
    with pytest.raises(OSError):
        annotate(inputs, str(out), registry, shard_size=SHARD)
    assert not out.exists()
    staging = [p for p in tmp_path.iterdir() if p.name != "out"]
    assert staging and [s.name for s in staging if (s / "_shards").is_dir()]  # the shards are kept for --resume
    assert [p for s in staging for p in s.rglob("*") if p.is_file() and "entities" in p.relative_to(s).as_posix()] == [], "no torn entities file is left"
    monkeypatch.undo()
    again = annotate(inputs, str(out), registry, shard_size=SHARD, resume=True)
    assert again.reused == again.shards
    assert tree(out) == tree(local_run[0])
