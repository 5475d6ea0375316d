"""Reading a raw news collection: folders of ``.txt`` and ``.html`` articles and JSONL (or JSONL.gz)
files whose lines carry ``text`` or ``html``.

An HTML article is carried as its markup: its text is extracted where it is annotated (on the
worker), and the markup is what is hashed and kept as the source.

Articles are streamed in input order (arguments in the order given, a folder's
files by their relative path, a JSONL file's lines in order), so memory does not
grow with the collection. A line or file that cannot become an article is a
:class:`Reject` with its location, the check id and the reason, never dropped.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from taq_news.core.repeats import Repeats, digest64
from taq_news.sources.html import is_html
from taq_news.sources.page import MAX_MARKUP, PageProblem, decode_raw, markup_problem, read_page

# The fields a JSONL line may carry beside ``text``; anything else is ignored (and counted).
GIVEN_FIELDS = ("id", "url", "title", "outlet", "published")
# Longest article accepted, in characters: spaCy's default max_length. Longer is a reject.
# (An HTML page may hold up to sources.page.MAX_MARKUP characters; its extracted text must then be within this.)
MAX_CHARS = 1_000_000


@dataclass(frozen=True)
class Article:
    index: int  # position in the whole input, from 0: shards are planned on it
    location: str  # where it came from: "<file>" or "<file>:<line>"
    key: str  # what the document id is derived from: the location, or "<file>\0id\0<id>" when the input gives an id
    raw: str  # the article's text, or for an HTML article its markup
    sha256: str  # of the article's UTF-8 bytes (the file's bytes for a .txt or .html)
    given: dict = field(default_factory=dict)  # the input's own id, url, title, outlet, published (as given)
    html: bool = False  # raw is an HTML page, whose text the extractor makes


@dataclass(frozen=True)
class Reject:
    index: int
    location: str
    check: str
    reason: str


@dataclass(frozen=True)
class _Bad:
    check: str
    reason: str


class InputError(Exception):
    """An input argument that cannot be read at all (a usage error, exit 2)."""

    def __init__(self, path: str, message: str, fix: str):
        super().__init__(f"{path}: {message}")
        self.path, self.message, self.fix = path, message, fix


def _walk(folder: Path) -> list[Path]:
    """Article files below ``folder``, by relative path; links to folders are not followed (no loops)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        found += [Path(dirpath) / f for f in filenames if _is_page(Path(f)) or _is_jsonl(Path(f))]
    return sorted(found, key=lambda f: f.relative_to(folder).as_posix())


def check_apart(paths: list[str], out: str) -> None:
    """--out may not lie inside an input folder (a later run would read the output as articles), nor hold an input."""
    # As written and with links resolved: 'in-link -> in' with --out in/out is inside too.
    targets = {Path(os.path.abspath(out)), Path(os.path.realpath(out))}
    for arg in paths:
        forms = {Path(os.path.abspath(arg)), Path(os.path.realpath(arg))}
        for p in forms:
            for target in targets:
                if p.is_dir() and target.is_relative_to(p):
                    raise InputError(arg, f"--out {out} is inside this input folder: a later run would read the output as articles", "choose --out outside the inputs")
                if p.is_relative_to(target):
                    raise InputError(arg, f"this input is inside --out {out}, which the run replaces", "choose --out outside the inputs")


def input_files(paths: list[str]) -> list[tuple[Path, str]]:
    """Each input file with the name it is known by in locations; folders expanded, in order."""
    out: list[tuple[Path, str]] = []
    for arg in paths:
        p = Path(arg)
        if p.is_dir():
            found = _walk(p)
            if not found:
                raise InputError(arg, "the folder holds no .txt, .html, .jsonl or .jsonl.gz files", "give a folder of articles, or the files themselves")
            base = p.resolve().name or "input"
            out += [(f, f"{base}/{f.relative_to(p).as_posix()}") for f in found]
        elif p.is_file() and (_is_page(p) or _is_jsonl(p)):
            out.append((p, p.name))
        elif p.is_symlink() and not p.exists() or p.exists() and not p.is_file():
            raise InputError(arg, not_regular(p), "give a file on disk")
        elif p.exists():
            raise InputError(arg, f"unknown input type {''.join(p.suffixes) or p.name!r}", "give .txt or .html files, .jsonl or .jsonl.gz files, or folders of them")
        else:
            raise InputError(arg, "no such file or folder", "check the path")
    seen: Counter[str] = Counter(name for _, name in out)
    dup = next((n for n, k in seen.items() if k > 1), None)
    if dup is not None:
        raise InputError(dup, "two inputs are known by the same name, so their document ids would collide", "rename one of them, or give the folder that holds both")
    first: dict[Path, str] = {}
    for f, name in out:  # a folder and a file in it, or a link to a file given too: each article would be read twice
        other = first.setdefault(Path(os.path.realpath(f)), name)  # realpath: a link loop raises nothing
        if other != name:
            raise InputError(name, f"is the same file as {other}, so its articles would be read twice", "give each file once: drop the file, or the folder that holds it")
    return out


def _is_page(p: Path) -> bool:
    return p.suffix.lower() == ".txt" or is_html(p.name)  # any case: crawls saved on Windows write .TXT


def _is_jsonl(p: Path) -> bool:
    return p.name.lower().endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text_problem(text: str, limit: int, html: bool = False) -> _Bad | None:
    """An article the driver can rule out; an HTML page's extracted text is checked where it is extracted (on the worker)."""
    if html:
        problem = markup_problem(text)
    else:
        page = read_page("article.txt", text, limit)
        problem = page if isinstance(page, PageProblem) else None
    return _Bad(problem.check, problem.message) if problem else None


def iter_articles(paths: list[str], limit: int = MAX_CHARS, repeated: frozenset[int] | None = None) -> Iterator[Article | Reject]:
    """Every article of the inputs, or a Reject in its place, in input order; the second and later
    articles with the same key are ``id-duplicate`` rejects. ``repeated``, when given, holds the
    digests (``core.repeats``) of the keys that come more than once (``scan_keys``): only those
    keys are remembered, so memory does not grow with the input.
    Raises InputError (before yielding anything) for an input that is not there or not readable as a kind we know."""
    files = input_files(paths)
    index = 0
    seen: dict[str, str] = {}
    for path, name in files:
        items = _page(path, name, limit) if _is_page(path) else _jsonl(path, name, limit)
        for location, key, payload in items:
            if isinstance(payload, _Bad):
                yield Reject(index, location, payload.check, payload.reason)
            elif key in seen:
                yield Reject(index, location, "id-duplicate", f"gives the same article id as {seen[key]}")
            else:
                if repeated is None or digest64(key) in repeated:
                    seen[key] = location
                raw, given, html = payload
                yield Article(index, location, key, raw, _sha(raw.encode("utf-8")), given, html)
            index += 1


def fingerprint(paths: list[str]) -> tuple[tuple[str, int, int], ...]:
    """What the input files are now: path, size and modification time each (-1 for one that is
    gone). The run reads its inputs more than once; a change between the reads would shift items
    between shards or hide a duplicate, so the commit compares this with the one taken first."""
    try:
        files = input_files(paths)
    except InputError:
        return (("", -1, -1),)  # an input that was there at the start is gone
    out = []
    for path, _ in files:
        try:
            st = path.stat()
        except OSError:
            out.append((str(path), -1, -1))
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)


def scan_keys(paths: list[str], limit: int = MAX_CHARS) -> tuple[int, frozenset[int]]:
    """One pass over the inputs: how many items they hold (articles and rejects alike), and the
    digests of the article keys that come more than once (for ``iter_articles``)."""
    keys = Repeats()
    items = 0
    for item in iter_articles(paths, limit, repeated=frozenset()):
        items += 1
        if isinstance(item, Article):
            keys.add(item.key)
    return items, keys.repeated()


Item = tuple[str, str, "tuple[str, dict, bool] | _Bad"]


def _bad_name(name: str) -> _Bad | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return _Bad("raw-name-invalid", "the file name is not valid UTF-8")
    return None


def not_regular(path: Path) -> str:
    """Why ``path`` is no file to read: a link that leads nowhere, or a pipe, device or socket."""
    if path.is_symlink() and not path.exists():
        return "is a link that leads to no file (its target is gone, or the link loops)"
    return "is not a regular file (a pipe, device or socket)"


def _page(path: Path, name: str, limit: int) -> Iterator[Item]:
    bad = _bad_name(name)
    if bad is not None:
        yield name.encode("utf-8", "backslashreplace").decode("utf-8"), "", bad
        return
    if not path.is_file():  # a pipe would block the read forever
        yield name, name, _Bad("file-unreadable", not_regular(path))
        return
    html = is_html(path.name)
    try:
        size = path.stat().st_size
        most = 4 * (MAX_MARKUP if html else limit)  # UTF-8 takes at most 4 bytes a character
        if size > most:  # over the limit whatever it holds: do not read it
            yield name, name, _Bad("text-too-long", f"{size:,} bytes, over the limit of {most // 4:,} characters")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield name, name, _Bad("file-unreadable", str(exc.strerror or exc))
        return
    text = decode_raw(data)
    if isinstance(text, PageProblem):
        yield name, name, _Bad(text.check, f"{text.message} (line {text.line})")
        return
    problem = _text_problem(text, limit, html)
    yield name, name, problem if problem else (text, {}, html)


def _lines(path: Path, limit: int) -> Iterator[bytes]:
    """Lines, each read at most ``limit`` bytes at a time: a line longer than that comes back as
    its first ``limit`` bytes (no newline), the rest skipped unread into memory."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        while True:
            line = fh.readline(limit)
            if not line:
                return
            if len(line) == limit and not line.endswith(b"\n"):
                while (rest := fh.readline(limit)) and not rest.endswith(b"\n"):
                    pass
            yield line



def _jsonl(path: Path, name: str, limit: int) -> Iterator[Item]:
    n = 0
    bad = _bad_name(name)
    if bad is not None:
        yield name.encode("utf-8", "backslashreplace").decode("utf-8"), "", bad
        return
    if not path.is_file():
        yield name, name, _Bad("file-unreadable", not_regular(path))
        return
    line_limit = 4 * limit + 4096  # a text of ``limit`` characters, JSON-escaped, with its metadata
    try:
        for n, line in enumerate(_lines(path, line_limit), 1):
            location = f"{name}:{n}"
            if not line.strip():
                continue
            yield _jsonl_item(line, location, name, limit)
    except (OSError, EOFError, zlib.error) as exc:  # a truncated or corrupt .gz, a read error
        yield f"{name}:{n + 1}", f"{name}:{n + 1}", _Bad("file-unreadable", f"reading stopped after line {n}: {exc}")


def _lone_surrogate(field_name: str, value: str) -> _Bad | None:
    """JSON can escape half of a UTF-16 pair ("\\ud800") that no text holds: UTF-8 cannot encode it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return _Bad("utf8-invalid", f"{field_name!r} holds a lone surrogate \\u{ord(value[exc.start]):04x} at character {exc.start}, which is no character: "
                                    "the JSON was written from broken text; re-export it (or drop the escape)")
    return None


def _jsonl_item(line: bytes, location: str, name: str, limit: int) -> Item:
    if len(line) >= 4 * limit + 4096 and not line.endswith(b"\n"):
        return location, location, _Bad("text-too-long", f"the line is over {len(line):,} bytes, more than an article of {limit:,} characters can take")
    try:
        node = json.loads(line)
    except UnicodeDecodeError as exc:
        return location, location, _Bad("utf8-invalid", f"byte {exc.start} of the line is not valid UTF-8")
    except ValueError as exc:
        return location, location, _Bad("json-syntax", f"not a JSON object: {exc}")
    except RecursionError:
        return location, location, _Bad("json-syntax", "the line nests too deeply to be an article")
    if not isinstance(node, dict):
        return location, location, _Bad("json-syntax", f"the line is a JSON {type(node).__name__}, not an object")
    html = "html" in node and "text" not in node  # a line carries the article's text, or its page's HTML
    if "html" in node and "text" in node:
        return location, location, _Bad("value-not-text", "the line has both 'text' and 'html': give one, the article's text or its page's HTML")
    field_name = "html" if html else "text"
    text = node.get(field_name)
    if not isinstance(text, str):
        return location, location, _Bad("value-not-text", "'text' (or 'html') is missing" if text is None else f"{field_name!r} is a {type(text).__name__}, not a string")
    if (bad := _lone_surrogate(field_name, text)) is not None:
        return location, location, bad
    given = {}
    for k in GIVEN_FIELDS:
        v = node.get(k)
        if v is None:
            continue
        if k == "id" and isinstance(v, int) and not isinstance(v, bool):
            v = str(v)
        if not isinstance(v, str) or not v.strip() or "\0" in v:
            return location, location, _Bad("value-not-text", f"{k!r} must be a non-empty string, not {json.dumps(v)[:60]}")
        if (bad := _lone_surrogate(k, v)) is not None:
            return location, location, bad
        given[k] = v
    problem = _text_problem(text, limit, html)
    if problem:
        return location, location, problem
    # NUL, which no file name and no given field holds, between the file and its id: a page named
    # 'feed.jsonl#7.txt' beside the feed's article of id '7.txt' keeps a key of its own.
    key = f"{name}\0id\0{given['id']}" if "id" in given else location
    return location, key, (text, given, html)
