"""The `annotate` command line (typer + rich).

Other modules add commands with `register(app)` (see the bottom of this file).
Heavy imports (spaCy, the model, the rules) happen inside the commands, so that
`annotate --version` or `annotate model fetch` on a fetched model stay quick.
"""
from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from annotate import __version__, cli_options
from annotate.cli_options import DisableRule, Model
from annotate.console import Group, err_console, error, fail, out_console

app = typer.Typer(
    name="annotate",
    help="Rule-based argument-structure pre-annotator for Chinese commentary articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=Group,  # usage errors as one `error:` line, exit 2 (annotate.console)
)
model_app = typer.Typer(help="The pkuseg word-segmenter model (fetched once, cached).",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(model_app, name="model")

DEFAULT_OUTPUT = Path("exports/prelabels.json")
PROGRESS_EVERY = 15.0  # seconds between progress lines when stderr is not a terminal


def _version(value: bool) -> None:
    if value:
        typer.echo(f"annotate {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Rule-based argument-structure pre-annotator for Chinese commentary articles.

    Every command: a problem is one `error: …` line on stderr; exit status 0 done, 1 some
    input was bad (the rest was processed) or a needed resource is missing, 2 usage error.
    -o/--output is the path the command writes: a file for one JSON/JSONL document (- for
    standard output), a folder for several files (tables, CSVs, a report, a model).
    """


# --------------------------------------------------------------------------- prelabel


class _Progress:
    """A transient rich bar on a terminal; otherwise a plain line every PROGRESS_EVERY s."""

    def __init__(self, enabled: bool):
        self.console = err_console()
        self.live = enabled and self.console.is_terminal
        self.plain = enabled and not self.live
        self.bar = None
        self.task = None
        self.last = time.monotonic()

    def __enter__(self):
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("prelabel"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), TextColumn("{task.description}"),
                                console=self.console, transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("", total=None)
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False

    def update(self, path: str, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total, description=Path(path).name)
        elif self.plain and time.monotonic() - self.last >= PROGRESS_EVERY:
            self.last = time.monotonic()
            self.console.print(f"prelabel: {done}/{total} files", markup=False)

    def error(self, path: str, reason: str) -> None:
        error(f"{path}: {reason}", self.bar.console if self.bar is not None else self.console)


# Options with fixed values are Enums, so that --help lists them and a typo is a usage error.
class OutputFormat(str, Enum):
    tasks = "tasks"
    parquet = "parquet"
    csv = "csv"


class Markup(str, Enum):
    txt = "txt"
    md = "md"
    html = "html"


@app.command()
def prelabel(
    # readable=False: an unreadable path is an error of that path (reported, the rest goes on), not a usage error
    paths: Annotated[List[Path], typer.Argument(
        metavar="PATH", show_default=False, readable=False,
        help="Source files, tables (.parquet/.jsonl/.csv) or folders.")],
    output: Annotated[str, typer.Option(
        "-o", "--output", metavar="PATH",
        help="The path written: --format tasks: a FILE (JSON, or JSON Lines with --jsonl; - for standard "
             "output); --format parquet/csv: a FOLDER of parts (any fsspec URL; default exports/prelabels).")
    ] = str(DEFAULT_OUTPUT),
    jsonl: Annotated[bool, typer.Option(
        "--jsonl", help="Write JSON Lines (one task a line) instead of a JSON array.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress and no summary (errors are still shown).")] = False,
    fmt: Annotated[OutputFormat, typer.Option(
        "--format", help="tasks (Label Studio JSON), or parquet / csv: a folder of parts of the documents, "
                         "spans and relations tables.")] = OutputFormat.tasks,
    text_column: Annotated[str, typer.Option(
        "--text-column", help="Tables: the column holding each article.")] = "text",
    id_column: Annotated[str, typer.Option(
        "--id-column", help="Tables: the row's id (the document's source; file#row if there is no such "
                            "column).")] = "id",
    title_column: Annotated[str, typer.Option(
        "--title-column", help="Tables: the title (optional column).")] = "title",
    markup: Annotated[Markup, typer.Option(
        "--markup", help="Tables: a row's text is txt, md or html.")] = Markup.txt,
    workers: Annotated[int, typer.Option(
        "--workers", "-j", help="Worker processes, each loading the model once (0: one per core).")] = 1,
    scheduler: Annotated[Optional[str], typer.Option(
        "--scheduler", help="Run on a Dask cluster: its scheduler address (tcp://host:8786), or local:N for N "
                            "local worker processes.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="parquet/csv: keep the parts an earlier run of the same job completed from the same "
                         "input, do the rest.")] = False,
    part_mb: Annotated[Optional[float], typer.Option(
        "--part-mb", show_default=False,
        help="MB of text per partition and output part (default: about 1/16 of the input, 0.5 to 4 MB).")] = None,
    disable_rule: DisableRule = None,
    model: Model = None,
    calibration: Annotated[Optional[Path], typer.Option(
        "--calibration", metavar="FILE", help="Score regions with this calibration file (`annotate "
                                              "calibrate`); default: catalogue confidences.")] = None,
) -> None:
    """Pre-annotate articles: Label Studio tasks (or tables) with predicted spans and relations.

    Sources: .md/.rst/.html/.txt files, .docx Word documents, .pdf files with a text
    layer, .epub e-books (a chapter an article), .json article records, .sql
    database dumps (a row an article), .parquet/.jsonl/.csv tables (one article a
    row; other columns kept as document metadata), or folders of them.

    Exit status: 0 all files went through, 1 some failed (the output holds the
    others) or the model is missing, 2 usage error, 130/143 interrupted
    (Ctrl-C/SIGTERM: no output written, a previous one unchanged).
    """
    from annotate.atomic import atomic_open
    from annotate.scale import cli as scale

    fmt, markup = OutputFormat(fmt).value, Markup(markup).value
    scale.check_options(fmt, markup, workers, resume, part_mb)
    if fmt != "tasks" and output == str(DEFAULT_OUTPUT):
        output = scale.DEFAULT_TABLES_OUTPUT
    cli_options.check_output(output, folder=fmt != "tasks")  # a file for tasks, a folder for tables
    cal = None
    if calibration is not None:  # read and checked once, before any work: one line if it is unusable
        from annotate.calibration import CalibrationError, load

        try:
            cal = load(calibration)
        except CalibrationError as e:
            raise fail(f"{e}; nothing written", 1) from None
    disabled = cli_options.disabled_rules(disable_rule)
    cli_options.check_some_path_exists(paths)
    if scale.needed(paths, fmt, workers, scheduler, resume):  # tables, parts, workers, Dask
        if model:
            raise fail("--model works with --format tasks in one process (not with tables, workers or Dask)", 2)
        from annotate.scale import Job

        explicit = frozenset(o for o, v, d in (("--text-column", text_column, "text"),
                                               ("--id-column", id_column, "id"),
                                               ("--title-column", title_column, "title")) if v != d)
        job = Job(format=fmt, output=output, jsonl=jsonl, text_column=text_column, id_column=id_column,
                  title_column=title_column, explicit_columns=explicit, markup=markup, part_mb=part_mb,
                  workers=scale.workers_option(workers), scheduler=scheduler, resume=resume,
                  disabled=disabled, calibration=cal)
        return scale.run(paths, job, quiet)
    cli_options.check_some_source_file(paths)
    progress = _Progress(enabled=not quiet)
    if not quiet and progress.live:
        with progress.console.status("loading the model…"):
            nlp = cli_options.load_nlp(disabled, model)
    else:
        nlp = cli_options.load_nlp(disabled, model)

    from annotate.prelabel import Summary, TaskWriter
    from annotate.prelabel import prelabel as run

    summary = Summary()
    to_stdout = output == "-"

    class NoArticles(Exception):
        pass

    try:
        with progress, atomic_open(output) as fh:
            writer = TaskWriter(fh, jsonl)
            for task in run(paths, nlp, on_error=progress.error, on_progress=progress.update, summary=summary,
                            calibration=cal):
                writer.write(task)
            writer.close()
            if writer.n == 0 and not to_stdout:
                raise NoArticles()  # keep a previous output file rather than replace it with nothing
    except NoArticles:
        pass
    except OSError as e:
        raise fail(f"{output}: {e.strerror or e}") from None
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM (see main): the atomic write removed its temporary file
        where = "" if to_stdout else f"; {output} not written"
        raise fail(f"interrupted{where}", 128 + getattr(e, "signum", 2)) from None

    if not quiet:
        err_console().print(summary.line(), markup=False)
    if summary.tasks == 0:
        where = "" if to_stdout else f"; {output} not written"
        from annotate.sources import display_path

        raise fail(f"no articles found in {' '.join(map(display_path, paths))}{where}")
    if summary.errors:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- model


@model_app.command("fetch")
def model_fetch(
    force: Annotated[bool, typer.Option(
        "--force", help="Rebuild even if the model is there and up to date.")] = False,
    wheel: Annotated[Optional[Path], typer.Option(
        "--wheel",
        help="Use this local copy of the pkuseg 0.0.25 wheel instead of downloading it (its sha256 is still "
             "checked).")] = None,
) -> None:
    """Download pkuseg's trained model (from PyPI), add the user dictionary, cache the spaCy pipeline."""
    from annotate.model import FetchError, fetch_model

    if wheel is not None and not wheel.is_file():  # a missing input: exit 1, as everywhere
        raise fail(f"--wheel {wheel}: no such file")
    try:
        fetch_model(force=force, progress=lambda msg: typer.echo(msg), wheel=wheel)
    except FetchError as e:
        raise fail(str(e)) from None


@model_app.command("info")
def model_info_cmd() -> None:
    """Where the model is cached, its size, whether it is there."""
    from annotate.model import FETCH_COMMAND, model_info

    info = model_info()
    lines = [
        ("path", info["path"]),
        ("present", "yes" if info["present"] else f"no — run `{FETCH_COMMAND}`"),
    ]
    if info["present"]:
        lines.append(("size", f"{info['size_bytes'] / 1e6:.0f} MB"))
        for key in ("built", "spacy_version", "user_dict_terms", "wheel_sha256"):
            if key in info:
                lines.append((key.replace("_", " "), str(info[key])))
        lines.append(("up to date", "yes" if not info["stale"]
                      else f"no ({'; '.join(info['stale'])}) — run `{FETCH_COMMAND}`"))
    lines.append(("user dictionary", info["user_dict"]))
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        typer.echo(f"{key:<{width}}  {value}")


# --------------------------------------------------------------------------- rules


def _md_cell(value: object) -> str:
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|") or " "


def rules_markdown(rules) -> str:
    head = ["id", "label", "what it matches", "example", "near miss"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    for r in rules:
        cells = [f"`{r.id}`", r.label, r.summary, r.example, r.near_miss]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


@app.command()
def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="A Markdown table for the manual, on stdout.")] = False,
) -> None:
    """The rule catalogue: every rule id, its label, what it matches, an example."""
    try:
        import annotate.pipeline  # noqa: F401 — importing it registers every rule module
    except ImportError as e:
        raise fail(f"the rules cannot be loaded: {e}") from None
    from annotate.rules import RULES

    if markdown:
        sys.stdout.write(rules_markdown(RULES))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(RULES)} rules", show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("label", no_wrap=True)
    table.add_column("what it matches", overflow="fold")
    table.add_column("example", overflow="fold")
    rows = [tuple(str(x) for x in (r.id, r.label, r.summary, r.example)) for r in RULES]
    for row in rows:
        table.add_row(*(Text(x) for x in row))
    console = out_console()
    if not console.is_terminal:
        # piped: one line per rule however long a cell grows (a reader of the pipe splits on lines)
        from rich.cells import cell_len

        widest = [max(cell_len(row[i]) for row in rows) for i in range(4)]
        console.width = max(console.width, sum(widest) + 3 * len(widest) + 1)
    console.print(table)


def main() -> None:
    from annotate.atomic import terminate_as_interrupt

    with terminate_as_interrupt():  # SIGTERM cleans up like Ctrl-C: no temporary files left behind
        app(prog_name="annotate")


# --------------------------------------------------------------------------- the other commands

# Each lives in its own module and imports its shared options from annotate.cli_options,
# never from this module (no import cycle among the *cli.py modules: tests/test_imports.py).
from annotate.evaluate_cli import register as _register_evaluate  # noqa: E402
from annotate.labelstudio.cli import register as _register_studio  # noqa: E402
from annotate.learn.cli import register as _register_learn  # noqa: E402

_register_studio(app)  # studio, push, export, report, serve, calibrate
_register_evaluate(app)
_register_learn(app)


if __name__ == "__main__":  # python -m annotate.cli …
    main()
