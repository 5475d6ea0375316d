"""taq-news annotate at scale, on a real Dask LocalCluster(2) and about 200 varied articles.

Local and Dask runs give byte-identical folders; bad articles end in rejects with the run
otherwise complete; a killed run commits nothing and --resume then equals a clean run; a
worker that dies is replaced and the output does not change; the spaCy pipeline is built
once per worker process; the folder validates and loads with datasets.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from taq_news.cli.app import main
from taq_news.collection.run import RunFailed, annotate
from taq_news.core.cluster import EngineSpec
from taq_news.preannotate import accuracy
from tests.collection import helpers
from tests.collection.helpers import COUNT, SHARD, tree
from tests.conftest import ROOT

distributed = pytest.importorskip("distributed")

EXPECTED_REJECTS = {"text-empty": 1, "utf8-invalid": 1, "json-syntax": 1, "value-not-text": 1, "control-character": 1, "id-duplicate": 1}


def test_local_and_dask_give_byte_identical_folders(local_run, dask_run):
    (a, sa), (b, sb) = local_run, dask_run
    assert len(sb.pids) == 2, "both workers took shards"
    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb)
    assert [k for k in ta if ta[k] != tb[k]] == []
    assert sa.items == COUNT + sum(EXPECTED_REJECTS.values())
    assert sa.shards == -(-sa.items // SHARD)
    assert len([k for k in ta if k.startswith("data/documents/")]) == sa.shards


def test_two_dask_runs_are_identical(dask_run, inputs, registry, dask_engine, tmp_path):
    again = tmp_path / "again"
    annotate(inputs, str(again), registry, shard_size=SHARD, engine=dask_engine)
    assert tree(again) == tree(dask_run[0])


def test_every_bad_input_is_a_reject_with_its_location_and_check(local_run):
    out, summary = local_run
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text("utf-8").splitlines()]
    assert dict(summary.rejects) == EXPECTED_REJECTS
    by_check = {r["check"]: r for r in rejects}
    assert by_check["text-empty"]["location"] == "pages/zz-empty.txt"
    assert by_check["json-syntax"]["location"] == "feed.jsonl.gz:4"
    assert by_check["id-duplicate"]["location"].startswith("feed.jsonl.gz:")
    assert [r["index"] for r in rejects] == sorted(r["index"] for r in rejects)
    manifest = json.loads((out / "_manifest.json").read_text("utf-8"))
    assert manifest["documents"] == COUNT and manifest["rejects"] == len(rejects) == sum(EXPECTED_REJECTS.values())
    assert manifest["documents"] + manifest["rejects"] == manifest["items"]
    documents = pq.read_table(sorted((out / "data/documents").glob("*.parquet"))[0].parent)
    assert documents.num_rows == COUNT and len(set(documents.column("id").to_pylist())) == COUNT


def test_input_metadata_is_external_and_text_metadata_keeps_its_basis(local_run):
    out, _ = local_run
    rows = pq.read_table(out / "data/documents").to_pylist()
    fed = [r for r in rows if r["source"]["file"].startswith("feed.jsonl.gz#L")]
    pages = [r for r in rows if r["source"]["file"].startswith("pages/")]
    assert fed and pages
    for r in fed:
        given = r["source"]["given"]
        assert given["id"].startswith("syn-") and given["url"].startswith("https://news.example/") and given["title"]
        assert r["published"]["basis"] in ("external", "stated")
        if r["published"]["basis"] == "external":
            assert r["published"]["evidence"] is None and "'published' field" in r["published"]["note"]
            assert r["published"]["precision"] == "day"
        assert r["outlet"]["basis"] in ("external", "stated")
        assert r["annotation"]["method"] == "machine" and r["annotation"]["annotators"][0].startswith("taq-news-preannotate ")
    assert any(r["outlet"]["basis"] == "external" and "'outlet' field" in r["outlet"]["note"] for r in fed)
    for r in pages:  # nothing given: only what the text says
        assert r["source"]["given"] == {"id": None, "url": None, "title": None}
        assert r["outlet"]["basis"] != "external" and r["published"]["basis"] != "external"


def test_the_folder_validates(local_run, capsys):
    out, _ = local_run
    assert main(["validate", str(out)]) == 0
    assert "PASSED" in capsys.readouterr().out


def test_a_shard_whose_every_article_was_rejected_still_validates_and_a_collection_of_only_rejects_does_not(registry, tmp_path, capsys):
    good = json.dumps({"text": "KABUL (Reuters) - The Taliban said on Monday they would talk. \"We are ready,\" a spokesman said."})
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(['{"text": ""}', '{"nope": 1}', '{"text": "  "}', good]) + "\n", "utf-8")
    out = tmp_path / "out"
    summary = annotate([str(feed)], str(out), registry, shard_size=3)
    assert summary.shards == 2 and summary.documents == 1
    assert not (out / "data/documents/train-00000-of-00002.parquet").exists()  # no rows, no file: datasets cannot read an empty one
    assert main(["validate", str(out)]) == 0
    assert "PASSED" in capsys.readouterr().out
    import datasets

    loaded = datasets.load_dataset(str(out), "documents", split="train", cache_dir=str(tmp_path / "hf"))
    assert loaded.num_rows == 1
    feed.write_text('{"text": ""}\n', "utf-8")
    annotate([str(feed)], str(out), registry, shard_size=3)
    assert main(["validate", str(out)]) == 1
    assert "file-empty" in capsys.readouterr().out


def test_a_config_with_no_rows_in_the_whole_collection_is_not_offered_and_every_listed_one_loads(registry, tmp_path, capsys):
    # articles without a single quotation: the quotes config has no file, so the card and Croissant must not offer it
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"text": t}) for t in ("The Taliban held talks in Doha on Monday.", "Rain fell on Kabul for a third day.")) + "\n", "utf-8")
    out = tmp_path / "out"
    summary = annotate([str(feed)], str(out), registry, shard_size=1)
    assert summary.rows["quotes"] == 0 and not list((out / "data").glob("quotes/*.parquet"))
    assert main(["validate", str(out)]) == 0, capsys.readouterr().out
    import datasets
    from ruamel.yaml import YAML

    header = (out / "README.md").read_text("utf-8").split("---\n")[1]
    card = YAML(typ="safe").load(header)
    listed = [c["config_name"] for c in card["configs"]]
    assert "quotes" not in listed and "documents" in listed
    assert [c["config_name"] for c in card["dataset_info"]] == listed
    for config in listed:
        loaded = datasets.load_dataset(str(out), config, split="train", cache_dir=str(tmp_path / "hf"))
        assert loaded.num_rows == summary.rows[config], config
    croissant = json.loads((out / "croissant.json").read_text("utf-8"))
    assert [rs["@id"] for rs in croissant["recordSet"]] == listed, "Croissant offers no record set without files"
    assert all(not d["@id"].startswith("quotes") for d in croissant["distribution"])
    mlc = pytest.importorskip("mlcroissant")
    ds = mlc.Dataset(str(out / "croissant.json"))
    assert [len(list(ds.records(config))) for config in listed] == [summary.rows[c] for c in listed]
    assert "No `quotes` rows" in (out / "README.md").read_text("utf-8")


def test_validate_on_dask_gives_the_same_verdict_and_finds_a_duplicate_shard(local_run, cluster, tmp_path, capsys):
    out, _ = local_run
    assert main(["validate", str(out), "--engine", "dask", "--scheduler", cluster.scheduler_address]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad"
    subprocess.run(["cp", "-a", str(out), str(bad)], check=True)
    first = sorted((bad / "data/documents").glob("*.parquet"))[0]
    (bad / "data/documents/train-99999-of-99999.parquet").write_bytes(first.read_bytes())
    for engine in (["--engine", "dask", "--scheduler", cluster.scheduler_address], []):
        assert main(["validate", str(bad), *engine]) == 1
        text = capsys.readouterr().out
        assert "id-duplicate" in text and "collection-mismatch" in text and "train-99999-of-99999" in text


def test_the_folder_loads_with_datasets(local_run, tmp_path):
    datasets = pytest.importorskip("datasets")
    out, summary = local_run
    for config in ("documents", "quotes", "entities", "ner"):
        ds = datasets.load_dataset(str(out), config, split="train", cache_dir=str(tmp_path / config))
        assert ds.num_rows == summary.rows[config]
    assert ds.features["ner_tags"].feature.names[1] == "B-PERSON"


def test_the_folder_loads_with_datasets_3_6(local_run, tmp_path):
    python = os.environ.get("TAQ_DS3_PYTHON")
    if not python:
        if os.environ.get("CI"):
            pytest.fail("TAQ_DS3_PYTHON is not set: run the tests through 'make test'")
        pytest.skip("datasets 3.6 environment not given (TAQ_DS3_PYTHON)")
    out, summary = local_run
    code = ("import datasets, json, sys; print(json.dumps({c: datasets.load_dataset(sys.argv[1], c, split='train', cache_dir=sys.argv[2] + c).num_rows "
            "for c in ('documents', 'quotes', 'entities', 'ner')} | {'version': datasets.__version__, "
            "'names': datasets.load_dataset(sys.argv[1], 'ner', split='train', cache_dir=sys.argv[2] + 'n').features['ner_tags'].feature.names[:2]}))")
    env = {**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    run = subprocess.run([python, "-c", code, str(out), str(tmp_path) + "/"], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout)
    assert got.pop("version") == "3.6.0" and got.pop("names") == ["O", "B-PERSON"]
    assert got == {c: summary.rows[c] for c in got}


def test_croissant_loads_every_record_set_of_the_shards(local_run):
    mlc = pytest.importorskip("mlcroissant")
    out, summary = local_run
    ds = mlc.Dataset(str(out / "croissant.json"))
    for config in ("documents", "quotes", "entities", "ner"):
        records = list(ds.records(config))
        assert len(records) == summary.rows[config], config
    ids = sorted(r["documents/id"].decode() for r in ds.records("documents"))
    assert ids == sorted(pq.read_table(out / "data/documents", columns=["id"]).column("id").to_pylist())


def test_the_card_says_how_it_was_made(local_run):
    out, summary = local_run
    card = (out / "README.md").read_text("utf-8")
    assert "annotations_creators:\n- machine-generated" in card
    assert "path: data/documents/train-*.parquet" in card
    assert f"num_examples: {summary.rows['documents']}" in card
    assert "No record was checked by\na person" in card and "rejects.jsonl" in card
    readme = (ROOT / "README.md").read_text("utf-8")
    overall = next(line for line in readme.splitlines() if line.startswith("| **overall** |"))
    exact_f1, overlap_f1 = overall.split("|")[3].split("/")[2].strip(), overall.split("|")[4].split("/")[2].strip()
    assert f"| {exact_f1} | {overlap_f1} |" in card, "the card's accuracy figures are the README's evaluation"
    assert accuracy.card_table() in card  # the package's accuracy record, its one source


def test_a_poisoned_article_is_rejected_and_the_run_completes(inputs, registry, dask_engine, tmp_path, local_run):
    extra = tmp_path / "poison.jsonl"
    extra.write_text(json.dumps({"id": "p1", "text": "Kabul officials said POISON was found."}) + "\n", "utf-8")
    for engine in (None, dask_engine):
        out = tmp_path / f"out-{engine.name if engine else 'local'}"
        summary = annotate([*inputs, str(extra)], str(out), registry, shard_size=SHARD, engine=engine, work=helpers.poisoned)
        assert summary.rejects["rule-failed"] == 1 and summary.documents == COUNT
        rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text("utf-8").splitlines()]
        assert {"location": "poison.jsonl:1", "check": "rule-failed"}.items() <= next(r for r in rejects if r["check"] == "rule-failed").items()
        assert pq.read_table(out / "data/documents").num_rows == pq.read_table(local_run[0] / "data/documents").num_rows


def test_too_many_rejects_commit_nothing(inputs, registry, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(RunFailed) as caught:
        annotate(inputs, str(out), registry, shard_size=SHARD, max_rejects=2)
    assert caught.value.check == "rejects-exceeded" and not out.exists()
    assert main(["annotate", *inputs, "--out", str(out), "--max-rejects", "2", "--no-progress"]) == 1
    text = capsys.readouterr().out
    assert "rejects-exceeded" in text and "nothing was committed" in text and not out.exists()


def test_a_killed_run_commits_nothing_and_resume_equals_a_clean_run(inputs, local_run, tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "taq_news.cli", "--root", str(ROOT), "annotate", *inputs, "--out", str(out), "--shard-size", str(SHARD), "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    staging = tmp_path / ".taq-staging-out.annotate" / "_shards"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(staging.glob("*.json"))) < 3 and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists(), "a killed run committed something"
    done = len(list(staging.glob("*.json")))
    assert 3 <= done < 10
    resumed = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"{done} reused" in resumed.stdout or "reused" in resumed.stdout
    assert tree(out) == tree(local_run[0])
    assert not (tmp_path / ".taq-staging-out.annotate").exists()


def test_a_worker_that_dies_is_replaced_and_the_output_is_unchanged(inputs, registry, local_run, tmp_path):
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50) as own:
        summary = annotate(inputs, str(out), registry, shard_size=SHARD, engine=EngineSpec("dask", scheduler=own.scheduler_address), work=helpers.dies_once)
    assert (tmp_path / "died-once").exists(), "the worker did not die"
    assert summary.documents == COUNT
    assert tree(out) == tree(local_run[0])


def test_the_pipeline_is_built_once_per_worker_process(dask_run):
    _, summary = dask_run
    assert len(summary.pids) == 2
    for pid, builds in summary.builds.items():
        assert len(builds) == 1, f"worker {pid} built the pipeline again during the run: {sorted(builds)}"


def test_resume_reuses_only_shards_whose_input_is_unchanged(inputs, registry, tmp_path):
    from taq_news.publishing.output import OutputRefused

    out = tmp_path / "out"
    first = annotate(inputs, str(out), registry, shard_size=SHARD)
    assert first.reused == 0
    again = annotate(inputs, str(out), registry, shard_size=SHARD, resume=True)  # out is ours: replaced; nothing staged to reuse
    assert again.reused == 0 and again.documents == first.documents
    (out / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(OutputRefused):
        annotate(inputs, str(out), registry, shard_size=SHARD)
    assert (out / "notes.txt").read_text("utf-8") == "mine"


def test_hostile_arguments_get_a_clear_error_and_write_nothing(inputs, tmp_path, capsys):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", "utf-8")
    assert main(["annotate", *inputs, "--out", str(precious), "--no-progress"]) == 2
    assert "out-not-ours" in capsys.readouterr().err and (precious / "thesis.tex").read_text("utf-8") == "years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", "utf-8")
    assert main(["annotate", *inputs, "--out", str(a_file), "--no-progress"]) == 2
    assert "out-not-folder" in capsys.readouterr().err
    assert main(["annotate", str(tmp_path / "missing"), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "input-invalid" in capsys.readouterr().err and not (tmp_path / "o").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["annotate", str(empty), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "input-invalid" in capsys.readouterr().err
    for bad in (["--shard-size", "0"], ["--shard-size", "x"], ["--max-rejects", "-1"], ["--engine", "spark"], ["--scheduler", "tcp://x:1"]):
        assert main(["annotate", *inputs, "--out", str(tmp_path / "o"), "--no-progress", *bad]) == 2, bad
    assert not (tmp_path / "o").exists()
    os.mkfifo(tmp_path / "fifo.jsonl")
    assert main(["annotate", str(tmp_path / "fifo.jsonl"), "--out", str(tmp_path / "o"), "--no-progress"]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_two_runs_at_once_are_refused(inputs, registry, tmp_path):
    from taq_news.publishing.output import OutputRefused, StagedFolder

    out = tmp_path / "out"
    holder = StagedFolder(out, "annotate")
    try:
        with pytest.raises(OutputRefused) as caught:
            annotate(inputs, str(out), registry, shard_size=SHARD)
        assert caught.value.check == "out-busy"
    finally:
        holder.discard()


def test_a_truncated_gzip_is_a_reject_not_a_crash(registry, tmp_path):
    good = tmp_path / "feed.jsonl.gz"
    with gzip.open(good, "wt", encoding="utf-8") as fh:
        for n in range(40):
            fh.write(json.dumps({"id": str(n), "text": f"Officials in Kabul said the talks would resume in {2000 + n}."}) + "\n")
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 2])
    summary = annotate([str(good)], str(tmp_path / "out"), registry, shard_size=10)
    assert summary.rejects["file-unreadable"] == 1 and summary.documents >= 1


def test_hostile_inputs_are_rejects_or_usage_errors_never_a_hang_or_a_crash(registry, tmp_path, capsys):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "ok.txt").write_text("Officials in Kabul said the talks would resume.\n", "utf-8")
    os.mkfifo(pages / "pipe.txt")  # a read would block forever
    (pages / "loop").symlink_to(pages, target_is_directory=True)  # a walk that followed it would never end
    feed = tmp_path / "feed.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    feed.write_text("\n".join([deep, json.dumps({"text": 5}), json.dumps({"text": "ok", "published": ["x"]}),
                               json.dumps({"text": "Kabul officials said it.", "published": "last Tuesday", "outlet": "Dawn"})]) + "\n", "utf-8")
    huge = tmp_path / "huge.jsonl"
    with open(huge, "w", encoding="utf-8") as fh:
        fh.write('{"text": "' + "a" * 5_000_000 + '"}\n')
        fh.write(json.dumps({"text": "Kabul officials said the talks went well."}) + "\n")
    summary = annotate([str(pages), str(feed), str(huge)], str(tmp_path / "out"), registry, shard_size=2)
    assert dict(summary.rejects) == {"file-unreadable": 1, "json-syntax": 1, "value-not-text": 2, "text-too-long": 1}
    assert summary.documents == 3
    rows = pq.read_table(tmp_path / "out/data/documents").to_pylist()
    dated = next(r for r in rows if r["source"]["file"] == "feed.jsonl#L4")
    assert dated["published"]["basis"] == "unknown" and "'last Tuesday' is not a date" in dated["published"]["note"]
    assert dated["outlet"] == {**dated["outlet"], "name": "Dawn", "basis": "external"}
    # --out inside an input folder would be read back as articles by the next run
    assert main(["annotate", str(pages), "--out", str(pages / "annotated"), "--no-progress"]) == 2
    assert "inside this input folder" in capsys.readouterr().err and not (pages / "annotated").exists()


def test_resume_reruns_a_shard_whose_input_changed(registry, tmp_path):
    feed = tmp_path / "feed.jsonl"
    texts = [f"Officials in Kabul said on day {n} that the talks would resume next week." for n in range(6)]
    feed.write_text("".join(json.dumps({"id": str(n), "text": t}) + "\n" for n, t in enumerate(texts)), "utf-8")
    out = tmp_path / "out"
    with pytest.raises(RunFailed):  # fails at commit, after every shard is staged
        annotate([str(feed)], str(out), registry, shard_size=2, max_rejects=-1)
    texts[3] = "A different article now: officials in Herat said the road was open again."
    feed.write_text("".join(json.dumps({"id": str(n), "text": t}) + "\n" for n, t in enumerate(texts)), "utf-8")
    resumed = annotate([str(feed)], str(out), registry, shard_size=2, resume=True)
    assert resumed.reused == 2, "shards 0 and 2 are unchanged; shard 1 holds the changed article"
    clean = tmp_path / "clean"
    annotate([str(feed)], str(clean), registry, shard_size=2)
    assert tree(out) == tree(clean)


def test_an_unreachable_scheduler_is_a_usage_error_that_leaves_nothing(inputs, tmp_path, capsys):
    (tmp_path / "sched.json").write_text('{"type": "Scheduler"}', "utf-8")
    for engine in (["--scheduler-file", str(tmp_path / "missing.json")], ["--scheduler-file", str(tmp_path / "sched.json")]):
        assert main(["annotate", *inputs, "--out", str(tmp_path / "out"), "--engine", "dask", "--no-progress", *engine]) == 2
        assert "argument-invalid" in capsys.readouterr().err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["sched.json"], "a failed start left staging behind"


def test_a_hostile_manifest_is_an_incident_and_reads_nothing_outside(local_run, tmp_path, capsys):
    bad = tmp_path / "bad"
    subprocess.run(["cp", "-a", str(local_run[0]), str(bad)], check=True)
    manifest = json.loads((bad / "_manifest.json").read_text("utf-8"))
    manifest["files"]["../../../etc/passwd"] = "0" * 64
    manifest["files"]["/etc/hostname"] = 5
    (bad / "_manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert main(["validate", str(bad)]) == 1
    text = capsys.readouterr().out
    assert text.count("L1 manifest-syntax files:") == 2 and "L1 manifest-syntax: 2" in text and "Traceback" not in text
    (bad / "_manifest.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    assert main(["validate", str(bad)]) == 1
    assert "manifest-syntax" in capsys.readouterr().out


def test_one_name_read_two_ways_in_two_shards_still_validates(registry, tmp_path, capsys):
    # "Meridian" is an organization in one article (a lone capitalized speaker) and, in another,
    # the outlet its page names (on its copyright line). Shards cannot see each other's proposals;
    # when proposals shared a bare id, the merged registry held one of the two, and the committed
    # folder failed its own validation (speaker-name-mismatch, outlet-name-mismatch).
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(a) for a in [
        {"text": "Meridian said on Monday that the talks would resume. \u201cWe will report it all,\u201d Meridian said.\n"},
        {"text": "Talks to resume\n\nOfficials in Kabul said on Monday that the talks would resume next week. "
                 "\u201cThe talks are on,\u201d Meridian said in a statement.\n\n\u00a9 2022 Meridian\n"},
    ]) + "\n", "utf-8")
    out = tmp_path / "out"
    annotate([str(feed)], str(out), registry, shard_size=1)
    assert main(["validate", str(out)]) == 0, capsys.readouterr().out
    rows = [r for f in sorted((out / "data/documents").glob("*.parquet")) for r in pq.read_table(f).to_pylist()]
    outlet = rows[1]["outlet"]
    assert (outlet["name"], outlet["basis"]) == ("Meridian", "stated") and outlet["entity_id"].startswith("meridian-")
    # The page's own outlet is the speaker of the statement on that page.
    assert rows[1]["quotes"][-1]["speaker_entity_id"] == outlet["entity_id"]
    entities = {r["entity_id"]: r for r in pq.read_table(next((out / "data/entities").glob("*.parquet"))).to_pylist()}
    assert entities[outlet["entity_id"]]["kind"] == "outlet"
    other = {q["speaker_entity_id"] for q in rows[0]["quotes"]}
    assert len(other) == 1 and entities[other.pop()]["kind"] == "organization"
