"""`annotate train`: train the component beside the rules on gold or corrected annotations."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, List, Optional

import typer


def _name(out: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", out.resolve().name).strip("_.") or "learned"


def train_command(
    paths: Annotated[Optional[List[Path]], typer.Argument(
        metavar="PATH", show_default=False,
        help="Articles or folders (matched to --gold by file name, as `annotate evaluate` does), tasks files, "
             "or Label Studio export snapshots (with --use annotations: their corrected annotations are the "
             "truth).")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", file_okay=False,
                                         help="The model directory to write (replaced atomically).")] = ...,
    gold: Annotated[Optional[List[Path]], typer.Option(
        "--gold", "-g", exists=True, dir_okay=False, show_default=False,
        help="Gold file (JSON Lines, gold/README.md); repeatable.")] = None,
    use: Annotated[str, typer.Option(
        "--use", help="Tasks files: predictions (truth from --gold) or annotations (truth: the first annotation "
                      "not skipped).")] = "predictions",
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same data and seed give the same model.")] = 0,
    name: Annotated[Optional[str], typer.Option(
        "--name", help="The model's name in provenance (model:<name>); default: the directory's name.")] = None,
    project: Annotated[Optional[str], typer.Option(
        "--project", help="Train on the corrected tasks of this Label Studio project (fetched now).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Train the statistical component beside the rules (a spaCy textcat over sentences and heading
    lines) on gold or corrected annotations; writes a spaCy pipeline directory with meta.json.

    Exit status: 0 trained, 1 refused (too little data; an existing model is kept) or input unreadable.
    """
    from annotate.cli import _load_nlp, err_console, fail
    from annotate.evaluate import EvaluateError, load_gold
    from annotate.learn.train import TrainError, collect, save, train
    from annotate.scheme import load_scheme

    if use not in ("predictions", "annotations"):
        raise typer.BadParameter("predictions or annotations", param_hint="'--use'")
    if not paths and not project:
        raise typer.BadParameter("give articles, tasks files or snapshots, or --project", param_hint="PATH")
    err = err_console()

    def say(msg: str) -> None:
        if not quiet:
            err.print(f"train: {msg}", markup=False)

    problems: list[str] = []

    def on_error(line: str) -> None:
        problems.append(line)
        err.print(f"error: {line}", markup=False)

    try:
        gold_docs = load_gold(gold or [])
    except EvaluateError as e:
        raise fail(str(e)) from None
    scheme = load_scheme()
    paths = list(paths or [])
    if project:
        from annotate.learn.studio import fetch_project_snapshot

        try:
            paths.append(fetch_project_snapshot(project))
        except Exception as e:  # noqa: BLE001 — one line: server down, no such project, …
            raise fail(f"--project {project}: {' '.join(str(e).split())}") from None
        use = "annotations"
    say("pre-annotating with the rules")
    nlp = _load_nlp(model="")  # the rules alone: the model learns where they go wrong
    samples = collect(paths, gold_docs, nlp, use, on_error, scheme.labels_name)
    say(f"{len(samples)} articles with truth from {len({s.file for s in samples})} files")
    try:
        result = train(samples, seed=seed, name=name or _name(output), progress=say)
    except TrainError as e:
        raise fail(str(e)) from None
    try:
        h = save(result, output)
    except OSError as e:
        raise fail(f"{output}: {e.strerror or e}") from None
    t = result.meta["thresholds"]
    active = ", ".join(f"{a} ≥ {v:.2f}" for a, v in t.items() if v is not None) or "none (the rules stand)"
    err.print(f"wrote {output} (model:{result.learned.name}-{h}; changes allowed: {active})", markup=False)
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
