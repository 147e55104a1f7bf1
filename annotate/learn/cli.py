"""`annotate train`: train the component beside the rules on gold or corrected annotations."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from annotate import cli_options
from annotate.cli_options import Use
from annotate.console import err_console, error, fail, usage


def _name(out: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", out.resolve().name).strip("_.") or "learned"


def train_command(
    paths: Annotated[Optional[List[Path]], typer.Argument(
        metavar="PATH", show_default=False,
        help="Articles or folders (matched to --gold by file name, as `annotate evaluate` does), tasks files, "
             "or Label Studio export snapshots (with --use annotations: their corrected annotations are the "
             "truth).")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", metavar="FOLDER",
        help="The model directory (a FOLDER) to write; replaced atomically once complete.")] = None,
    gold: Annotated[Optional[List[Path]], typer.Option(
        "--gold", "-g", show_default=False,  # a file that cannot be read: exit 1, like any input
        help="Gold file (JSON Lines, gold/README.md); repeatable.")] = None,
    use: Annotated[Use, typer.Option(
        "--use", help="Tasks files: predictions (truth from --gold) or annotations (truth: the first annotation "
                      "not skipped).")] = Use.predictions,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same data and seed give the same model.")] = 0,
    name: Annotated[Optional[str], typer.Option(
        "--name", help="The model's name in provenance (model:<name>); default: the directory's name.")] = None,
    project: Annotated[Optional[str], typer.Option(
        "--project", help="Train on the corrected tasks of this Label Studio project (fetched now).")] = None,
    adapt: Annotated[Optional[str], typer.Option(
        "--adapt", metavar="REGEX", help="Adapt the model to the family of files matching REGEX (e.g. '^h\\d'): its "
                                         "articles weigh more and the changes the model may make are checked on "
                                         "them, file by file; the model is then for that family. With --project: "
                                         "the project's tasks (the default there).")] = None,
    disable_rule: Annotated[Optional[List[str]], typer.Option(
        "--disable-rule", metavar="ID", help="Train beside the rules with this rule off (the model then runs only "
                                             "with the same rules off); repeatable.")] = None,
    report: Annotated[Optional[Path], typer.Option(
        "--report", metavar="FOLDER",
        help="Write a report into this FOLDER (report.md, report.json, curve-*.png): rules alone vs rules + "
             "model on articles left out of training.")] = None,
    leave_out: Annotated[Optional[str], typer.Option(
        "--leave-out", metavar="[NAME=]REGEX", help="Report: per group of files (NAME, or the regex's first "
                                             "group on the file name, e.g. '^([pqrs])\\d'), train on the rest, "
                                             "score the group.")] = None,
    curve: Annotated[Optional[List[str]], typer.Option(
        "--curve", metavar="REGEX", help="Report: a learning curve for the family of files matching REGEX "
                                         "(e.g. '^q\\d'); repeatable.")] = None,
    curve_sizes: Annotated[str, typer.Option("--curve-sizes", help="Report: corrected articles of the family "
                                             "per point, comma-separated.")] = "1,2,4",
    curve_rest: Annotated[bool, typer.Option("--curve-rest/--curve-family-only", help="Report: curve points "
                                             "train on the other files too, or on the family's alone.")] = True,
    curve_adapt: Annotated[bool, typer.Option("--curve-adapt/--curve-out-of-family", help="Report: each curve "
                                              "point's model is adapted to the family's articles it trains on "
                                              "(as --adapt), or trained as out of family.")] = True,
    orders: Annotated[int, typer.Option("--orders", min=1, help="Report: random orders of the family's files "
                                        "averaged per point.")] = 3,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress lines.")] = False,
) -> None:
    """Train the statistical component beside the rules (a spaCy textcat over sentences and heading
    lines) on gold or corrected annotations; writes a spaCy pipeline directory with meta.json.

    Exit status: 0 trained, 1 refused (too little data; an existing model is kept) or input unreadable,
    2 usage error.
    """
    from annotate.evaluate import EvaluateError, load_gold
    from annotate.learn.train import TrainError, collect, save, train
    from annotate.scheme import load_scheme

    use = Use(use).value
    if not paths and not project:
        raise usage("give articles, tasks files or snapshots, or --project")
    if output is None and report is None:
        raise usage("give -o MODEL_DIR (the model) and/or --report DIR")
    cli_options.check_output(output, folder=True)
    cli_options.check_output(report, folder=True, option="--report")
    try:
        sizes = sorted({int(x) for x in curve_sizes.split(",") if x.strip()})
    except ValueError:
        raise typer.BadParameter(f"{curve_sizes}: comma-separated numbers", param_hint="'--curve-sizes'") from None
    from annotate.evaluate import split_group_pattern

    checks = [("'--leave-out'", split_group_pattern, leave_out)] if leave_out else []
    checks += [("'--curve'", re.compile, c) for c in curve or []]
    checks += [("'--adapt'", re.compile, adapt)] if adapt is not None else []
    for hint, check, pattern in checks:  # before the slow part, not after it
        try:
            check(pattern)
        except re.error as e:
            raise typer.BadParameter(f"{pattern}: not a regular expression: {e}", param_hint=hint) from None
    disabled = cli_options.disabled_rules(disable_rule)
    err = err_console()

    def say(msg: str) -> None:
        if not quiet:
            err.print(f"train: {msg}", markup=False)

    problems: list[str] = []

    def on_error(line: str) -> None:
        problems.append(line)
        error(line, err)

    try:
        gold_docs = load_gold(gold or [])
    except EvaluateError as e:
        raise fail(str(e)) from None
    scheme = load_scheme()
    paths = list(paths or [])
    if paths:
        cli_options.check_some_path_exists(paths)  # none can be opened: one line each, exit 1, before the model
    if project:
        from annotate.learn.studio import fetch_project_snapshot

        try:
            snapshot = fetch_project_snapshot(project)
        except Exception as e:  # noqa: BLE001 — one line: server down, no such project, …
            raise fail(f"--project {project}: {' '.join(str(e).split())}") from None
        use = "annotations"
    say("pre-annotating with the rules")
    nlp = cli_options.load_nlp(disabled, model="")  # the rules alone: the model learns where they go wrong
    try:
        samples = collect(paths, gold_docs, nlp, use, on_error, scheme.labels_name) if paths else []
        if project:
            own = collect([snapshot], gold_docs, nlp, use, on_error, scheme.labels_name)
            samples += own
    finally:
        if project:
            snapshot.unlink(missing_ok=True)
    say(f"{len(samples)} articles with truth from {len({s.file for s in samples})} files")
    family = None  # the files of the family to adapt to
    if adapt is not None:
        family = {s.file for s in samples if re.search(adapt, s.file)}
    elif project:
        family = {s.file for s in own}  # the project is the family
    if report is not None:
        from annotate.learn.report import write_report

        try:
            written = write_report(report, nlp, samples, gold_docs, seed, leave_out, curve or [], sizes, orders,
                                   disabled, say, curve_rest, curve_adapt)
        except (TrainError, OSError) as e:
            raise fail(f"--report {report}: {getattr(e, 'strerror', None) or e}") from None
        err.print(f"wrote {', '.join(map(str, written))}", markup=False)
    if output is not None:
        try:
            result = train(samples, seed=seed, name=name or _name(output), progress=say, adapt=family)
        except TrainError as e:
            raise fail(str(e)) from None
        sources = {"paths": [str(p) for p in paths], "gold": [_file_id(g) for g in gold or []],
                   "rules_disabled": list(disabled)}
        if project:
            sources["project"] = project
        try:
            h = save(result, output, sources)
        except OSError as e:
            raise fail(f"{output}: {e.strerror or e}") from None
        t = result.meta["thresholds"]
        active = ", ".join(f"{a} ≥ {v:.2f}" for a, v in t.items()) or "none (the rules stand)"
        fam = result.meta.get("adapt")
        to = f"adapted to {len(fam['files'])} article file(s), " if fam else ""
        err.print(f"wrote {output} (model:{result.learned.name}-{h}; {to}changes allowed: {active})", markup=False)
    if problems:
        raise typer.Exit(1)


def _file_id(path: Path) -> dict:
    import hashlib

    return {"path": str(path), "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest()}


def register(app: typer.Typer) -> None:
    app.command("train")(train_command)
