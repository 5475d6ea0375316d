"""Run inside any datasets environment: load every path and print rows and features as JSON.

Used by test_huggingface.py for datasets 5.x (in process) and, in their own environments
(subprocess), 4.x, 3.6.0 and 2.x.
"""

from __future__ import annotations

import glob
import importlib.util
import json
import sys
import tempfile

import datasets
import pyarrow as pa

CONFIGS = ("documents", "quotes", "entities", "ner")


def plain_type(t: pa.DataType) -> str:
    """Arrow type as text, with nullability erased (datasets makes every field nullable)."""
    if pa.types.is_struct(t):
        return "struct<" + ", ".join(f"{f.name}: {plain_type(f.type)}" for f in t) + ">"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"list<{plain_type(t.value_type)}>"
    return str(t)


def class_names(features) -> dict:
    """Column -> ClassLabel names, for columns that are (lists of) class labels."""
    out = {}
    for name, feature in features.items():
        inner = feature[0] if isinstance(feature, list) else getattr(feature, "feature", feature)
        if isinstance(inner, datasets.ClassLabel):
            out[name] = list(inner.names)
    return out


def feature_names(features) -> dict:
    """Column -> ``features[column].feature.names``, the idiom of the HF course and transformers'
    run_ner.py, for every list column whose items are class labels (or the error it raises)."""
    out = {}
    for name, feature in features.items():
        inner = feature[0] if isinstance(feature, list) else getattr(feature, "feature", None)
        if isinstance(inner, datasets.ClassLabel):
            try:
                out[name] = list(features[name].feature.names)
            except AttributeError as exc:
                out[name] = f"AttributeError: {exc}"
    return out


def describe(ds) -> dict:
    return {
        "features": plain_type(ds.features.type),
        "class_names": class_names(ds.features),
        "feature_names": feature_names(ds.features),
        "rows": ds.to_list(),
    }


def builder_class(dataset_dir: str):
    spec = importlib.util.spec_from_file_location("taq_news_loading_script", f"{dataset_dir}/taq_news.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # datasets looks the builder's module up by name
    spec.loader.exec_module(module)
    return module.TaqNews


def probe(dataset_dir: str) -> dict:
    out = {"version": datasets.__version__, "paths": {}}
    legacy = int(datasets.__version__.split(".")[0]) < 4
    builder = builder_class(dataset_dir)
    for config in CONFIGS:
        paths = out["paths"].setdefault(config, {})
        # A fresh cache per load: datasets may reuse a stale cache when local files change.
        paths["parquet"] = describe(datasets.load_dataset(dataset_dir, config, split="train", cache_dir=tempfile.mkdtemp()))
        # The Parquet file alone, as any reader of the files sees it: the Features come from its metadata.
        files = sorted(glob.glob(f"{dataset_dir}/data/{config}/*.parquet"))
        paths["from_parquet"] = describe(datasets.Dataset.from_parquet(files, cache_dir=tempfile.mkdtemp()))
        b = builder(config_name=config, cache_dir=tempfile.mkdtemp())
        b.download_and_prepare()
        paths["builder"] = describe(b.as_dataset(split="train"))
        if legacy:
            paths["script"] = describe(datasets.load_dataset(f"{dataset_dir}/taq_news.py", config, split="train", trust_remote_code=True, cache_dir=tempfile.mkdtemp()))
        else:
            try:
                datasets.load_dataset(f"{dataset_dir}/taq_news.py", config, split="train")
                paths["script_refused"] = False
            except Exception as exc:  # noqa: BLE001 - we record how 5.x refuses scripts
                paths["script_refused"] = "no longer supported" in str(exc)
    return out


if __name__ == "__main__":
    json.dump(probe(sys.argv[1]), sys.stdout, sort_keys=True, default=str)
