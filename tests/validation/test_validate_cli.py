"""`taq-news validate`: output formats, exit codes, selection, docs, engines, downstream use."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from taq_news import validate as _validate
from taq_news.cli import main
from taq_news.core.checks import CHECKS, render_markdown


def validate(*args, **kwargs):
    """Errors only: these tests judge verdicts; the warnings a lone file gets (no registry or raw
    articles at hand) are tested in tests/publishing/test_safe_output.py and the fixtures."""
    return [i for i in _validate(*args, **kwargs) if i.severity != "warning"]

ROOT = Path(__file__).resolve().parents[2]


def run(args, capsys):
    code = main(["validate", *args])
    return code, capsys.readouterr().out


@pytest.fixture
def records_jsonl(tmp_path, layout):
    rows = pq.read_table(layout.parquet("documents")).to_pylist()
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path, rows


def test_our_dataset_passes_every_level(layout, capsys):
    code, out = run([str(layout.dataset)], capsys)
    assert code == 0, out
    assert out.strip().endswith("*** PASSED ***")


def test_valid_records_in_every_format(records_jsonl, tmp_path, layout, capsys):
    path, rows = records_jsonl
    (tmp_path / "records.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False), "utf-8")
    for f in (path, tmp_path / "records.json", layout.parquet("documents")):
        code, out = run([str(f)], capsys)
        assert code == 0, out


def test_text_format_one_line_per_incident_then_summary(records_jsonl, capsys):
    path, rows = records_jsonl
    bad = dict(rows[1], text=rows[1]["text"].replace("a", "b", 1) if rows[1]["entities"] else rows[1]["text"])
    bad["entities"] = [dict(m) for m in rows[1]["entities"]]
    bad["entities"].append({**(bad["entities"][0] if bad["entities"] else {}), "id": rows[1]["id"] + "-e999",
                            "start": 0, "end": 5, "text": "WRONG", "label": "ORG", "entity_id": None, "wikidata_id": None, "origin": "curated"})
    lines = path.read_text("utf-8").splitlines()
    lines[1] = json.dumps(bad, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code, out = run([str(path)], capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert re.match(rf"{re.escape(str(path))}:2: L3 span-text-mismatch entities\[\d+\]: ", first), first
    assert "--- summary" in out and "L3 span-text-mismatch:" in out
    assert out.strip().splitlines()[-1].startswith("*** FAILED *** with")


def test_json_and_github_formats(records_jsonl, capsys):
    path, _ = records_jsonl
    path.write_text(path.read_text("utf-8") + "{not json}\n", "utf-8")
    code, out = run(["--format", "json", str(path)], capsys)
    data = json.loads(out)
    assert code == 1 and data["passed"] is False
    assert data["incidents"][0]["check"] == "json-syntax" and data["incidents"][0]["line"] == 6
    code, out = run(["--format", "github", str(path)], capsys)
    assert out.splitlines()[0].startswith(f"::error file={path},line=6,title=L1 json-syntax::")


def test_select_ignore_level_and_max_errors(records_jsonl, capsys):
    path, _ = records_jsonl
    path.write_text(path.read_text("utf-8") + "{bad\n{bad\n{bad\n", "utf-8")
    assert run(["--max-errors", "2", str(path)], capsys)[1].count("json-syntax -") == 2
    assert run(["--ignore", "json-syntax", str(path)], capsys)[0] == 0
    assert run(["--select", "schema", str(path)], capsys)[0] == 0
    code, out = run(["--select", "no-such-check", str(path)], capsys)
    assert code == 2


def test_exit_codes(tmp_path, capsys):
    assert run([str(tmp_path / "missing.jsonl")], capsys)[0] == 2
    assert main(["validate"]) == 2  # usage error
    weird = tmp_path / "x.txt"
    weird.write_text("x")
    assert run([str(weird)], capsys)[0] == 2


def test_no_traceback_on_garbage(tmp_path):
    garbage = tmp_path / "g.jsonl"
    garbage.write_bytes(b"\xff\xfe\x00garbage\n[1,2]\n\"str\"\nnull\n{}\n")
    run_ = subprocess.run([sys.executable, "-m", "taq_news.cli", "validate", str(garbage)], capture_output=True, text=True)
    assert run_.returncode == 1, run_.stderr
    assert "Traceback" not in run_.stdout + run_.stderr
    assert "g.jsonl:1: L1 utf8-invalid" in run_.stdout and "g.jsonl:2: L2 schema" in run_.stdout


def test_api_returns_incident_objects(records_jsonl):
    path, _ = records_jsonl
    assert validate([path]) == []
    path.write_text("{}\n", "utf-8")
    incidents = validate([path], level=2)
    assert incidents and all(i.check == "schema" and i.line == 1 for i in incidents)


def test_docs_checks_md_is_generated_from_the_registry():
    assert (ROOT / "docs" / "checks.md").read_text("utf-8") == render_markdown()
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c) for c in CHECKS)


def test_check_jsonschema_alone_accepts_records_and_rejects_bad_dates(tmp_path, layout):
    rows = pq.read_table(layout.parquet("documents")).to_pylist()
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(rows[0]), "utf-8")
    bad.write_text(json.dumps({**rows[0], "published": {**rows[0]["published"], "date": "2021-02-30"}}), "utf-8")
    cmd = [str(Path(sys.executable).parent / "check-jsonschema"), "--schemafile", str(layout.schema_dir / "document.schema.json")]
    assert subprocess.run([*cmd, str(good)], capture_output=True).returncode == 0
    out = subprocess.run([*cmd, str(bad)], capture_output=True, text=True)
    assert out.returncode == 1 and "published.date" in out.stdout


def test_pre_commit_hook_matches_our_files_and_runs(layout):
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "taq-news-validate"
    pattern = re.compile(hook["files"])
    files = [p.relative_to(ROOT).as_posix() for p in [*layout.annotations.glob("*.yaml"), layout.registry]]
    assert files and all(pattern.search(f) for f in files)
    assert not pattern.search("schema/document.schema.json")
    exe = Path(sys.executable).parent / hook["entry"].split()[0]
    done = subprocess.run([str(exe), *hook["entry"].split()[1:], *files], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


def test_example_workflow_runs_our_command():
    flow = yaml.safe_load((ROOT / "docs" / "github-actions-validate.yml").read_text("utf-8"))
    steps = [s.get("run", "") for s in flow["jobs"]["validate"]["steps"]]
    assert any(s.startswith("taq-news validate --format github") for s in steps)


def _yaml_edit(path: Path, edit) -> None:
    doc = yaml.safe_load(path.read_text("utf-8"))
    edit(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")


def _set(dotted: str, value):
    def edit(doc):
        *parents, last = dotted.split(".")
        node = doc
        for k in parents:
            node = node[int(k)] if isinstance(node, list) else node[k]
        node[last] = value
    return edit


# Found by fuzzing the YAML inputs: each of these was a traceback.
@pytest.mark.parametrize("target, dotted, value, check", [
    *[("annotation", part, value, "annotation-shape")
      for part in ("source", "metadata", "annotation", "entities", "quotes", "non_quotes", "relations",
                   "source.highlights", "source.remove", "annotation.annotators")
      for value in (7, True)],
    ("annotation", "quotes.0.via", "taliban", "annotation-shape"),
    ("annotation", "quotes.0.content.0.prefix", 12, "anchor-invalid"),
    ("annotation", "metadata.outlet.entity", ["cnn"], "entity-unknown"),
    ("registry", "0.label", {"a": 1}, "registry-label-invalid"),
])
def test_wrong_yaml_shapes_are_named_not_tracebacks(repo_copy, target, dotted, value, check):
    path = repo_copy.registry if target == "registry" else sorted(repo_copy.annotations.glob("*.yaml"))[0]
    doc = yaml.safe_load(path.read_text("utf-8"))
    if dotted == "quotes.0.content.0.prefix" and not isinstance(doc["quotes"][0]["content"][0], dict):
        doc["quotes"][0]["content"][0] = {"exact": doc["quotes"][0]["content"][0]}
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    _yaml_edit(path, _set(dotted, value))
    found = validate([path], level=5)
    # An unquoted number or boolean is named as such by the YAML reader, before the shape checks.
    named = {check} if isinstance(value, str) else {check, "value-not-text"}
    assert any(i.check in named and i.line for i in found), found


def test_a_record_that_is_not_an_object_is_named_in_json_words(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text('null\n[1]\n"x"\n7\ntrue\n', "utf-8")
    found = validate([path], registry=ROOT / "dataset/entities.yaml", level=4)
    assert [(i.line, i.check, i.message.split("not ")[-1]) for i in found] == [
        (1, "schema", "null"), (2, "schema", "an array"), (3, "schema", "a string"), (4, "schema", "a number"), (5, "schema", "true/false")]


def test_a_record_file_without_records_is_reported(tmp_path, records_jsonl):
    import pyarrow as pa

    from taq_news.core.schema import arrow_schema, load_schemas

    (tmp_path / "none.json").write_text("[]\n", "utf-8")
    (tmp_path / "blank.jsonl").write_text("\n\n", "utf-8")
    pq.write_table(pa.Table.from_pylist([], schema=arrow_schema(load_schemas(str(ROOT / "schema")), "documents")), tmp_path / "none.parquet")
    path, _ = records_jsonl
    found = validate([tmp_path / "none.json", tmp_path / "blank.jsonl", tmp_path / "none.parquet", path], registry=ROOT / "dataset/entities.yaml")
    assert [(Path(i.file).name, i.check) for i in found] == [("none.json", "file-empty"), ("blank.jsonl", "file-empty"), ("none.parquet", "file-empty")]


@pytest.mark.parametrize("where", ["missing", "empty", "file", "no-id", "not-json"])
def test_a_schema_dir_that_holds_no_schemas_is_a_usage_error_naming_it(tmp_path, capsys, where):
    import shutil

    root = Path(__file__).resolve().parents[2]
    target = tmp_path / "schemas"
    if where == "empty":
        target.mkdir()
    elif where == "file":
        target = root / "schema/document.schema.json"
    elif where in ("no-id", "not-json"):
        shutil.copytree(root / "schema", target)
        path = target / "document.schema.json"
        path.write_text("{\"type\": \"object\"}" if where == "no-id" else "{not json", "utf-8")
    code = main(["validate", "--schema-dir", str(target), str(root / "dataset/data/documents/train-00000-of-00001.parquet")])
    err = capsys.readouterr().err
    assert code == 2 and "argument-invalid" in err and "--schema-dir" in err and "internal-error" not in err, err
