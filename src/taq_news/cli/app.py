"""The ``taq-news`` command line: the parser, and one place that turns every failure into an incident line.

Bad input gives incidents and exit 1, a refused argument or output exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys

from taq_news.cli import (
    agreement,
    annotate,
    build,
    checks,
    evaluate,
    export,
    manifest,
    preannotate,
    rehydrate,
    render,
    stats,
    validate,
    wikidata_check,
)
from taq_news.core.checks import incident
from taq_news.core.incidents import IncidentError
from taq_news.core.paths import CheckoutMissing
from taq_news.publishing.output import OutputRefused

COMMANDS = (build, agreement, stats, validate, wikidata_check, checks, manifest, export, render, rehydrate, preannotate, evaluate, annotate)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="taq-news", description="Build, validate and publish the TAQ-News corpus.")
    p.add_argument("--root", help="repository root (default: found from the current folder)")
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE"):  # `taq-news ... | head` ends quietly, as Unix tools do
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0
    name = f"taq-news {getattr(args, 'command', '')}"
    try:
        return int(args.func(args))
    except IncidentError as exc:
        for inc in exc.incidents:
            print(inc.format_text())
        print(f"*** FAILED *** with {len(exc.incidents)} error(s)")
        return 1
    except OutputRefused as exc:
        print(incident(exc.check, exc.target, None, "--out", exc.message, exc.fix).format_text(), file=sys.stderr)
        return 2
    except CheckoutMissing as exc:
        print(incident("checkout-missing", name, None, "--root", str(exc)).format_text(), file=sys.stderr)
        return 2
    except OSError as exc:  # the system refused (permissions, a full disk, a read-only file system)
        fix = "choose a shorter path: a file or folder name longer than the file system allows (often 255 bytes)" if exc.errno == errno.ENAMETOOLONG else None
        print(incident("io-error", str(exc.filename or name), None, "-", f"{exc.strerror or exc}", fix).format_text(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("taq-news: interrupted; nothing half-written was left in place", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort: a defect of ours, never a traceback for the user
        print(incident("internal-error", name, None, "-", f"{type(exc).__name__}: {exc}",
                       "this is a bug in taq-news: please report it with the command and its input").format_text(), file=sys.stderr)
        return 2
