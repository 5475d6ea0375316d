"""Benchmark `taq-news validate` (levels L1-L4) against the pure-Python `jsonschema` reference.

    .venv/bin/python scripts/bench_validate.py [--records 100000] [--repeat 3]

Scales the five gold records to N records with unique ids and varied content
(a numbered preamble shifts every offset; each copy drops a different subset of
entity mentions and quotes; relations point inside the copy's own batch), writes
them as JSONL and as Parquet, and prints one table: medians of --repeat runs,
pinned to one CPU core, with each rate's ratio to the reference measured in the
same run. The reference validates a sample with jsonschema's Draft 2020-12
validator and format checker, the same schema, nothing else; it is far slower, so
it runs on --reference-sample records. Two more rows time decoding the JSONL and
nothing else (into Arrow as the validator does, and into Python objects with
msgspec), on --decode-sample lines: the floor under any JSONL validator in Python.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
ROW_GROUP = 10_000


def shift_span(span: dict | None, k: int) -> dict | None:
    return None if span is None else {"start": span["start"] + k, "end": span["end"] + k, "text": span["text"]}


def variant(base: dict, i: int, batch_ids: dict[str, str]) -> dict:
    new_id = batch_ids[base["id"]]
    # The preamble opens the first paragraph (so source.segments still map the paragraphs), and a
    # dropped quote's content becomes a non-quote (so its quotation marks stay accounted for).
    preamble = f"Copy {i} of {base['id']}."
    k = len(preamble) + 1
    entities = [m for j, m in enumerate(base["entities"]) if (i + j) % 7]
    keep = [(i + j) % 5 or len(base["quotes"]) < 3 for j in range(len(base["quotes"]))]
    quotes = [q for q, kept in zip(base["quotes"], keep, strict=True) if kept]
    dropped = [dict(s, reason="term") for q, kept in zip(base["quotes"], keep, strict=True) if not kept for s in q["content"]]
    rec = dict(base)
    rec["id"] = new_id
    rec["text"] = preamble + " " + base["text"]
    rec["entities"] = [{**m, "id": f"{new_id}-e{n:03d}", "start": m["start"] + k, "end": m["end"] + k} for n, m in enumerate(entities, 1)]
    rec["quotes"] = [
        {**q, "id": f"{new_id}-q{n:02d}", "content": [shift_span(s, k) for s in q["content"]],
         "cue": shift_span(q["cue"], k), "speaker": shift_span(q["speaker"], k), "addressee": shift_span(q["addressee"], k)}
        for n, q in enumerate(quotes, 1)
    ]
    rec["non_quotes"] = sorted(({**s, "start": s["start"] + k, "end": s["end"] + k} for s in base["non_quotes"] + dropped), key=lambda s: (s["start"], s["end"]))
    rec["relations"] = [{**r, "document": batch_ids.get(r["document"]) if r["document"] else None} for r in base["relations"]]
    rec["source"] = {**base["source"], "file": f"dataset/raw/{new_id}.txt",
                     "segments": [{**s, "start": s["start"] + k if n else 0, "end": s["end"] + k} for n, s in enumerate(base["source"]["segments"])]}
    rec["annotation"] = {**base["annotation"], "file": f"dataset/annotations/{new_id}.yaml"}  # file names follow the id
    return rec


def scaled(records: list[dict], n: int):
    for b in range((n + len(records) - 1) // len(records)):
        batch_ids = {r["id"]: f"{(b * len(records) + j) % 1000:03d}_{b * len(records) + j:016x}" for j, r in enumerate(records)}
        for j, r in enumerate(records):
            i = b * len(records) + j
            if i >= n:
                return
            yield variant(r, i, batch_ids)


def write_corpus(records: list[dict], n: int, folder: Path) -> tuple[Path, Path]:
    from taq_news.core.schema import arrow_schema, load_schemas

    jsonl, parquet = folder / "corpus.jsonl", folder / "corpus.parquet"
    schema = arrow_schema(load_schemas(str(ROOT / "schema")), "documents")
    enc = msgspec.json.Encoder()
    batch: list[dict] = []
    group: list[pa.Table] = []
    # Row groups of ROW_GROUP records, as a writer with default settings makes them
    # for files this size (our build writes one); each write call closes one.
    with jsonl.open("wb") as fh, pq.ParquetWriter(parquet, schema, compression="zstd") as writer:
        for rec in scaled(records, n):
            fh.write(enc.encode(rec) + b"\n")
            batch.append(rec)
            if len(batch) == 2000:
                group.append(pa.Table.from_pylist(batch, schema=schema))
                batch = []
            if sum(t.num_rows for t in group) >= ROW_GROUP:
                writer.write_table(pa.concat_tables(group), row_group_size=ROW_GROUP)
                group = []
        if batch:
            group.append(pa.Table.from_pylist(batch, schema=schema))
        if group:
            writer.write_table(pa.concat_tables(group), row_group_size=ROW_GROUP)
    return jsonl, parquet


def _head_lines(path: Path, n: int) -> list[bytes]:
    with path.open("rb") as fh:
        return [line for _, line in zip(range(n), fh, strict=False)]  # the first n lines: the file may be longer or shorter


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parsed = _parser().parse_args(argv)
    if parsed.keep:
        return bench(parsed, Path(parsed.keep))
    with tempfile.TemporaryDirectory(prefix="taq-bench-") as tmp:  # the corpus is gigabytes: never leave it behind
        return bench(parsed, Path(tmp))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reference-sample", type=int, default=100)
    parser.add_argument("--precise-sample", type=int, default=2000, help="records for the fast-path-off row")
    parser.add_argument("--decode-sample", type=int, default=10_000, help="records for the decoding-only rows")
    parser.add_argument("--keep", help="write the scaled corpus here instead of a temporary folder")
    return parser


def bench(args: argparse.Namespace, folder: Path) -> int:
    """Write the scaled corpus into ``folder``, time every row, print the table."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)

    from jsonschema import Draft202012Validator

    from taq_news import validate
    from taq_news.core.schema import arrow_schema, load_schemas
    from taq_news.validation.fast import jsonl_arrow
    from taq_news.validation.fast.columnar import loose_schema

    records = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
    registry = ROOT / "dataset/entities.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    jsonl, parquet = write_corpus(records, args.records, folder)
    sample = list(scaled(records, args.reference_sample))
    mb = jsonl.stat().st_size / 1e6

    schema = load_schemas(str(ROOT / "schema")).by_file["document.schema.json"]
    reference = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def run_reference():
        for rec in sample:
            assert reference.is_valid(rec)

    def run(path: Path, **kw):
        def go():
            incidents = [i for i in validate([path], level=4, registry=registry, **kw) if i.severity != "warning"]
            assert not incidents, incidents[:3]  # (a warning says a check could not run here: no raw articles)
        return go

    # What reading JSONL costs before any check: the floor under the JSONL row.
    decode_lines = _head_lines(jsonl, args.decode_sample)
    loose = loose_schema(arrow_schema(load_schemas(str(ROOT / "schema")), "documents"))

    def run_pyarrow_json():
        assert jsonl_arrow.parse(b"".join(decode_lines), loose).num_rows == len(decode_lines)

    def run_msgspec():
        decode = msgspec.json.Decoder().decode
        for line in decode_lines:
            decode(line)

    rows = []
    ref_times = []
    results: dict[str, list[float]] = {"jsonl": [], "parquet": [], "jsonl-precise": [], "pyarrow-json": [], "msgspec": []}
    precise_sample = folder / "precise.jsonl"
    precise_records = list(scaled(records, args.precise_sample))
    precise_sample.write_bytes(b"".join(msgspec.json.encode(r) + b"\n" for r in precise_records))
    for _ in range(args.repeat):  # interleaved, so drift on a shared machine hits every row alike
        ref_times.append(timed(run_reference))
        results["jsonl"].append(timed(run(jsonl)))
        results["parquet"].append(timed(run(parquet)))
        results["jsonl-precise"].append(timed(run(precise_sample, fast=False)))
        results["pyarrow-json"].append(timed(run_pyarrow_json))
        results["msgspec"].append(timed(run_msgspec))
    ref_rate = len(sample) / statistics.median(ref_times)
    rows.append(("jsonschema 4 (pure Python, reference), L2 only", "objects in memory", len(sample), statistics.median(ref_times), ref_rate))
    for key, _path, n, label in (
        ("jsonl", jsonl, args.records, "taq-news validate, L1-L4"),
        ("parquet", parquet, args.records, "taq-news validate, L1-L4"),
        ("jsonl-precise", precise_sample, len(precise_records), "taq-news validate, L1-L4, fast path off"),
        ("pyarrow-json", None, len(decode_lines), "pyarrow.json into Arrow, decoding only (no checks)"),
        ("msgspec", None, len(decode_lines), "msgspec into Python objects, decoding only (no checks)"),
    ):
        seconds = statistics.median(results[key])
        rows.append((label, "Parquet" if key == "parquet" else "JSONL", n, seconds, n / seconds))

    print(f"Scaled corpus: {args.records:,} records ({mb / args.records * 1000:.1f} kB of JSON each, {mb:,.0f} MB), one CPU core, median of {args.repeat} runs.")
    print()
    print("| validator | input | records | seconds | records/s | x reference |")
    print("|---|---|---:|---:|---:|---:|")
    for label, fmt, n, seconds, rate in rows:
        print(f"| {label} | {fmt} | {n:,} | {seconds:.2f} | {rate:,.0f} | {rate / ref_rate:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
