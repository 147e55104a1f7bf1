#!/usr/bin/env python3
"""Text check for gold annotators: does each gold span's text exist in what the
readers extract from its article?

    python3 tools/check_gold_text.py GOLD.jsonl ARTICLES_DIR

It prints, per gold record, the spans whose text is not found (after the
scorer's normalisation: NFKC, whitespace and '*' removed), searching on from
the previous span as the scorer does, and a final count. It says nothing else
about the article: annotators never see the rules' output.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from annotate.sources import SourceError, read_file

_DROP = re.compile(r"[\s*]+")


def norm(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    gold, folder = Path(argv[0]), Path(argv[1])
    files = {p.name: p for p in folder.rglob("*") if p.is_file()}
    problems = 0
    for n, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        name = rec.get("file")
        path = files.get(name)
        if path is None:
            print(f"{gold.name}:{n}: {name}: no such file in {folder}")
            problems += 1
            continue
        try:
            text = norm("".join(d.text for d in read_file(path)))
        except SourceError as e:
            print(f"{name}: cannot be read: {e.reason}")
            problems += 1
            continue
        pos = 0
        for i, span in enumerate(rec.get("spans", [])):
            want = norm(span.get("text") or "")
            at = text.find(want, pos) if want else -1
            if at < 0:
                anywhere = text.find(want) >= 0 if want else False
                why = "found only before the previous span (order)" if anywhere else "not found"
                print(f"{name}: span {i} ({span.get('label')}) {why}: {span.get('text')!r}")
                problems += 1
            else:
                pos = at
        for rel in rec.get("relations", []):
            for end in ("from", "to"):
                k = rel.get(end)
                if not isinstance(k, int) or not 0 <= k < len(rec.get("spans", [])):
                    print(f"{name}: relation {end}={k!r} is not a span index")
                    problems += 1
    print(f"{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
