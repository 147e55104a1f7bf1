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

from dataclasses import replace

from annotate.labelstudio.codec import Prediction
from annotate.sources import SourceError, read_string
from annotate.sources.align import source_offsets, source_span
from annotate.tasks import prediction_of, task_score


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


def prediction_on_text(placed: list, docs: list, text: str, calibration=None) -> Prediction:
    """One prediction on `text` from the annotated Docs of read_documents' Documents (in the
    same order), scored with `calibration`: each Document's regions moved onto `text`, those
    with no place there left out with the relations that use them."""
    items, scores, version, extra = [], [], None, {}
    for (document, offsets), doc in zip(placed, docs):
        prediction = prediction_of(document, doc, calibration)
        version, extra = prediction.model_version, prediction.extra
        kept: set[str] = set()
        for region in prediction.regions:
            span = source_span(offsets, document.text, region.start, region.end)
            if span is None:
                continue
            start, end = span
            items.append(replace(region, start=start, end=end, text=text[start:end]))
            kept.add(region.id)
            scores.append(region.score)
        items += [rel for rel in prediction.relations if rel.from_id in kept and rel.to_id in kept]
    if version is None:
        from annotate.tasks import model_version

        version = model_version()
    return Prediction(items, model_version=version, score=task_score(scores), extra=extra)
