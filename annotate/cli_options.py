"""What several commands share: options as `Annotated` types (typer's documented form), the
pipeline loading behind them, and the checks of their input paths before the model loads.
Every *cli.py module imports from here and none from another *cli.py, so the command modules
form no import cycle (tests/test_imports.py checks it).

`-o/--output` is the path a command writes: a FILE when it writes one document (JSON or
JSON Lines; `-` is standard output where the command says so), a FOLDER when it writes
several files (tables, CSVs, a report, a model). docs/cli.md states the rule.
"""
from __future__ import annotations

import errno
import os
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from annotate.console import error, fail, usage
from annotate.nlp import MODEL_ENV

# Every command where the rules run: prelabel, push, evaluate, serve (train has its own
# --disable-rule: the rules it trains beside).
Model = Annotated[Optional[Path], typer.Option(
    "--model", envvar=MODEL_ENV, file_okay=False, metavar="MODEL_DIR", show_default=False,
    help="A model directory from `annotate train`: its component runs after the rules "
         f"(default: ${MODEL_ENV}; unset: the rules alone).")]
DisableRule = Annotated[Optional[List[str]], typer.Option(
    "--disable-rule", metavar="ID", show_default=False,
    help="Switch a rule off by its id (see `annotate rules`); repeatable.")]


class Use(str, Enum):  # an Enum so that --help lists the choices and a typo is a usage error
    predictions = "predictions"
    annotations = "annotations"


def disabled_rules(ids: list[str] | None) -> tuple[str, ...]:
    """The --disable-rule ids, sorted; an unknown id is a usage error (exit 2) before any work."""
    from annotate.rules import check_disabled

    try:
        return tuple(sorted(check_disabled(ids or ())))
    except ValueError as e:
        raise typer.BadParameter(str(e), param_hint="'--disable-rule'") from None


def check_output(output, folder: bool, option: str = "-o") -> None:
    """-o names a FILE or a FOLDER (docs/cli.md): the wrong kind, or a path under a file, is a
    usage error, found before any work (URLs are checked when written)."""
    from annotate.atomic import path_problem

    if output is None or "://" in str(output):
        return
    problem = path_problem(output, folder=folder)
    if problem:
        raise usage(f"{option} {output} {problem}" if problem.startswith("is ") else f"{option} {output}: {problem}")


def load_nlp(disabled=(), model=None):
    """The full pipeline (segmenter + argument components, `disabled` rule ids off, the trained
    `model` after them; None: $ANNOTATE_MODEL, "": none); exits 1 with one line if a model is
    missing or unusable."""
    from annotate.learn.component import ModelError
    from annotate.model import ModelMissing

    try:
        from annotate.nlp import load_nlp as load

        if model is None and not disabled:
            return load()
        return load(disabled, None if model is None else str(model))
    except (ModelMissing, ModelError) as e:
        raise fail(str(e)) from None
    except ImportError as e:
        raise fail(f"the annotation pipeline cannot be loaded: {e}") from None


def check_some_path_exists(paths: List[Path]) -> None:
    """Before the model is loaded (seconds): when no path given can be opened, one
    `error: PATH: reason` line each and exit 1 — nothing to summarise, nothing written.
    When some can, the run reports the others in its turn."""
    from annotate.sources import display_path, os_reason

    problems = []
    for path in paths:
        try:
            os.stat(path)
        except OSError as e:
            missing = e.errno == errno.ENOENT and not os.path.islink(path)
            problems.append(f"{display_path(path)}: {'no such file or folder' if missing else os_reason(e, path)}")
    if problems and len(problems) == len(paths):
        for line in problems[:-1]:
            error(line)
        raise fail(problems[-1])


def check_some_source_file(paths: List[Path]) -> None:
    """As check_some_path_exists, for folders: when no source file is found under any
    path, each reason in one line and exit 1, before the model is loaded."""
    from annotate.prelabel import source_files

    problems: list[str] = []
    if source_files(paths, lambda where, reason: problems.append(f"{where}: {reason}")):
        return
    for line in problems[:-1]:
        error(line)
    raise fail(problems[-1] if problems else "no source files found")
