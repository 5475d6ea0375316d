"""Pre-annotating a batch of raw files: which may be drafted, and the drafts with the registry entries they propose.

Nothing is written here; ``taq-news preannotate`` hands the outputs to the one writer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from taq_news.annotations.registry import Entity
from taq_news.annotations.yamlio import load_yaml
from taq_news.core.checks import incident
from taq_news.core.incidents import Incident, IncidentError
from taq_news.corpus.assemble import QUOTE_TYPES
from taq_news.preannotate.draft import draft_yaml, preannotate, registry_yaml
from taq_news.sources.page import PageProblem, decode_raw, is_raw_name, raw_stem, read_page


@dataclass(frozen=True)
class Job:
    doc_id: str
    raw: str  # the article's page text (for an HTML file, its extraction)
    target: Path  # where its draft goes
    markup: str | None = None  # the HTML, for an HTML file


def is_machine_draft(path: Path) -> bool:
    """An annotation file preannotate wrote and nobody curated: its method is still 'machine'."""
    try:
        node = load_yaml(path, str(path))
    except IncidentError:
        return False
    ann = node.get("annotation") if isinstance(node, dict) else None
    return isinstance(ann, dict) and ann.get("method") == "machine"


def plan(raw_args: list[str], out_dir: Path, force: bool, id_pattern: str | None, max_length: int) -> tuple[list[Job], list[Incident]]:
    """The raw files that can be drafted, and a problem for each that cannot (nothing is drafted if any)."""
    problems: list[Incident] = []

    def bad(file: str, line: int | None, check: str, message: str, fix: str | None = None) -> None:
        problems.append(incident(check, file, line, "", message, fix))

    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for raw_arg in raw_args:
        raw_path = Path(raw_arg)
        doc_id = raw_stem(raw_path.name)
        target = out_dir / f"{doc_id}.yaml"
        if not raw_path.is_file():
            bad(raw_arg, None, "file-unreadable", "is a folder, not a file" if raw_path.is_dir() else "no such file", "give the path of a raw .txt or .html article")
        elif not is_raw_name(raw_path.name) or (id_pattern and not re.fullmatch(id_pattern, doc_id)):
            bad(raw_arg, None, "raw-name-invalid", f"{raw_path.name!r} is not '<document id>.txt' or '.html' with an id matching {id_pattern}",
                "name the file NNN_<16 hex digits>.txt (or .html)")
        elif doc_id in seen:
            bad(raw_arg, None, "id-duplicate", f"gives the document id {doc_id} that {seen[doc_id]} gives too: one draft would overwrite the other",
                "pre-annotate one of them; document ids are unique")
        elif target.is_dir() or target.is_symlink():
            bad(str(target), None, "out-not-file", "a folder or link stands where the draft would be written", "move it away")
        elif target.exists() and not force:
            bad(str(target), None, "out-exists", "an annotation file is already there", "pass --force to replace it, or move it away")
        elif target.exists() and not is_machine_draft(target):
            bad(str(target), None, "out-not-ours",
                "is no draft of preannotate's (a curated annotation, or a file that does not read as one with annotation.method: machine); "
                "even --force replaces only preannotate's own drafts",
                "move it away first if you really mean to start over")
        else:
            seen[doc_id] = raw_arg
            try:
                data = raw_path.read_bytes()
            except OSError as exc:
                bad(raw_arg, None, "file-unreadable", str(exc.strerror or exc), "check the file")
                continue
            text = decode_raw(data)
            page = read_page(raw_path.name, text, max_length) if isinstance(text, str) else text
            if isinstance(page, PageProblem):
                bad(raw_arg, page.line, page.check, page.message, page.fix)
            else:
                jobs.append(Job(doc_id, page.text, target, page.markup))
    return jobs, problems


def draft_all(jobs: list[Job], registry: dict[str, Entity], registry_path: Path, nlp, report: Callable[[str], None] | None = None) -> tuple[dict[Path, bytes], list[str]]:
    """(every file to write: the drafts and the registry with the entries they propose, a summary line per draft).

    ``report`` is called with each summary line as soon as its draft is made, so a long batch shows progress."""
    outputs: dict[Path, bytes] = {}
    summaries: list[str] = []
    proposed: dict[str, Entity] = {}
    for job in jobs:
        try:
            draft = preannotate(job.doc_id, job.raw, {**registry, **proposed}, nlp, markup=job.markup)
        except Exception as exc:  # a rule that falls over on a page nobody tuned for: name the article; nothing is written
            raise IncidentError([incident("rule-failed", str(job.target), None, "", f"pre-annotating {job.doc_id} raised {type(exc).__name__}: {exc}"[:500],
                                          "report it with the article: the pre-annotator must not fail on any text")]) from exc
        for e in draft.proposed:
            proposed.setdefault(e.id, e)
        outputs[job.target] = draft_yaml(draft, registry).encode("utf-8")
        types = {t: sum(q.type == t for q in draft.quotes) for t in QUOTE_TYPES}
        summaries.append(
            f"{job.doc_id}: title {'found' if draft.parts.title else 'none'}, dateline {'found' if draft.parts.dateline else 'none'}, "
            f"byline {'found' if draft.parts.byline else 'none'}, {len(draft.parts.furniture or [])} furniture, "
            f"outlet {draft.outlet.basis}, date {draft.published.basis}, {len(draft.entities)} entities, "
            f"{len(draft.quotes)} quotes ({', '.join(f'{n} {t}' for t, n in types.items())}), {len(draft.non_quotes)} other quoted passages, "
            f"{len(draft.proposed)} new registry entries, {len(draft.candidates)} capitalized candidates"
        )
        if report is not None:
            report(summaries[-1])
    new = [e for e in proposed.values() if e.id not in registry]
    if new:
        text = registry_path.read_text("utf-8")
        outputs[registry_path] = (text.rstrip("\n") + "\n" + registry_yaml(new)).encode("utf-8")
    return outputs, summaries
