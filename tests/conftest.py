"""Shared fixtures: the real checkout, a compiled corpus, and throwaway copies to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from taq_news.core.paths import Layout
from taq_news.corpus.compile import compile_corpus
from taq_news.publishing.build import render_outputs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def layout() -> Layout:
    return Layout(ROOT)


@pytest.fixture(scope="session")
def corpus(layout):
    return compile_corpus(layout)


@pytest.fixture(scope="session")
def records(corpus) -> dict[str, dict]:
    return {r["id"]: r for r in corpus.records}


@pytest.fixture(scope="session")
def outputs(corpus, layout):
    return render_outputs(corpus, layout)


@pytest.fixture
def repo_copy(tmp_path) -> Layout:
    """A copy of the inputs and outputs, safe to corrupt."""
    for part in ("schema", "dataset"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    return Layout(tmp_path)
