"""`annotate train --report DIR`: rules alone vs rules + model on articles left out of training.

report.md (tables), report.json (the same figures), curve-<family>.png (one learning curve
per --curve family), written atomically together.
"""
from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

from annotate.learn.curve import learning_curve, leave_out, plot
from annotate.scheme import load_scheme

COLS = ("macro", *load_scheme().label_names, "supports")   # the label order is scheme.toml's


def _row(name: str, fig: dict) -> str:
    return f"| {name} | " + " | ".join(f"{fig[c]:.3f}" for c in COLS) + " |"


def _head(first: str) -> list[str]:
    return [f"| {first} | " + " | ".join(COLS) + " |", "|---|" + "---:|" * len(COLS)]


def markdown(data: dict) -> str:
    lines = [f"# rules alone vs rules + model (seed {data['seed']})", ""]
    if data["rules_disabled"]:
        lines += [f"Rules switched off (here and in the model's runs): {', '.join(data['rules_disabled'])}", ""]
    if data.get("leave_out"):
        lines += [f"## Leave one group out ({data['leave_out_pattern']}): train on the rest, score the group",
                  "", *_head("group")]
        for r in data["leave_out"]:
            lines += [_row(f"{r['group']} rules", r["rules"]), _row(f"{r['group']} rules + model", r["model"])]
        lines += ["", "Lenient F1 (as `annotate evaluate`). Transitions the model was allowed, per group: "
                  + "; ".join(f"{r['group']}: {', '.join(r['thresholds']) or 'none'}" for r in data["leave_out"]),
                  ""]
    for c in data.get("curves", []):
        lines += [f"## Learning curve, family {c['family']} ({len(c['files'])} files; "
                  f"{c['test_files_per_order']} scored per order, {c['orders']} orders)", "",
                  *_head("corrected articles of the family"), _row("rules alone", c["rules"])]
        plus = " + the rest" if c["with_rest"] else " (the family's alone)"
        plus += ", adapted" if c.get("adapt") else ""
        lines += [_row(f"{p['n']}{plus}", p) for p in c["points"]]
        lines += ["", "Transitions allowed per point (orders): " + "; ".join(
            f"{n}: {', '.join(f'{t} ×{k}' for t, k in sorted(a.items())) or 'none'}" for n, a in c["allowed"].items()),
            "", f"![curve]({c['png']})", ""]
    return "\n".join(lines) + "\n"


def write_report(out: Path, nlp, samples, gold, seed: int, pattern: str | None, curves: list[str],
                 sizes: list[int], orders: int, disabled=(), say=None, with_rest: bool = True,
                 adapt: bool = True) -> list[Path]:
    from annotate.atomic import atomic_write_files

    data: dict = {"seed": seed, "rules_disabled": list(disabled), "curves": []}
    if pattern:
        data["leave_out_pattern"] = pattern
        data["leave_out"] = leave_out(nlp, samples, gold, pattern, seed, say)
    files: dict[str, str | bytes] = {}
    for family in curves:
        c = learning_curve(nlp, samples, gold, family, sizes, orders, seed, say, with_rest, adapt)
        slug = re.sub(r"[^A-Za-z0-9]+", "", family) or "family"
        c["png"] = f"curve-{slug}.png"
        with tempfile.TemporaryDirectory() as tmp:
            plot(c, Path(tmp) / "c.png", title=f"family {family}"
                 + (f" (rules off: {', '.join(disabled)})" if disabled else ""))
            files[c["png"]] = (Path(tmp) / "c.png").read_bytes()
        data["curves"].append(c)
    files["report.json"] = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    files["report.md"] = markdown(data)
    return atomic_write_files(out, files)
