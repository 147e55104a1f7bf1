"""Label Studio tasks from an annotated Doc: regions, speakers, relations.

The task format is Label Studio's import JSON with one prediction per task.
Offsets are Python code-point offsets into data.text (Label Studio's Text tag
counts code points too), and text[start:end] == value.text for every region.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from annotate import __version__
from annotate.document import Document
from annotate.pipeline import SPANS_KEY, doc_text
from annotate.rules import RULES
from annotate.scheme import load_scheme
from annotate.validate import validate_task  # noqa: F401  (part of this module's API)

# Everything that decides which spans come out (readers, outline, rules, their data)
# is hashed: any change gives a new model_version. Not the server side or the CLI.
_NOT_RULES = ("labelstudio/", "cli.py", "model.py", "atomic.py", "prelabel.py", "validate.py", "__main__.py",
              "evaluate.py", "evaluate_cli.py")


def _rule_files(root: Path) -> list[Path]:
    files = [*root.rglob("*.py"), *(root / "data").glob("*")]
    return sorted(f for f in files if f.is_file() and "__pycache__" not in f.parts
                  and not f.relative_to(root).as_posix().startswith(_NOT_RULES))


def rules_hash(root: Path) -> str:
    h = hashlib.sha256()
    for f in _rule_files(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:8]


@lru_cache(maxsize=1)
def model_version() -> str:
    return f"argrules-{__version__}-{rules_hash(Path(__file__).resolve().parent)}"


_CONFIDENCE = {r.id: r.confidence for r in RULES}


def region_id(doc_id: str, label: str, start: int, end: int) -> str:
    """Stable across runs, so a re-push of unchanged rules gives identical regions."""
    return hashlib.sha1(f"{doc_id}:{label}:{start}:{end}".encode()).hexdigest()[:10]


def task_data(document: Document) -> dict:
    return {
        "text": document.text,
        "doc_id": document.doc_id,
        "source": document.source,
        "path": document.path,
        "index": document.index,
        "kind": document.kind,
        "title": document.title or "",
        "authors": " ".join(document.authors),
        "author_note": document.author_note or "",
        "column": document.column or "",
        "line_map": [list(pair) for pair in document.line_map],
    }


def to_task(document: Document, doc: Doc) -> dict:
    scheme = load_scheme()
    text = document.text
    if doc_text(doc) != text:
        raise ValueError(f"{document.path}: Doc text differs from the document text")
    doc_id = document.doc_id
    result, ids, scores = [], {}, []
    spans = sorted(doc.spans.get(SPANS_KEY, []), key=lambda s: (s.start_char, -s.end_char, s.label_))
    for span in spans:
        start, end, label = span.start_char, span.end_char, span.label_
        rid = region_id(doc_id, label, start, end)
        ids[(start, end, label)] = rid
        rule = span.id_ or None
        score = _CONFIDENCE.get(rule, 0.5)
        scores.append(score)
        result.append({
            "id": rid, "from_name": scheme.labels_name, "to_name": scheme.text_name, "type": "labels",
            "origin": "prediction",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
            "meta": {"text": [f"rule: {rule}"]}, "score": score,
        })
        if label == scheme.speaker_label and span._.speaker:
            result.append({
                "id": rid, "from_name": scheme.speaker_name, "to_name": scheme.text_name, "type": "textarea",
                "origin": "prediction",
                "value": {"start": start, "end": end, "text": [span._.speaker]},
            })
    for rel in doc._.argument_relations or []:
        result.append({
            "type": "relation", "from_id": ids[tuple(rel["source"])], "to_id": ids[tuple(rel["target"])],
            "direction": "right", "labels": [rel["type"]],
        })
    prediction = {
        "model_version": model_version(),
        "score": round(sum(scores) / len(scores), 3) if scores else 0.0,
        "result": result,
    }
    return {"data": task_data(document), "predictions": [prediction]}
