"""`annotate evaluate`: score pre-annotations or corrected annotations against gold.

The figures come from annotate.evaluate; this module reads the command line,
pre-annotates source files when given some, prints the tables (rich, or
Markdown with --markdown), writes the CSVs (-o DIR) and the JSON (--json).
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from annotate import cli_options
from annotate.cli_options import DisableRule, Model, Use
from annotate.console import err_console, error, fail, note, out_console
from annotate.evaluate import NONE, EvaluateError, Evaluation
from annotate.jsonrecords import is_task_file


_NUMERIC = re.compile(r"^[\d.()\s–-]*$")  # figures, counts, "0.78 (49)"


def _f(v) -> str:
    return "–" if v is None else f"{v:.2f}"


# ------------------------------------------------------------------ tables


class Out:
    """Tables and lines to the terminal (rich) or as Markdown."""

    def __init__(self, markdown: bool):
        self.markdown = markdown
        self.console = out_console()

    def table(self, title: str, head: list[str], rows: list[list[str]], note: str = "") -> None:
        if self.markdown:
            lines = [f"**{title}**", "", "| " + " | ".join(head) + " |",
                     "|" + "|".join("---" if i == 0 else "---:" for i in range(len(head))) + "|"]
            lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
            if note:
                lines += ["", note]
            self.console.print("\n".join(lines) + "\n", markup=False)
            return
        from rich.table import Table
        from rich.text import Text

        t = Table(title=title, title_justify="left", caption=note or None, caption_justify="left")
        for i, h in enumerate(head):
            numeric = i > 0 and all(_NUMERIC.match(row[i]) for row in rows)
            t.add_column(h, justify="right" if numeric else "left", no_wrap=i == 0)
        for row in rows:
            t.add_row(*(Text(c) for c in row))
        self.console.print(t)

    def line(self, text: str) -> None:
        self.console.print(text + ("\n" if self.markdown else ""), markup=False)


def label_rows(result: dict) -> list[list[str]]:
    rows = []
    for lab, r in result["labels"].items():
        s, le = r["strict"], r["lenient"]
        rows.append([lab, str(r["gold"]), str(r["pred"]), _f(s["p"]), _f(s["r"]), _f(s["f1"]),
                     _f(le["p"]), _f(le["r"]), _f(le["f1"])])
    rel = result["relations"]
    rows.append(["supports", str(rel["gold"]), str(rel["pred"]), "", "", "", _f(rel["p"]), _f(rel["r"]), _f(rel["f1"])])
    m = result["macro_f1"]
    rows.append(["macro", "", "", "", "", f"{m['strict']:.3f}", "", "", f"{m['lenient']:.3f}"])
    return rows


def figure_row(name: str, result: dict) -> list[str]:
    """Lenient F1 (gold count) per label, the relations, macro lenient and strict: one row of a batch table."""
    cells = [name, str(result["files"])]
    cells += [f"{r['lenient']['f1']:.2f} ({r['gold']})" for r in result["labels"].values()]
    rel = result["relations"]
    cells.append(f"{rel['f1']:.2f} ({rel['gold']})")
    cells += [f"{result['macro_f1']['lenient']:.3f}", f"{result['macro_f1']['strict']:.3f}"]
    return cells


def figure_head(ev: Evaluation, first: str) -> list[str]:
    return [first, "files", *ev.labels, "supports", "macro", "macro strict"]


def render(ev: Evaluation, out: Out, groups: dict[str, list[str]] | None, per_file: bool, errors: bool) -> None:
    result = ev.result()
    out.table("Spans and relations (P/R/F1)",
              ["label", "gold", "pred", "P", "R", "F1", "P~", "R~", "F1~"], label_rows(result),
              "P/R/F1 strict (same start and end), P~/R~/F1~ lenient (the overlap covers at least half of the "
              "longer span); one-to-one matching per label. supports: same type, both ends matched leniently.")
    notes = [f"{result['files']} gold files"]
    if result["files_without_prediction"]:
        notes.append(f"with no task: {', '.join(result['files_without_prediction'])}")
    notes.append(f"gold spans not in the text: {result['gold_spans_not_in_text']}")
    notes.append(f"offset errors: {result['offset_errors']}")
    if ev.sources_without_gold:
        notes.append(f"tasks of sources with no gold (not scored): {', '.join(ev.sources_without_gold)}")
    sp = result["speakers"]
    if sp["quotes_matched"]:
        notes.append(f"QUOTE speaker same as gold: {sp['same_speaker']}/{sp['quotes_matched']} ({_f(sp['accuracy'])})")
    out.line("; ".join(notes))
    if groups:
        out.table("Per group (lenient F1, gold count in brackets)", figure_head(ev, "group"),
                  [figure_row(g, ev.result(files)) for g, files in groups.items()] + [figure_row("all", result)])
    out.table("Precision per rule", ["rule", "label", "pred", "correct", "P~"],
              [[r["rule_id"], r["label"], str(r["pred"]), str(r["correct"]), _f(r["precision"])]
               for r in result["rules"]],
              "correct: the predicted span is in a lenient match with a gold span of its label.")
    axis = list(result["confusion"])
    out.table("Confusion (rows: gold label, columns: predicted label)", ["gold \\ predicted", *axis],
              [[g, *(str(result["confusion"][g][p]) for p in axis)] for g in axis],
              "Spans of the same label: the lenient matches. The spans left over are paired across labels "
              f"when they overlap by at least half of the longer one; '{NONE}': no partner.")
    if per_file:
        out.table("Per file (lenient F1, gold count in brackets)", figure_head(ev, "file"),
                  [figure_row(f, ev.result([f])) for f in ev.files])
    if errors:
        out.table("Misses and false alarms", ["file", "kind", "gold", "predicted", "rule", "text"],
                  [[e["file"], e["kind"], e["gold_label"], e["pred_label"], e["rule_id"], e["text"]]
                   for e in ev.errors()])


# ------------------------------------------------------------------ CSV and JSON


def _csv(rows: list[dict], fields: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def csv_tables(ev: Evaluation, groups: dict[str, list[str]] | None) -> dict[str, str]:
    """The five CSVs (tidy: one row per scope × name × label; scope is all, group or file)."""
    scopes = [("all", "all", ev.files)]
    scopes += [("group", g, files) for g, files in (groups or {}).items()]
    scopes += [("file", f, [f]) for f in ev.files]
    labels, summary = [], []
    for scope, name, files in scopes:
        res, tot = ev.result(files), ev.total(files)
        for lab, r in res["labels"].items():
            k = tot.labels[lab]
            labels.append({"scope": scope, "name": name, "label": lab, "gold": r["gold"], "pred": r["pred"],
                           "strict_tp": k["strict"], **{f"strict_{m}": r["strict"][m] for m in ("p", "r", "f1")},
                           "lenient_tp": k["lenient"], **{f"lenient_{m}": r["lenient"][m] for m in ("p", "r", "f1")}})
        rel = res["relations"]
        labels.append({"scope": scope, "name": name, "label": "supports", "gold": rel["gold"], "pred": rel["pred"],
                       "lenient_tp": tot.relations["tp"], "lenient_p": rel["p"], "lenient_r": rel["r"],
                       "lenient_f1": rel["f1"]})
        summary.append({"scope": scope, "name": name, "files": res["files"],
                        "files_without_prediction": len(res["files_without_prediction"]),
                        "macro_f1_strict": res["macro_f1"]["strict"], "macro_f1_lenient": res["macro_f1"]["lenient"],
                        "relations_f1": rel["f1"], "gold_spans_not_in_text": res["gold_spans_not_in_text"],
                        "offset_errors": res["offset_errors"], "quotes_matched": res["speakers"]["quotes_matched"],
                        "same_speaker": res["speakers"]["same_speaker"]})
    total = ev.result()
    confusion = [{"gold_label": g, "pred_label": p, "n": n}
                 for g, row in total["confusion"].items() for p, n in row.items()]
    label_fields = ["scope", "name", "label", "gold", "pred", "strict_tp", "strict_p", "strict_r", "strict_f1",
                    "lenient_tp", "lenient_p", "lenient_r", "lenient_f1"]
    return {
        "eval_labels.csv": _csv(labels, label_fields),
        "eval_summary.csv": _csv(summary, list(summary[0]) if summary else ["scope"]),
        "eval_rules.csv": _csv(total["rules"], ["rule_id", "label", "pred", "correct", "precision"]),
        "eval_confusion.csv": _csv(confusion, ["gold_label", "pred_label", "n"]),
        "eval_errors.csv": _csv(ev.errors(), ["file", "kind", "gold_label", "pred_label", "rule_id", "text"]),
    }


def json_object(ev: Evaluation, groups: dict[str, list[str]] | None, errors: bool) -> dict:
    """The score tool's keys first (same values), then per_file, groups (and errors)."""
    def brief(files):
        r = ev.result(files)
        return {k: v for k, v in r.items() if k not in ("rules", "confusion")}

    obj = ev.result()
    obj["sources_without_gold"] = ev.sources_without_gold
    obj["per_file"] = {f: brief([f]) for f in ev.files}
    if groups:
        obj["groups"] = {g: {"files_in_group": files, **brief(files)} for g, files in groups.items()}
    if errors:
        obj["errors"] = ev.errors()
    return obj


# ------------------------------------------------------------------ the command


def _gather_tasks(paths: list[Path], on_error, model=None, disabled=()) -> list[dict]:
    """Tasks from tasks files as they are, and from source files pre-annotated now (needs the model).
    Whatever cannot be read is reported through on_error(line); the rest is returned."""
    from annotate.evaluate import load_tasks

    tasks, sources = [], []
    for p in paths:
        if is_task_file(p):
            try:
                tasks += load_tasks(p, on_error)
            except EvaluateError as e:
                on_error(str(e))
        else:
            sources.append(p)
    if sources:
        from annotate.prelabel import prelabel

        nlp = cli_options.load_nlp(disabled, model)
        tasks += list(prelabel(sources, nlp, on_error=lambda path, reason: on_error(f"{path}: {reason}")))
    return tasks


def evaluate_command(
    paths: Annotated[List[Path], typer.Argument(
        metavar="PATH", show_default=False,
        readable=False,  # an unreadable path is reported (exit 1), not a usage error
        help="Articles or folders (pre-annotated now with the rules), tasks files (.json array or .jsonl, as "
             "`annotate prelabel` writes them) or Label Studio export snapshots.")],
    gold: Annotated[List[Path], typer.Option(
        "--gold", "-g", show_default=False,  # a file that cannot be read: exit 1, like any input
        help="Gold file (JSON Lines, gold/README.md); repeat to score against several.")],
    use: Annotated[Use, typer.Option(
        "--use", help="predictions (the first prediction of a task) or annotations (its first annotation "
                      "that was not skipped).")] = Use.predictions,
    files: Annotated[Optional[List[str]], typer.Option(
        "--files", help="Score only these gold files: base names or shell patterns such as 'p*', "
                        "comma-separated or repeated.")] = None,
    group_by: Annotated[Optional[List[str]], typer.Option(
        "--group-by", metavar="[NAME=]REGEX",
        help="Figures per group of files: a regular expression on the file name; the group is NAME (\\1 in "
             "it is the first group) or else the first group or the whole match. E.g. '^([a-z])' for the "
             "batches pNN, qNN, …; repeat for more groups.")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", metavar="FOLDER",
        help="A FOLDER to write eval_labels.csv, eval_summary.csv, eval_rules.csv, eval_confusion.csv and "
             "eval_errors.csv into (the tables go to standard output either way).")] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print one JSON object (the keys of the score tool's --json, plus per_file, groups, "
                       "rules, confusion, speakers) instead of tables.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print the tables as Markdown.")] = False,
    per_file: Annotated[bool, typer.Option("--per-file/--no-per-file", help="The per-file table.")] = True,
    errors: Annotated[bool, typer.Option("--errors", help="List every miss and false alarm too.")] = False,
    disable_rule: DisableRule = None,
    model: Model = None,
) -> None:
    """Score pre-annotations (or corrected annotations) against gold: P/R/F1 per label, relations,
    precision per rule, label confusion, per file.

    Exit status: 0 scored, 1 some input or gold record could not be used (one line each; the figures
    cover the rest) or no gold is usable, 2 usage error.
    """
    from annotate.evaluate import evaluate, load_gold, pred_docs, select_files, split_group_pattern
    from annotate.scheme import load_scheme

    use = Use(use).value
    disabled = cli_options.disabled_rules(disable_rule)
    cli_options.check_output(output, folder=True)
    for pattern in group_by or []:
        try:
            split_group_pattern(pattern)
        except re.error as e:
            raise typer.BadParameter(f"{pattern}: not a regular expression: {e}", param_hint="'--group-by'") from None
    problems: list[str] = []

    def on_error(line: str) -> None:
        problems.append(line)
        error(line)

    def on_warning(line: str) -> None:
        note("warning:", line)

    scheme = load_scheme()
    try:
        gold_docs = load_gold(gold, on_error, scheme.label_names, tuple(r.name for r in scheme.relations))
        if not gold_docs:
            raise EvaluateError(f"no usable gold in {', '.join(map(str, gold))}; nothing to score")
        wanted = select_files(gold_docs, files)
    except EvaluateError as e:
        raise fail(str(e)) from None
    cli_options.check_some_path_exists(paths)  # none can be opened: one line each, exit 1, before the model
    tasks = _gather_tasks(paths, on_error, model, disabled)
    docs = pred_docs(tasks, use, speaker_name=scheme.speaker_name, on_error=on_error, on_warning=on_warning)
    ev = evaluate(gold_docs, docs, files=wanted)
    groups = ev.groups(group_by) if group_by else None

    if output is not None:
        from annotate.atomic import atomic_write_files

        try:
            written = atomic_write_files(output, csv_tables(ev, groups))
        except OSError as e:
            raise fail(f"{output}: {e.strerror or e}") from None
        err_console().print(f"wrote {', '.join(str(p) for p in written)}", markup=False)
    if as_json:
        typer.echo(json.dumps(json_object(ev, groups, errors), ensure_ascii=False))
    else:
        render(ev, Out(markdown), groups, per_file, errors)
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate_command)
