"""Retraining from Label Studio: the project's corrected tasks in, a new model directory out.

    path = fetch_project_snapshot("新质生产力专题")      # `annotate train --project P`
    retrain_project(conn, 12, Path("models/team"), nlp)  # the backend, after a burst of webhooks

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


def retrain_project(conn, project: str | int, out: Path, nlp, seed: int = 0, name: str | None = None,
                    lock=None) -> dict:
    """Train on the project's corrected tasks and write `out`; returns the new model's meta.
    Raises TrainError (one line) when there is too little to learn from: `out` is untouched.
    The model is adapted to the project (annotate.learn.adapt): its tasks are the family.
    `nlp` may hold a trained model: the tasks are annotated by its rules alone (under `lock`,
    when the pipeline is shared with a server's predictions)."""
    from contextlib import nullcontext

    from annotate.learn.component import ArgumentLearned
    from annotate.scheme import load_scheme

    project_id, tasks = _project_tasks(conn, project)
    learned = [n for n, p in nlp.pipeline if isinstance(p, ArgumentLearned)]
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "snapshot.json"
        snap.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        problems: list[str] = []
        with lock or nullcontext(), nlp.select_pipes(disable=learned):
            samples = collect([snap], {}, nlp, "annotations", problems.append, load_scheme().labels_name)
    if not samples:
        raise TrainError(f"project {project_id}: no corrected task yet (no annotation that was not skipped); "
                         f"the old model is kept")
    # the project is the family: the changes the model may make are checked on its own tasks, file by file
    result = train(samples, seed=seed, name=name or out.name, adapt={s.file for s in samples})
    save(result, out, {"project": project_id, "tasks_annotated": len(samples)})
    return result.meta
