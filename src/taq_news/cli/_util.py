"""What every command shares: the checkout, refused arguments, printing problems, writing output."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from taq_news.core.checks import incident
from taq_news.core.incidents import Incident
from taq_news.core.paths import CheckoutMissing, Layout, find_root
from taq_news.publishing.output import write_file


def usage(target: str, check: str, message: str, fix: str | None = None) -> int:
    """A refused argument: one incident line on standard error, exit 2."""
    print(incident(check, target, None, "-", message, fix).format_text(), file=sys.stderr)
    return 2


def layout_of(args: argparse.Namespace) -> Layout:
    """The checkout the command works on: --root, or found from the current folder."""
    if not args.root:
        return Layout(find_root())
    root = Path(args.root).resolve()
    if not ((root / "schema" / "document.schema.json").is_file() and (root / "dataset").is_dir()):
        raise CheckoutMissing(f"--root {args.root} is not a TAQ-News checkout (no schema/document.schema.json and dataset/)")
    return Layout(root)


def failed(problems: list[Incident], what: str) -> int:
    """Print every problem and the failure line; exit 1."""
    for inc in problems:
        print(inc.format_text())
    print(f"*** FAILED *** {len(problems)} problem(s){what}")
    return 1


def json_line(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8") + b"\n"


def write_output(out: str, data: bytes, command: str, force: bool = False) -> None:
    """One output file through the one writer, or standard output for ``-``."""
    if out == "-":
        sys.stdout.buffer.write(data)
        return
    write_file(out, data, command=command, force=force)


def at_least(minimum: int):
    """An argparse type: a whole number no smaller than ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{text} must be at least {minimum}")
        return value
    return parse
