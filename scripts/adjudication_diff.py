"""List where two annotation passes disagree, to drive adjudication.

    python scripts/adjudication_diff.py [pass-a] [pass-b]

Prints, per document: entity spans only one pass has or labels they dispute,
quotes only one pass has, and matched quotes whose type, cue, content or
speaker differ.
"""

from __future__ import annotations

import sys

from taq_news.analysis.scoring import match_quotes
from taq_news.core.paths import Layout, find_root
from taq_news.corpus.annotation_sets import load_annotation_set, same_referent
from taq_news.corpus.compile import compile_corpus


def main(argv: list[str]) -> int:
    a_name, b_name = (argv + ["pass-a", "pass-b"])[:2] if len(argv) >= 2 else ("pass-a", "pass-b")
    layout = Layout(find_root())
    corpus = compile_corpus(layout, complete=False)
    texts = {r["id"]: r["text"] for r in corpus.records}
    a = load_annotation_set(layout.annotations / "passes" / a_name, texts, layout.rel)
    b = load_annotation_set(layout.annotations / "passes" / b_name, texts, layout.rel)
    same = same_referent(a.registry, b.registry)
    for doc in sorted(texts):
        ea = {(m["start"], m["end"]): m for m in a.bodies.get(doc, {}).get("entities", [])}
        eb = {(m["start"], m["end"]): m for m in b.bodies.get(doc, {}).get("entities", [])}
        print(f"\n===== {doc}")
        for key in sorted(set(ea) | set(eb)):
            ma, mb = ea.get(key), eb.get(key)
            if ma and mb and ma["label"] == mb["label"]:
                continue
            if ma and mb:
                print(f"  LABEL {key} {ma['text']!r}: A={ma['label']} B={mb['label']}")
            elif ma:
                print(f"  A-only {key} {ma['text']!r} {ma['label']} {ma['entity_id']}")
            else:
                print(f"  B-only {key} {mb['text']!r} {mb['label']} {mb['entity_id']}")
        qa, qb = a.bodies.get(doc, {}).get("quotes", []), b.bodies.get(doc, {}).get("quotes", [])
        pairs = match_quotes(qa, qb)
        same.fit(pairs)
        ma_ids = {id(x) for x, _ in pairs}
        mb_ids = {id(y) for _, y in pairs}
        for q in qa:
            if id(q) not in ma_ids:
                print(f"  QUOTE A-only {q['id']} {q['type']} {q['speaker_entity_id']}: {q['content'][0]['text'][:90]!r}")
        for q in qb:
            if id(q) not in mb_ids:
                print(f"  QUOTE B-only {q['id']} {q['type']} {q['speaker_entity_id']}: {q['content'][0]['text'][:90]!r}")
        for x, y in pairs:
            diffs = []
            if x["type"] != y["type"]:
                diffs.append(f"type A={x['type']} B={y['type']}")
            if [(s["start"], s["end"]) for s in x["content"]] != [(s["start"], s["end"]) for s in y["content"]]:
                diffs.append(f"content A={[s['text'][:40] + '…' + s['text'][-15:] for s in x['content']]} B={[s['text'][:40] + '…' + s['text'][-15:] for s in y['content']]}")
            cx, cy = (x["cue"] or {}).get("text"), (y["cue"] or {}).get("text")
            if (x["cue"] or {}).get("start") != (y["cue"] or {}).get("start") or cx != cy:
                diffs.append(f"cue A={cx!r} B={cy!r}")
            if not same(x, y):
                diffs.append(f"speaker A={x['speaker_entity_id']} B={y['speaker_entity_id']}")
            sx, sy = (x["speaker"] or {}).get("text"), (y["speaker"] or {}).get("text")
            if sx != sy:
                diffs.append(f"speaker-mention A={sx!r} B={sy!r}")
            if x["via"] != y["via"]:
                diffs.append(f"via A={x['via']} B={y['via']}")
            if (x["addressee_entity_id"]) != (y["addressee_entity_id"]):
                diffs.append(f"addressee A={x['addressee_entity_id']} B={y['addressee_entity_id']}")
            if diffs:
                print(f"  QUOTE {x['id']}~{y['id']}: " + "; ".join(diffs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
