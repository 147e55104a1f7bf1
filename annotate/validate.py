"""Validation of Label Studio tasks before they leave the project.

The server does not check predictions, so everything that writes or sends a
task (prelabel, push) checks it here first: the label set of the scheme,
offsets inside data.text, text[start:end] == value.text, speakers on QUOTE
regions, relation ends that exist.
"""
from __future__ import annotations

from annotate.scheme import Scheme, load_scheme


def validate_result(result: object, text: str, scheme: Scheme | None = None) -> list[str]:
    """Problems of one prediction result against its text (empty list = fine)."""
    s = scheme or load_scheme()
    problems: list[str] = []
    if not isinstance(result, list):
        return ["result is not a list"]
    labels = set(s.label_names)
    relation_names = {r.name for r in s.relations}
    regions: dict[str, dict] = {}
    for n, item in enumerate(result):
        if not isinstance(item, dict):
            problems.append(f"result[{n}] is not an object")
            continue
        kind = item.get("type")
        if kind == "labels":
            rid = item.get("id")
            value = item.get("value") or {}
            where = f"region {rid}"
            if not rid:
                problems.append(f"result[{n}]: a region without an id")
            elif rid in regions:
                problems.append(f"{where}: duplicate region id")
            if item.get("from_name") != s.labels_name or item.get("to_name") != s.text_name:
                problems.append(f"{where}: from_name/to_name must be {s.labels_name!r}/{s.text_name!r}")
            region_labels = value.get("labels")
            if not isinstance(region_labels, list) or len(region_labels) != 1:
                problems.append(f"{where}: needs exactly one label")
            elif region_labels[0] not in labels:
                problems.append(f"{where}: label {region_labels[0]!r} is not in the scheme")
            start, end = value.get("start"), value.get("end")
            if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) \
                    or isinstance(end, bool):
                problems.append(f"{where}: start/end must be integers")
            elif not 0 <= start < end <= len(text):
                problems.append(f"{where}: offsets {start}..{end} outside 0..{len(text)}")
            elif value.get("text") != text[start:end]:
                problems.append(f"{where}: value.text {str(value.get('text'))[:20]!r} != "
                                f"text[{start}:{end}] {text[start:end][:20]!r}")
            if rid:
                regions[rid] = item
        elif kind == "textarea":
            if item.get("from_name") != s.speaker_name:
                problems.append(f"result[{n}]: textarea from_name must be {s.speaker_name!r}")
                continue
            rid = item.get("id")
            texts = (item.get("value") or {}).get("text")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                problems.append(f"speaker {rid}: value.text must be a list of strings")
        elif kind == "relation":
            pass
        else:
            problems.append(f"result[{n}]: unknown type {kind!r}")
    for n, item in enumerate(result):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "textarea" and item.get("from_name") == s.speaker_name:
            rid = item.get("id")
            region = regions.get(rid)
            if region is None:
                problems.append(f"speaker {rid}: no region with that id")
            elif (region.get("value") or {}).get("labels") != [s.speaker_label]:
                problems.append(f"speaker {rid}: its region is not a {s.speaker_label}")
            else:
                rv, sv = region.get("value") or {}, item.get("value") or {}
                if (sv.get("start"), sv.get("end")) != (rv.get("start"), rv.get("end")):
                    problems.append(f"speaker {rid}: start/end differ from its region's")
        elif item.get("type") == "relation":
            a, b = item.get("from_id"), item.get("to_id")
            for end in (a, b):
                if end not in regions:
                    problems.append(f"relation {a}->{b}: no region {end}")
            rl = item.get("labels") or []
            if any(r not in relation_names for r in rl):
                problems.append(f"relation {a}->{b}: type {rl} is not in the scheme")
    return problems


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
