"""Which kind of input file a TOML file is, decided from its top-level keys, and its check.

bondsim reads seven kinds of input file. ``bondsim validate`` must check each against its own
rules, so it first decides the kind, by one rule:

1. Count, for each kind, the top-level keys that only that kind uses (``DISTINCTIVE``; a key
   such as ``name``, ``seed`` or ``households`` that several kinds share says nothing).
   ``parameters`` counts for a calibration when it is a list of tables (``[[parameters]]``)
   and for a scenario when it is one table; ``districts`` counts for a district profile when
   it is a list of tables (a plan lists district names).
   ``replicates``, which every many-run file takes but a scenario does not, counts for an
   experiment, the simplest of them.
2. The kind with the most such keys wins; a tie goes to the kind listed first in
   ``DISTINCTIVE``. A file with none is a scenario (a scenario needs only a name).
3. If the file lacks a key its kind requires (``REQUIRED``), it is refused with one line,
   "this looks like a sweep file without `factors`", rather than checked against the rules of
   a kind it is not.

The loaders are imported only for the kind found, so that checking a scenario stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BondsimError
from .io import read_toml

DISTINCTIVE: dict[str, frozenset[str]] = {
    "discovery": frozenset({"criterion", "uncertain", "policies", "futures", "prim"}),
    "calibration": frozenset({"targets", "check_replicates", "min_accepted"}),
    "plan": frozenset({"districts_file", "strategies", "base_scenario", "over_budget",
                       "search", "budget"}),
    "district profile": frozenset({"province"}),
    "sweep": frozenset({"factors", "scenario", "method", "second_order", "levels",
                        "slices", "resamples", "convergence"}),
    "experiment": frozenset({"scenarios", "replicates"}),
    "scenario": frozenset({"population", "interventions"}),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "discovery": ("policies", "criterion", "uncertain"),
    "calibration": ("parameters", "targets"),
    "plan": ("districts_file", "budget", "strategies"),
    "district profile": ("province", "districts"),
    "sweep": ("scenario", "outcomes", "factors"),
    "experiment": ("scenarios",),
    "scenario": (),
}


@dataclass(frozen=True)
class Checked:
    """A file that passed its kind's checks: what it is, in a few words, and its warnings."""

    kind: str
    said: str
    warnings: tuple[str, ...] = ()


def _tables(value: Any) -> bool:
    """True for an array of tables (``[[key]]`` in TOML)."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def evidence(data: dict[str, Any]) -> dict[str, list[str]]:
    """For each kind, the distinctive top-level keys the file has (see the module's rule)."""
    found = {kind: sorted(keys & data.keys()) for kind, keys in DISTINCTIVE.items()}
    if "parameters" in data:
        found["calibration" if _tables(data["parameters"]) else "scenario"].append("parameters")
    if _tables(data.get("districts")):
        found["district profile"].append("districts")
    return found


def file_kind(data: dict[str, Any]) -> tuple[str, list[str]]:
    """The kind of a parsed input file and the keys that decided it (none: a scenario)."""
    found = evidence(data)
    kind = max(DISTINCTIVE, key=lambda k: len(found[k]))  # max keeps the first of a tie
    return (kind, found[kind]) if found[kind] else ("scenario", [])


def check_file(path: Path) -> Checked:
    """Decide the kind of ``path`` and validate it with that kind's loader; a file missing
    a key its kind requires raises one ``BondsimError`` naming the kind and the key."""
    data = read_toml(path, "input")
    kind, keys = file_kind(data)
    missing = [key for key in REQUIRED[kind] if key not in data]
    if missing:
        said = ", ".join(f"`{k}`" for k in keys)
        raise BondsimError(f"{path}: this looks like {_article(kind)} {kind} file (it has "
                           f"{said}) without {' and '.join(f'`{k}`' for k in missing)}"
                           f"{_misspelt(missing, data)}; expected "
                           f"{'this key' if len(missing) == 1 else 'these keys'}, which every "
                           f"{kind} file needs")
    return CHECKS[kind](path)


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def _misspelt(missing: list[str], data: dict[str, Any]) -> str:
    """A did-you-mean for a required key that is present under a near spelling."""
    import difflib

    known = set().union(*DISTINCTIVE.values(), *map(set, REQUIRED.values()))
    strays = [k for k in data if k not in known]
    for key in missing:
        close = difflib.get_close_matches(key, strays, n=1, cutoff=0.75)
        if close:
            return f" (is `{close[0]}` a misspelling of `{key}`?)"
    return ""


def _scenario(path: Path) -> Checked:
    from .experiments.scenario import load_scenario
    scenario = load_scenario(path)
    return Checked("scenario", scenario.name, scenario.warnings)


def _experiment(path: Path) -> Checked:
    from .experiments.batch import load_experiment
    spec, files = load_experiment(path)
    return Checked("experiment", f"{spec.name}, {len(files)} scenarios")


def _sweep(path: Path) -> Checked:
    from .experiments.sweep import load_sweep
    loaded = load_sweep(path)
    return Checked("sweep", f"{loaded.spec.name}, {loaded.runs():,} model runs",
                   loaded.warnings)


def _plan(path: Path) -> Checked:
    from .experiments.plan import load_plan
    plan = load_plan(path)
    return Checked("plan", f"{plan.spec.name}, {len(plan.districts)} districts, "
                           f"{len(plan.spec.strategies)} strategies", tuple(plan.notes))


def _calibration(path: Path) -> Checked:
    from .experiments.calibration import load_calibration
    cal = load_calibration(path)
    return Checked("calibration", f"{cal.spec.name}, {len(cal.factors)} parameters, "
                                  f"{len(cal.target_rows)} targets")


def _discovery(path: Path) -> Checked:
    from .experiments.discover import load_discovery
    found = load_discovery(path)
    return Checked("discovery", f"{found.spec.name}, {len(found.policies)} policies, "
                                f"{found.spec.futures} futures")


def _district_profile(path: Path) -> Checked:
    from .experiments.districts import load_districts
    districts = load_districts(path)
    province = read_toml(path, "district profile")["province"]
    return Checked("district profile", f"{province}, {len(districts)} districts")


CHECKS: dict[str, Callable[[Path], Checked]] = {
    "scenario": _scenario, "experiment": _experiment, "sweep": _sweep, "plan": _plan,
    "calibration": _calibration, "discovery": _discovery,
    "district profile": _district_profile,
}
