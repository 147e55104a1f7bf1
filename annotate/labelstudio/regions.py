"""Submitted annotations against the prediction they started from: origin of each
region (accepted/modified/added/deleted) and matching.

Shared by export (origin of each span) and report (accept/change/delete/add,
precision/recall, agreement), through one generator, `compare_task`. Results are
decoded by annotate.labelstudio.codec (Region, Relation).

Matching is annotate.scoring's (the project's gold scoring): one to one,
greedy, per label; strict = same start and end, lenient = the overlap covers at
least half of the longer span.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from annotate.document import line_lookup
from annotate.labelstudio.codec import Region, Relation, decode_result, region_ok
from annotate.scheme import Scheme, load_scheme
from annotate.scoring import lenient_ratio, match as match_indices

ACCEPTED, MODIFIED, ADDED, PREDICTED = "accepted", "modified", "added", "predicted"


# -- matching ---------------------------------------------------------------

def match(gold: list[Region], pred: list[Region], strict: bool) -> list[tuple[Region, Region]]:
    """Greedy one-to-one matching, the best candidates first: annotate.scoring's, so that
    report and `annotate evaluate` give the same figures."""
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


def parse_result(result: object, scheme: Scheme | None = None) -> tuple[list[Region], list[Relation]]:
    """(regions, relations) of a result, as the codec decodes it."""
    decoded = decode_result(result, scheme)
    return decoded.regions, decoded.relations


def parse_prediction(prediction: dict, scheme: Scheme, cache: ParseCache) -> tuple[list[Region], list[Relation]]:
    """The regions and relations of a prediction, decoded once per prediction (keyed by the dict itself)."""
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
