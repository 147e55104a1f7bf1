"""A task without an outline (imported through Label Studio or the SDK as {"text": …}),
read as `annotate prelabel` reads a file holding that text.

The readers (annotate.sources.read_string: plain text, or HTML/Markdown when the text
looks like it) give the same Documents — title, byline, headings, paragraphs — as for
a .txt/.html/.md file, so the rules give the same regions. A reader's clean text
drops lines and whitespace, but Label Studio shows the task text as it is: each
region is moved onto the task text (annotate.sources.align), and a region that has
no place there is left out with the relations that use it.
"""
from __future__ import annotations

from annotate.sources import SourceError, read_string
from annotate.sources.align import source_offsets, source_span
from annotate.tasks import task_score, to_task


def read_documents(text: str, name: str = "") -> list | None:
    """The Documents of a task text with where their characters stand in it
    [(document, offsets)], or None when the readers find no article or cannot place
    their text in it (then the caller guesses the outline from the text alone)."""
    try:
        documents = read_string(text, name)
    except SourceError:
        return None
    placed = []
    for document in documents:
        offsets = source_offsets(document, text)
        if offsets is None:
            return None
        placed.append((document, offsets))
    return placed


def prediction_on_text(placed: list, docs: list, text: str, calibration=None) -> dict:
    """One prediction {result, score, model_version[, calibration]} on `text` from the annotated
    Docs of read_documents' Documents (in the same order), scored with `calibration`."""
    result, scores, version, extra = [], [], None, {}
    for (document, offsets), doc in zip(placed, docs):
        prediction = to_task(document, doc, calibration)["predictions"][0]
        version = prediction["model_version"]
        extra = {k: v for k, v in prediction.items() if k not in ("result", "score", "model_version")}
        kept: set[str] = set()
        moved = []
        for item in prediction["result"]:
            if item.get("type") == "relation":
                continue
            value = item["value"]
            span = source_span(offsets, document.text, value["start"], value["end"])
            if span is None:
                continue
            start, end = span
            value = {**value, "start": start, "end": end}
            if item["type"] == "labels":
                value["text"] = text[start:end]
                kept.add(item["id"])
                scores.append(item["score"])
            moved.append({**item, "value": value})
        result += [item for item in moved if item["type"] == "labels" or item["id"] in kept]
        result += [item for item in prediction["result"] if item.get("type") == "relation"
                   and item["from_id"] in kept and item["to_id"] in kept]
    if version is None:
        from annotate.tasks import model_version

        version = model_version()
    return {"result": result, "score": task_score(scores), "model_version": version, **extra}
