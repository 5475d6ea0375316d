"""Printing incidents: text (one line each, UD style), JSON, or GitHub workflow annotations."""

from __future__ import annotations

import json
from collections import Counter

from .incidents import Incident

UNREADABLE = {"file-unreadable"}


def summary(incidents: list[Incident]) -> Counter:
    return Counter((i.level, i.check) for i in incidents)


def exit_code(incidents: list[Incident]) -> int:
    if any(i.check in UNREADABLE for i in incidents):
        return 2
    return 1 if incidents else 0


def _verdict(incidents: list[Incident], truncated: bool) -> str:
    if not incidents:
        return "*** PASSED ***"
    more = " (stopped at --max-errors)" if truncated else ""
    return f"*** FAILED *** with {len(incidents)} error{'s' if len(incidents) != 1 else ''}{more}"


def render(incidents: list[Incident], fmt: str = "text", truncated: bool = False) -> str:
    counts = summary(incidents)
    if fmt == "json":
        return json.dumps({
            "passed": not incidents,
            "errors": len(incidents),
            "truncated": truncated,
            "summary": {f"{lvl} {check}": n for (lvl, check), n in sorted(counts.items())},
            "incidents": [i.to_dict() for i in incidents],
        }, indent=2, ensure_ascii=False) + "\n"
    lines = []
    for i in incidents:
        if fmt == "github":
            props = f"file={_esc_prop(i.file)}" + (f",line={i.line}" if i.line else "") + f",title={i.level} {i.check}"
            text = f"{i.path or '-'}: {i.message}" + (f" (fix: {i.fix})" if i.fix else "")
            lines.append(f"::error {props}::{_esc_data(text)}")
        else:
            lines.append(i.format_text())
    if counts:
        lines.append("--- summary")
        lines += [f"{lvl} {check}: {n}" for (lvl, check), n in sorted(counts.items())]
    lines.append(_verdict(incidents, truncated))
    return "\n".join(lines) + "\n"


def _esc_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _esc_prop(s: str) -> str:
    return _esc_data(s).replace(":", "%3A").replace(",", "%2C")
