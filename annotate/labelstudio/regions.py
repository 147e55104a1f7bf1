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
from annotate.validate import validate_result, validate_task  # noqa: F401  (re-exported for push)

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
