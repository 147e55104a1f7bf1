"""Retraining from Label Studio: the project's corrected tasks in, a new model directory out.

    path = fetch_project_snapshot("新质生产力专题")      # `annotate train --project P`
    retrain_project(conn, 12, Path("models/team"), nlp)  # the backend, after a burst of webhooks
    base = base_samples(nlp, ["gold/dev2.gold.jsonl"], ["corpus/dev2"])   # ANNOTATE_LEARN_GOLD / _WITH
    retrain_project(conn, 12, Path("models/team"), nlp, base=base)  # … trained with them too

The truth of a task is its first annotation that was not skipped (as `annotate evaluate
--use annotations`). A training set that is too small (or that fails) raises TrainError
with one line, and the model directory is left as it was; a good one replaces it
atomically (annotate.learn.train.save), and the caller swaps it in.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from annotate.learn.train import TrainError, collect, save, train


def _project_tasks(conn, project: str | int) -> tuple[int, list[dict]]:
    from annotate.labelstudio.export import fetch_snapshot, parse_snapshot
    from annotate.labelstudio.projects import find_or_create_project

    if isinstance(project, int):
        project_id = project
    else:
        project_id = find_or_create_project(conn, project, create=False).id
    return project_id, parse_snapshot(fetch_snapshot(conn, project_id))


def fetch_project_snapshot(project: str) -> Path:
    """The project's export snapshot in a temporary file (for `annotate train --project`)."""
    from annotate.labelstudio.client import connect

    _, tasks = _project_tasks(connect(), project)
    fd, name = tempfile.mkstemp(prefix="annotate-train-", suffix=".json")
    with open(fd, "w", encoding="utf-8") as f:
        json.dump(tasks, f, ensure_ascii=False)
    return Path(name)


def _rules_only(nlp):
    from annotate.learn.component import ArgumentLearned

    return nlp.select_pipes(disable=[n for n, p in nlp.pipeline if isinstance(p, ArgumentLearned)])


def base_samples(nlp, gold_files, paths, lock=None) -> list:
    """The articles with gold a team trains on besides its project (the repository's gold, its own
    earlier sets), read and annotated by the rules alone. Raises TrainError (one line) when a gold
    file or an article cannot be used: a retraining must not quietly learn from less than asked."""
    from contextlib import nullcontext

    from annotate.evaluate import EvaluateError, load_gold
    from annotate.scheme import load_scheme

    try:
        gold = load_gold([Path(g) for g in gold_files])
    except EvaluateError as e:
        raise TrainError(f"base training set: {e}") from None
    problems: list[str] = []
    with lock or nullcontext(), _rules_only(nlp):
        samples = collect([Path(p) for p in paths], gold, nlp, "predictions", problems.append,
                          load_scheme().labels_name)
    if problems:
        raise TrainError(f"base training set: {problems[0]}")
    if not samples:
        raise TrainError("base training set: no article with a gold record among the paths given")
    return samples


def retrain_project(conn, project: str | int, out: Path, nlp, seed: int = 0, name: str | None = None,
                    lock=None, base: list | None = None) -> dict:
    """Train on the project's corrected tasks and write `out`; returns the new model's meta.
    Raises TrainError (one line) when there is too little to learn from: `out` is untouched.
    The model is adapted to the project (annotate.learn.adapt): its tasks are the family.
    `nlp` may hold a trained model: the tasks are annotated by its rules alone (under `lock`,
    when the pipeline is shared with a server's predictions). `base` (base_samples): articles with
    gold trained on too, the project's tasks still the family it is adapted to."""
    from contextlib import nullcontext

    from annotate.scheme import load_scheme

    project_id, tasks = _project_tasks(conn, project)
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "snapshot.json"
        snap.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        problems: list[str] = []
        with lock or nullcontext(), _rules_only(nlp):
            samples = collect([snap], {}, nlp, "annotations", problems.append, load_scheme().labels_name)
    if not samples:
        raise TrainError(f"project {project_id}: no corrected task yet (no annotation that was not skipped); "
                         f"the old model is kept")
    # the project is the family: the changes the model may make are checked on its own tasks, file by file
    own = {s.file for s in samples}
    rest = [s for s in base or [] if s.file not in own]   # (a project task corrects the same article's gold)
    result = train(rest + samples, seed=seed, name=name or out.name, adapt=own)
    extra = {"project": project_id, "tasks_annotated": len(samples)}
    if rest:
        extra["base_articles"] = len(rest)
    save(result, out, extra)
    return result.meta
