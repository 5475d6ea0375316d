"""Incidents: one problem found in one place, reported the same way everywhere.

Every step of the pipeline reports bad input as an :class:`Incident` instead of
raising a bare exception, so the command line can print ``FILE:LINE: LEVEL
CHECK-ID PATH: message`` and exit non-zero without a traceback.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field

# Characters that could end a line or disguise one: control characters, format
# characters (bidi overrides), line and paragraph separators, lone surrogates.
_UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"}


def escape(value: object) -> str:
    """One printable line, whatever the data: unsafe characters become \\uXXXX escapes."""
    text = str(value)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if unicodedata.category(ch) in _UNSAFE:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


@dataclass(frozen=True, order=True)
class Incident:
    file: str
    line: int | None
    level: str  # "L1".."L5"
    check: str  # stable check id, e.g. "anchor-not-found"
    path: str  # where in the record or file, e.g. "quotes[3].cue"
    message: str
    fix: str = ""
    severity: str = field(default="error", compare=False)

    def format_text(self) -> str:
        where = f"{escape(self.file)}:{self.line}" if self.line else escape(self.file)
        text = f"{where}: {self.level} {escape(self.check)} {escape(self.path or '-')}: {escape(self.message)}"
        if self.fix:
            text += f" (fix: {escape(self.fix)})"
        return text

    def to_dict(self) -> dict:
        return asdict(self)


class IncidentError(Exception):
    """Raised by pipeline steps that cannot go on; carries the incidents found."""

    def __init__(self, incidents: list[Incident]):
        self.incidents = list(incidents)
        super().__init__("\n".join(i.format_text() for i in self.incidents))
