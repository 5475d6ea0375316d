"""Varied synthetic news articles for the scale tests and the benchmark (``scripts/bench_scale.py``).

Each article is put together from paragraphs of the five raw articles, shuffled across
them, with the people, places, numbers, outlets and dates changed, so that no two
articles are the same text and the mix of quotes, names and page furniture varies. The
same seed gives the same articles.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PEOPLE = ["Amina Rahimi", "John Carter", "Lena Hofmann", "Omar Siddiqui", "Maria Lopez", "Daniel Okafor", "Priya Natarajan",
          "Yusuf Karimi", "Sarah Mitchell", "Tomasz Nowak", "Fatima Zahra", "Kenji Watanabe", "Elena Petrova", "Samuel Adeyemi"]
PLACES = ["Kabul", "Kandahar", "Herat", "Peshawar", "Quetta", "Doha", "Islamabad", "Jalalabad", "Kunduz", "Ghazni"]
OUTLETS = ["Reuters", "Associated Press", "The Guardian", "Al Jazeera", "BBC News", "Dawn", "Tolo News", "The Hindu"]
VERBS = ["said", "told reporters", "added", "warned", "claimed", "stated", "noted"]
NAME = re.compile(r"\b(?:[A-Z][a-z]+ ){1,2}[A-Z][a-z]+\b")


def _paragraphs() -> list[str]:
    out = []
    for path in sorted((ROOT / "dataset" / "raw").glob("*.txt")):
        out += [p.strip() for p in path.read_text("utf-8").split("\n") if len(p.strip()) > 40]
    return out


def _vary(paragraph: str, rnd: random.Random) -> str:
    text = NAME.sub(lambda m: rnd.choice(PEOPLE) if rnd.random() < 0.3 else m.group(0), paragraph)
    text = re.sub(r"\b\d{2,4}\b", lambda m: str(rnd.randint(2, 9000)) if rnd.random() < 0.5 else m.group(0), text)
    for place in ("Kabul", "Kandahar", "Helmand", "Peshawar"):
        if place in text and rnd.random() < 0.5:
            text = text.replace(place, rnd.choice(PLACES))
    return text


def article(n: int, rnd: random.Random, pool: list[str]) -> dict:
    """One article: a title, a dateline with an outlet, and 4-12 varied paragraphs, with a fresh quote."""
    outlet = rnd.choice(OUTLETS)
    body = [_vary(p, rnd) for p in rnd.sample(pool, rnd.randint(4, 12))]
    speaker = rnd.choice(PEOPLE)
    body.insert(rnd.randint(0, len(body)), f"“The situation in {rnd.choice(PLACES)} is changing every week,” {speaker} {rnd.choice(VERBS)}.")
    who, verb, what = rnd.choice(["Taliban", "Al-Qaeda", "Officials", "Report"]), rnd.choice(["warn", "say", "deny", "confirm"]), rnd.choice(["ties", "talks", "attacks", "camps"])
    title = f"{who} {verb} {what} in {rnd.choice(PLACES)} ({n})"
    year, month, day = rnd.randint(2016, 2023), rnd.randint(1, 12), rnd.randint(1, 28)
    text = f"{title}\n\n" + "\n\n".join(body) + "\n"
    return {"id": f"syn-{n:06d}", "url": f"https://news.example/{year}/{n}", "title": title, "outlet": outlet,
            "published": f"{year}-{month:02d}-{day:02d}", "text": text}


def articles(count: int, seed: int = 0) -> Iterator[dict]:
    rnd = random.Random(seed)
    pool = _paragraphs()
    for n in range(count):
        yield article(n, rnd, pool)


def write_collection(folder: Path, count: int, seed: int = 0, bad: bool = True) -> dict[str, Path]:
    """``count`` articles: a third as .txt files, the rest in a JSONL.gz with metadata; with ``bad``,
    also one of each kind of input that must end in rejects. Returns the input paths."""
    txt = folder / "pages"
    txt.mkdir(parents=True, exist_ok=True)
    items = list(articles(count, seed))
    cut = count // 3
    for a in items[:cut]:
        (txt / f"{a['id']}.txt").write_text(a["text"], "utf-8")
    jsonl = folder / "feed.jsonl.gz"
    lines = [json.dumps(a, ensure_ascii=False) for a in items[cut:]]
    if bad:
        (txt / "zz-empty.txt").write_text("   \n", "utf-8")
        (txt / "zz-latin1.txt").write_bytes("Caf\xe9 au lait in Kabul, officials said.".encode("latin-1"))
        lines.insert(3, "{not json")
        lines.insert(5, json.dumps({"id": "no-text", "title": "x"}))
        lines.insert(7, json.dumps({"text": "Kabul officials said \u0000 nothing."}))
        lines.insert(9, json.dumps(items[cut]))  # the same id and text again
    with gzip.open(jsonl, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return {"txt": txt, "jsonl": jsonl}
