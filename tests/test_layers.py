"""The modules of bondsim import one another one way: no import cycles.

A cycle (a imports b, b imports a, perhaps lazily inside a function or only for type hints)
means neither module can be read, tested or moved without the other. This test reads every
module's imports with ``ast`` (all of them: at the top, inside functions, under
``TYPE_CHECKING``), builds the graph of ``model/`` and fails on any cycle not allowed below.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = "bondsim"  # model/ is installed as bondsim

#: cycles being broken elsewhere at the time of writing; each entry is one strongly connected
#: set of modules. Remove an entry when its cycle is gone (the test then keeps it gone).
ALLOWED: list[set[str]] = []


def module_files(root: Path = ROOT / "model") -> dict[str, Path]:
    """Every module under ``root`` by its dotted name (a package by its ``__init__``)."""
    files = {}
    for path in sorted(root.rglob("*.py")):
        parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(parts)] = path
    return files


def imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The bondsim modules that module ``name`` imports anywhere in its text. ``from x import
    y`` counts ``x.y`` when that is a module, else ``x``. The package itself is left out: it
    imports nothing when loaded (its names load lazily), so it is a face, not a layer."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join([*parts, node.module] if node.module else parts)
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
    return {m for m in found if m in modules and m not in (name, PACKAGE)}


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected sets of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports(name, path, modules) for name, path in modules.items()}


def test_the_cycle_finder_finds_a_loop_and_only_a_loop():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [{"a", "b", "c"}]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_are_read_wherever_they_are_and_resolved_to_modules():
    graph = import_graph()
    sim = "bondsim.simulation"
    assert f"{sim}.agents" in graph[f"{sim}.model"]  # from .agents import ...
    assert f"{sim}.kiln_terms" in graph[f"{sim}.model"]  # from . import (..., kiln_terms, ...)
    assert f"{sim}.mobility" in graph["bondsim.interventions.inspections"]  # in a function
    assert f"{sim}.model" in graph["bondsim.interventions.base"]  # under TYPE_CHECKING
    assert f"{sim}.points" in graph["bondsim.interventions.base"]  # from ..simulation.points


def test_no_import_cycles_but_those_being_broken():
    found = cycles(import_graph())
    new = [sorted(c) for c in found if c not in ALLOWED]
    assert not new, f"import cycles: {new}"
    gone = [sorted(c) for c in ALLOWED if c not in found]
    assert not gone, f"cycles now broken, remove them from ALLOWED: {gone}"


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_the_model_and_its_rules_import_no_intervention():
    """The core offers points and columns; interventions plug in from above (issue 16)."""
    below = reachable(import_graph(), "bondsim.simulation.model")
    assert {f"bondsim.simulation.{m}" for m in ("agents", "kiln_terms", "points")} <= below
    assert not {m for m in below if m.startswith("bondsim.interventions")}
    assert "bondsim.simulation.model" not in reachable(import_graph(), "bondsim.simulation.agents")


JOBS = ("batch", "sweep", "sensitivity", "plan", "plan_runs", "plan_search", "discover",
        "boxes", "discover_plots", "calibration", "survey")


def test_the_experiment_core_imports_no_job_and_a_search_not_its_plan():
    """Jobs build on the core (bondsim.experiments.experiment, bondsim.experiments.stores), never
    the reverse; the plan and its search share plan_runs instead of importing each other."""
    graph = import_graph()
    for core in ("bondsim.experiments.experiment", "bondsim.experiments.stores"):
        assert not reachable(graph, core) & {f"bondsim.experiments.{job}" for job in JOBS}
    assert "bondsim.experiments.plan_search" in reachable(graph, "bondsim.experiments.plan")
    assert "bondsim.experiments.plan" not in reachable(graph, "bondsim.experiments.plan_search")
    assert "bondsim.experiments.discover" not in reachable(graph, "bondsim.outputs.discover_plots")


# --- the layers (issue 16) -----------------------------------------------------------------
#
# model: the state, the rules and the outcomes; interventions plug into its points; experiments
# (the core and its jobs) build and run models; outputs (plots, report, page) show results.
# The shared modules (errors, file reading, number formatting, rupees of one year, the shipped
# files) serve every layer; the faces (command line, Python API, EMA adapter) may import anything.

SHARED = {"_lazy", "errors", "io", "manifest", "numbers", "prices", "shipped"}
FACES = {"api", "cli", "ema", "kinds", "options", "reference", "survey_cli"}

#: which layers each layer may import (itself included)
MAY_IMPORT = {
    "shared": {"shared"},
    "model": {"model", "shared"},
    "interventions": {"interventions", "model", "shared"},
    "experiments": {"experiments", "interventions", "model", "shared"},
    "outputs": {"outputs", "experiments", "model", "shared"},
    "faces": {"faces", "outputs", "experiments", "interventions", "model", "shared"},
}

#: imports against the rule, each with its reason; remove one when it is gone (the test then
#: keeps it gone). The jobs draw their own figures when they finish, so each job imports its
#: plotting module; moving the drawing into the faces (the CLI and the API) would end this.
EXCEPTIONS: dict[tuple[str, str], str] = {
    (f"bondsim.experiments.{job}", f"bondsim.outputs.{plots}"):
        "the job draws its figures as it finishes"
    for job, plots in [("batch", "plots"), ("compare", "plots"), ("run", "plots"),
                       ("calibration", "calibration_plots"), ("discover", "discover_plots"),
                       ("plan", "plan_plots"), ("sweep", "sensitivity_plots")]
}


def layer(module: str) -> str:
    """The layer of a module of bondsim, by its dotted name."""
    parts = module.split(".")
    if len(parts) == 1:
        return "faces"  # bondsim itself: its names load lazily from the model
    if parts[1] == "simulation":
        return "model"
    if parts[1] in ("outputs", "interventions", "experiments"):
        return parts[1]
    if parts[1] in SHARED:
        return "shared"
    if parts[1] in FACES:
        return "faces"
    raise AssertionError(f"{module}: give it a layer (a subpackage, or SHARED or FACES)")


def test_every_module_has_a_layer_and_the_layers_are_where_the_docstrings_say():
    graph = import_graph()
    assert layer("bondsim.simulation.model") == "model"
    assert layer("bondsim.interventions.awareness") == "interventions"
    assert layer("bondsim.outputs.report") == "outputs"
    assert layer("bondsim.experiments.sweep") == "experiments"
    named = SHARED | FACES
    missing = sorted(n for n in named if f"bondsim.{n}" not in graph)
    assert not missing, f"no such module: {missing}"
    for module in graph:
        layer(module)  # every module has one


def test_each_layer_imports_only_the_layers_below_it():
    graph = import_graph()
    wrong = sorted((a, b) for a, targets in graph.items() for b in targets
                   if layer(b) not in MAY_IMPORT[layer(a)] and (a, b) not in EXCEPTIONS)
    assert not wrong, f"imports against the layers (see each subpackage's docstring): {wrong}"
    gone = sorted(pair for pair in EXCEPTIONS if pair[1] not in graph.get(pair[0], set()))
    assert not gone, f"no longer imported, remove from EXCEPTIONS: {gone}"


def test_the_layer_rule_catches_an_import_against_it():
    """A rule that cannot fail checks nothing: a rule module importing a job is caught."""
    graph = {"bondsim.simulation.season": {"bondsim.experiments.sweep"},
             "bondsim.experiments.sweep": {"bondsim.simulation.season"}}
    wrong = [(a, b) for a, t in graph.items() for b in t if layer(b) not in MAY_IMPORT[layer(a)]]
    assert wrong == [("bondsim.simulation.season", "bondsim.experiments.sweep")]
