"""The corpus browser shows every entity, quote and removal of the records, also as a real browser renders it."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser

import pyarrow.parquet as pq
import pytest

from taq_news.browser.render import render_site
from taq_news.cli import main
from tests.conftest import ROOT

RECORDS = pq.read_table(ROOT / "dataset/data/documents/train-00000-of-00001.parquet").to_pylist()
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class Counter(HTMLParser):
    """Counts highlighted entities, quotes and greyed removals, and any reference to the network."""

    def __init__(self) -> None:
        super().__init__()
        self.entities = self.quotes = self.removed = 0
        self.labels: list[str] = []
        self.external: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "mark" and "entity" in classes:
            self.entities += 1
        if tag == "li" and "quote" in classes:
            self.quotes += 1
        if tag == "div" and "removed" in classes:
            self.removed += 1
        if tag == "script":
            self.external.append("script")
        for key in ("src", "href"):
            if (a.get(key) or "").startswith(("http:", "https:", "//")):
                self.external.append(a[key])


def count(html: str) -> Counter:
    c = Counter()
    c.feed(html)
    return c


def expected(record: dict) -> tuple[int, int, int]:
    return len(record["entities"]), len(record["quotes"]), len(record["source"]["removed"])


def test_pages_show_every_entity_quote_and_removal():
    pages = render_site(RECORDS)
    assert sorted(pages) == sorted([f"{r['id']}.html" for r in RECORDS] + ["index.html"])
    for r in RECORDS:
        c = count(pages[f"{r['id']}.html"])
        assert (c.entities, c.quotes, c.removed) == expected(r), r["id"]
        assert c.external == [], "pages must work offline"
    assert all(f"{r['id']}.html" in pages["index.html"] for r in RECORDS)


def test_rendering_is_deterministic_and_escapes_text():
    assert render_site(RECORDS) == render_site(RECORDS)
    rec = {**RECORDS[3], "title": "<script>alert(1)</script>"}
    assert "<script>alert" not in render_site([rec])[f"{rec['id']}.html"]


def test_metadata_shows_its_basis():
    page = render_site(RECORDS)["002_761bafcaa80bbbf4.html"]
    assert "ANI | Updated: May 06, 2021 07:43 IST" in page and ">stated<" in page
    assert ">unknown<" in render_site(RECORDS)["003_1aa4f263d7f3497b.html"]


def test_the_render_command_writes_the_site(tmp_path):
    out = tmp_path / "site"
    assert main(["--root", str(ROOT), "render", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{r['id']}.html" for r in RECORDS] + ["index.html", ".taq-news-output.json"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging folder left behind"


def test_headless_chromium_renders_every_highlight(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it with apt-get); the rendered-DOM check did not run")
    out = tmp_path / "site"
    assert main(["--root", str(ROOT), "render", "--out", str(out)]) == 0
    for r in RECORDS:
        run = subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", (out / f"{r['id']}.html").as_uri()],
            capture_output=True, text=True, timeout=120,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        c = count(run.stdout)
        assert (c.entities, c.quotes, c.removed) == expected(r), r["id"]
