"""The installed package works outside a checkout: `pip install taq-news`, then validate
and rehydrate records in an empty folder, as docs/github-actions-validate.yml tells
downstream users to. Commands that need a checkout say so.

The wheel is built from this checkout and installed into a fresh virtual environment.
Its dependencies are borrowed from the test environment (a path entry, not the
editable install) so the test needs no second download of pyarrow and spaCy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from taq_news.cli import main
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    # A clean copy of what git tracks, as a user's sdist or clone would have it.
    subprocess.run(["git", "clone", "-q", str(ROOT), str(source)], check=True)
    for rel in ("src", "schema", "pyproject.toml"):  # the working tree, committed or not
        target = source / rel
        if (ROOT / rel).is_dir():
            shutil.rmtree(target)
            shutil.copytree(ROOT / rel, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(ROOT / rel, target)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(source)], check=True,
                   capture_output=True)
    wheel = next((work / "dist").glob("taq_news-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    return venv


def run(venv: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(venv / "bin" / "taq-news"), *argv], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_the_wheel_ships_the_schema_and_nothing_of_the_checkout(installed):
    wheel = next(installed.parent.glob("dist/taq_news-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "taq_news/schemas/document.schema.json" in names and "taq_news/schemas/tables.schema.json" in names
    packaged = zipfile.ZipFile(wheel).read("taq_news/schemas/document.schema.json")
    assert packaged == (ROOT / "schema/document.schema.json").read_bytes()
    assert not [n for n in names if n.startswith(("dataset/", "tests/"))]


def test_installed_package_imports_from_the_venv_not_the_checkout(installed, tmp_path):
    out = subprocess.run([str(installed / "bin" / "python"), "-c", "import taq_news, sys; print(taq_news.__file__)"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(installed) in out.stdout and str(ROOT) not in out.stdout


def test_validate_exported_records_in_an_empty_folder(installed, tmp_path, capsys):
    empty = tmp_path / "somewhere"
    empty.mkdir()
    assert main(["--root", str(ROOT), "export", "--format", "jsonl", "--out", str(empty / "records.jsonl")]) == 0
    capsys.readouterr()
    ok = run(installed, empty, "validate", "records.jsonl")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "*** PASSED ***" in ok.stdout and "registry-unavailable" in ok.stdout  # says what it could not check
    strict = run(installed, empty, "validate", "--strict", "records.jsonl")
    assert strict.returncode == 1
    lines = (empty / "records.jsonl").read_text("utf-8").splitlines()
    (empty / "bad.jsonl").write_text(lines[0].replace('"start":', '"start":-', 1) + "\n", "utf-8")
    bad = run(installed, empty, "validate", "bad.jsonl")
    assert bad.returncode == 1 and "*** FAILED ***" in bad.stdout and "Traceback" not in bad.stdout + bad.stderr


def test_validate_published_parquet_with_its_entities_config(installed, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "dataset/data", data)
    ok = run(installed, tmp_path, "validate", "data/documents/train-00000-of-00001.parquet")
    assert ok.returncode == 0 and "registry-unavailable" not in ok.stdout, ok.stdout + ok.stderr


def test_rehydrate_outside_a_checkout(installed, tmp_path, capsys):
    assert main(["--root", str(ROOT), "export", "--format", "standoff", "--out", str(tmp_path / "standoff.jsonl")]) == 0
    capsys.readouterr()
    got = run(installed, tmp_path, "rehydrate", "standoff.jsonl", "--raw", str(ROOT / "dataset/raw"), "--out", "records.jsonl")
    assert got.returncode == 0, got.stdout + got.stderr
    assert run(installed, tmp_path, "validate", "records.jsonl").returncode == 0


@pytest.mark.parametrize("command", [["build"], ["manifest"], ["render", "--out", "site"], ["stats"]])
def test_commands_that_need_a_checkout_say_so(installed, tmp_path, command):
    got = run(installed, tmp_path, *command)
    assert got.returncode == 2 and "checkout-missing" in got.stderr and "Traceback" not in got.stderr
    assert list(tmp_path.iterdir()) == []
