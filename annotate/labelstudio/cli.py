"""`annotate studio up|down|status|env|config|connect`, `annotate push`, `export`, `report`,
`serve`, `calibrate`.

The main CLI calls `register(app)`. Every failure ends as one line on stderr (`error: …`
naming the problem and the fix, secrets redacted) and the exit status of every command
(annotate.console): 1 = some input was bad (reported, the rest pushed) or the job could not
be done (server, network, configuration), 2 = usage error, 130 = interrupted.
"""
from __future__ import annotations

import functools
import itertools
import os
import shlex
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated, Callable, List, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from annotate.calibration import CalibrationError
from annotate.cli_options import DisableRule, Model, check_output, disabled_rules
from annotate.nlp import MODEL_ENV
from annotate.console import (EXIT_FAILED, EXIT_INTERRUPTED, ClickException, Group, err_console, error, fail, note,
                              out_console, usage)

from .errors import StudioError, redact


def handled(fn: Callable) -> Callable:
    """Turn StudioError / Ctrl-C / an unexpected exception into one line and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StudioError as e:
            raise fail(str(e), e.code) from None
        except CalibrationError as e:  # names the file and the reason
            raise fail(str(e)) from None
        except KeyboardInterrupt:
            error("interrupted — run the same command again to finish (it picks up where it stopped)")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except (typer.Exit, typer.Abort, SystemExit, ClickException):  # ClickException: usage errors, exit 2
            raise
        except Exception as e:  # a bug: one redacted line, the traceback only on request
            if os.environ.get("ANNOTATE_DEBUG"):
                # the traceback (with any chained exception) redacted, never the raw one
                err_console().print(redact("".join(traceback.format_exception(e))).rstrip(), markup=False)
                raise typer.Exit(EXIT_FAILED) from None
            raise fail(f"unexpected {type(e).__name__}: {e} (set ANNOTATE_DEBUG=1 for the traceback)") from None

    return wrapper


def _say(msg: str) -> None:
    err_console().print(msg, markup=False)


# -- studio -------------------------------------------------------------------

studio_app = typer.Typer(help="The embedded local Label Studio (own venv, data in .studio/).",
                         no_args_is_help=True, rich_markup_mode=None)


@studio_app.command("up")
@handled
def studio_up(
    port: Annotated[Optional[int], typer.Option(
        "--port", "-p", help="Port on 127.0.0.1 (default: the last one, else 8080; a busy default moves to the "
                             "next free port)")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for the server to answer")] = 180.0,
):
    """Start the local Label Studio (installs it into its own venv on first use)."""
    from .server import Studio

    Studio.from_env().up(port=port, timeout=timeout, say=_say)


@studio_app.command("down")
@handled
def studio_down():
    """Stop the local Label Studio and the local ML backend that `up`/`connect` started."""
    from annotate.backend.process import LocalBackend

    from .server import Studio

    LocalBackend.from_env().down(say=_say)
    Studio.from_env().down(say=_say)


@studio_app.command("status")
@handled
def studio_status(
    login: Annotated[bool, typer.Option(
        "--login", help="Only the three lines to log in: URL, user, where the password is")] = False,
):
    """URL, user, whether the server answers (never the token), and the local ML backend."""
    out = out_console()
    from .client import register_url_secrets
    from .server import Studio, health

    studio = Studio.from_env()
    state = studio.state()
    if login:
        if not state.get("url"):
            raise StudioError("the local studio was never started — `annotate studio up`")
        out.print(f"Label Studio: {state['url']}", markup=False)
        out.print(f"user:         {state.get('username', '?')}", markup=False)
        out.print(f"password:     in {studio.admin_file}", markup=False)
        return
    url = state.get("url")
    pid = studio.running_pid()
    answers = bool(url) and health(url)  # probed once (a server that is down costs one timeout)
    out.print(f"studio folder: {studio.home}", markup=False)
    if url:
        out.print(f"url:    {url}", markup=False)
        out.print(f"user:   {state.get('username', '?')} (password in {studio.admin_file})", markup=False)
        out.print(f"server: {'answers' if answers else 'does not answer'}"
                  f"{f' (pid {pid})' if pid else ' (not started by this studio)' if answers else ''}", markup=False)
        out.print(f"token:  {'saved' if studio.token() else 'none yet'} ({studio.token_file})", markup=False)
    else:
        out.print("server: never started — `annotate studio up`", markup=False)
    _backend_status()
    team_url = os.environ.get("LABEL_STUDIO_URL")
    if team_url:
        register_url_secrets(team_url)
        out.print(f"note:   LABEL_STUDIO_URL is set: push/export/report use {redact(team_url)}", markup=False)
    if url and not answers:
        raise typer.Exit(EXIT_FAILED)


def _backend_status() -> None:
    out = out_console()
    from annotate.backend.process import LocalBackend
    from annotate.labelstudio.backends import backend_health

    backend = LocalBackend.from_env()
    url, pid = backend.state().get("url"), backend.running_pid()
    if not url:
        out.print("backend: never started — `annotate studio connect --project P`", markup=False)
        return
    health = backend_health(url) if pid else None
    if health:
        out.print(f"backend: {url} answers (pid {pid}, {health.get('model_version')}; log {backend.log_file})",
                  markup=False, soft_wrap=True)
    else:
        out.print(f"backend: {url} not running — `annotate studio connect --project P` starts it", markup=False)


@studio_app.command("connect")
@handled
def studio_connect(
    project: Annotated[str, typer.Option("--project", help="Project title (created if missing)")],
    url: Annotated[Optional[str], typer.Option(
        "--url", help="The ML backend's URL as Label Studio reaches it (default: start the local "
                      "`annotate serve`)")] = None,
    port: Annotated[Optional[int], typer.Option(
        "--port", help="Port of the local backend (default 9090 or the next free one)")] = None,
    learn: Annotated[Optional[Path], typer.Option(
        "--learn", file_okay=False, metavar="MODEL_DIR",
        help="The local backend retrains a model beside the rules in MODEL_DIR from the project's corrections "
             "(annotate train) and uses it")] = None,
    learn_gold: Annotated[Optional[list[Path]], typer.Option(
        "--learn-gold", exists=True, dir_okay=False, metavar="GOLD",
        help="With --learn: gold (JSON Lines) of articles to train on besides the project's tasks; repeatable")] = None,
    learn_with: Annotated[Optional[list[Path]], typer.Option(
        "--learn-with", exists=True, metavar="PATH",
        help="With --learn: the articles or folders that --learn-gold annotates; repeatable")] = None,
):
    """Register the ML backend with a project and turn on automatic prediction."""
    out = out_console()
    from annotate.backend.app import LEARN_ENV, LEARN_GOLD_ENV, LEARN_WITH_ENV, basic_auth_from_env
    from annotate.backend.model import BadRequest
    from annotate.backend.process import LocalBackend

    from .backends import connect_backend
    from .client import connect

    if learn is not None and url is not None:  # a usage error: before anything else
        raise usage("--learn starts the local backend with learning on; it cannot be given with "
                    "--url (start that backend with ANNOTATE_LEARN=MODEL_DIR instead)")
    if (learn_gold or learn_with) and learn is None:
        raise usage("--learn-gold and --learn-with add training data to --learn; give --learn MODEL_DIR too")
    if bool(learn_gold) != bool(learn_with):
        raise usage("--learn-gold and --learn-with go together: the gold, and the articles it annotates")
    try:
        auth = basic_auth_from_env()  # before anything starts: credentials that cannot work
    except BadRequest as e:
        raise StudioError(str(e)) from None
    conn = connect()
    if learn is not None:
        os.environ[LEARN_ENV] = str(learn.resolve())  # the backend process started below inherits it
        os.environ[LEARN_GOLD_ENV] = os.pathsep.join(str(g.resolve()) for g in learn_gold or [])
        os.environ[LEARN_WITH_ENV] = os.pathsep.join(str(w.resolve()) for w in learn_with or [])
    if url is None:
        backend = LocalBackend.from_env()
        if learn is not None and backend.running_pid() is not None:
            raise StudioError("the local backend is already running without --learn: `annotate studio down` "
                              "first, then connect again with --learn")
        url = backend.up(port=port, say=_say)
    result = connect_backend(conn, project, url, auth)
    p = result.project
    out.print(f"project {p.title!r} (id {p.id}{', new' if p.created else ''}) on {conn.url}: ML backend {result.url} "
              f"{'registered' if result.created else 'updated'} (id {result.backend_id}), model version "
              f"{result.model_version}; predictions are retrieved automatically", markup=False, soft_wrap=True)


@studio_app.command("config")
@handled
def studio_config():
    """Print the Label Studio labeling config generated from the scheme (XML)."""
    from .config import label_config

    sys.stdout.write(label_config())


@studio_app.command("env")
@handled
def studio_env():
    """Print `export LABEL_STUDIO_URL=… LABEL_STUDIO_API_KEY=…` for scripts and notebooks (shows the token)."""
    from .server import Studio

    studio = Studio.from_env()
    url, token = studio.url, studio.token()
    if not url or not token:
        raise StudioError("the local studio has no URL/token yet — run `annotate studio up` first")
    sys.stdout.write(f"export LABEL_STUDIO_URL={shlex.quote(url)}\n")
    sys.stdout.write(f"export LABEL_STUDIO_API_KEY={shlex.quote(token)}\n")


# -- push ---------------------------------------------------------------------

def _progress(total: int | None) -> Progress:
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total:
        columns += [BarColumn(), MofNCompleteColumn()]
    else:
        columns += [TextColumn("{task.completed} tasks")]
    columns += [TimeElapsedColumn()]
    return Progress(*columns, console=err_console(), transient=True)


@handled
def push_cmd(
    project: Annotated[str, typer.Option("--project", help="Project title (created if missing)")],
    # readable=False: an unreadable path is reported (the rest is pushed), not a usage error
    paths: Annotated[Optional[List[Path]], typer.Argument(
        metavar="PATH", show_default=False, readable=False,
        help="Source files or folders to pre-annotate and push")] = None,
    tasks_file: Annotated[Optional[Path], typer.Option(
        "--tasks", metavar="FILE", help="Push an already pre-annotated JSON/JSONL file")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Tasks per import request")] = 500,
    update_config: Annotated[bool, typer.Option(
        "--update-config", help="Replace the project's labeling config if it differs from the scheme's")] = False,
    disable_rule: DisableRule = None,
    model: Model = None,
):
    """Create/find the project and import tasks with predictions — idempotent by data.doc_id.

    Exit status: 0 pushed, 1 some file or task was bad (one `error:` line each; the rest pushed)
    or the server cannot be used, 2 usage error.
    """
    out = out_console()
    from annotate.cli_options import check_some_path_exists

    from .client import connect
    from .push import iter_prelabel, load_task_file, push_tasks

    if not paths and tasks_file is None:
        raise usage("nothing to push — give source PATHs, or --tasks FILE with pre-annotated tasks")
    disabled = disabled_rules(disable_rule)
    if paths:
        check_some_path_exists(paths)  # none can be opened: one line each, exit 1, before the server
    file_errors: list[tuple[str, str]] = []

    def on_file_error(path, reason):
        file_errors.append((str(path), str(reason)))
        error(f"{path}: {reason}")

    def on_skip(doc_id, reason):
        error(f"task {doc_id}: {reason} (skipped)")

    sources = []
    total = 0
    if tasks_file is not None:
        loaded = load_task_file(tasks_file)
        sources.append(loaded)
        total += len(loaded)
    conn = connect()
    found: dict = {}
    if paths:  # pre-annotated with the project's own calibration, read once when the project is known
        from .calibrate import project_calibration

        sources.append(iter_prelabel([str(p) for p in paths], on_file_error, model,
                                     lambda: found.get("calibration"), disabled=disabled))
        total = None

        def on_project(p):
            found["calibration"] = project_calibration(conn, p.id)
    else:
        def on_project(p):
            return None
    with _progress(total) as progress:
        bar = progress.add_task(f"pushing to {project!r}", total=total)
        result = push_tasks(conn, project, itertools.chain.from_iterable(sources), batch_size=batch_size,
                            update_config=update_config, on_progress=lambda n: progress.advance(bar, n),
                            on_skip=on_skip, on_project=on_project)
    p = result.project
    out.print(f"project {p.title!r} (id {p.id}{', new' if p.created else ''}) on {conn.url}: "
              f"{result.imported} tasks imported, {result.already} already there, "
              f"{result.predictions_added} predictions added to existing tasks"
              + (f", {result.duplicates} duplicate doc_ids in the input ignored" if result.duplicates else "")
              + (f", {len(result.skipped)} bad tasks skipped" if result.skipped else ""), markup=False)
    settled = result.settled
    if settled is not None and (settled.tasks_removed or settled.projects_merged):
        out.print(f"concurrent push cleaned up: {settled.tasks_removed} duplicate tasks removed"
                  + (f", duplicate projects {', '.join(map(str, settled.projects_merged))} merged and deleted"
                     if settled.projects_merged else ""), markup=False)
    for text in settled.notes if settled is not None else ():
        note("note:", text)
    if result.shown_version_set:
        out.print(f"shown prediction version: {result.model_version}", markup=False)
    if result.config_differs:
        note("note:", "the project's labeling config differs from the scheme's — `--update-config` replaces it")
    if result.skipped or file_errors:
        raise typer.Exit(EXIT_FAILED)


# -- export -------------------------------------------------------------------

@handled
def export_cmd(
    project: Annotated[str, typer.Option("--project", help="Project title")],
    out_dir: Annotated[Path, typer.Option(
        "-o", "--output", "--out", metavar="FOLDER",
        help="The FOLDER written: raw/ (the JSON snapshot), documents, spans and relations as Parquet and CSV.")
    ] = Path("exports"),
):
    """Raw JSON snapshot + tidy tables (documents, spans, relations) as Parquet and CSV."""
    out = out_console()
    check_output(out_dir, folder=True)
    from .client import connect
    from .export import export_project

    conn = connect()
    with err_console().status(f"exporting {project!r} from {conn.url} …"):
        result = export_project(conn, project, out_dir)
    t = result.tables
    for problem in t.problems:
        note("offset mismatch", problem)
    out.print(f"raw snapshot: {result.raw_path}", markup=False)
    out.print(f"tables in {Path(out_dir)}: documents {len(t.documents)}, spans {len(t.spans)}, "
              f"relations {len(t.relations)} (Parquet + CSV)", markup=False)
    if t.problems:
        out.print(f"{len(t.problems)} problems flagged (spans.offset_ok is False for offset mismatches)",
                  markup=False)


# -- report -------------------------------------------------------------------

@handled
def report_cmd(
    project: Annotated[Optional[str], typer.Option("--project", help="Project title")] = None,
    out_dir: Annotated[Path, typer.Option(
        "-o", "--output", "--out", metavar="FOLDER",
        help="The FOLDER written: the report's CSVs and chart.")] = Path("exports"),
    from_snapshot: Annotated[Optional[Path], typer.Option(
        "--from-snapshot", metavar="FILE",
        help="Compute offline from an export snapshot (exports/raw/*.json)")] = None,
):
    """Accepted/changed/deleted/added, P/R/F1 (strict, lenient) and annotator agreement."""
    out = out_console()
    check_output(out_dir, folder=True)
    from .export import fetch_snapshot, load_snapshot, parse_snapshot
    from .report import compute_report, render, write_report

    if from_snapshot is not None:
        tasks = load_snapshot(from_snapshot)
    elif project:
        from .client import connect
        from .projects import find_or_create_project

        conn = connect()
        with err_console().status(f"fetching {project!r} from {conn.url} …"):
            p = find_or_create_project(conn, project, create=False)
            tasks = parse_snapshot(fetch_snapshot(conn, p.id))
    else:
        raise usage("give --project TITLE (from the server) or --from-snapshot FILE")
    report = compute_report(tasks)
    for problem in report.problems:
        note("bad offsets", problem)
    render(report, out)
    files = write_report(report, out_dir)
    out.print("written: " + ", ".join(str(f) for f in files), markup=False)


# -- serve, calibrate -----------------------------------------------------------

class LogLevel(str, Enum):  # uvicorn's; an Enum so that --help lists them
    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"
    trace = "trace"


def serve_cmd(
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; other than 127.0.0.1 needs ANNOTATE_BACKEND_USER and "
                       "ANNOTATE_BACKEND_PASSWORD (basic auth)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port")] = 9090,
    log_level: Annotated[LogLevel, typer.Option("--log-level", help="uvicorn log level")] = LogLevel.info,
    disable_rule: DisableRule = None,
    model: Model = None,
):
    """Serve the rules as a Label Studio ML backend (/health, /setup, /predict, /webhook).

    Exit status: 1 the backend cannot start (model missing, port taken, no credentials for a
    public --host), 2 usage error; runs until interrupted.
    """
    from annotate.backend.model import BadRequest

    disabled = disabled_rules(disable_rule)
    if model is not None:  # the backend loads its pipeline with load_nlp(), which reads it there
        os.environ[MODEL_ENV] = str(model.resolve())

    try:
        from annotate.backend.app import serve
    except ImportError as e:
        raise fail(f"the ML backend needs fastapi and uvicorn ({e}) — pip install -e .") from None
    try:
        serve(host, port, LogLevel(log_level).value, disabled=disabled)
    except BadRequest as e:
        raise fail(str(e)) from None
    except Exception as e:  # the model is missing, the port is taken, …
        raise fail(f"{type(e).__name__}: {e}") from None


@handled
def calibrate_cmd(
    project: Annotated[Optional[str], typer.Option("--project", help="Project title")] = None,
    from_snapshot: Annotated[Optional[Path], typer.Option(
        "--from-snapshot", metavar="FILE", help="Calibrate offline on an export snapshot (needs -o FILE)")] = None,
    strength: Annotated[float, typer.Option(
        "--prior-strength", "-k", min=0.01, help="k: how many spans the catalogue confidence counts as")] = 10.0,
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", "--file", metavar="FILE",
        help="The calibration FILE (JSON) written, or read with --show (default: the project's own, kept per "
             "server and project id)")] = None,
    show: Annotated[bool, typer.Option(
        "--show", help="Show the calibration in use (the project's, or -o FILE) without computing anything")
    ] = False,
):
    """Per rule: how often annotators accepted its spans unchanged → the region scores."""
    out = out_console()
    check_output(output, folder=False)
    from annotate import calibration

    from .calibrate import calibrate_project, calibrate_tasks, project_calibration_file
    from .export import load_snapshot

    if show:
        if output is not None:
            path = output
        elif project:
            from .client import connect
            from .projects import find_or_create_project

            conn = connect()
            path = project_calibration_file(conn, find_or_create_project(conn, project, create=False).id)
            if not path.exists():
                out.print(f"{project!r} has no calibration yet ({path}): its regions score with the rules' "
                          f"catalogue confidence — `annotate calibrate --project …` computes one", markup=False)
                return
        else:
            raise usage("give --project TITLE or -o FILE: which calibration to show")
        cal = calibration.load(path)
        _show_calibration(cal.doc, f"{path} ({cal.label}, computed {cal.doc.get('computed_at', '?')})")
        return
    if from_snapshot is not None:
        if output is None:
            raise usage("--from-snapshot needs -o FILE: a snapshot does not say which server it came "
                        "from (use the file with `annotate prelabel --calibration FILE`)")
        doc, path = calibrate_tasks(load_snapshot(from_snapshot), None, strength, output)
    elif project:
        from .client import connect

        conn = connect()
        with err_console().status(f"fetching {project!r} from {conn.url} …"):
            doc, path = calibrate_project(conn, project, strength, output)
    else:
        raise usage("give --project TITLE (from the server) or --from-snapshot FILE")
    _show_calibration(doc, f"Calibrated precision (prior strength k={strength:g})")
    out.print(f"written: {path} ({len(doc['rules'])} rules observed; the others keep their catalogue confidence)",
              markup=False)


def _show_calibration(doc: dict, title: str) -> None:
    out = out_console()
    from rich.table import Table

    from annotate.tasks import model_version

    t = Table(title=title, title_justify="left")
    for col in ("rule", "label", "pred", "acc", "chg", "del", "prior", "calibrated"):
        t.add_column(col, justify="left" if col in ("rule", "label") else "right")
    for rule_id, r in sorted(doc["rules"].items(), key=lambda kv: kv[1]["precision"]):
        t.add_row(str(rule_id), str(r.get("label")), str(r.get("predicted")), str(r.get("accepted")),
                  str(r.get("changed")), str(r.get("deleted")), f"{r.get('prior', 0):.2f}",
                  f"{r['precision']:.3f}")
    out.print(t)
    stale = [v for v in doc.get("counted_model_versions") or [] if v != doc.get("model_version")]
    if stale:
        note("note:", f"some annotations started from other rule versions ({', '.join(map(str, stale))}); "
                                 f"rule ids are stable, so they are counted")
    if doc.get("model_version") != model_version():
        note("note:", f"computed for rules {doc.get('model_version')}, now {model_version()}: still "
                                 f"applied by rule id; `annotate calibrate` again refreshes it")


def register(app: typer.Typer) -> None:
    """Add `studio` (up/down/status/env/config/connect), `push`, `export`, `report`, `serve` and
    `calibrate` to the main CLI."""
    app.add_typer(studio_app, name="studio")
    app.command("push")(push_cmd)
    app.command("export")(export_cmd)
    app.command("report")(report_cmd)
    app.command("serve")(serve_cmd)
    app.command("calibrate")(calibrate_cmd)


def make_app() -> typer.Typer:
    """A stand-alone app with these commands and the main CLI's conventions (tests)."""
    app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                      rich_markup_mode=None, cls=Group)
    register(app)
    return app


if __name__ == "__main__":
    make_app()()
