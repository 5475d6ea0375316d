"""Incidents: one problem found in one place, reported the same way everywhere.

Every step of the pipeline reports bad input as an :class:`Incident` instead of
raising a bare exception, so the command line can print ``FILE:LINE: LEVEL
CHECK-ID PATH: message`` and exit non-zero without a traceback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        text = f"{where}: {self.level} {self.check} {self.path or '-'}: {self.message}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text

    def to_dict(self) -> dict:
        return asdict(self)


class IncidentError(Exception):
    """Raised by pipeline steps that cannot go on; carries the incidents found."""

    def __init__(self, incidents: list[Incident]):
        self.incidents = list(incidents)
        super().__init__("\n".join(i.format_text() for i in self.incidents))
