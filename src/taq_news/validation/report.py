"""Printing incidents: text (one line each, UD style), JSON, or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections import Counter

from taq_news.core.incidents import Incident

UNREADABLE = {"file-unreadable"}


def summary(incidents: list[Incident]) -> Counter:
    return Counter((i.level, i.check) for i in incidents)


def errors(incidents: list[Incident], strict: bool = False) -> list[Incident]:
    """What fails a run: every error, and under ``strict`` every warning (a check that could not run)."""
    return [i for i in incidents if strict or i.severity != "warning"]


def exit_code(incidents: list[Incident], strict: bool = False) -> int:
    failing = errors(incidents, strict)
    if any(i.check in UNREADABLE for i in failing):
        return 2
    return 1 if failing else 0


def _verdict(incidents: list[Incident], truncated: bool, strict: bool = False) -> str:
    failing = errors(incidents, strict)
    warned = len(incidents) - len(failing)
    if not failing:
        return "*** PASSED ***" + (f" with {warned} check(s) that could not run (see the warnings; --strict fails on them)" if warned else "")
    more = " (stopped at --max-errors)" if truncated else ""
    return f"*** FAILED *** with {len(failing)} error{'s' if len(failing) != 1 else ''}{more}"


def render(incidents: list[Incident], fmt: str = "text", truncated: bool = False, strict: bool = False) -> str:
    counts = summary(incidents)
    failing = errors(incidents, strict)
    if fmt == "json":
        return json.dumps({
            "passed": not failing,
            "errors": len(failing),
            "warnings": len(incidents) - len(failing),
            "truncated": truncated,
            "summary": {f"{lvl} {check}": n for (lvl, check), n in sorted(counts.items())},
            "incidents": [i.to_dict() for i in incidents],
        }, indent=2, ensure_ascii=False) + "\n"
    lines = []
    for i in incidents:
        if fmt == "github":
            props = f"file={_esc_prop(i.file)}" + (f",line={i.line}" if i.line else "") + f",title={i.level} {i.check}"
            text = f"{i.path or '-'}: {i.message}" + (f" (fix: {i.fix})" if i.fix else "")
            lines.append(f"::{'warning' if i.severity == 'warning' and not strict else 'error'} {props}::{_esc_data(text)}")
        else:
            lines.append("warning: " + i.format_text() if i.severity == "warning" and not strict else i.format_text())
    if counts:
        lines.append("--- summary")
        lines += [f"{lvl} {check}: {n}" for (lvl, check), n in sorted(counts.items())]
    lines.append(_verdict(incidents, truncated, strict))
    return "\n".join(lines) + "\n"


def _esc_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")
