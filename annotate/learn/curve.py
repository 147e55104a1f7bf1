"""Does correcting pay off? Rules alone vs rules + model on articles the model never saw.

    samples = prepare(nlp, paths, gold)                   # rules Docs once (the slow part)
    leave_out(samples, gold, "^([pqrs])")                 # per group: train on the rest, score the group
    learning_curve(samples, gold, "^q", sizes=(1, 2, 4))  # train on n of the family + the rest, score
                                                          #   the family's articles no point trained on
    plot(curve, "curve.png")

Everything runs in memory: each Doc the rules made is copied, the model applied, the
relation rules run again and the task scored with annotate.evaluate, the figures
`annotate evaluate` prints for the same tasks.
"""
from __future__ import annotations

import random
import re

from annotate.learn.component import Learned
from annotate.learn.train import Sample, TrainError, train

def tasks_of(nlp, samples: list[Sample], learned: Learned | None = None) -> list[dict]:
    """The tasks of the samples: the rules' Docs as they are, or with the model applied."""
    from annotate.tasks import to_task

    relations = nlp.get_pipe("argument_relations")
    out = []
    for s in samples:
        doc = s.doc
        if learned is not None:
            doc = relations(learned(doc.copy()))
        out.append(to_task(s.document, doc))
    return out


def score(tasks: list[dict], gold: dict, files: list[str]) -> dict:
    """Lenient F1 per label and macro (annotate.evaluate) of the tasks on these gold files."""
    from annotate.evaluate import evaluate, pred_docs

    r = evaluate(gold, pred_docs(tasks), files=sorted(files)).result()
    return {"macro": r["macro_f1"]["lenient"], **{lab: r["labels"][lab]["lenient"]["f1"] for lab in r["labels"]},
            "supports": r["relations"]["f1"]}


def _files(samples, rx) -> list[str]:
    return sorted({s.file for s in samples if rx.search(s.file)})


def leave_out(nlp, samples: list[Sample], gold: dict, pattern: str, seed: int = 0, say=None) -> list[dict]:
    """Per group of files (`pattern` is [NAME=]REGEX as evaluate's --group-by: the group is NAME,
    else the first group, else the match): train on every other sample, score the group, rules
    alone and rules + model."""
    from annotate.evaluate import split_group_pattern

    say = say or (lambda msg: None)
    name, rx = split_group_pattern(pattern)
    groups: dict[str, list[str]] = {}
    for f in sorted({s.file for s in samples}):
        m = rx.search(f)
        if m:
            key = m.expand(name) if name is not None else (m.group(1) if rx.groups else m.group(0))
            groups.setdefault(key, []).append(f)
    rows = []
    for g, files in groups.items():
        say(f"leave out {g} ({len(files)} files)")
        train_on = [s for s in samples if s.file not in files]
        test = [s for s in samples if s.file in files]
        learned = train(train_on, seed=seed, name=f"without-{g}").learned
        rows.append({"group": g, "files": len(files), "thresholds": learned.thresholds,
                     "rules": score(tasks_of(nlp, test), gold, files),
                     "model": score(tasks_of(nlp, test, learned), gold, files)})
    return rows


def learning_curve(nlp, samples: list[Sample], gold: dict, family: str, sizes=(1, 2, 4), orders: int = 3,
                   seed: int = 0, say=None, with_rest: bool = True, adapt: bool = False) -> dict:
    """Train on `n` articles of the family (files matching the regex `family`) plus every sample
    outside it (with_rest; else the family's alone), for n in sizes; score the family's files that no
    point trains on (the same test set at every n). Averaged over `orders` random orders of the
    family's files. A point with too little to train on is the rules alone. `adapt`: each point's
    model is adapted to the n articles of the family (annotate.learn.adapt; at n = 0 there is nothing
    to adapt to: the model out of family)."""
    say = say or (lambda msg: None)
    rx = re.compile(family)
    fam = _files(samples, rx)
    sizes = [n for n in sizes if n < len(fam)]
    if not sizes:
        raise TrainError(f"family {family!r}: {len(fam)} files; a curve needs more files than its largest step")
    held = len(fam) - max(sizes)
    rest = [s for s in samples if not rx.search(s.file)] if with_rest else []
    points = {n: [] for n in [0, *sizes]}
    allowed: dict[int, dict[str, int]] = {n: {} for n in points}  # transitions the point's models made, per order
    baseline = []
    models: dict = {}
    for k in range(orders):
        order = list(fam)
        random.Random(seed + k).shuffle(order)
        test_files = order[-held:]
        test = [s for s in samples if s.file in test_files]
        baseline.append(score(tasks_of(nlp, test), gold, test_files))
        for n in [0, *sizes]:
            say(f"order {k + 1}/{orders}: {n} file(s) of the family")
            train_on = rest + [s for s in samples if s.file in order[:n]]
            try:
                target = frozenset(order[:n]) if adapt and n else None
                key = (frozenset(s.file for s in train_on), target)
                if key not in models:  # the same training set in another order (n = 0: every order)
                    models[key] = train(train_on, seed=seed, name=f"curve-{n}", adapt=target).learned
                learned = models[key]
                points[n].append(score(tasks_of(nlp, test, learned), gold, test_files))
                for t in learned.thresholds:
                    allowed[n][t] = allowed[n].get(t, 0) + 1
            except TrainError:
                points[n].append(baseline[-1])  # too little to train on: the rules stand
    def mean(rows):
        return {k: round(sum(r[k] for r in rows) / len(rows), 3) for k in rows[0]}

    return {"family": family, "with_rest": with_rest, "adapt": adapt, "files": fam, "test_files_per_order": held,
            "orders": orders, "rules": mean(baseline), "points": [{"n": n, **mean(rows)} for n, rows in points.items()],
            "allowed": allowed}


def plot(curve: dict, path, title: str | None = None) -> None:
    """The curve as a PNG: macro lenient F1 against corrected articles of the family, rules alone flat."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [p["n"] for p in curve["points"]]
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    model = "rules + adapted model" if curve.get("adapt") else "rules + model"
    ax.plot(xs, [p["macro"] for p in curve["points"]], marker="o", label=f"{model} (macro F1)")
    ax.plot(xs, [curve["rules"]["macro"]] * len(xs), linestyle="--", label="rules alone (macro F1)")
    for lab in ("CLAIM", "SUPPORT", "DIRECTIVE"):
        ax.plot(xs, [p[lab] for p in curve["points"]], marker=".", linewidth=0.8, alpha=0.6,
                label=f"{model}, {lab}")
    ax.set_xlabel("corrected articles of the family in training")
    ax.set_ylabel("lenient F1 on the family's other articles")
    ax.set_xticks(xs)
    ax.set_title(title or f"family {curve['family']}: {curve['test_files_per_order']} test files, "
                          f"{curve['orders']} orders")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
