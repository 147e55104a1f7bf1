"""`annotate prelabel` for tables, parts, workers and Dask (called from annotate.cli).

The plain case — source files in, one task file out, one process — stays in
annotate.cli; everything else comes here: `needed(...)` says which.
"""
from __future__ import annotations

import contextlib
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import typer

from annotate import cli_options
from annotate.console import err_console, error, fail
from annotate.scale import FORMATS, Job, RunStats, run_job
from annotate.scale.rows import MARKUPS, is_table

DEFAULT_TABLES_OUTPUT = "exports/prelabels"
PROGRESS_EVERY = 15.0


def has_tables(paths) -> bool:
    for p in map(Path, paths):
        if is_table(p) or (p.is_dir() and any(is_table(f) for f in p.rglob("*") if f.is_file())):
            return True
    return False


def needed(paths, fmt: str, workers: int, scheduler: str | None, resume: bool) -> bool:
    return fmt != "tasks" or workers != 1 or bool(scheduler) or resume or has_tables(paths)


def check_options(fmt: str, markup: str, workers: int, resume: bool, part_mb: float | None) -> None:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r}: choose one of {', '.join(FORMATS)}", param_hint="'--format'")
    if markup not in MARKUPS:
        raise typer.BadParameter(f"{markup!r}: choose one of {', '.join(MARKUPS)}", param_hint="'--markup'")
    if workers < 0:
        raise typer.BadParameter("0 (one per core) or more", param_hint="'--workers'")
    if part_mb is not None and part_mb <= 0:
        raise typer.BadParameter("a positive size in MB", param_hint="'--part-mb'")
    if resume and fmt == "tasks":
        raise typer.BadParameter("--resume needs --format parquet or csv (a folder of parts)",
                                 param_hint="'--resume'")


def run(paths, job: Job, quiet: bool) -> None:
    """Run the job with the CLI's error lines, progress, summary and exit status."""
    from annotate.atomic import atomic_open
    from annotate.model import ModelMissing
    from annotate.prelabel import Summary, TaskWriter
    from annotate.scale.output import OutputError, locked
    from annotate.scale.worker import ModelLoadError, peak_rss_mb

    console = err_console()
    summary, stats = Summary(), RunStats()
    last = [time.monotonic()]

    def on_error(where: str, reason: str) -> None:
        error(f"{where}: {reason}", console)  # the one error path: redacted, never read as markup

    def on_progress(s: RunStats) -> None:
        if not quiet and time.monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = time.monotonic()
            console.print(f"prelabel: {s.parts} parts, {summary.tasks:,} articles, "
                          f"{summary.chars / 1e6:.1f} M characters", markup=False)

    _check_inputs(paths, job, on_error)
    # the output folder is held before the model loads: a second run into it stops at once
    stack = contextlib.ExitStack()
    try:
        if job.format != "tasks":
            stack.enter_context(locked(job.output))
    except OutputError as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{job.output}: {e.strerror or e}") from None
    with stack:
        # one process: the model is loaded here (by the CLI's one loader, looked up at call time);
        # with workers, by the fork server they are forked from, started now to load it while
        # this process reads the first partitions
        nlp = cli_options.load_nlp(job.disabled) if job.workers == 1 and not job.scheduler else None
        if nlp is None:
            _start_fork_server(job)
        to_stdout = job.output == "-"
        try:
            if job.format == "tasks":
                with atomic_open(job.output) as fh:
                    writer = TaskWriter(fh, job.jsonl)

                    def write_tasks(lines: list[str]) -> None:
                        for line in lines:
                            writer.write_encoded(line)

                    run_job(paths, job, on_error, on_progress, summary, stats, nlp, write_tasks)
                    writer.close()
                    if summary.tasks == 0 and not to_stdout:
                        raise _NoArticles()
            else:
                run_job(paths, job, on_error, on_progress, summary, stats, nlp)
        except _NoArticles:
            pass
        except BrokenProcessPool as e:  # a worker was killed (out of memory, a signal): the parts done are kept
            raise fail(f"a worker process died ({e}); run again{' with --resume' if job.format != 'tasks' else ''}"
                       ) from None
        except (OutputError, ValueError, ModelMissing, ModelLoadError) as e:  # the model: a worker's, raised again here
            raise fail(str(e)) from None
        except OSError as e:
            raise fail(f"{job.output}: {e.strerror or e}") from None

        if not quiet:
            console.print(summary.line(), markup=False)
            skipped = f" ({stats.parts_skipped} done before, skipped)" if stats.parts_skipped else ""
            where = f"Dask {job.scheduler}" if job.scheduler else f"{stats.workers} worker" + (
                "s" if stats.workers != 1 else "")
            console.print(f"{stats.parts} parts{skipped}, {where}{_loads(stats, nlp)}; "
                          f"peak RSS: this process {peak_rss_mb():.0f} MB" + _worker_memory(stats, nlp), markup=False)
        if summary.tasks == 0 and not stats.parts_skipped:
            where = "" if to_stdout else f"; {job.output} not written"
            if job.format != "tasks" and Path(job.output).is_dir():  # parts are written as they are done
                where = f"; {job.output} holds empty tables"
            raise fail(f"no articles found in {' '.join(map(str, paths))}{where}")
        if summary.errors:
            raise typer.Exit(1)


def _start_fork_server(job: Job) -> None:
    """The fork server that loads the model for the workers (annotate.scale.forkserver), on a
    machine that forks and for workers of this machine; a missing model is one line, now."""
    from annotate.model import ModelMissing
    from annotate.scale.forkserver import model_context

    if job.scheduler and not job.scheduler.startswith("local:"):
        return  # a remote cluster's workers load the model themselves
    try:
        model_context(job.disabled, dask=bool(job.scheduler))
    except ModelMissing as e:
        raise fail(str(e)) from None


def _loads(stats: RunStats, nlp) -> str:
    """How often the workers' model was loaded: once (the fork server) or once per worker."""
    if nlp is not None or not stats.worker_pids:
        return ""
    loads = len(stats.model_pids)
    if loads == 1 and stats.model_pids.isdisjoint(stats.worker_pids):
        return " (model loaded once, shared)"
    return " (model loaded once, in a worker)" if loads == 1 else f" (model loaded {loads} times)"


def _worker_memory(stats: RunStats, nlp) -> str:
    if nlp is not None or not stats.worker_pids:
        return ""
    own = "" if stats.worker_own_rss_mb is None else f" ({stats.worker_own_rss_mb:.0f} MB not shared)"
    return f", each worker ≤ {stats.worker_peak_rss_mb:.0f} MB{own}"


def _check_inputs(paths, job: Job, on_error) -> None:
    """Before the model loads and anything is written: when every input is a table that
    cannot be read (no such text column, not a table), its error line and exit 1 —
    rather than an output of empty parts. Reads each table's header or first batch only."""
    from annotate.scale.parts import input_files
    from annotate.scale.rows import Columns, TableError, iter_rows

    columns = Columns(job.text_column, job.id_column, job.title_column, job.explicit_columns)
    files = input_files(paths, lambda *_: None)
    problems = []
    for f in files:
        if not is_table(f):
            return
        try:
            rows = iter_rows(f, columns, lambda *_: None)
            next(rows, None)
            rows.close()
        except TableError as e:
            problems.append(str(e))
        else:
            return
    for line in problems[:-1]:
        on_error(*line.split(": ", 1))
    if problems:
        raise fail(problems[-1])


class _NoArticles(Exception):
    pass


def workers_option(value: int) -> int:
    from annotate.scale.cluster import cpu_count

    return value if value > 0 else cpu_count()

