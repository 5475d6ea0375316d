"""Raw sources and their hash manifest (``dataset/raw/SHA256SUMS``, sha256sum format).

The manifest locks the raw files: the build refuses a raw file whose bytes
changed, and a raw file that the manifest does not list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from taq_news.core.checks import incident
from taq_news.core.ecma import pattern_matches
from taq_news.core.incidents import Incident, IncidentError
from taq_news.sources.page import PageProblem, decode_raw, is_raw_name, raw_stem, read_page


@dataclass(frozen=True)
class RawSource:
    doc_id: str
    path: Path
    sha256: str
    text: str  # the page text (sources.page): the file itself, or the extraction of an HTML file
    markup: str | None = None
    extractor: dict[str, str] | None = None


def raw_files(raw_dir: Path) -> list[Path]:
    """The raw files of a folder: .txt pages and .html pages, by name."""
    return sorted((p for p in raw_dir.iterdir() if is_raw_name(p.name)), key=lambda p: p.name) if raw_dir.is_dir() else []


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(path: Path, display: str) -> dict[str, str]:
    if not path.is_file():
        raise IncidentError([incident("manifest-missing", display, None, "", "the raw-file hash manifest is missing", "run 'taq-news manifest' once to record the raw files' hashes")])
    entries: dict[str, str] = {}
    problems = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            problems.append(incident("manifest-syntax", display, n, "", f"line is not '<sha256>  <file name>': {line!r}", "regenerate with 'taq-news manifest'"))
            continue
        entries[name.strip()] = digest
    if problems:
        raise IncidentError(problems)
    return entries


def update_manifest(raw_dir: Path, manifest: Path, rel, rehash: frozenset[str] = frozenset(), id_pattern: str | None = None) -> tuple[bytes, list[str]]:
    """The manifest's new bytes and what changed. New raw files are added; a listed file whose bytes
    changed, or that is gone, is refused (the lock is the point) unless named in ``rehash``."""
    listed = read_manifest(manifest, rel(manifest)) if manifest.exists() else {}
    problems: list[Incident] = []
    entries: dict[str, str] = {}
    changes: list[str] = []
    present = raw_files(raw_dir)
    names = {p.name for p in present}
    for name in sorted(set(listed) - names):
        if name in rehash:
            changes.append(f"dropped {name} (gone, and named by --rehash)")
        else:
            problems.append(
                incident(
                    "raw-missing",
                    rel(manifest),
                    None,
                    name,
                    f"{name} is in the manifest but not in {rel(raw_dir)}; the manifest keeps it",
                    f"restore it with 'git checkout -- {rel(raw_dir / name)}', or pass --rehash {name} to drop it on purpose",
                )
            )
            entries[name] = listed[name]
    for path in present:
        name = path.name
        try:
            digest = sha256_file(path)
        except OSError as exc:
            what = "is a folder, not a file" if path.is_dir() else str(exc.strerror or exc)
            problems.append(incident("file-unreadable", rel(path), None, name, what, "raw sources are files: move it away"))
            continue
        old = listed.get(name)
        if old is None and id_pattern is not None and not pattern_matches(id_pattern, path.stem):
            problems.append(
                incident(
                    "raw-name-invalid",
                    rel(path),
                    None,
                    name,
                    f"{name!r} is not '<document id>.txt' (the id must match {id_pattern})",
                    "name raw files NNN_<16 hex digits>.txt, e.g. 005_0123456789abcdef.txt",
                )
            )
            continue
        if old is None:
            changes.append(f"added {name}")
        elif digest != old:
            if name not in rehash:
                problems.append(
                    incident(
                        "raw-hash-mismatch",
                        rel(path),
                        None,
                        name,
                        f"sha256 is {digest[:12]}..., the manifest says {old[:12]}...: the raw file changed, and the manifest keeps the old hash",
                        f"raw sources are immutable: restore it with 'git checkout -- {rel(path)}'; only if the change is meant, pass --rehash {name}",
                    )
                )
                digest = old
            else:
                changes.append(f"rehashed {name} ({old[:12]}... -> {digest[:12]}...)")
        entries[name] = digest
    if problems:
        raise IncidentError(problems)
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(entries.items()))
    return text.encode("utf-8"), changes


def load_sources(raw_dir: Path, manifest: Path, rel) -> list[RawSource]:
    """Read every raw file, checking it against the manifest; all mismatches are reported together."""
    listed = read_manifest(manifest, rel(manifest))
    problems: list[Incident] = []
    sources: list[RawSource] = []
    present = {p.name: p for p in raw_files(raw_dir)}
    stems: dict[str, str] = {}
    for name in present:
        other = stems.setdefault(raw_stem(name), name)
        if other != name:
            problems.append(incident("raw-name-invalid", rel(present[name]), None, name, f"{name} and {other} are raw files of the same document id",
                                     "keep one raw file per document: the page as it was saved"))
    for name in sorted(set(listed) - set(present)):
        problems.append(incident("raw-missing", rel(manifest), None, name, f"{name} is in the manifest but not in {rel(raw_dir)}", "restore the file from the repository"))
    for name, path in present.items():
        try:
            data = path.read_bytes()
        except OSError as exc:
            what = "is a folder, not a file" if path.is_dir() else str(exc.strerror or exc)
            problems.append(incident("file-unreadable", rel(path), None, name, what, "raw sources are files: move it away"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if name not in listed:
            problems.append(incident("raw-unlisted", rel(path), None, name, "raw file is not in the hash manifest", "if it is a new source, run 'taq-news manifest' and commit the manifest"))
            continue
        if digest != listed[name]:
            problems.append(
                incident(
                    "raw-hash-mismatch",
                    rel(path),
                    None,
                    name,
                    f"sha256 is {digest[:12]}..., the manifest says {listed[name][:12]}...: the raw file changed",
                    "raw sources are immutable: restore it with 'git checkout -- " + rel(path) + "'",
                )
            )
            continue
        text = decode_raw(data)
        page = read_page(name, text) if isinstance(text, str) else text
        if isinstance(page, PageProblem):
            problems.append(incident(page.check, rel(path), page.line, name, page.message, page.fix))
            continue
        sources.append(RawSource(raw_stem(name), path, digest, page.text, page.markup, page.extractor))
    if problems:
        raise IncidentError(problems)
    return sources


def unknown_names(names: frozenset[str], raw_dir: Path, manifest: Path, display: str) -> list[str]:
    """The names that are neither raw files nor listed in the manifest (``manifest --rehash`` refuses them)."""
    listed = set(read_manifest(manifest, display)) if manifest.is_file() else set()
    return sorted(n for n in names if not (raw_dir / n).exists() and n not in listed)
