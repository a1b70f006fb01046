"""bondsim as an EMA Workbench model: uncertainties, levers and outcomes from bondsim's own
metadata (needs the ``discover`` extra: ``pip install 'bondsim[discover]'``).

    from bondsim.ema import bondsim_model
    from ema_workbench import SequentialEvaluator, perform_experiments

    model = bondsim_model("cash_transfer", households=2000, months=36,
                          uncertainties=["markup_annual", "prison_cost_months"])
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

What is declared, and from where (XLRM):

- **uncertainties** (X): model parameters, each over its plausible range (``PARAM_INFO``; the
  ranges of ``docs/parameters.md``). By default every numeric parameter that has one; or the
  names given, or ``{name: (low, high)}`` for other ranges.
- **levers** (L): fields of the scenario's interventions, named ``<label>.<field>`` as in
  sweep files (``cash_transfer.coverage``), each over the bounds its spec declares. By default
  every numeric field bounded on both sides; name others with a range. EMA names must be
  identifiers, so ``cash_transfer.coverage`` is declared as ``cash_transfer__coverage``
  (its ``variable_name`` is the bondsim name).
- **outcomes** (M): every monthly outcome (``bondsim.OUTCOMES``, less the clock and the
  population) as its mean over the last ``window`` months (default 12, a whole brick year),
  named for the window (``bonded_share_last_year``); and, when the scenario has interventions,
  the effect metrics of ``paired.py`` against the scenario without its interventions in the
  same world and on the same seeds (``public_cost``, ``bonded_household_years_averted``, ...;
  the end-of-run ones over the last year, as in sweeps).
- **constants**: ``seed``; each experiment runs ``replicates`` paired seeds derived from it
  (``paired.replicate_seeds``) and reports their mean.

A parameter or lever an experiment does not set keeps the scenario's value (its ``default``).
The simulation is the sweep's (``sweep.ScenarioModel``): an experiment of this model and a
sweep point with the same values and seed give the same numbers.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    with warnings.catch_warnings():  # optional parallel back-ends missing: not ours to show
        warnings.simplefilter("ignore")
        import ema_workbench
except ImportError as exc:
    from .api import EMA_MISSING

    raise ImportError(f"bondsim.ema {EMA_MISSING}") from exc

from .errors import BondsimError
from .experiments.factors import Target, check_factors, resolve
from .experiments.paired import METRICS, counterfactual, replicate_seeds
from .experiments.scenario import Scenario, scenario_from_dict
from .experiments.sweep import ScenarioModel
from .io import read_toml
from .shipped import locate
from .simulation.outcomes import OUTCOMES, Window, is_outcome
from .simulation.parameters import PARAM_INFO

__all__ = ["MONTHLY", "BondsimExperiment", "bondsim_model"]

#: the monthly outcomes an EMA model can report (not the clock, not the population)
MONTHLY = tuple(name for name in OUTCOMES if is_outcome(name) and name != "calendar_month")
Ranges = Sequence[str] | Mapping[str, tuple[float, float]] | None


@dataclass(frozen=True)
class BondsimExperiment:
    """The function EMA calls: ``f(seed=..., **values) -> outcomes``, the mean over
    ``replicates`` paired seeds of the sweep's simulation. Picklable, for EMA's process
    evaluators."""

    model: ScenarioModel
    replicates: int
    window: int

    def __call__(self, seed: int, **values: float) -> dict[str, float]:
        runs = [self.model(values, s) for s in replicate_seeds(int(seed), self.replicates)]
        suffix = Window(months=self.window).suffix
        out = {}
        for key in runs[0]:
            name = key if key in METRICS else f"{key}_{suffix}"
            finite = [r[key] for r in runs if math.isfinite(r[key])]
            out[name] = sum(finite) / len(finite) if finite else math.nan
        return out


def bondsim_model(scenario: str | Path = "baseline", *, name: str | None = None,
                  uncertainties: Ranges = None, levers: Ranges = None,
                  outcomes: Sequence[str] | None = None, window: int = 12,
                  effects: bool | None = None, households: int | None = None,
                  months: int | None = None, seed: int | None = None,
                  replicates: int = 1) -> ema_workbench.Model:
    """An EMA Workbench ``Model`` of a scenario (a file, or a shipped scenario's name).

    ``uncertainties``, ``levers``: names (ranges from bondsim's metadata) or
    ``{name: (low, high)}``; by default all that have ranges (see the module docstring).
    ``outcomes``: names as declared (``bonded_share_last_year``, ``public_cost``); by default
    all. ``effects``: report the effect metrics (default: when the scenario has
    interventions); each experiment then runs the counterfactual too. ``households``,
    ``months``: override the scenario's; ``seed``: the constant the replicates' seeds derive
    from (default the scenario's)."""
    path = locate(scenario, "scenario")
    data = read_toml(path, "scenario")
    loaded = scenario_from_dict(data, source=str(path), path=path)
    if window < 1 or replicates < 1:
        raise BondsimError(f"window ({window}) and replicates ({replicates}) must be at least 1")
    effects = bool(loaded.spec.interventions) if effects is None else effects
    x = _declared(path, "uncertainties", _parameter_ranges(uncertainties), data, loaded,
                  lever=False)
    lv = _declared(path, "levers", _lever_ranges(data, levers), data, loaded, lever=True)
    baseline = None
    if effects:
        baseline = {k: v for k, v in data.items() if k != "interventions"}
        baseline["name"] = f"{data.get('name', 'scenario')}-without-interventions"
    simulation = ScenarioModel(data=data, source=str(path), baseline=baseline,
                               targets=tuple(t for t, _ in x + lv), outcomes=MONTHLY,
                               households=households, months=months, window=window)
    # EMA allows letters and digits only in a model's name
    model = ema_workbench.Model(name or re.sub(r"[^0-9A-Za-z]", "", loaded.name) or "bondsim",
                                function=BondsimExperiment(simulation, replicates, window))
    model.uncertainties = [p for _, p in x]
    model.levers = [p for _, p in lv]
    model.outcomes = [ema_workbench.ScalarOutcome(o)
                      for o in _outcomes(outcomes, window, effects)]
    model.constants = [ema_workbench.Constant("seed", loaded.spec.seed if seed is None
                                              else int(seed))]
    model.counterfactual = counterfactual("sweep") if effects else None  # stated, as manifests
    return model


def _parameter_ranges(asked: Ranges) -> dict[str, tuple[float, float] | None]:
    """The uncertain parameters and their ranges (None: the plausible range)."""
    if asked is None:
        return {name: None for name, info in PARAM_INFO.items() if info.plausible is not None}
    return _as_ranges(asked)


def _lever_ranges(data: dict[str, Any], asked: Ranges) -> dict[str, tuple[float, float] | None]:
    """The levers and their ranges (None: the bounds of the field's spec)."""
    if asked is not None:
        return _as_ranges(asked)
    from .interventions import REGISTRY

    out: dict[str, tuple[float, float] | None] = {}
    for item in data.get("interventions", []):
        kind = REGISTRY[str(item["type"])]
        label = item.get("label") or item["type"]
        for field, info in kind.spec_class.model_fields.items():
            low, high = _bounds(info)
            if info.annotation in (int, float) and low is not None and high is not None:
                out[f"{label}.{field}"] = None
    return out


def _as_ranges(asked: Sequence[str] | Mapping[str, tuple[float, float]]
               ) -> dict[str, tuple[float, float] | None]:
    if isinstance(asked, str):
        raise BondsimError(f"expected a list of names or a mapping of ranges, got {asked!r}")
    if isinstance(asked, Mapping):
        return {name: (float(lo), float(hi)) for name, (lo, hi) in asked.items()}
    return dict.fromkeys(asked)


def _declared(path: Path, field: str, ranges: dict[str, tuple[float, float] | None],
              data: dict[str, Any], loaded: Scenario, *, lever: bool
              ) -> list[tuple[Target, Any]]:
    """Each name resolved against the scenario (``factors.resolve``, with its did-you-mean),
    its range completed from bondsim's metadata and checked (``factors.check_factors``), and
    declared as an EMA parameter whose default is the scenario's own value."""
    declared, specs = [], []
    for name, given in ranges.items():
        target = resolve(name, data if lever else {"interventions": []})
        if (target.kind == "lever") != lever:
            raise BondsimError(f"{field}: {name!r} is a {target.kind}; declare it under "
                               f"{'levers' if target.kind == 'lever' else 'uncertainties'}")
        low, high = given if given is not None else _range(target, loaded)
        specs.append(_Spec(name, low, high))
        declared.append((target, low, high))
    check_factors(path, field, specs, data, levers=lever)
    out = []
    for target, low, high in declared:
        kind = ema_workbench.IntegerParameter if target.integer else ema_workbench.RealParameter
        bounds = (round(low), round(high)) if target.integer else (low, high)
        out.append((target, kind(_identifier(target.factor), *bounds,
                                 default=_value(target, loaded),
                                 variable_name=target.factor)))
    return out


@dataclass(frozen=True)
class _Spec:
    """What ``check_factors`` reads of a declared range."""

    name: str
    low: float
    high: float


def _range(target: Target, loaded: Scenario) -> tuple[float, float]:
    """A parameter's plausible range, or a lever field's declared bounds."""
    if target.kind == "parameter":
        plausible = PARAM_INFO[target.key].plausible
        if plausible is None:
            raise BondsimError(f"parameter {target.key!r} has no plausible range; give one: "
                               f"{{{target.key!r}: (low, high)}}")
        return plausible
    spec = loaded.spec.interventions[target.index]  # type: ignore[index]
    low, high = _bounds(type(spec).model_fields[target.key])
    if low is None or high is None:
        raise BondsimError(f"lever {target.factor!r} is bounded on one side only; give its "
                           f"range: {{{target.factor!r}: (low, high)}}")
    return low, high


def _bounds(field: Any) -> tuple[float | None, float | None]:
    """The lower and upper bounds a pydantic field declares (``ge``/``gt``, ``le``/``lt``)."""
    low = high = None
    for item in field.metadata:
        for attr in ("ge", "gt"):
            if getattr(item, attr, None) is not None:
                low = float(getattr(item, attr))
        for attr in ("le", "lt"):
            if getattr(item, attr, None) is not None:
                high = float(getattr(item, attr))
    return low, high


def _value(target: Target, loaded: Scenario) -> float:
    """The scenario's own value of a parameter or lever."""
    if target.kind == "parameter":
        return getattr(loaded.params, target.key)
    return getattr(loaded.spec.interventions[target.index], target.key)  # type: ignore[index]


def _outcomes(asked: Sequence[str] | None, window: int, effects: bool) -> list[str]:
    """The declared outcome names: monthly outcomes named for the window, then the metrics."""
    suffix = Window(months=window).suffix
    known = [f"{o}_{suffix}" for o in MONTHLY] + (list(METRICS) if effects else [])
    if asked is None:
        return known
    unknown = [o for o in asked if o not in known]
    if unknown:
        import difflib

        hints = {o: difflib.get_close_matches(o, known, n=1) for o in unknown}
        said = "; ".join(f"{o!r}" + (f" (did you mean {h[0]!r}?)" if h else "")
                         for o, h in hints.items())
        extra = "" if effects else "; effect metrics need effects=True"
        raise BondsimError(f"unknown outcomes: {said}; outcomes are named for the window "
                           f"({suffix}){extra}")
    return list(asked)


def _identifier(name: str) -> str:
    """An EMA name (a Python identifier) for a bondsim name: ``cash_transfer.coverage`` ->
    ``cash_transfer__coverage``."""
    out = re.sub(r"\W", "_", name.replace(".", "__"))
    return out if out.isidentifier() else f"_{out}"
