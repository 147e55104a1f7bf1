"""Regions and relations of a Label Studio result, validation, and matching.

Shared by push (validate before sending), export (origin of each span) and
report (accept/change/delete/add, precision/recall, agreement).

Matching follows /work/shared/bin/score: one to one, greedy, per label;
strict = same start and end, lenient = the overlap covers at least half of the
longer span.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from annotate.scheme import Scheme, load_scheme

ACCEPTED, MODIFIED, ADDED, PREDICTED = "accepted", "modified", "added", "predicted"
DELETED = "deleted"  # a predicted region with no counterpart (report only; no span row)


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    start: int
    end: int
    text: str | None = None      # value.text as stored
    speaker: str | None = None   # from the per-region speaker textarea
    rule_id: str | None = None   # "rule: <id>" in meta.text

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Relation:
    from_id: str
    to_id: str
    type: str
    direction: str = "right"


def rule_of(item: dict) -> str | None:
    meta = item.get("meta") or {}
    texts = meta.get("text") or []
    if isinstance(texts, str):
        texts = [texts]
    for t in texts:
        if isinstance(t, str) and t.strip().startswith("rule:"):
            return t.strip()[len("rule:"):].strip() or None
    return None


def _speaker_text(value: dict) -> str | None:
    texts = value.get("text")
    if isinstance(texts, str):
        texts = [texts]
    parts = [t.strip() for t in texts or [] if isinstance(t, str) and t.strip()]
    return " ".join(parts) or None


def parse_result(result: list, scheme: Scheme | None = None) -> tuple[list[Region], list[Relation]]:
    """Regions (labels items, with their speaker) and relations of one annotation/prediction result.

    Lenient: items that are not regions of the scheme's Labels control are ignored;
    `validate_result` is the strict check.
    """
    s = scheme or load_scheme()
    speakers: dict[str, str | None] = {}
    raw: list[dict] = []
    relations: list[Relation] = []
    for item in result or []:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if kind == "relation":
            # A relation drawn in the UI has no label until one is picked: with one
            # relation type in the scheme it is that type.
            labels = item.get("labels") or []
            a, b = str(item.get("from_id")), str(item.get("to_id"))
            direction = item.get("direction") or "right"
            if direction == "left":  # the arrow points from to_id to from_id
                a, b, direction = b, a, "right"
            relations.append(Relation(a, b, labels[0] if labels else s.relations[0].name if s.relations else "",
                                      direction))
        elif kind == "textarea" and item.get("from_name") == s.speaker_name:
            speakers[str(item.get("id"))] = _speaker_text(item.get("value") or {})
        elif kind == "labels" and item.get("from_name", s.labels_name) == s.labels_name:
            raw.append(item)
    regions = []
    for item in raw:
        value = item.get("value") or {}
        labels = value.get("labels") or []
        start, end = value.get("start"), value.get("end")
        if not labels or not isinstance(start, int) or not isinstance(end, int):
            continue
        rid = str(item.get("id"))
        regions.append(Region(rid, labels[0], start, end, value.get("text"), speakers.get(rid),
                              rule_of(item)))
    return regions, relations


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


# -- matching ---------------------------------------------------------------

def overlap(a: Region, b: Region) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def lenient_ratio(a: Region, b: Region) -> float:
    """overlap / longer span if the overlap covers at least half of the longer span, else 0."""
    ov = overlap(a, b)
    longer = max(a.length, b.length)
    if ov > 0 and ov * 2 >= longer:
        return ov / longer
    return 0.0


def match(gold: list[Region], pred: list[Region], strict: bool) -> list[tuple[Region, Region]]:
    """Greedy one-to-one matching (as the scorer): the best candidates first."""
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if strict:
                if g.start == p.start and g.end == p.end:
                    cands.append((1.0, gi, pi))
            else:
                r = lenient_ratio(g, p)
                if r > 0:
                    cands.append((r, gi, pi))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold[gi], pred[pi]))
    return pairs


def match_per_label(gold: list[Region], pred: list[Region], strict: bool,
                    labels: tuple[str, ...]) -> dict[str, list[tuple[Region, Region]]]:
    return {lab: match([g for g in gold if g.label == lab], [p for p in pred if p.label == lab], strict)
            for lab in labels}


def _same(a: Region, b: Region) -> bool:
    return a.label == b.label and a.start == b.start and a.end == b.end and (a.speaker or None) == (b.speaker or None)


def classify(annotated: list[Region], predicted: list[Region]
             ) -> tuple[list[tuple[Region, str, Region | None]], list[Region]]:
    """Origin of each annotated region against the prediction it started from.

    accepted — identical to a predicted region (label, start, end, speaker);
    modified — same region id as a predicted region, or an overlap of at least
               half the longer span, but label/bounds/speaker changed;
    added    — no predicted counterpart.
    Each predicted region counts for at most one annotated region; the predicted
    regions left over were deleted. Returns ([(region, origin, counterpart)], deleted).
    """
    out: dict[int, tuple[str, Region | None]] = {}
    free = set(range(len(predicted)))

    # 1. identical (prefer the same id), then same label and bounds with another speaker
    for ai, a in enumerate(annotated):
        same = [pi for pi in sorted(free) if _same(a, predicted[pi])]
        if same:
            pi = next((p for p in same if predicted[p].id == a.id), same[0])
            free.discard(pi)
            out[ai] = (ACCEPTED, predicted[pi])
    # 2. the same region id (Label Studio keeps the id of an edited predicted region)
    for ai, a in enumerate(annotated):
        if ai in out:
            continue
        pi = next((p for p in sorted(free) if predicted[p].id == a.id), None)
        if pi is not None:
            free.discard(pi)
            out[ai] = (MODIFIED, predicted[pi])
    # 3. overlap ≥ half the longer span, best first, the same label preferred
    cands = []
    for ai, a in enumerate(annotated):
        if ai in out:
            continue
        for pi in free:
            r = lenient_ratio(a, predicted[pi])
            if r > 0:
                cands.append((r, a.label == predicted[pi].label, ai, pi))
    cands.sort(key=lambda c: (-c[0], not c[1], c[2], c[3]))
    for _, _, ai, pi in cands:
        if ai in out or pi not in free:
            continue
        free.discard(pi)
        out[ai] = (MODIFIED, predicted[pi])
    rows = [(a, *out.get(ai, (ADDED, None))) for ai, a in enumerate(annotated)]
    deleted = [predicted[pi] for pi in sorted(free)]
    return rows, deleted


def source_line(line_map: object, offset: int) -> int | None:
    """The source line of a clean-text offset: the line of the last pair with offset <= o."""
    if not isinstance(line_map, list) or not line_map:
        return None
    try:
        pairs = [(int(a), int(b)) for a, b in line_map]
    except (TypeError, ValueError):
        return None
    keys = [a for a, _ in pairs]
    i = bisect.bisect_right(keys, offset) - 1
    return pairs[max(i, 0)][1]
