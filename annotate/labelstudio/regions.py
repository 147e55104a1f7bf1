"""Regions and relations of a Label Studio result, validation, and matching.

Shared by push (validate before sending), export (origin of each span) and
report (accept/change/delete/add, precision/recall, agreement). Export and
report compare each submitted annotation with the prediction it started from
through one generator, `compare_task`.

Matching is annotate.evaluate's (the project's gold scoring): one to one,
greedy, per label; strict = same start and end, lenient = the overlap covers at
least half of the longer span.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from annotate.document import line_lookup  # noqa: F401  (export looks lines up through here)
from annotate.scheme import Scheme, load_scheme
from annotate.validate import validate_result, validate_task  # noqa: F401  (re-exported for push)

ACCEPTED, MODIFIED, ADDED, PREDICTED = "accepted", "modified", "added", "predicted"


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


def region_ok(region: Region, text: str) -> bool:
    """Do the region's offsets fit the text (0 <= start < end <= len) and, if the
    region stores its text, is that text what the offsets point at?"""
    return (0 <= region.start < region.end <= len(text)
            and (region.text is None or text[region.start:region.end] == region.text))


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
    """Greedy one-to-one matching, the best candidates first: annotate.evaluate's, so that
    report and `annotate evaluate` give the same figures."""
    from annotate.evaluate import match as match_indices

    return [(gold[gi], pred[pi]) for gi, pi in match_indices(gold, pred, strict)]


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
    """The source line of a clean-text offset (see `line_lookup`, which parses the map once)."""
    return line_lookup(line_map)(offset)


# -- annotations against the prediction they started from ---------------------

def submitted(task: dict) -> list[dict]:
    """The task's submitted annotations (not skipped)."""
    return [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]


def _ts(value: object) -> str:
    return value if isinstance(value, str) else ""


def baseline(task: dict, annotation: dict) -> dict | None:
    """The prediction an annotation started from.

    The annotation's parent_prediction if set (the labeling UI sets it); else
    the prediction the server recorded with it (the project's shown version at
    the time); else the latest prediction created before the annotation; else
    the latest prediction.
    """
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    if not preds:
        return None
    by_id = {p.get("id"): p for p in preds}
    parent = annotation.get("parent_prediction")
    if parent in by_id:
        return by_id[parent]
    recorded = annotation.get("prediction")
    if isinstance(recorded, dict) and recorded.get("id") in by_id:
        return by_id[recorded["id"]]
    created = _ts(annotation.get("created_at"))
    before = [p for p in preds if _ts(p.get("created_at")) <= created] if created else []
    pool = before or preds
    return max(pool, key=lambda p: (_ts(p.get("created_at")), p.get("id") or 0))


ParseCache = dict[int, tuple[list[Region], list[Relation]]]  # id(prediction dict) → parsed


def parse_prediction(prediction: dict, scheme: Scheme, cache: ParseCache) -> tuple[list[Region], list[Relation]]:
    """parse_result of a prediction, once per prediction (keyed by the dict itself)."""
    key = id(prediction)
    if key not in cache:
        cache[key] = parse_result(prediction.get("result"), scheme)
    return cache[key]


@dataclass
class Comparison:
    """One submitted annotation against its baseline prediction.

    Only regions with a label of the scheme and offsets that fit the text
    (`region_ok`) are compared ("scored"); the others are left out of `rows`,
    `deleted` and the scored lists. Regions of the scheme whose offsets do not
    fit are listed in `bad` / `bad_predicted`.
    """
    annotation: dict
    prediction: dict | None                 # the baseline (None: the task has no prediction)
    regions: list[Region]                   # the annotation's regions, all, as parsed
    relations: list[Relation]
    predicted: list[Region]                 # the baseline's regions, all, as parsed
    predicted_relations: list[Relation]
    scored: list[Region] = field(default_factory=list)
    scored_predicted: list[Region] = field(default_factory=list)
    rows: list[tuple[Region, str, Region | None]] = field(default_factory=list)  # classify(scored, …)
    deleted: list[Region] = field(default_factory=list)
    bad: list[Region] = field(default_factory=list)
    bad_predicted: list[Region] = field(default_factory=list)


def compare_task(task: dict, scheme: Scheme | None = None, cache: ParseCache | None = None
                 ) -> Iterator[Comparison]:
    """For every submitted annotation of `task`: its regions classified against the
    prediction it started from (`baseline`, `classify`). A prediction is parsed
    once (`cache`, shareable with the caller's own parsing of the predictions)."""
    s = scheme or load_scheme()
    cache = {} if cache is None else cache
    data = task.get("data") or {}
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    labels = set(s.label_names)

    def split(regions: list[Region]) -> tuple[list[Region], list[Region]]:
        ok, bad = [], []
        for r in regions:
            if r.label in labels:
                (ok if region_ok(r, text) else bad).append(r)
        return ok, bad

    for ann in submitted(task):
        regions, relations = parse_result(ann.get("result"), s)
        base = baseline(task, ann)
        predicted, predicted_relations = parse_prediction(base, s, cache) if base is not None else ([], [])
        scored, bad = split(regions)
        scored_predicted, bad_predicted = split(predicted)
        rows, deleted = classify(scored, scored_predicted)
        yield Comparison(ann, base, regions, relations, predicted, predicted_relations,
                         scored, scored_predicted, rows, deleted, bad, bad_predicted)
