"""Validation of Label Studio tasks before they leave the project.

The server does not check predictions, so everything that writes or sends a
task (prelabel, push) checks it here first: the data fields, and each
prediction's result through the codec (annotate.labelstudio.codec.validate_result:
the label set of the scheme, offsets inside data.text, text[start:end] ==
value.text, speakers on QUOTE regions, relation ends that exist).
"""
from __future__ import annotations

from annotate.labelstudio.codec import validate_result
from annotate.scheme import Scheme, load_scheme


REQUIRED_DATA = ("text", "doc_id", "title", "authors", "source")


def validate_task(task: object, scheme: Scheme | None = None) -> list[str]:
    """Problems of one task (data + every prediction); empty list = fine to send."""
    s = scheme or load_scheme()
    if not isinstance(task, dict):
        return ["task is not an object"]
    data = task.get("data")
    if not isinstance(data, dict):
        return ["task has no data object"]
    problems = []
    for key in REQUIRED_DATA:
        if key not in data:
            problems.append(f"data.{key} is missing")
    text, doc_id = data.get("text"), data.get("doc_id")
    if not isinstance(text, str):
        return problems + ["data.text is not a string"]
    if not isinstance(doc_id, str) or not doc_id:
        problems.append("data.doc_id is not a non-empty string")
    predictions = task.get("predictions") or []
    if not isinstance(predictions, list):
        return problems + ["predictions is not a list"]
    for i, prediction in enumerate(predictions):
        if not isinstance(prediction, dict):
            problems.append(f"predictions[{i}] is not an object")
            continue
        if not prediction.get("model_version"):
            problems.append(f"predictions[{i}] has no model_version")
        problems += [f"predictions[{i}]: {p}" for p in validate_result(prediction.get("result"), text, s)]
    if task.get("annotations"):
        problems.append("task carries annotations; push sends predictions only")
    return problems
