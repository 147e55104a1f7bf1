"""Label Studio tasks from an annotated Doc: regions, speakers, relations.

The task format is Label Studio's import JSON with one prediction per task.
Offsets are Python code-point offsets into data.text (Label Studio's Text tag
counts code points too), and text[start:end] == value.text for every region.
"""
from __future__ import annotations

import hashlib

from spacy.tokens import Doc, Span

from annotate.behaviour import model_version
from annotate.document import Block, Document
from annotate.labelstudio.codec import Controls, Prediction, Region, Relation, encode_prediction
from annotate.pipeline import MODEL_KEY, SPANS_KEY, disabled_rules, doc_text
from annotate.rules import RULES
from annotate.scheme import load_scheme

_CONFIDENCE = {r.id: r.confidence for r in RULES}


def region_scores(calibration=None) -> dict[str, float]:
    """rule id → region score: the calibrated precision where the calibration (an
    annotate.calibration.Calibration, loaded once per run or request) has the rule,
    else the rule's catalogue confidence."""
    return {**_CONFIDENCE, **(calibration.scores if calibration is not None else {})}


def task_score(scores: list[float]) -> float:
    """A task's prediction score: the mean of its region scores (the share of its regions
    an annotator is expected to accept unchanged); 0.0 for a task with no region, which
    the rules could not read. Sorting by it ascending puts the least certain tasks first."""
    return round(sum(scores) / len(scores), 3) if scores else 0.0


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
        # The reader's outline, so that the task alone gives the same spans again
        # (the ML backend, re-annotation after a rule change): see document_from_data.
        "outline": [[b.kind, b.start, b.end, [list(x) for x in b.bold], list(b.claim) if b.claim else None]
                    for b in document.blocks],
    }


def _int(value, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} is not an integer")
    return value


def _pair(value, what: str) -> tuple[int, int]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError(f"{what} is not a pair [start, end]")
    return _int(value[0], what), _int(value[1], what)


def _outline(outline, n: int) -> list[Block]:
    """The blocks of a task's data.outline (as task_data writes it), checked: known kinds,
    sorted non-empty blocks inside the text, bold runs and the claim inside their block."""
    from annotate.document import BLOCK_KINDS

    if not isinstance(outline, list):
        raise ValueError("data.outline is not a list")
    blocks, previous_end = [], 0
    for i, item in enumerate(outline):
        where = f"data.outline[{i}]"
        if not isinstance(item, (list, tuple)) or len(item) != 5:
            raise ValueError(f"{where} is not [kind, start, end, bold, claim]")
        kind, start, end, bold, claim = item
        if not isinstance(kind, str) or kind not in BLOCK_KINDS:
            raise ValueError(f"{where}: kind is not one of {', '.join(BLOCK_KINDS)}")
        start, end = _int(start, where), _int(end, where)
        if not 0 <= start < end <= n:
            raise ValueError(f"{where}: block [{start}, {end}) is empty or lies outside the text ({n} characters)")
        if start < previous_end:
            raise ValueError(f"{where}: blocks overlap or are out of order")
        previous_end = end
        if bold is not None and not isinstance(bold, list):
            raise ValueError(f"{where}: bold runs are not a list")
        runs = [_pair(x, f"{where} bold run") for x in bold or ()]
        if any(not start <= a < b <= end for a, b in runs):
            raise ValueError(f"{where}: a bold run lies outside its block")
        if claim is not None:
            a, b = _pair(claim, f"{where} claim")
            if not start <= a <= b <= end:
                raise ValueError(f"{where}: the claim lies outside its block")
            claim = (a, b)
        blocks.append(Block(kind, start, end, 0, runs, claim))
    return blocks


def _optional_str(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number a user's own JSON gave, e.g. a year as the title
    if not isinstance(value, str):
        raise ValueError(f"data.{key} is not a string")
    return value


def guessed_blocks(text: str) -> list[Block]:
    """The outline of a bare string: blank-line paragraphs, short unpunctuated lines as headings."""
    from annotate.rules.layout import layout_from_text

    return [Block(b.kind, b.start, b.end, 0, list(b.bold)) for b in layout_from_text(text).blocks]


def document_from_data(data: dict, text_key: str = "text", guess_outline: bool = True) -> Document:
    """The Document of a task's data: the inverse of task_data. data[text_key] is the text,
    verbatim (offsets point into it). Without an `outline` (a task imported through Label
    Studio), the outline is guessed from the text (guessed_blocks), unless `guess_outline`
    is False (the blocks are then left empty: the caller reads the text otherwise). Raises
    ValueError (one line) on a field that is not what task_data writes: a request must never
    reach the rules malformed."""
    text = data.get(text_key)
    if not isinstance(text, str):
        raise ValueError(f"data.{text_key} is not a string")
    outline = data.get("outline")
    if outline:
        blocks = _outline(outline, len(text))
    else:
        blocks = guessed_blocks(text) if guess_outline else []
    line_map = data.get("line_map") or []
    if not isinstance(line_map, list):
        raise ValueError("data.line_map is not a list")
    line_map = [_pair(x, "data.line_map entry") for x in line_map]
    authors = data.get("authors") or ""
    if isinstance(authors, str):
        authors = authors.split()
    elif isinstance(authors, list) and all(isinstance(a, str) for a in authors):
        authors = list(authors)
    else:
        raise ValueError("data.authors is not a string or a list of strings")
    kind = data.get("kind") if data.get("kind") in ("article", "fragment") else "article"
    index = data.get("index")
    return Document(text=text, source=_optional_str(data, "source") or "", path=_optional_str(data, "path") or "",
                    index=index if isinstance(index, int) and not isinstance(index, bool) and index >= 0 else 0,
                    kind=kind, title=_optional_str(data, "title"), authors=authors,
                    author_note=_optional_str(data, "author_note"), column=_optional_str(data, "column"),
                    blocks=blocks, line_map=line_map)


def prediction_of(document: Document, doc: Doc, calibration=None) -> Prediction:
    """The prediction of one annotated Doc: its regions (rule id, score, speaker) and relations,
    its score and model_version (naming the rules the pipes which made the Doc had switched off;
    with a calibration, the region scores are its calibrated precisions and the prediction
    names it: `calibration`: `<project>@<hash>`)."""
    scheme = load_scheme()
    text = document.text
    if doc_text(doc) != text:
        raise ValueError(f"{document.path}: Doc text differs from the document text")
    doc_id = document.doc_id
    confidence = region_scores(calibration)
    items: list = []
    ids, scores = {}, []
    spans = sorted(doc.spans.get(SPANS_KEY, []), key=lambda s: (s.start_char, -s.end_char, s.label_))
    for span in spans:
        start, end, label = span.start_char, span.end_char, span.label_
        rid = region_id(doc_id, label, start, end)
        ids[(start, end, label)] = rid
        rule = span.id_ or None
        score, notes = confidence.get(rule, 0.5), ()
        learned = span._.model if Span.has_extension("model") else None
        if learned:  # changed or added by the trained model: its note and its probability
            notes, score = (learned["note"],), learned["score"]
        scores.append(score)
        speaker = span._.speaker if label == scheme.speaker_label else None
        items.append(Region(rid, label, start, end, text[start:end], speaker or None, rule, score, notes))
    for rel in doc._.argument_relations or []:
        items.append(Relation(ids[tuple(rel["source"])], ids[tuple(rel["target"])], rel["type"]))
    return Prediction(items, model_version=model_version(disabled_rules(doc), doc.user_data.get(MODEL_KEY)),
                      score=task_score(scores),
                      extra={"calibration": calibration.label} if calibration is not None else {})


def to_task(document: Document, doc: Doc, calibration=None) -> dict:
    """The Label Studio task of one annotated Doc (prediction_of, encoded on the scheme's controls)."""
    prediction = prediction_of(document, doc, calibration)
    return {"data": task_data(document), "predictions": [encode_prediction(prediction, Controls.of_scheme())]}
