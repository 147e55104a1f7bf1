#!/usr/bin/env python3
"""Inter-annotator agreement: one gold file scored against another, with the
matcher of `annotate evaluate` (lenient and strict F1 per label, relations).

    python3 tools/agreement.py A.gold.jsonl B.gold.jsonl ARTICLES_DIR [--json]

Only files present in both gold files are compared. B's spans are placed in
the readers' text of each article exactly as gold spans are (by text, in
order), so the figures mean what `annotate evaluate` figures mean, with A as
the gold and B as the prediction. F1 is symmetric, so the order only swaps
precision and recall.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from annotate.evaluate import SEP, PredDoc, evaluate, load_gold, locate_gold, normalise
from annotate.sources import read_file


def as_pred(gold_doc: dict, text: str) -> PredDoc:
    doc = PredDoc()
    doc.add_text(text)
    spans, _missing, located = locate_gold(gold_doc, text + SEP)
    doc.spans = spans
    for rel in gold_doc.get("relations") or []:
        a, b = located.get(rel.get("from")), located.get(rel.get("to"))
        if a is not None and b is not None:
            doc.relations.append((a, b, rel.get("type", "supports")))
    doc.tasks = 1
    return doc


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    args = [a for a in argv if a != "--json"]
    if len(args) != 3:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    gold_a, gold_b = load_gold([args[0]]), load_gold([args[1]])
    folder = Path(args[2])
    paths = {p.name: p for p in folder.rglob("*") if p.is_file()}
    files = sorted(set(gold_a) & set(gold_b))
    docs = {}
    for name in files:
        text, _ = normalise("\n\n".join(d.text for d in read_file(paths[name])))
        docs[name] = as_pred(gold_b[name], text)
    ev = evaluate(gold_a, docs, files=files)
    res = ev.result(files)
    if as_json:
        print(json.dumps(res, ensure_ascii=False, indent=1))
        return 0
    print(f"{len(files)} files: {', '.join(files)}")
    for label, v in res["labels"].items():
        print(f"{label:10s} lenient F1 {v['lenient']['f1']:.3f}  strict F1 {v['strict']['f1']:.3f}  "
              f"(A {v['gold']}, B {v['pred']})")
    rel = res.get("relations") or {}
    if rel:
        print(f"{'supports':10s} F1 {rel.get('f1', 0):.3f}")
    macro = res["macro_f1"]
    print(f"macro F1 lenient {macro['lenient']:.3f}  strict {macro['strict']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
