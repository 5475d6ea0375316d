"""The corpus browser: one static HTML page per article and an index, from the published records.

Entities are highlighted by type with displaCy (manual mode, no model needed).
Quotes are listed with their speaker, cue and addressee; displaCy's entity
markup cannot hold overlapping quote, cue and speaker spans next to the
entities, so quotes get plain markup of our own. Removed page furniture is
shown greyed, in raw-file order among the kept paragraphs (a piece removed from
the middle of a line is shown before that paragraph). Pages are
self-contained: no scripts, fonts or styles from the network.
"""

from __future__ import annotations

from html import escape

from spacy import displacy

LABEL_COLOURS = {
    "PERSON": "#f4c7c3", "NORP": "#fce8b2", "FAC": "#d9ead3", "ORG": "#c9daf8", "GPE": "#b7e1cd",
    "LOC": "#d0e0e3", "PRODUCT": "#ead1dc", "EVENT": "#f9cb9c", "WORK_OF_ART": "#d9d2e9", "LAW": "#e6b8af",
    "LANGUAGE": "#cfe2f3", "DATE": "#fff2cc", "TIME": "#fff2cc", "PERCENT": "#eeeeee", "MONEY": "#eeeeee",
    "QUANTITY": "#eeeeee", "ORDINAL": "#eeeeee", "CARDINAL": "#eeeeee",
}
STYLE = """
body { font-family: Georgia, serif; max-width: 60rem; margin: 2rem auto; line-height: 1.5; color: #222; }
.removed { color: #999; background: #f4f4f4; border-left: 3px solid #ccc; padding: 0.2rem 0.5rem; margin: 0.4rem 0; font-size: 0.9em; }
.removed .reason { font-family: sans-serif; font-size: 0.75em; text-transform: uppercase; margin-right: 0.5rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: 0.2rem 0.5rem; vertical-align: top; text-align: left; }
.basis { font-family: sans-serif; font-size: 0.8em; padding: 0 0.3rem; border-radius: 0.2rem; background: #eee; }
li.quote { margin-bottom: 0.8rem; } .quote .content { font-style: italic; } .quote .meta { font-family: sans-serif; font-size: 0.85em; color: #555; }
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _paragraph(text: str, entities: list[dict]) -> str:
    """One paragraph with its entities highlighted by displaCy."""
    doc = {"text": text, "ents": [{"start": e["start"], "end": e["end"], "label": e["label"]} for e in entities], "title": None}
    return displacy.render(doc, style="ent", manual=True, page=False, options={"colors": LABEL_COLOURS})


def _metadata(record: dict) -> str:
    rows = []
    for name, meta, value in (("outlet", record["outlet"], record["outlet"]["name"]), ("published", record["published"], record["published"]["date"])):
        rows.append(
            f"<tr><th>{name}</th><td>{escape(value or 'unknown')}</td><td><span class=\"basis\">{escape(meta['basis'])}</span></td>"
            f"<td>{escape(meta['evidence'] or '')}</td><td>{escape(meta['note'] or '')}</td></tr>"
        )
    return "<table class=\"metadata\"><tr><th></th><th>value</th><th>basis</th><th>evidence</th><th>note</th></tr>" + "".join(rows) + "</table>"


def _quote(q: dict) -> str:
    content = " … ".join(escape(s["text"]) for s in q["content"])
    written = escape(q["speaker"]["text"]) if q["speaker"] else "(not named in the paragraph)"
    parts = [
        f"<span class=\"type\">{escape(q['type'])}</span>",
        f"speaker as written: <b class=\"speaker\">{written}</b>",
        f"resolved: <b>{escape(q['speaker_name'])}</b> ({escape(q['speaker_kind'])})",
        f"cue: <b class=\"cue\">{escape(q['cue']['text']) if q['cue'] else '(none)'}</b>",
    ]
    if q["addressee"]:
        parts.append(f"addressee: <b>{escape(q['addressee']['text'])}</b>")
    if q["via"]:
        parts.append("via: " + ", ".join(escape(v) for v in q["via"]))
    return f"<li class=\"quote\" id=\"{escape(q['id'])}\"><div class=\"content\">{content}</div><div class=\"meta\">{' · '.join(parts)}</div></li>"


def render_document(record: dict) -> str:
    """The page of one article."""
    text = record["text"]
    pieces: list[tuple[int, int, str]] = []
    for r in record["source"]["removed"]:
        pieces.append((r["raw_start"], 0, f"<div class=\"removed\"><span class=\"reason\">{escape(r['reason'])}</span>{escape(r['text'])}</div>"))
    placed = 0
    for seg in record["source"]["segments"]:
        ents = [{**e, "start": e["start"] - seg["start"], "end": e["end"] - seg["start"]} for e in record["entities"] if seg["start"] <= e["start"] and e["end"] <= seg["end"]]
        placed += len(ents)
        pieces.append((seg["raw_start"], 1, _paragraph(text[seg["start"] : seg["end"]], ents)))
    if placed != len(record["entities"]):
        raise ValueError(f"{record['id']}: {len(record['entities']) - placed} entity mention(s) cross a paragraph boundary")
    body = [
        f"<p><a href=\"index.html\">all articles</a></p><h1>{escape(record['title'] or record['id'])}</h1>",
        f"<p class=\"id\">{escape(record['id'])}</p>",
        "<h2>Metadata</h2>", _metadata(record),
        "<h2>Page</h2><p>Removed page parts and furniture are greyed, where they stood in the raw page; entities are highlighted by type.</p>",
        "<div class=\"page\">", *[html for _, _, html in sorted(pieces, key=lambda p: (p[0], p[1]))], "</div>",
        f"<h2>Quotes ({len(record['quotes'])})</h2><ol class=\"quotes\">", *[_quote(q) for q in record["quotes"]], "</ol>",
    ]
    return _page(record["title"] or record["id"], "\n".join(body))


def render_index(records: list[dict]) -> str:
    rows = [
        f"<tr><td><a href=\"{escape(r['id'])}.html\">{escape(r['id'])}</a></td><td>{escape(r['title'] or '')}</td>"
        f"<td>{escape(r['outlet']['name'] or 'unknown')} <span class=\"basis\">{escape(r['outlet']['basis'])}</span></td>"
        f"<td>{escape(r['published']['date'] or 'unknown')} <span class=\"basis\">{escape(r['published']['basis'])}</span></td>"
        f"<td>{len(r['entities'])}</td><td>{len(r['quotes'])}</td></tr>"
        for r in records
    ]
    head = "<tr><th>document</th><th>title</th><th>outlet</th><th>published</th><th>entities</th><th>quotes</th></tr>"
    return _page("TAQ-News corpus browser", "<h1>TAQ-News corpus browser</h1>\n<table>" + head + "".join(rows) + "</table>")


def render_site(records: list[dict]) -> dict[str, str]:
    """file name -> HTML, for the whole corpus."""
    pages = {f"{r['id']}.html": render_document(r) for r in records}
    pages["index.html"] = render_index(records)
    return pages
