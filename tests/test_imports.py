"""No import cycle in `annotate`, read from the source with `ast` (so a cycle cannot come back):

- among all imports, those inside functions (made late for start-up time) as much as those at
  module level: data flows one way (sources → documents → spaCy Doc with spans → Label Studio
  tasks → Label Studio → exports), and a module never imports one that imports it back, however
  late. Nothing is exempt;
- the *cli.py modules take what they share from annotate.cli_options / annotate.console, and
  only annotate.cli (the entry point that registers the commands) imports another *cli.py module.

A package's __init__ counts as the module named after the package (annotate.rules imports its
rule modules, which import annotate.rules.registry and never the package itself).
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "annotate"


def modules() -> dict[str, Path]:
    found = {}
    for f in PACKAGE.rglob("*.py"):
        parts = list(f.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = f
    return found


MODULES = modules()


def imports(name: str, path: Path, module_level_only: bool) -> set[str]:
    """The annotate modules `name` imports (a name imported from a package counts as the
    submodule when there is one, else as the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if module_level_only else ast.walk(tree)
    wanted: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            wanted.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            subs = {f"{source}.{a.name}" for a in node.names if f"{source}.{a.name}" in MODULES}
            wanted |= subs
            if len(subs) < len(node.names):
                wanted.add(source)
    out = set()
    for target in wanted:
        while target and target not in MODULES:  # annotate.x.y → the module that defines y
            target = target.rpartition(".")[0]
        if target and target != name:
            out.add(target)
    return out


def graph(module_level_only: bool) -> dict[str, set[str]]:
    return {m: imports(m, p, module_level_only) for m, p in MODULES.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(g):
        if start in index:
            continue
        work = [(start, iter(sorted(g[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(g[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_walk_sees_imports_inside_functions():
    lazy = graph(module_level_only=False)
    assert "annotate.cli_options" in lazy["annotate.evaluate_cli"]
    assert "annotate.nlp" in lazy["annotate.cli_options"]  # imported inside load_nlp
    assert "annotate.learn.component" in lazy["annotate.nlp"]  # imported inside load_nlp


def test_no_cycle_among_module_level_imports():
    assert cycles(graph(module_level_only=True)) == []


def test_no_cycle_at_all_imports_inside_functions_included():
    found = cycles(graph(module_level_only=False))
    assert found == [], "import cycles: " + "; ".join(" ↔ ".join(c) for c in found)


def test_readers_and_data_loaders_import_nothing_above_them():
    """The readers read word lists through annotate.data (below them and the rules), never annotate.rules."""
    g = graph(module_level_only=False)
    upward = {m: sorted(t for t in g[m] if t.startswith("annotate.rules"))
              for m in MODULES if m.startswith("annotate.sources")}
    assert {m: t for m, t in upward.items() if t} == {}
    loaders = {m: sorted(g[m]) for m in MODULES if m.startswith("annotate.data")}
    assert loaders and all(t == [] for t in loaders.values()), loaders


def test_only_the_entry_point_imports_another_command_module():
    lazy = graph(module_level_only=False)
    commands = {m for m in MODULES if m.endswith("cli")}
    entry = {"annotate.__main__": {"annotate.cli"}, "annotate.cli": commands - {"annotate.cli"}}
    for module, targets in lazy.items():
        wrong = targets & commands - entry.get(module, set())
        assert not wrong, f"{module} imports {', '.join(sorted(wrong))}"


def test_every_module_imports():
    """Each module on its own, in one fresh interpreter: an import-time cycle fails here too."""
    names = sorted(m for m in MODULES if not m.endswith("__main__"))
    code = ("import importlib, sys\n"
            "for n in sys.argv[1:]:\n"
            "    importlib.import_module(n)\n")
    proc = subprocess.run([sys.executable, "-c", code, *names], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
