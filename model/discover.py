"""Scenario discovery: under which plausible conditions does a policy fail, and which policy
holds up best across all of them?

A discovery file (TOML, in ``experiments/``) names the uncertain parameters with their ranges
(declared like sweep factors), the policies (scenario files), the number of sampled futures
(Latin hypercube), the replicates per future, and a failure criterion on an outcome::

    name = "where_policies_fail"
    policies = ["../scenarios/inspections_only.toml", "../scenarios/combined_package.toml"]
    baseline = "../scenarios/baseline.toml"   # needed for a relative criterion
    futures = 200
    replicates = 2
    households = 2000
    months = 60
    window = 12                               # outcomes: the mean of the last 12 months

    [criterion]
    outcome = "bonded_share"
    kind = "relative"                         # or "absolute"
    ratio = 0.5                               # fails unless the baseline's value is halved
    # kind = "absolute": threshold = 0.10 and direction = "above" (fails above it)

    [[uncertain]]
    name = "risk_sensitivity"
    low = 1.0
    high = 20.0

Every policy (and the baseline) runs in every future on the same seeds (common random numbers
within a future; each future has seeds of its own), on the shared executor, resumably. Then,
per policy, PRIM (the EMA Workbench implementation) finds the box of parameter space where
failure concentrates: its coverage (the share of all failures inside it), density (the share
of futures inside it that fail), mass (the share of futures inside it), the restricted
parameters, the side of each that is restricted, their limits and each side's significance
(quasi-p value), beside the policy's base rate (the share of all futures that fail). A box is
reported as a region where the policy fails only when it is denser in failures than the base
rate on futures it was not chosen from; otherwise the summary says "no informative region".
Across policies: mean, 10th and 90th percentile of
each outcome, the share of futures where the policy satisfies the criterion, and its regret
against the best policy in each future.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._lazy import deferred
from .errors import BondsimError
from .factors import Factor, Target, check_factors, scenario_with
from .io import atomic_write, input_file, output_folder, read_toml, write_json
from .outcomes import OUTCOMES, window_means
from .scenario import MAX_HOUSEHOLDS, read_spec, scenario_from_dict
from .shipped import locate
from .sweep import FactorSpec

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
MONTHLY = [name for name in OUTCOMES if name not in ("month", "calendar_month")]
BASELINE = "baseline"
SIGNIFICANT = 0.05  # quasi-p value below which a restriction is named in the summary


class Criterion(BaseModel):
    """When a policy fails in a future."""

    model_config = STRICT
    outcome: str
    kind: Literal["absolute", "relative"] = "absolute"
    direction: Literal["above", "below"] = "above"
    threshold: float | None = None
    ratio: float | None = Field(None, gt=0)

    @field_validator("outcome")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in MONTHLY:
            hint = difflib.get_close_matches(value, MONTHLY, n=1)
            raise ValueError(f"unknown outcome {value!r}" + (f"; did you mean {hint[0]!r}?"
                                                              if hint else ""))
        return value

    def describe(self) -> str:
        worse = "above" if self.direction == "above" else "below"
        if self.kind == "absolute":
            return f"{self.outcome} {worse} {self.threshold:g}"
        return f"{self.outcome} {worse} {self.ratio:g} x the baseline's in the same future"

    def fails(self, value: np.ndarray, baseline: np.ndarray | None) -> np.ndarray:
        """Failure per future (NaN outcomes count as failures)."""
        bound = (np.full_like(value, self.threshold, dtype=float) if self.kind == "absolute"
                 else self.ratio * baseline)
        worse = value > bound if self.direction == "above" else value < bound
        return worse | ~np.isfinite(value)


class PrimSettings(BaseModel):
    model_config = STRICT
    density: float = Field(0.5, gt=0, le=1)     # least share of failures inside a box
    peel_alpha: float = Field(0.05, gt=0, lt=0.5)
    mass_min: float = Field(0.05, gt=0, lt=1)


class DiscoverySpec(BaseModel):
    """The validated content of a discovery file."""

    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    policies: list[str] = Field(min_length=1)
    baseline: str | None = None
    futures: int = Field(200, ge=10, le=1_000_000)
    replicates: int = Field(2, ge=1, le=1000)
    seed: int = Field(0, ge=0, lt=2**32)
    households: int | None = Field(None, ge=1, le=MAX_HOUSEHOLDS)
    months: int | None = Field(None, ge=1, le=1200)
    window: int = Field(12, ge=1, le=1200)
    outcomes: list[str] | None = None
    criterion: Criterion
    uncertain: list[FactorSpec] = Field(min_length=2)
    prim: PrimSettings = Field(default_factory=PrimSettings)

    @field_validator("outcomes")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            if item not in MONTHLY:
                hint = difflib.get_close_matches(item, MONTHLY, n=1)
                raise ValueError(f"unknown outcome {item!r}" + (f"; did you mean {hint[0]!r}?"
                                                                 if hint else ""))
        return value


def _empty() -> pd.DataFrame:
    """An empty table, made when needed (pandas is imported on first use)."""
    return pd.DataFrame()


@dataclass(frozen=True)
class DiscoveryModel:
    """Every policy (and the baseline) in one future: ``f(params, seed) -> {policy:outcome}``.
    Parameters apply to every scenario alike."""

    scenarios: dict[str, dict[str, Any]]   # name -> scenario data (the baseline included)
    targets: tuple[Target, ...]
    outcomes: tuple[str, ...]
    households: int | None
    months: int | None
    window: int

    def __call__(self, params: dict[str, float], seed: int) -> dict[str, float]:
        from .run import simulate

        out = {}
        for name, data in self.scenarios.items():
            table = simulate(scenario_with(data, self.targets, params, name), seed=seed,
                             households=self.households, months=self.months
                             ).outcome_matrix()[1:]
            means = window_means(table, self.window)
            for outcome in self.outcomes:
                out[f"{name}:{outcome}"] = means[outcome]
        return out


@dataclass
class LoadedDiscovery:
    spec: DiscoverySpec
    path: Path
    factors: list[Factor]
    policies: list[str]
    model: DiscoveryModel
    files: dict[str, Path]

    @property
    def outcomes(self) -> list[str]:
        return list(self.model.outcomes)


def load_discovery(path: str | Path) -> LoadedDiscovery:
    """Read and validate a discovery file, its scenarios and every parameter's range."""
    path = locate(path, "experiment")
    spec = read_spec(path, "discovery", DiscoverySpec)
    c = spec.criterion
    if c.kind == "absolute" and c.threshold is None:
        raise BondsimError(f"{path}: field 'criterion.threshold' is missing; an absolute "
                           f"criterion needs a threshold")
    if c.kind == "relative" and (c.ratio is None or spec.baseline is None):
        raise BondsimError(f"{path}: field 'criterion.ratio' and field 'baseline': a relative "
                           f"criterion needs both (e.g. ratio = 0.5: the baseline's value "
                           f"halved)")
    scenarios: dict[str, dict[str, Any]] = {}
    files: dict[str, Path] = {}
    entries = [(f"policies.{i}", p) for i, p in enumerate(spec.policies)]
    if spec.baseline is not None:
        entries.append(("baseline", spec.baseline))
    policies = []
    for field_name, name in entries:
        file = input_file(path, name, field_name)
        data = read_toml(file, "scenario")
        scenario = scenario_from_dict(data, source=str(file))
        key = BASELINE if field_name == "baseline" else scenario.name
        if key in scenarios:
            raise BondsimError(f"{path}: field '{field_name}': scenario {key!r} appears twice")
        scenarios[key], files[key] = data, file
        if field_name != "baseline":
            policies.append(key)
    names = [u.name for u in spec.uncertain]
    if len(set(names)) != len(names):
        raise BondsimError(f"{path}: field 'uncertain': names {names} must be distinct")
    targets = check_factors(path, "uncertain", spec.uncertain,
                            next(iter(scenarios.values())), levers=False)
    outcomes = list(dict.fromkeys([c.outcome, *(spec.outcomes or ["child_labour_rate"])]))
    model = DiscoveryModel(scenarios=scenarios, targets=tuple(targets), outcomes=tuple(outcomes),
                           households=spec.households, months=spec.months, window=spec.window)
    return LoadedDiscovery(spec=spec, path=path, factors=[u.factor() for u in spec.uncertain],
                           policies=policies, model=model, files=files)


# --- the analysis: failures, robustness, boxes ------------------------------------------

def failures(criterion: Criterion, values: pd.DataFrame, policies: list[str]) -> pd.DataFrame:
    """Futures x policies: True where the policy fails the criterion in that future."""
    base = values[f"{BASELINE}:{criterion.outcome}"].to_numpy() if (
        criterion.kind == "relative") else None
    return pd.DataFrame({p: criterion.fails(values[f"{p}:{criterion.outcome}"].to_numpy(),
                                            base) for p in policies})


def regret(scores: pd.DataFrame, lower_is_better: bool = True) -> pd.DataFrame:
    """Futures x policies: how much worse each policy does than the best policy in the same
    future (0 for the best), on the criterion's outcome."""
    best = scores.min(axis=1) if lower_is_better else scores.max(axis=1)
    return (scores.sub(best, axis=0) if lower_is_better else (-scores).add(best, axis=0))


def robustness(values: pd.DataFrame, failed: pd.DataFrame, criterion: Criterion,
               policies: list[str], outcomes: list[str]) -> pd.DataFrame:
    """One row per policy: the satisficing share, regret (mean, 90th percentile, max) on the
    criterion's outcome, and the mean, 10th and 90th percentile of every outcome across
    futures; ranked by satisficing share, then by the 90th percentile of regret."""
    scores = pd.DataFrame({p: values[f"{p}:{criterion.outcome}"] for p in policies})
    regrets = regret(scores, lower_is_better=criterion.direction == "above")
    rows = []
    for p in policies:
        row: dict[str, Any] = {"policy": p,
                               "satisficing_share": float(1.0 - failed[p].mean()),
                               "regret_mean": float(regrets[p].mean()),
                               "regret_p90": float(regrets[p].quantile(0.9)),
                               "regret_max": float(regrets[p].max())}
        for outcome in outcomes:
            v = values[f"{p}:{outcome}"]
            row[f"{outcome}_mean"] = float(v.mean())
            row[f"{outcome}_p10"] = float(v.quantile(0.1))
            row[f"{outcome}_p90"] = float(v.quantile(0.9))
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(["satisficing_share", "regret_p90"],
                                           ascending=[False, True], kind="stable")
    table.insert(1, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


@dataclass
class Box:
    """Where one policy's failures concentrate, and whether that says more than the base
    rate (the share of all futures that fail) does."""

    policy: str
    found: bool
    coverage: float = float("nan")
    density: float = float("nan")
    mass: float = float("nan")
    limits: pd.DataFrame = field(default_factory=_empty)  # parameter, min, max,
    #                    restricted, restricts_low, restricts_high, qp_low, qp_high, qp
    trajectory: pd.DataFrame = field(default_factory=_empty)  # coverage, density, ...
    chosen: int = -1
    failures: int = 0
    futures: int = 0
    informative: bool = False      # denser in failures than the base rate, beyond chance
    holdout_p: float = float("nan")  # ``holdout_p``: the box's lift tested on unseen futures

    @property
    def base_rate(self) -> float:
        """The share of all sampled futures where the policy fails."""
        return self.failures / self.futures if self.futures else float("nan")


def _prim() -> Any:
    """EMA Workbench's PRIM. Its package warns at import that optional parallel back-ends are
    missing; that is not ours to show."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


def lift_p(hits: int, n: int, base_rate: float) -> float:
    """One-sided binomial p value that a box with ``hits`` failures among ``n`` futures is
    denser than ``base_rate`` by more than chance: a box no denser than the futures overall
    says nothing about where a policy fails."""
    from scipy.stats import binomtest

    if n <= 0 or not 0.0 < base_rate < 1.0:
        return float("nan")
    return float(binomtest(int(hits), int(n), base_rate, alternative="greater").pvalue)


def side_qp(value: Any) -> float:
    """A quasi-p value from the library, or NaN for its -1 "this side is not restricted"
    marker (and for anything missing): never a value to compare or print."""
    try:
        q = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return q if np.isfinite(q) and q >= 0.0 else float("nan")


def box_limits(x: pd.DataFrame, lims: pd.DataFrame, qp: dict[str, list[float]]) -> pd.DataFrame:
    """One row per parameter: the box's limits, which side(s) it restricts, and each side's
    quasi-p value. A side is restricted when the library gives it a quasi-p value (it marks
    the other side -1); a parameter's ``qp`` is its most significant restricted side, so a
    parameter that matters on one side is not hidden by a weak trim of the other."""
    rows = []
    for name in x.columns:
        low, high = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        sides = [*qp.get(name, []), None, None]
        q_low, q_high = side_qp(sides[0]), side_qp(sides[1])
        cuts_low = bool(np.isfinite(q_low) and low > float(x[name].min()))
        cuts_high = bool(np.isfinite(q_high) and high < float(x[name].max()))
        restricted = [q for q, cut in ((q_low, cuts_low), (q_high, cuts_high)) if cut]
        rows.append({"parameter": name, "min": low, "max": high,
                     "restricted": bool(restricted), "restricts_low": cuts_low,
                     "restricts_high": cuts_high,
                     "qp_low": q_low if cuts_low else float("nan"),
                     "qp_high": q_high if cuts_high else float("nan"),
                     "qp": min(restricted) if restricted else float("nan")})
    return pd.DataFrame(rows)


def choose_box(trajectory: pd.DataFrame, density: float, base_rate: float,
               alpha: float = SIGNIFICANT) -> tuple[int, float] | None:
    """Of the peeling trajectory, the box with the highest coverage whose density is at least
    ``density`` and above the base rate (one-sided binomial p <= ``alpha`` in the futures
    peeled: with a high base rate the first boxes are no denser than the futures overall);
    failing that, the one with the highest coverage that reaches ``density``. Returns its
    index and that p value, or None when no box reaches ``density``."""
    eligible = trajectory[(trajectory["density"] >= density) & (trajectory["res_dim"] > 0)]
    if eligible.empty:
        return None
    p = {i: lift_p(int(row["k"]), int(row["n"]), base_rate) for i, row in eligible.iterrows()}
    order = eligible.sort_values(["coverage", "density"], ascending=False).index
    for i in order:
        if p[i] <= alpha:
            return int(i), p[i]
    return int(order[0]), p[order[0]]


def _peel(x: pd.DataFrame, failed: np.ndarray, density: float, peel_alpha: float,
          mass_min: float) -> Any:
    """PRIM's peeling on ``x`` towards ``failed``: the library's box object."""
    prim = _prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas FutureWarnings from inside the package
        algorithm = prim.Prim(x.reset_index(drop=True), failed, threshold=density,
                              peel_alpha=peel_alpha, mass_min=mass_min)
        return algorithm.find_box()


def inside(x: pd.DataFrame, lims: pd.DataFrame) -> np.ndarray:
    """Which rows of ``x`` lie in the box with limits ``lims`` (row 0 low, row 1 high)."""
    mask = np.ones(len(x), dtype=bool)
    for name in x.columns:
        v = x[name].to_numpy()
        mask &= (v >= float(lims[name].iloc[0])) & (v <= float(lims[name].iloc[1]))
    return mask


def holdout_p(x: pd.DataFrame, failed: np.ndarray, density: float, peel_alpha: float,
              mass_min: float, seed: int = 0) -> float:
    """Is there a region denser in failures than the futures overall, beyond what peeling
    finds in noise? PRIM on a random half of the futures chooses a box as ``find_box`` does;
    the other half, which played no part in choosing it, tests it: the one-sided binomial p
    value that the box's density there exceeds that half's base rate. Peeling always finds
    some box denser than the base rate in the data it peels, even where failures are spread
    at random, so the box's own density cannot answer this."""
    order = np.random.default_rng(seed).permutation(len(x))
    fit, test = np.sort(order[: len(x) // 2]), np.sort(order[len(x) // 2:])
    if failed[fit].all() or not failed[fit].any() or not 0 < failed[test].mean() < 1:
        return float("nan")
    found = _peel(x.iloc[fit], failed[fit], density, peel_alpha, mass_min)
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    chosen = choose_box(trajectory, density, float(failed[fit].mean()))
    if chosen is None:
        return float("nan")
    mask = inside(x.iloc[test], found.box_lims[chosen[0]])
    return lift_p(int(failed[test][mask].sum()), int(mask.sum()), float(failed[test].mean()))


def find_box(x: pd.DataFrame, failed: np.ndarray, policy: str = "", *,
             density: float = 0.5, peel_alpha: float = 0.05, mass_min: float = 0.05) -> Box:
    """PRIM on the futures ``x`` (one column per parameter) with ``failed`` as the case of
    interest. Of the peeling trajectory, the box with the highest coverage whose density is at
    least ``density`` and above the base rate is chosen (``choose_box``); it is informative
    when the same choice made on half the futures holds on the other half (``holdout_p``)."""
    failed = np.asarray(failed, dtype=bool)
    box = Box(policy=policy, found=False, failures=int(failed.sum()), futures=len(failed))
    if failed.sum() == 0 or failed.all():
        return box  # nothing to tell apart
    found = _peel(x, failed, density, peel_alpha, mass_min)
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    box.trajectory = trajectory
    chosen = choose_box(trajectory, density, box.base_rate)
    if chosen is None:
        return box
    i = chosen[0]
    row = trajectory.loc[i]
    box.found, box.chosen = True, i
    box.coverage, box.density, box.mass = (float(row["coverage"]), float(row["density"]),
                                           float(row["mass"]))
    box.limits = box_limits(x, found.box_lims[i], found.qp[i])
    box.holdout_p = holdout_p(x, failed, density, peel_alpha, mass_min)
    box.informative = bool(box.density > box.base_rate and box.holdout_p <= SIGNIFICANT)
    return box


def restrictions(box: Box, units: dict[str, str] | None = None) -> tuple[list[str], int]:
    """The box's significant restrictions in words, most significant first (or the single
    strongest if none is significant), and how many weaker restricted sides were left out."""
    sides = []
    for row in box.limits[box.limits["restricted"]].itertuples():
        if row.restricts_low:
            sides.append((row.qp_low, row.parameter, "low", row.min))
        if row.restricts_high:
            sides.append((row.qp_high, row.parameter, "high", row.max))
    sides.sort(key=lambda s: (np.nan_to_num(s[0], nan=2.0), s[1]))
    named = [s for s in sides if s[0] <= SIGNIFICANT] or sides[:1]
    by_parameter: dict[str, dict[str, float]] = {}
    for _, name, side, limit in named:
        by_parameter.setdefault(name, {})[side] = limit
    parts = []
    for name, cut in by_parameter.items():
        unit = f" {units[name]}" if units and name in units else ""
        if len(cut) == 2:
            parts.append(f"{name} is between {cut['low']:.3g} and {cut['high']:.3g}{unit}")
        elif "low" in cut:
            parts.append(f"{name} exceeds {cut['low']:.3g}{unit}")
        else:
            parts.append(f"{name} is below {cut['high']:.3g}{unit}")
    return parts, len(sides) - len(named)


def sentence(box: Box, units: dict[str, str] | None = None) -> str:
    """A plain-language summary of a box: the base rate always, the region only when it is
    denser in failures than the futures overall."""
    if box.failures == 0:
        return f"{box.policy} never fails in the {box.futures} futures sampled."
    if box.failures == box.futures:
        return f"{box.policy} fails in every one of the {box.futures} futures sampled."
    head = (f"{box.policy} fails in {box.failures} of {box.futures} futures (base rate "
            f"{box.base_rate:.0%})")
    if not box.found:
        return (f"{head}; no informative region: no box of the parameters reaches the density "
                f"of failures asked for.")
    stats = (f"coverage {box.coverage:.0%} of the failures, mass {box.mass:.0%} of the "
             f"futures, density {box.density:.0%} failing against the base rate "
             f"{box.base_rate:.0%}")
    if not box.informative:
        return (f"{head}; no informative region: the best box is no denser in failures than "
                f"the futures overall, or not on futures it was not chosen from ({stats}; "
                f"hold-out p = {box.holdout_p:.2g}).")
    parts, others = restrictions(box, units)
    said = " and ".join(parts) if parts else "no parameter is restricted"
    rest = (f"; {others} weaker restriction{'s' if others > 1 else ''} in boxes.csv"
            if others else "")
    return f"{head}; it fails mainly when {said} ({stats}{rest})."


@dataclass
class DiscoveryResult:
    out: Path
    values: pd.DataFrame          # futures: parameters, then every policy's outcomes
    failed: pd.DataFrame          # futures x policies
    robustness: pd.DataFrame
    boxes: dict[str, Box]
    summary: list[str]


def run_discovery(discovery: str | Path, *, out: str | Path, workers: int = 1,
                  resume: bool = False, progress: bool = False,
                  scheduler: str | None = None) -> DiscoveryResult:
    """Run every policy in every future, then discovery and robustness; write the outputs."""
    from .manifest import input_files
    from .sensitivity import run_futures

    loaded = load_discovery(discovery)
    spec = loaded.spec
    inputs = input_files(("discovery", loaded.path),
                         *(("scenario", f) for f in loaded.files.values()))  # as read
    out = output_folder(out, resume, "discovery")
    factors = loaded.factors
    keys = [f"{name}:{o}" for name in loaded.model.scenarios for o in loaded.outcomes]
    samples, seeds, runs = run_futures(
        loaded.model, factors, keys, n=spec.futures, seed=spec.seed,
        replicates=spec.replicates, folder=out / "runs", job="discovery", workers=workers,
        progress=progress, scheduler=scheduler,
        layout={"kind": "discovery", "households": spec.households, "months": spec.months,
                "window": spec.window, "scenarios": loaded.model.scenarios})
    values = pd.DataFrame(samples, columns=[f.name for f in factors])
    for k, key in enumerate(keys):
        values[key] = runs[k].mean(axis=1)
    failed = failures(spec.criterion, values, loaded.policies)
    table = robustness(values, failed, spec.criterion, loaded.policies, loaded.outcomes)
    x = values[[f.name for f in factors]]
    boxes = {p: find_box(x, failed[p].to_numpy(), p, density=spec.prim.density,
                         peel_alpha=spec.prim.peel_alpha, mass_min=spec.prim.mass_min)
             for p in loaded.policies}
    summary = [sentence(boxes[p]) for p in loaded.policies]
    _write_outputs(out, loaded, values, failed, table, boxes, summary, seeds, workers, inputs)
    return DiscoveryResult(out=out, values=values, failed=failed, robustness=table,
                           boxes=boxes, summary=summary)


def _write_outputs(out: Path, loaded: LoadedDiscovery, values: pd.DataFrame,
                   failed: pd.DataFrame, table: pd.DataFrame, boxes: dict[str, Box],
                   summary: list[str], seeds: list[int], workers: int,
                   inputs: list[dict[str, str]]) -> None:
    from .discover_plots import plot_box, plot_robustness, plot_trajectory
    from .manifest import core

    spec = loaded.spec
    futures = values.copy()
    for p in loaded.policies:
        futures[f"{p}:failed"] = failed[p].to_numpy()
    atomic_write(out / "futures.parquet", lambda tmp: futures.to_parquet(tmp, index=False))
    _csv(out / "robustness.csv", table)
    _csv(out / "boxes.csv", boxes_table(boxes))
    text = [f"# Scenario discovery: {spec.name}", "",
            f"Failure: {spec.criterion.describe()} (mean of the last {spec.window} months), "
            f"over {spec.futures} futures x {spec.replicates} replicates.", ""]
    text += [f"- {line}" for line in summary]
    best = table.iloc[0]
    text += ["", f"Most robust: {best['policy']} satisfies the criterion in "
                 f"{best['satisficing_share']:.0%} of futures (90th percentile of regret "
                 f"{best['regret_p90']:.3g})."]
    atomic_write(out / "summary.md", lambda tmp: Path(tmp).write_text("\n".join(text) + "\n"))
    names = [f.name for f in loaded.factors]
    for p, box in boxes.items():
        if box.found:
            plot_trajectory(box, out / f"peeling-{p}.png")
            plot_box(box, values[names], failed[p].to_numpy(), out / f"box-{p}.png")
    plot_robustness(table, out / "robustness.png", spec.criterion.outcome)
    parameters = {name: scenario_from_dict(data, source=name).params
                  for name, data in loaded.model.scenarios.items()}
    write_json(out / "manifest.json", {
        **core("discovery", parameters=parameters, seeds=seeds, inputs=inputs),
        "discovery": spec.model_dump(),
        "discovery_file": str(loaded.path),
        "scenario_files": {k: str(v) for k, v in loaded.files.items()},
        "criterion": spec.criterion.describe(), "summary": summary,
        "futures": spec.futures, "workers": workers,
    })


BOX_COLUMNS = ["policy", "parameter", "min", "max", "restricted", "restricts_low",
               "restricts_high", "qp_low", "qp_high", "qp", "coverage", "density", "mass",
               "base_rate", "informative", "holdout_p"]


def boxes_table(boxes: dict[str, Box]) -> pd.DataFrame:
    """Every chosen box, one row per parameter, with the box's coverage, density, mass, the
    policy's base rate and whether the box is informative (denser than the base rate)."""
    rows = []
    for p, box in boxes.items():
        if box.found:
            frame = box.limits.copy()
            frame.insert(0, "policy", p)
            frame["coverage"], frame["density"], frame["mass"] = (box.coverage, box.density,
                                                                 box.mass)
            frame["base_rate"], frame["informative"] = box.base_rate, box.informative
            frame["holdout_p"] = box.holdout_p
            rows.append(frame[BOX_COLUMNS])
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=BOX_COLUMNS)


def _csv(path: Path, table: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n",
                                                float_format="%.6g"))
