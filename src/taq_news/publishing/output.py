"""The one writer for everything a command writes: safe, atomic, recoverable.

Promises, each kept here and nowhere else:
- nothing is deleted or overwritten that a taq-news command did not write: a
  folder output carries a marker (``.taq-news-output.json``, naming the command
  and its files) and a file output an extended attribute; anything else in the
  way is refused with :class:`OutputRefused` (exit 2) unless ``force``, and even
  then only the command's own file names are replaced;
- no file is written outside the target: names derived from data are checked
  (:func:`safe_name`) and symbolic links are never followed;
- a reader sees the old output or the new one, never a mix: single files are
  renamed into place, folders are swapped in one step (Linux ``renameat2``
  exchange; elsewhere two renames recovered by the next run), and a set of files
  that must change together (the build) is committed through a journal that the
  next run completes;
- what a killed run leaves (staging folders, temporary files, a journal) is
  cleaned up or completed by the next run (:func:`recover`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from taq_news.core.version import __version__

MARKER = ".taq-news-output.json"
XATTR = "user.taq-news.command"
JOURNAL = ".taq-news-journal.json"
STAGING = ".taq-staging-"  # prefix of every temporary file and folder we make
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,199}")


@dataclass
class OutputRefused(Exception):
    """The target cannot be written safely; a usage error (exit 2)."""

    check: str
    target: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.target}: {self.check}: {self.message} (fix: {self.fix})"


def safe_name(name: str) -> bool:
    """A plain file name: no folder part, no dot-file, no traversal, no control characters."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None and ".." not in name


def check_target(out: str | os.PathLike[str], *, folder: bool) -> Path:
    """The path for ``--out``, or OutputRefused for an empty value, a file in a folder's place,
    a folder in a file's place, a path under a file, or a symbolic link."""
    text = os.fspath(out)
    if not text or not text.strip() or "\0" in text:
        raise OutputRefused("out-invalid", repr(text), "no usable path was given", "pass --out PATH")
    if folder and text == "-":
        raise OutputRefused("out-not-folder", text, "this command writes a folder, which standard output cannot hold", "give a folder path")
    path = Path(text)
    if path.is_symlink():
        raise OutputRefused("out-symlink", text, "is a symbolic link; taq-news never writes through one", "give the real path")
    if folder and path.exists() and not path.is_dir():
        raise OutputRefused("out-not-folder", text, "exists and is not a folder; this command writes a folder", "give a new or empty folder, or a previous output of this command")
    if not folder and path.is_dir():
        raise OutputRefused("out-not-file", text, "is a folder; this command writes one file", "give a file path")
    for parent in path.absolute().parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise OutputRefused("out-not-folder", text, f"{parent} is not a folder", "give a path inside an existing folder")
            break
    return path


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Serialise taq-news writers of one folder (flock on the folder itself: no lock file is left)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, data: bytes, mode: int = 0o644, owner: str = "taq-news") -> None:
    """Create ``path`` (which must not exist) with ``data``, flushed to disk, marked as ``owner``'s."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        # Marked before a byte is written: a run killed mid-write leaves a file the next run knows
        # as its own and removes (marked after, it would be a stranger, never touched).
        _mark_file(path, owner)
        with os.fdopen(fd, "wb", closefd=False) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    finally:
        os.close(fd)
    os.chmod(path, mode)  # the umask may have narrowed it; these files are meant to be shared


def _mkdtemp(parent: Path, name: str) -> Path:
    """A staging folder, marked as ours so that only ours are ever cleaned up."""
    staged = Path(tempfile.mkdtemp(prefix=f"{STAGING}{name}.", dir=parent))
    _mark_file(staged, "staging")
    return staged


def _temp_path(folder: Path, name: str) -> Path:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{STAGING}{name}.")
    os.close(fd)
    os.unlink(tmp)
    return Path(tmp)


def _mark_file(path: Path, command: str) -> None:
    # An extended attribute says who wrote a file: a copy (cp, git, an editor's save) loses it,
    # so a user's file is never taken for ours by its name or content alone.
    with contextlib.suppress(OSError, AttributeError):  # no user xattrs here: the file is just unmarked
        os.setxattr(path, XATTR, command.encode(), follow_symlinks=False)


UNMARKABLE = "?"  # the file system keeps no extended attributes: ownership rests on names and hashes


def _file_command(path: Path) -> str | None:
    """Which command wrote ``path``: its mark, None if unmarked, UNMARKABLE where marks cannot exist."""
    try:
        return os.getxattr(path, XATTR, follow_symlinks=False).decode()
    except AttributeError:
        return UNMARKABLE
    except OSError as exc:
        return UNMARKABLE if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP) else None
    except UnicodeDecodeError:
        return None


def _wrote(path: Path, command: str | None = None) -> bool:
    """Did taq-news (``command``, if given) write this very file or folder? Never for a symlink."""
    if path.is_symlink() or not os.path.lexists(path):
        return False
    mark = _file_command(path)
    return mark == UNMARKABLE or (mark is not None and (command is None or mark == command))


def _left_by_us(path: Path) -> bool:
    """Is ``path``, named like our temporaries, something a killed run of ours left? Marked as
    ours, or empty: a kill between creating a file (or folder) and marking it leaves it empty and
    unmarked, and an empty entry holds nothing of anyone's to lose."""
    if not path.name.startswith(STAGING) or path.is_symlink():
        return False
    if _wrote(path):
        return True
    try:
        return path.stat().st_size == 0 if path.is_file() else path.is_dir() and not any(path.iterdir())
    except OSError:
        return False


def _remove_leftover(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def write_file(out: str | os.PathLike[str], data: bytes, *, command: str, force: bool = False) -> Path:
    """Write one output file atomically. An existing file is replaced only when this
    command wrote it, or with ``force``; a folder, a symlink or a path under a file is refused."""
    path = check_target(out, folder=False)
    if path.exists() and not _wrote(path, command) and not force:
        raise OutputRefused("out-exists", str(path), "exists and was not written by this command", "pass --force to replace it, or choose another path")
    replace_files({path: data}, owner=command)
    return path


def _drop_temps(path: Path) -> None:
    """Temporary files a killed write of ``path`` left beside it."""
    for leftover in path.parent.glob(f"{STAGING}{glob_escape(path.name)}.*"):
        if leftover.is_file() and _left_by_us(leftover):  # a file of the user's with a name like ours stays
            leftover.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


# --- folders ---------------------------------------------------------------


def _marker_bytes(command: str, files: dict[str, bytes]) -> bytes:
    """What a folder output says about itself: the command, and each file it wrote with its hash."""
    listing = {name: _sha(data) for name, data in sorted(files.items())}
    return (json.dumps({"tool": "taq-news", "command": command, "version": __version__, "files": listing}, indent=2) + "\n").encode()


def _ours(folder: Path, command: str) -> set[str]:
    """The files in ``folder`` that ``command`` wrote and nobody changed since: marked as its own,
    and with the hash its marker file (itself marked) recorded."""
    marker = folder / MARKER
    if not (marker.is_file() and _wrote(marker, command)):
        return set()
    try:
        data = json.loads(marker.read_bytes())
    except (OSError, ValueError):
        return set()
    if not isinstance(data, dict) or data.get("tool") != "taq-news" or data.get("command") != command or not isinstance(data.get("files"), dict):
        return set()
    mine = set()
    for name, digest in data["files"].items():
        path = folder / str(name)
        if safe_relpath(str(name)) and not _through_link(folder, str(name)) and path.is_file() and _wrote(path, command) and sha_file(path) == digest:
            mine.add(str(name))
    return mine


def safe_relpath(name: str) -> bool:
    """A relative path of plain names ("data/documents/train-00000-of-00001.parquet")."""
    return isinstance(name, str) and all(safe_name(part) for part in name.split("/"))


def _through_link(folder: Path, name: str) -> bool:
    parts = name.split("/")
    return any((folder.joinpath(*parts[:i])).is_symlink() for i in range(1, len(parts) + 1))


def sha_file(path: Path) -> str:
    """SHA-256 of a file, read in blocks (shards can be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree(folder: Path) -> set[str]:
    """Every entry below ``folder`` that is not a folder (files, links, pipes), as relative paths."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(folder):
        base = Path(dirpath)
        for d in list(dirnames):
            if (base / d).is_symlink():
                out.add((base / d).relative_to(folder).as_posix())
                dirnames.remove(d)
        out |= {(base / f).relative_to(folder).as_posix() for f in filenames}
    return out


def _foreign(folder: Path, command: str) -> str:
    """Which files make ``folder`` not a previous output of ``command``, for the refusal's message."""
    entries = _tree(folder)
    ours = _ours(folder, command)
    if not ours:
        strange = sorted(entries)
        why = f"no {MARKER} of taq-news {command}"
    else:
        strange = sorted(entries - ours - {MARKER})
        why = "added or changed since the command wrote the folder"
    shown = ", ".join(strange[:3]) + (f" and {len(strange) - 3} more" if len(strange) > 3 else "")
    return f"is a folder with files that this command did not write ({why}{': ' + shown if shown else ''})"


def _ours_only(folder: Path, command: str) -> bool | None:
    """True: a previous output of ``command`` holding nothing else, unchanged; False: anything else; None: empty."""
    entries = _tree(folder)
    if not entries and not os.listdir(folder):
        return None
    marker = folder / MARKER
    return marker.is_file() and _wrote(marker, command) and entries == _ours(folder, command) | {MARKER}


_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    global _libc
    if not sys.platform.startswith("linux"):
        return False
    try:
        _libc = _libc or ctypes.CDLL(None, use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def swap_in(staged: Path, target: Path) -> None:
    """Put the folder ``staged`` at ``target``; the old ``target`` (if any) is removed.
    Readers see the old folder or the new one."""
    if not target.exists():
        os.rename(staged, target)
        return
    if _exchange(staged, target):
        shutil.rmtree(staged)  # now the old folder
        return
    old = staged.with_name(staged.name + ".old")
    os.rename(target, old)  # a kill here is repaired by recover(): the staged folder is complete
    os.rename(staged, target)
    shutil.rmtree(old)


def write_tree(out: str | os.PathLike[str], files: dict[str, bytes], *, command: str, force: bool = False) -> Path:
    """Write a folder of files. A new or empty folder, or a previous output of this command
    holding nothing else, is replaced in one step; any other folder is refused unless ``force``,
    and then only this command's file names in it are replaced (each atomically)."""
    bad = sorted(n for n in files if not safe_name(n))
    if bad:
        raise OutputRefused("out-name-unsafe", str(out), f"refusing to write file name(s) {bad[:3]!r}: not plain file names", "fix the ids the names come from")
    path = check_target(out, folder=True)
    parent = path.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    with locked(parent):
        recover_siblings(parent, path.name)
        state = _ours_only(path, command) if path.is_dir() else None
        if state is False and not force:
            raise OutputRefused("out-not-ours", str(path), _foreign(path, command),
                                "give a new or empty folder, or pass --force to replace only this command's files in it")
        names = sorted(files)
        if state is False:
            _write_into(path, files, command)
            return path
        staged = _mkdtemp(parent, path.name)
        try:
            for name in names:
                _write_new(staged / name, files[name], owner=command)
            _write_new(staged / MARKER, _marker_bytes(command, files), owner=command)
            os.chmod(staged, 0o755)  # mkdtemp makes it private
            _fsync_dir(staged)
            swap_in(staged, path)
            _fsync_dir(parent)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    return path


def _write_into(folder: Path, files: dict[str, bytes], command: str) -> None:
    """``--force`` into a folder that holds other things: add our files and replace the ones this
    command wrote there before; anything else in the way (a file of the same name that we did not
    write or that was changed since, a folder, a link) is refused and nothing is written."""
    mine = _ours(folder, command)
    clash = sorted(n for n in files if (os.path.lexists(folder / n)) and n not in mine)
    if clash:
        shown = ", ".join(clash[:3]) + (", ..." if len(clash) > 3 else "")
        raise OutputRefused("out-not-ours", str(folder),
                            f"holds {len(clash)} file(s) this command did not write under names it would write ({shown}); even --force replaces only the command's own files",
                            "move them away, or choose another folder")
    _sweep(folder)
    for name, data in sorted(files.items()):
        tmp = _temp_path(folder, name)
        try:
            _write_new(tmp, data, owner=command)
            os.replace(tmp, folder / name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    for name in mine - set(files):  # files this command wrote last time and no longer makes
        (folder / name).unlink()
    tmp = _temp_path(folder, MARKER)
    _write_new(tmp, _marker_bytes(command, files), owner=command)
    os.replace(tmp, folder / MARKER)


def recover_siblings(parent: Path, name: str) -> None:
    """Finish or clean what a killed ``write_tree`` of ``parent/name`` left behind."""
    target = parent / name
    # A folder left as "<staging>.old" is handled first: it tells whether the staged folder beside it is the new one.
    for leftover in sorted(parent.glob(f"{STAGING}{glob_escape(name)}.*"), key=lambda p: (not p.name.endswith(".old"), p.name)):
        if not (leftover.exists() or leftover.is_symlink()):
            continue
        if leftover.name.endswith(".old") and not target.exists() and leftover.is_dir() and not leftover.is_symlink():
            staged = leftover.with_name(leftover.name.removesuffix(".old"))
            if staged.is_dir() and _wrote(staged):  # killed between the two renames: the new folder was complete
                os.rename(staged, target)
            else:  # put the old folder back
                os.rename(leftover, target)
                continue
        if not _left_by_us(leftover):
            continue  # not something taq-news made: never touched
        _remove_leftover(leftover)


# --- a folder written piece by piece, by several processes (annotate) ------


class StagedFolder:
    """A folder output too large to hold in memory, written file by file (by worker processes
    that see the same file system), then committed in one step.

    The staging folder has a fixed name beside the target, so a killed run's finished pieces
    can be reused (``resume``); it is locked for the whole run, so two runs cannot share it.
    The target must be new, empty, or this command's previous output holding nothing else.
    """

    def __init__(self, out: str | os.PathLike[str], command: str, *, resume: bool = False):
        self.command = command
        self.target = check_target(out, folder=True)
        parent = self.target.absolute().parent
        parent.mkdir(parents=True, exist_ok=True)
        self.parent = parent
        self.path = parent / f"{STAGING}{self.target.name}.{command}"
        self._fd: int | None = None
        with locked(parent):
            recover_siblings_old(parent, self.target.name)
            if self.target.is_dir() and _ours_only(self.target, command) is False:
                raise OutputRefused("out-not-ours", str(self.target), _foreign(self.target, command),
                                    "give a new or empty folder, or a previous output of this command")
            # Ours: marked as staging, or empty (a kill between its mkdir and its mark).
            reusable = self.path.is_dir() and not self.path.is_symlink() and (_wrote(self.path, "staging") or not any(self.path.iterdir()))
            if os.path.lexists(self.path) and not reusable:
                raise OutputRefused("out-not-ours", str(self.path), "stands where this command stages its output and taq-news did not make it", "move it away")
            if not self.path.exists():
                self.path.mkdir(mode=0o755)
            _mark_file(self.path, "staging")  # again, if a kill came between the mkdir and the mark
            self._lock()
            if not resume:
                self.clear()

    def _lock(self) -> None:
        fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputRefused("out-busy", str(self.target), "another run is writing this output now", "wait for it to finish, or choose another --out") from None
        self._fd = fd

    def clear(self) -> None:
        """Drop every staged piece (a fresh run)."""
        for entry in os.listdir(self.path):
            p = self.path / entry
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            else:
                p.unlink()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def discard(self) -> None:
        """Remove the staging folder (a run that failed for good and should leave nothing)."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.close()

    def commit(self, listing: dict[str, str]) -> Path:
        """Check that the staging folder holds exactly ``listing`` (relative path -> SHA-256),
        add the marker, and swap it in for the target in one step."""
        found = _tree(self.path)
        if found != set(listing):
            extra, missing = sorted(found - set(listing)), sorted(set(listing) - found)
            raise OutputRefused("out-incomplete", str(self.target), f"the staged output does not match its listing (extra {extra[:3]}, missing {missing[:3]})",
                                "run again; report it if it repeats")
        for rel, digest in sorted(listing.items()):
            if sha_file(self.path / rel) != digest:
                raise OutputRefused("out-incomplete", str(self.target), f"staged file {rel} changed after it was written", "run again; report it if it repeats")
        marker = (json.dumps({"tool": "taq-news", "command": self.command, "version": __version__, "files": dict(sorted(listing.items()))}, indent=2) + "\n").encode()
        _write_new(self.path / MARKER, marker, owner=self.command)
        for d in sorted({self.path, *(p for p in self.path.rglob("*") if p.is_dir())}, key=lambda p: -len(p.parts)):
            os.chmod(d, 0o755)
            _fsync_dir(d)
        with locked(self.parent):
            if self.target.is_dir() and _ours_only(self.target, self.command) is False:  # changed while we ran
                raise OutputRefused("out-not-ours", str(self.target), _foreign(self.target, self.command), "give a new or empty folder")
            swap_in(self.path, self.target)
            _fsync_dir(self.parent)
        self.close()
        return self.target


def _staged_path(folder: str | os.PathLike[str], rel: str) -> Path:
    """Where piece ``rel`` of a staged folder goes, its parent made; a name or link that could lead out is refused."""
    if not safe_relpath(rel):
        raise OutputRefused("out-name-unsafe", rel, "is not a relative path of plain file names", "fix the ids the names come from")
    root = Path(folder)
    path = root.joinpath(*rel.split("/"))
    if _through_link(root, rel):
        raise OutputRefused("out-symlink", str(path), "a symbolic link stands in the staging folder", "remove it")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_staged(folder: str | os.PathLike[str], rel: str, data: bytes, command: str) -> str:
    """Write one piece of a staged folder (in any process), atomically and idempotently: a piece
    written twice (a task run again after a worker died) is replaced by identical bytes. Returns its SHA-256."""
    path = _staged_path(folder, rel)
    tmp = _temp_path(path.parent, path.name)
    try:
        _write_new(tmp, data, owner=command)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return _sha(data)


class StreamedPiece:
    """A piece of a staged folder being written in parts (too large to hold as bytes): ``file``
    takes the writes; once the ``with`` block ends cleanly the piece is in place and ``sha256`` set."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.sha256 = ""


@contextlib.contextmanager
def streaming_staged(folder: str | os.PathLike[str], rel: str, command: str) -> Iterator[StreamedPiece]:
    """Write one piece of a staged folder in parts, with the promises of :func:`write_staged`:
    a temporary file, flushed and renamed into place only when the block ends without an error."""
    path = _staged_path(folder, rel)
    tmp = _temp_path(path.parent, path.name)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        _mark_file(tmp, command)  # before the first byte, as in _write_new
        with os.fdopen(fd, "wb") as fh:
            piece = StreamedPiece(fh)
            yield piece
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        piece.sha256 = sha_file(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def read_staged(folder: str | os.PathLike[str], rel: str) -> bytes | None:
    """A piece already staged (for resume), or None."""
    root = Path(folder)
    path = root.joinpath(*rel.split("/"))
    if not safe_relpath(rel) or _through_link(root, rel) or not path.is_file():
        return None
    return path.read_bytes()


def recover_siblings_old(parent: Path, name: str) -> None:
    """Only the swap repair of :func:`recover_siblings` (a kill between its two renames), leaving other staging alone."""
    for leftover in sorted(parent.glob(f"{STAGING}{glob_escape(name)}.*.old")):
        staged = leftover.with_name(leftover.name.removesuffix(".old"))
        target = parent / name
        if not target.exists() and leftover.is_dir() and _wrote(leftover):
            if staged.is_dir() and _wrote(staged):
                os.rename(staged, target)
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                os.rename(leftover, target)


# --- several committed files that change together (the build) --------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def commit_files(root: Path, files: dict[Path, bytes], folders: dict[Path, dict[str, bytes]] | None = None) -> None:
    """Replace several files (and whole folders of files) under ``root`` together.

    Everything is staged next to its target first; then a journal naming each
    staged piece is written, the pieces are switched in, and the journal is
    removed. A run killed before the journal leaves the old state (its staging
    is removed by the next run); after it, the next run completes the switch.
    Folders are swapped whole, so a reader never sees a mix of their files.
    """
    folders = folders or {}
    root = root.resolve()
    places = sorted({Path(os.path.abspath(t)).parent for t in [*files, *folders]})
    with locked(root):
        recover(root, places, {*files, *folders})
        entries: list[dict] = []
        try:
            for target, data in sorted(files.items()):
                target = _inside(root, target)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = _temp_path(target.parent, target.name)
                _write_new(tmp, data)
                entries.append({"kind": "file", "staged": str(tmp), "target": str(target), "sha256": _sha(data)})
            for target, content in sorted(folders.items()):
                target = _inside(root, target)
                target.parent.mkdir(parents=True, exist_ok=True)
                staged = _mkdtemp(target.parent, target.name)
                entries.append({"kind": "folder", "staged": str(staged), "target": str(target), "files": {}})
                for rel, data in sorted(content.items()):
                    (staged / rel).parent.mkdir(parents=True, exist_ok=True)
                    _write_new(staged / rel, data)
                    entries[-1]["files"][rel] = _sha(data)
                for d in sorted({staged, *(p for p in staged.rglob("*") if p.is_dir())}):
                    os.chmod(d, 0o755)
                    _fsync_dir(d)
        except BaseException:
            _discard(entries)
            raise
        journal = root / JOURNAL
        tmp = _temp_path(root, JOURNAL)
        _write_new(tmp, (json.dumps({"entries": entries}, indent=2) + "\n").encode())
        os.replace(tmp, journal)  # from here on, the new state is the committed one
        _fsync_dir(root)
        _apply(root, entries)


def _inside(root: Path, target: Path) -> Path:
    target = Path(os.path.abspath(target))
    if not target.is_relative_to(root):
        raise OutputRefused("out-outside", str(target), f"is outside {root}", "report this as a bug")
    for p in [target, *target.parents]:
        if p == root:
            break
        if p.is_symlink():  # a link inside the checkout could lead the write anywhere
            raise OutputRefused("out-symlink", str(p), "is a symbolic link where the command writes; taq-news never writes through one", "replace the link with a real folder or file")
    return target


def _discard(entries: list[dict]) -> None:
    for e in entries:
        staged = Path(e["staged"])
        if staged.is_dir():
            shutil.rmtree(staged, ignore_errors=True)
        elif staged.exists():
            staged.unlink()


def _folder_matches(folder: Path, files: dict[str, str]) -> bool:
    if not folder.is_dir():
        return False
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    return found == set(files) and all(_sha((folder / rel).read_bytes()) == h for rel, h in files.items())


def _apply(root: Path, entries: list[dict]) -> None:
    """Switch every staged piece in; safe to run again after a kill at any point."""
    for e in entries:
        staged, target = Path(e["staged"]), Path(e["target"])
        if staged.parent != target.parent or not staged.name.startswith(f"{STAGING}{target.name}.") or not _wrote(staged):
            continue  # not a piece this module staged: a journal that was edited or damaged
        if e["kind"] == "file":
            if staged.is_file() and not staged.is_symlink() and _sha(staged.read_bytes()) == e.get("sha256"):
                os.replace(staged, target)
            elif staged.exists():
                staged.unlink()  # incomplete or changed: the old file stays
            continue
        if _folder_matches(target, e["files"]):
            if staged.exists():
                shutil.rmtree(staged, ignore_errors=True)  # the old folder, after an exchange
            continue
        if _folder_matches(staged, e["files"]):
            swap_in(staged, target)
        elif staged.is_dir():
            shutil.rmtree(staged, ignore_errors=True)
    _fsync_dir(root)
    with contextlib.suppress(FileNotFoundError):
        (root / JOURNAL).unlink()


def recover(root: Path, places: list[Path] | None = None, targets: set[Path] | None = None) -> list[str]:
    """Complete a journaled commit a killed run left, and remove stale staging in ``places``
    (the folders the commit writes into). Only entries whose target is one of ``targets``
    (the files the command writes) are completed: a journal cannot move anything else.
    Returns what was done."""
    done: list[str] = []
    journal = root / JOURNAL
    if journal.is_file() and not journal.is_symlink():
        allowed = {Path(os.path.abspath(t)) for t in targets} if targets is not None else None
        try:
            entries = json.loads(journal.read_bytes())["entries"] if _wrote(journal) else None
            if entries is not None:
                entries = [e for e in entries if e["kind"] in ("file", "folder") and _inside(root, Path(e["staged"])) and _inside(root, Path(e["target"]))
                           and (allowed is None or Path(os.path.abspath(e["target"])) in allowed)]
        except (OSError, ValueError, KeyError, TypeError, OutputRefused):
            entries = None
        if entries is not None:
            _apply(root, entries)
            done.append("completed an interrupted commit")
        else:
            journal.unlink()
            done.append("removed a journal taq-news did not write")
    for folder in {root, *(places or [])}:
        done += _sweep(folder)
    return done


def _sweep(folder: Path) -> list[str]:
    """Staging pieces of a run killed before its journal: the old state stands, drop them."""
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    for leftover in sorted(folder.iterdir()):
        if not _left_by_us(leftover):
            continue  # a name like ours that taq-news did not make stays
        _remove_leftover(leftover)
        removed.append(str(leftover))
    return removed


def replace_files(files: dict[Path, bytes], owner: str = "taq-news") -> None:
    """Write several files, each atomically, all staged before any is replaced (drafts and
    their registry entries, a manifest, a README, one output file). A folder or symlink in
    the way is refused."""
    for path in files:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise OutputRefused("out-not-file", str(path), "is a folder or a symbolic link", "move it away")
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            _drop_temps(path)
            tmp = _temp_path(path.parent, path.name)
            staged.append((tmp, path))
            _write_new(tmp, data, owner=owner)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
