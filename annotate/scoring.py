"""Span matching and P/R/F1: one definition for `annotate evaluate` (against gold) and
`annotate report` (predictions against annotations), so that both give the same figures.

Spans are any objects with `start`, `end` and `length` (evaluate's Span, the codec's
Region). Matching is one to one, greedy, best candidates first: strict = same start
and end; lenient = the overlap covers at least half of the longer span.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from typing import Sequence

NO_RULE = "(no rule)"  # the rule id shown for predicted spans that carry no "rule: …" in their meta


def overlap(a, b) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def lenient_ratio(a, b) -> float:
    """overlap / longer span if the overlap covers at least half of the longer span, else 0."""
    ov = overlap(a, b)
    longer = max(a.length, b.length)
    if ov > 0 and ov * 2 >= longer:
        return ov / longer
    return 0.0


def _candidates(gold: Sequence, pred: Sequence, strict: bool) -> list[tuple[float, int, int]]:
    """(ratio, gold index, pred index) for every pair that may match."""
    cands = []
    if strict:
        at: dict[tuple[int, int], list[int]] = defaultdict(list)
        for pi, p in enumerate(pred):
            at[(p.start, p.end)].append(pi)
        for gi, g in enumerate(gold):
            cands += [(1.0, gi, pi) for pi in at.get((g.start, g.end), ())]
        return cands
    order = sorted(range(len(pred)), key=lambda i: pred[i].start)
    starts = [pred[i].start for i in order]
    for gi, g in enumerate(gold):
        # a lenient partner is at most twice as long as g and starts less than len(g) before it
        lo = bisect.bisect_left(starts, g.start - g.length)
        hi = bisect.bisect_left(starts, g.end)
        for k in range(lo, hi):
            r = lenient_ratio(g, pred[order[k]])
            if r > 0:
                cands.append((r, gi, order[k]))
    return cands


def match(gold: Sequence, pred: Sequence, strict: bool) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, best ratio first (ties: the later gold, then the later
    prediction, first — as the score tool); returns (gold index, pred index) pairs."""
    cands = _candidates(gold, pred, strict)
    cands.sort(reverse=True)
    used_g, used_p, pairs = set(), set(), []
    for _, gi, pi in cands:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gi, pi))
    return pairs


def prf(tp: int, n_gold: int, n_pred: int, empty: float | None = 1.0):
    """Precision, recall, F1. P = tp/pred, R = tp/gold; with nothing on one side its
    figure is 0.0 (nothing found, or all of nothing wrong). With nothing on either side
    all three are `empty`: 1.0 for the score tool's figures (`annotate evaluate`), None
    where "no data for the label" must not read as perfect (`annotate report`)."""
    if n_gold == 0 and n_pred == 0:
        return empty, empty, empty
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
