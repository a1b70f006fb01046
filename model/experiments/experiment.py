"""The experiment core: every many-run job builds experiments, runs them here and analyses
one results table.

In the terms of exploratory policy analysis (XLRM, as in EMA Workbench):

- **uncertainties** (X): model parameters with a distribution over a range: a ``Factor``
  (``bondsim.experiments.factors``) whose name is a parameter; a **future** is one sample of them
  (``futures``: a Latin hypercube mapped through each distribution);
- **levers** (L): fields of a scenario's interventions, named ``<label>.<field>``: a
  ``Factor`` whose name is a lever;
- **policies**: named lever settings: a scenario (its interventions and their fields) under
  its name: an experiment's ``policy`` and ``scenario``;
- **outcomes** (M): what is measured of a run over a window of months (``WindowMean``,
  ``RatioOverWindow``, ``Series``; the monthly outcomes are ``bondsim.OUTCOMES``), and,
  against a counterfactual run on the same seed, the effect metrics of
  ``bondsim.experiments.paired`` (``effects``: ``paired.METRIC_LIST``);
- an **experiment** is one policy in one future, one replicate with its seed
  (``Experiment``);
- the **results table** has one row per experiment: its inputs, seed and outcomes
  (``results_table``).

One run path: ``run_experiment`` builds an experiment's scenario (its future's and levers'
values written in) and ``simulate`` builds the model and runs it. ``evaluate`` runs a model
(``f(params, seed) -> outcomes``) at many points and seeds on the shared executor
(``bondsim.experiments.executor``: serially, on a process pool or on Dask), saving each point as it
finishes (``bondsim.experiments.stores``), so that an interrupted job resumes where it stopped.

What may import what: the core imports the model (scenario, factors, outcomes, paired), the
executor and the stores; the jobs (batch, sweep, plan, discover, calibration, survey) import
the core; the core imports no job.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._lazy import deferred
from ..errors import BondsimError
from ..simulation.outcomes import LAST_YEAR, OUTCOMES, Window, window_means
from .executor import run_all
from .factors import Factor, Target, scenario_with
from .paired import paired_metrics, replicate_seeds
from .scenario import MAX_HOUSEHOLDS, Scenario, load_scenario, scenario_from_dict
from .stores import PointStore

if TYPE_CHECKING:
    import pandas as pd
    from SALib.sample import latin

    from ..simulation.model import BondsimModel
else:  # imported on first use: checking an input file stays fast
    pd = deferred("pandas")
    latin = deferred("SALib.sample.latin")

Model = Callable[[dict[str, float], int], dict[str, float]]
COLUMN = {name: k for k, name in enumerate(OUTCOMES)}  # an outcome's column in a run's matrix


# --- futures: samples of the uncertainties ------------------------------------------------

def salib_problem(factors: Sequence[Factor]) -> dict:
    """The SALib problem on the unit hypercube (factors are mapped to their distributions
    afterwards), with groups if any factor has one."""
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise BondsimError(f"factor names must be distinct, got {names}")
    problem = {"num_vars": len(factors), "names": names, "bounds": [[0.0, 1.0]] * len(factors)}
    if any(f.group for f in factors):
        problem["groups"] = [f.group or f.name for f in factors]
    return problem


def futures(factors: Sequence[Factor], n: int, seed: int) -> np.ndarray:
    """``n`` draws of the uncertainties (a Latin hypercube mapped through each factor's
    distribution), one row each: the sampled worlds of a calibration, a scenario discovery
    or a robust search."""
    unit = latin.sample(salib_problem(factors), n, seed=seed)
    return np.column_stack([f.values(unit[:, j]) for j, f in enumerate(factors)])


# --- the run path -------------------------------------------------------------------------

def model_arguments(scenario: Scenario, *, seed: int | None = None,
                    households: int | None = None,
                    channels_off: Iterable[str] = frozenset()) -> dict[str, Any]:
    """The keyword arguments of ``BondsimModel`` for a scenario, with the file's seed and
    household count unless given: what ``simulate`` builds its model from, and what the
    interactive page (``bondsim.outputs.app``) builds a model from without running it.
    ``channels_off``: channels the interventions may not act through (none by default)."""
    from .. import interventions

    spec = scenario.spec
    seed = spec.seed if seed is None else seed
    households = spec.population.households if households is None else households
    if households < 1 or seed < 0:
        raise BondsimError(f"households ({households}) must be at least 1, and seed ({seed}) "
                           f"not negative")
    if households > MAX_HOUSEHOLDS:  # an override (--households, the API) the file could not set
        raise BondsimError(f"households: value {households} is too many; expected at most "
                           f"{MAX_HOUSEHOLDS:,}, as in scenario files")
    kilns = spec.population.kilns
    if kilns is not None and kilns > households:
        kilns = households  # --households below the file's kiln count: one family a kiln
    districts = spec.population.districts
    if households < len(districts) or (kilns is not None and kilns < len(districts)):
        where = scenario.path or spec.name
        raise BondsimError(f"{where}: field 'population.districts': {len(districts)} districts "
                           f"need at least as many kilns and households "
                           f"(households {households}, kilns {kilns or 'default'})")
    return {"params": scenario.params, "households": households, "kilns": kilns,
            "districts": districts, "seed": seed,
            "district_parameters": spec.population.local_overrides(),
            "interventions": interventions.build(spec.interventions),
            "channels_off": frozenset(channels_off)}


def simulate(scenario: Scenario | str | Path, *, seed: int | None = None,
             households: int | None = None, months: int | None = None,
             channels_off: Iterable[str] = frozenset()) -> BondsimModel:
    """Build the model of a scenario and run it for ``months`` (default: its horizon; 0
    leaves the initial state, what a survey at month 0 sees): the one run path of every
    job. The scenario's seed and population unless given; ``channels_off``: channels the
    interventions may not act through (``bondsim.simulation.channels``)."""
    from ..simulation.model import BondsimModel

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    months = scenario.spec.horizon if months is None else months
    if months < 0:
        raise BondsimError(f"months ({months}) must not be negative")
    model = BondsimModel(**model_arguments(scenario, seed=seed, households=households,
                                           channels_off=channels_off))
    model.run(months)
    return model


@functools.lru_cache(maxsize=64)
def scenario_file(path: str) -> Scenario:
    """Scenario files are read once per worker process, not once per run."""
    return load_scenario(path)


@dataclass(frozen=True)
class Experiment:
    """One run: a policy (a scenario file, a scenario's content or a loaded scenario) in one
    future (``values`` of the uncertainties and levers, written where ``targets`` say), one
    replicate with its seed, at the job's population and horizon (the scenario's if None).
    ``levers=False`` writes only the uncertainties: the counterfactual world of the same
    future."""

    policy: str
    scenario: str | dict[str, Any] | Scenario
    replicate: int
    seed: int
    households: int | None = None
    months: int | None = None
    future: int = 0
    values: Mapping[str, float] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    levers: bool = True
    source: str = ""  # what validation errors name (default: the policy)

    def build(self) -> Scenario:
        """The experiment's scenario, validated."""
        if isinstance(self.scenario, Scenario):
            return self.scenario
        if isinstance(self.scenario, str):
            return scenario_file(self.scenario)
        source = self.source or self.policy
        if self.targets:
            return scenario_with(self.scenario, self.targets, dict(self.values), source,
                                 levers=self.levers)
        return scenario_from_dict(self.scenario, source=source)


@dataclass
class Run:
    """A finished run: its model, and its outcomes by month (rows: months 0..H; columns:
    ``OUTCOMES``)."""

    model: BondsimModel

    @functools.cached_property
    def matrix(self) -> np.ndarray:
        return self.model.outcome_matrix()

    @property
    def months(self) -> np.ndarray:
        """Months 1..H: the run without its initial state."""
        return self.matrix[1:]

    def measure(self, outcomes: Sequence[Outcome]) -> dict[str, Any]:
        """Each outcome's value in this run, by name."""
        return {o.name: o.measure(self) for o in outcomes}


def run_experiment(experiment: Experiment) -> Run:
    """Build the experiment's scenario and model, and run it."""
    model = simulate(experiment.build(), seed=experiment.seed,
                     households=experiment.households, months=experiment.months)
    return Run(model)


# --- outcomes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class WindowMean:
    """A monthly outcome's mean over a window of the run, skipping months without a value
    (pay in a closure); NaN if it has none. ``window``: the last that many months of months
    1..H, or an ``outcomes.Window`` (the end of a run as summaries and effects name it,
    which may also be one month, 0 included)."""

    outcome: str
    window: int | Window = 12
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.outcome

    def measure(self, run: Run) -> float:
        if isinstance(self.window, Window):
            names = ["month", self.outcome]
            table = run.matrix[:, [COLUMN[name] for name in names]]
            return window_means(table, self.window, names)[self.outcome]
        column = run.months[:, [COLUMN[self.outcome]]]
        return window_means(column, self.window, [self.outcome])[self.outcome]


@dataclass(frozen=True)
class RatioOverWindow:
    """The ratio of two monthly outcomes' sums over the last ``window`` months (cases per
    inspection, say); NaN when the denominator's sum is not positive."""

    outcome: str
    per: str
    window: int = 12
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or f"{self.outcome}_per_{self.per}"

    def measure(self, run: Run) -> float:
        table = run.months
        tail = table[-min(self.window, len(table)):]
        total = float(tail[:, COLUMN[self.per]].sum())
        return (float(tail[:, COLUMN[self.outcome]].sum()) / total if total > 0
                else float("nan"))


@dataclass(frozen=True)
class Series:
    """A monthly outcome in months 1..H, as a list."""

    outcome: str

    @property
    def name(self) -> str:
        return self.outcome

    def measure(self, run: Run) -> list[float]:
        return run.months[:, COLUMN[self.outcome]].tolist()


Outcome = WindowMean | RatioOverWindow | Series


def effects(counterfactual: Run, policy: Run, window: Window = LAST_YEAR) -> dict[str, float]:
    """The effect metrics (``paired.METRIC_LIST``) of a policy run against its
    counterfactual run (same seed, population and horizon)."""
    return paired_metrics(counterfactual.model.timeseries(), policy.model.timeseries(),
                          policy.model.hh.n, policy.model.children_5_14, window)


# --- many experiments: points x replicates ------------------------------------------------

def point_seeds(seeds: Sequence[int], index: int) -> list[int]:
    """Seeds of their own for point ``index``, derived from the shared ``seeds``."""
    return [int(np.random.SeedSequence([int(s), index]).generate_state(1, np.uint64)[0] >> 1)
            for s in seeds]


def _run_point(model: Model, names: tuple[str, ...], outcomes: tuple[str, ...],
               task: tuple[int, tuple[float, ...], tuple[int, ...]]
               ) -> tuple[int, np.ndarray | None, str | None]:
    """One sample point, every replicate (in a worker): (index, replicates x outcomes, error)."""
    index, row, seeds = task
    params = dict(zip(names, row, strict=True))
    out = np.empty((len(seeds), len(outcomes)))
    try:
        for r, seed in enumerate(seeds):
            result = model(params, int(seed))
            for k, name in enumerate(outcomes):
                if name not in result:
                    return index, None, (f"the model returned no outcome {name!r}; it returned "
                                         f"{sorted(result)}")
                out[r, k] = result[name]
    except BondsimError as exc:
        return index, None, str(exc)
    except Exception:
        return index, None, traceback.format_exc()
    return index, out, None


def evaluate(model: Model, factors: Sequence[Factor], samples: np.ndarray,
             outcomes: Sequence[str], seeds: Sequence[int], *, workers: int = 1,
             progress: bool = False, scheduler: str | None = None,
             store: PointStore | None = None, common: bool = True) -> np.ndarray:
    """Run the model at every sample point and seed: an array (outcomes x points x
    replicates). Points already in ``store`` are not run again.

    ``common``: every point runs on the same ``seeds`` (common random numbers: right for
    sensitivity, where points are compared). Otherwise each point gets its own seeds derived
    from ``seeds`` and its index, so that the noise is independent between points (right for
    calibration, where a shared draw of luck would shift every point alike and bias the
    fit)."""
    names = tuple(f.name for f in factors)
    runs = np.empty((len(outcomes), samples.shape[0], len(seeds)))
    todo = []
    for i, row in enumerate(samples):
        saved = store.load(i) if store is not None else None
        if saved is not None and saved.shape == (len(seeds), len(outcomes)):
            runs[:, i, :] = saved.T
        else:
            todo.append((i, tuple(float(x) for x in row),
                         tuple(int(s) for s in (seeds if common else point_seeds(seeds, i)))))
    work = functools.partial(_run_point, model, names, tuple(outcomes))
    failed = []
    for index, values, error in run_all(work, todo, workers=workers, progress=progress,
                                        scheduler=scheduler, unit="point"):
        if values is None:
            failed.append((index, error))
            continue
        if store is not None:
            store.save(index, values)
        runs[:, index, :] = values.T
    if failed:
        index, error = min(failed)
        params = dict(zip(names, samples[index].tolist(), strict=True))
        raise BondsimError(f"{len(failed)} of {samples.shape[0]} sample points failed; the "
                           f"first, point {index} at {params}: {_told(str(error), store)}"
                           + ("; the finished points are saved: fix the cause and resume"
                              if store is not None else ""))
    return runs


def _told(error: str, store: PointStore | None) -> str:
    """A failed point's error for a message: never a traceback (its last line says what went
    wrong; the whole of it is kept in the job's folder, for whoever fixes the cause)."""
    from ..io import write_text

    lines = error.strip().splitlines()
    if not lines or not lines[0].startswith("Traceback"):
        return error.strip()
    if store is None:
        return lines[-1]
    file = store.folder / "failed_point.txt"
    write_text(file, error)
    return f"{lines[-1]} (traceback in {file})"


def run_futures(model: Model, factors: Sequence[Factor], keys: Sequence[str], *, n: int,
                seed: int, replicates: int, folder: Path, layout: dict, job: str,
                workers: int = 1,
                progress: bool = False, scheduler: str | None = None
                ) -> tuple[np.ndarray, list[int], np.ndarray]:
    """Draw ``n`` futures and run the model in each, ``replicates`` times on seeds of the
    future's own, saving each future in ``folder`` as it finishes (resumable; ``layout`` pins
    what else the runs depend on). Returns the futures (rows), the base seeds and the runs
    (keys x futures x replicates): what a calibration and a scenario discovery share."""
    samples = futures(factors, n, seed=seed + 1)
    seeds = replicate_seeds(seed, replicates)
    store = PointStore(folder, job)
    store.check({"factors": [f.name for f in factors], "keys": list(keys), "seeds": seeds,
                 "samples": samples.round(12).tolist(), **layout})
    runs = evaluate(model, factors, samples, keys, seeds, workers=workers, progress=progress,
                    scheduler=scheduler, store=store, common=False)
    return samples, seeds, runs


# --- the results table --------------------------------------------------------------------

def results_table(samples: np.ndarray, names: Sequence[str], seeds: Sequence[int],
                  runs: np.ndarray, outcomes: Sequence[str], *, index: str = "point",
                  common: bool = True) -> pd.DataFrame:
    """One row per experiment (a sample point, or future, and a replicate): the point, the
    replicate, its seed, the inputs (``names``, the columns of ``samples``) and the outcomes
    (``runs``: outcomes x points x replicates, as ``evaluate`` returns). ``common``: every
    point ran on ``seeds``; otherwise on seeds of its own (``point_seeds``)."""
    points, reps = samples.shape[0], len(seeds)
    seed = (np.tile(np.asarray(seeds, dtype=np.uint64), points) if common else
            np.asarray([s for i in range(points) for s in point_seeds(seeds, i)],
                       dtype=np.uint64))
    table = pd.DataFrame({index: np.repeat(np.arange(points), reps),
                          "replicate": np.tile(np.arange(reps), points), "seed": seed})
    for j, name in enumerate(names):
        table[name] = np.repeat(samples[:, j], reps)
    for k, name in enumerate(outcomes):
        table[name] = runs[k].reshape(-1)
    return table
