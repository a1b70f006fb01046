"""Rapid assessment: a simulated survey of a sample of a district's kilns, with measurement
error, against the model's true values.

The Balochistan plan (ILO consultation, 24 Nov 2015, ``sources/ilo-balochistan-consultation-
2015.txt``) pilots interventions in eight districts and first runs rapid assessments "to
determine the scale of the problem". This module simulates such an assessment on a model run:

1. a two-stage cluster sample: a simple random sample of ``n`` of the district's ``N`` kilns
   without replacement, then every household living at each sampled kiln (a census of the
   cluster), as rapid assessments do; kilns whose owner refuses are replaced from a reserve
   list (or dropped);
2. measurement error: households report less debt than the owner's books hold (which hides
   bondage only under a definition with a debt threshold: not the legal headline, where
   any debt to an owner who holds the family counts); owners who hold families refuse more
   often; owners hide some working children from the enumerators;
3. ratio estimators of the bonded share and the child labour rate with a cluster-robust
   standard error (with the finite population correction) and a 95% Student-t interval.

Repeating the survey on many model runs and samples gives its bias, RMSE and the coverage of
its intervals; ``precision_curve`` does this for several sample sizes, so that a planner sees
how many kilns a survey needs for a given precision. See ``docs/survey.md``.

    from bondsim.experiments.survey import run_survey, precision_curve, kilns_for_precision
    run = run_survey("scenarios/baseline.toml", kilns=20, replicates=5)
    curve = precision_curve("scenarios/baseline.toml")
    kilns_for_precision(curve, 0.05)   # smallest n whose mean half-width is at most 0.05
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import BondsimError
from ..io import atomic_write, write_json
from ..simulation.model import BondsimModel
from ..simulation.season import last_open_month
from .experiment import Experiment, run_experiment
from .experiment import simulate as simulate  # the run path of every job (months may be 0)
from .measurement import DEFAULT_KILN_COUNTS, SOURCES, MeasurementError
from .paired import replicate_seeds
from .scenario import Scenario, load_scenario

OUTCOMES = ("bonded_share", "child_labour_rate")
LEVEL = 0.95  # the intervals' nominal coverage

# -- the sampling frame -------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyFrame:
    """What a survey can find in a district at one month: per household its kiln (0..N-1,
    the clusters), bonded status, debt, rule-7 threshold, working children and children
    aged 5-14; per kiln whether its owner is coercive. Built from a model by ``frame`` or by
    hand (tests)."""

    kiln: np.ndarray        # intp per household, 0 .. kilns - 1
    bonded: np.ndarray      # bool per household (rule 7, as the model says)
    debt: np.ndarray        # float per household, Rs at the month's end
    threshold: np.ndarray   # float per household: rule 7(a) holds for debt above it
    working: np.ndarray     # int per household: children 5-14 who mould
    children: np.ndarray    # int per household: children 5-14
    coercive: np.ndarray    # bool per kiln
    month: int = 0
    seed: int | None = None
    district: str | None = None

    def __post_init__(self) -> None:
        n = self.kiln.shape[0]
        for name in ("bonded", "debt", "threshold", "working", "children"):
            if getattr(self, name).shape != (n,):
                raise BondsimError(f"survey frame: {name} has shape "
                                   f"{getattr(self, name).shape}, expected ({n},)")
        if self.coercive.ndim != 1 or self.coercive.size < 1:
            raise BondsimError("survey frame: coercive must list at least one kiln")
        if n and not (self.kiln.min() >= 0 and self.kiln.max() < self.coercive.size):
            raise BondsimError(f"survey frame: kiln index out of range 0-{self.kilns - 1}")
        if np.any(self.working > self.children) or np.any(self.working < 0):
            raise BondsimError("survey frame: more working children than children")
        if np.any(self.bonded & ~(self.debt > self.threshold)):
            raise BondsimError("survey frame: a bonded household's debt is not above its "
                               "rule-7 threshold (has rule 7 changed?)")

    @property
    def kilns(self) -> int:
        return int(self.coercive.size)

    @property
    def households(self) -> int:
        return int(self.kiln.shape[0])


def frame(model: BondsimModel, district: str | None = None) -> SurveyFrame:
    """The sampling frame of a model at its latest month: every kiln of ``district`` (all the
    model's kilns if None) and the households living there at the month's end. The debt
    threshold is the headline definition's (rule 7, legal): any debt, so a household that
    reports owing its owner anything is measured bonded if the owner holds it."""
    hh, ow = model.hh, model.ow
    threshold = np.zeros(hh.n)
    if district is None:
        kilns = np.arange(ow.k)
    else:
        if district not in model.district_names:
            raise BondsimError(f"no district {district!r} in the model; expected one of "
                               f"{list(model.district_names)}")
        kilns = np.flatnonzero(ow.district == model.district_names.index(district))
    index = np.full(ow.k, -1, dtype=np.intp)
    index[kilns] = np.arange(kilns.size)
    cluster = index[hh.kiln]
    keep = cluster >= 0
    working = hh.work_5_9.astype(np.int64) + hh.work_10_14
    children = hh.children_5_9.astype(np.int64) + hh.children_10_14
    return SurveyFrame(kiln=cluster[keep], bonded=hh.bonded[keep].copy(),
                       debt=hh.debt[keep].copy(), threshold=threshold[keep].copy(),
                       working=working[keep], children=children[keep],
                       coercive=ow.coercive[kilns].copy(), month=int(model.steps),
                       seed=getattr(model, "seed", None), district=district)


def true_values(model: BondsimModel | SurveyFrame,
                district: str | None = None) -> dict[str, float]:
    """The bonded share and child labour rate of the whole frame (all households, no error):
    for a model and ``district=None``, the model's own outcomes of its latest month."""
    if isinstance(model, SurveyFrame):
        if district is not None and district != model.district:
            raise BondsimError(f"the frame is of district {model.district!r}, not {district!r}")
        bonded, n = int(np.count_nonzero(model.bonded)), model.households
        working, children = int(model.working.sum()), int(model.children.sum())
    elif district is None:
        hh = model.hh
        bonded, n = int(np.count_nonzero(hh.bonded)), hh.n
        working = int(hh.work_5_9.sum(dtype=np.int64) + hh.work_10_14.sum(dtype=np.int64))
        children = int(hh.children_5_9.sum(dtype=np.int64)
                       + hh.children_10_14.sum(dtype=np.int64))
    else:
        return true_values(frame(model, district))
    return {"bonded_share": bonded / n if n else float("nan"),
            "child_labour_rate": working / children if children else float("nan")}


# -- estimators -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """A ratio estimate with its cluster-robust standard error and 95% interval."""

    estimate: float
    se: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2.0


def ratio_estimate(y: np.ndarray, x: np.ndarray, kilns: int, level: float = LEVEL) -> Estimate:
    """The ratio estimator R = sum(y) / sum(x) over ``n`` sampled clusters (y, x: per cluster
    totals) drawn without replacement from ``kilns`` clusters, with its linearised variance

        v(R) = (1 - n / N) / (n * xbar^2) * sum((y_i - R x_i)^2) / (n - 1)

    (Cochran 1977, 6.9; xbar = sum(x) / n) and a Student-t interval with n - 1 degrees of
    freedom. NaN when n < 2 or sum(x) = 0."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    n = y.size
    nan = float("nan")
    if n != x.size or n > kilns:
        raise BondsimError(f"ratio estimate: {n} clusters of y, {x.size} of x, {kilns} in all")
    total_x = float(x.sum())
    if n < 2 or total_x == 0.0:
        return Estimate(nan, nan, nan, nan)
    r = float(y.sum()) / total_x
    resid = y - r * x
    xbar = total_x / n
    fpc = 1.0 - n / kilns
    se = float(np.sqrt(fpc * float(resid @ resid) / (n - 1) / (n * xbar * xbar)))
    half = float(stats.t.ppf(0.5 + level / 2.0, n - 1)) * se
    return Estimate(r, se, r - half, r + half)


def design_half_width(frame_: SurveyFrame, kilns: int, outcome: str = "bonded_share",
                      level: float = LEVEL) -> float:
    """The half-width a perfect survey of ``kilns`` kilns can expect on this frame, from the
    whole population's between-kiln variance: t x sqrt((1 - n/N) / n x S_e^2 / Xbar^2),
    S_e^2 = sum over all N kilns of (Y_k - R X_k)^2 / (N - 1)."""
    big_n = frame_.kilns
    y, x = _cluster_totals(frame_.kiln, big_n, frame_.bonded, frame_.working, frame_.children,
                           outcome)
    if not 2 <= kilns <= big_n or big_n < 2 or x.sum() == 0:
        return float("nan")
    r = y.sum() / x.sum()
    s2 = float(((y - r * x) ** 2).sum()) / (big_n - 1)
    xbar = x.sum() / big_n
    return float(stats.t.ppf(0.5 + level / 2.0, kilns - 1)
                 * np.sqrt((1.0 - kilns / big_n) / kilns * s2) / xbar)


def design_kilns(frames: Sequence[SurveyFrame], half_width: float,
                 outcome: str = "bonded_share", level: float = LEVEL) -> int | None:
    """The fewest kilns whose ``design_half_width`` (mean over ``frames``) is at most
    ``half_width``: what a perfect survey needs, by formula, for any count up to the district's
    kilns (None if even a census of all but one kiln does not reach it, i.e. never)."""
    if not half_width > 0:
        raise BondsimError(f"the target half-width must be positive, got {half_width}")
    big_n = min(f.kilns for f in frames)
    if big_n < 3:
        return None
    n = np.arange(2, big_n + 1)
    t = stats.t.ppf(0.5 + level / 2.0, n - 1)
    widths = np.zeros(n.size)
    for f in frames:
        y, x = _cluster_totals(f.kiln, f.kilns, f.bonded, f.working, f.children, outcome)
        if x.sum() == 0:
            return None
        r = y.sum() / x.sum()
        s2 = float(((y - r * x) ** 2).sum()) / (f.kilns - 1)
        widths += t * np.sqrt(np.clip(1.0 - n / f.kilns, 0.0, None) / n * s2) / (
            x.sum() / f.kilns)
    ok = np.flatnonzero(widths / len(frames) <= half_width)
    return int(n[ok[0]]) if ok.size else None


def _cluster_totals(pos: np.ndarray, size: int, bonded: np.ndarray, working: np.ndarray,
                    children: np.ndarray, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster totals (y, x) of an outcome for households in clusters ``pos`` (0..size-1):
    bonded households and households, or working children and children 5-14."""
    if outcome == "bonded_share":
        return (np.bincount(pos, weights=bonded, minlength=size),
                np.bincount(pos, minlength=size).astype(float))
    if outcome == "child_labour_rate":
        return (np.bincount(pos, weights=working, minlength=size),
                np.bincount(pos, weights=children, minlength=size))
    raise BondsimError(f"unknown survey outcome {outcome!r}; expected one of {OUTCOMES}")


# -- one survey -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SurveyResult:
    """One simulated survey: the kilns that responded, what was approached and refused, the
    estimates and the frame's true values."""

    kilns: np.ndarray             # frame indices of the kilns surveyed, in visiting order
    approached: int               # kilns approached, refusals included
    refused: int
    households: int               # households enumerated
    estimates: dict[str, Estimate]
    true: dict[str, float]
    kilns_in_frame: int = 0


def _check_kilns(n_kilns: int, kilns_in_frame: int, district: str | None = None) -> None:
    where = f"district {district!r}" if district else "the district"
    if isinstance(n_kilns, bool) or not isinstance(n_kilns, (int, np.integer)):
        raise BondsimError(f"kilns to survey must be a whole number, got {n_kilns!r}")
    if n_kilns < 2:
        raise BondsimError(f"a survey needs at least 2 kilns for a standard error, got "
                           f"{n_kilns}")
    if n_kilns > kilns_in_frame:
        raise BondsimError(f"a survey of {n_kilns} kilns: {where} has only {kilns_in_frame} "
                           f"kilns")


def survey(model: BondsimModel | SurveyFrame, n_kilns: int, rng: np.random.Generator,
           error: MeasurementError | None = None, district: str | None = None) -> SurveyResult:
    """Survey ``n_kilns`` kilns of a model's district (or of a frame) at its latest month.

    Kilns are approached in a random order (a simple random sample without replacement); a
    kiln refuses with the error's refusal probability and is replaced by the next one
    (``replace_refusals``) or dropped. Every household of a surveyed kiln is enumerated:
    it reports its debt times (1 - u) and is measured bonded if it is held by a coercive owner
    and the reported debt is above its threshold (for a model's frame, any debt: the legal
    definition, where the amount does not matter; a hand-made frame may set a threshold), so
    under-reporting can only hide bondage; each working child is hidden with probability
    ``child_hiding``. ``error`` defaults to ``MeasurementError()``."""
    fr = model if isinstance(model, SurveyFrame) else frame(model, district)
    error = MeasurementError() if error is None else error
    big_n = fr.kilns
    _check_kilns(n_kilns, big_n, fr.district)
    order = rng.permutation(big_n)
    if error.refusal > 0.0 or error.refusal_coercive:
        coercive_rate = (error.refusal if error.refusal_coercive is None
                         else error.refusal_coercive)
        p_refuse = np.where(fr.coercive[order], coercive_rate, error.refusal)
        refuses = rng.random(big_n) < p_refuse
    else:
        refuses = np.zeros(big_n, dtype=bool)
    if error.replace_refusals:
        agreed = np.flatnonzero(~refuses)
        approached = int(agreed[n_kilns - 1]) + 1 if agreed.size >= n_kilns else big_n
    else:
        approached = int(n_kilns)
    visited = order[:approached]
    sampled = visited[~refuses[:approached]]
    position = np.full(big_n, -1, dtype=np.intp)
    position[sampled] = np.arange(sampled.size)
    pos = position[fr.kiln]
    households = np.flatnonzero(pos >= 0)
    pos = pos[households]

    debt = fr.debt[households]
    if error.debt_underreport > 0.0:
        debt = debt * (1.0 - error.underreport_shares(households.size, rng))
    measured_bonded = fr.bonded[households] & (debt > fr.threshold[households])
    working = fr.working[households]
    if error.child_hiding > 0.0:
        working = working - rng.binomial(working, error.child_hiding)

    estimates = {}
    for outcome in OUTCOMES:
        y, x = _cluster_totals(pos, sampled.size, measured_bonded, working,
                               fr.children[households], outcome)
        estimates[outcome] = ratio_estimate(y, x, big_n)
    return SurveyResult(kilns=sampled, approached=approached,
                        refused=int(np.count_nonzero(refuses[:approached])),
                        households=int(households.size), estimates=estimates,
                        true=true_values(fr), kilns_in_frame=big_n)


# -- many surveys on many runs ----------------------------------------------------------------
def _load(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def survey_frames(scenario: Scenario | str | Path, *, replicates: int = 5,
                  seed: int | None = None, households: int | None = None,
                  months: int | None = None, month: int | None = None,
                  district: str | None = None) -> list[SurveyFrame]:
    """One frame per replicate run (seeds from ``effect.replicate_seeds``), at the survey
    ``month`` (default: the last month up to ``months``, itself the scenario's horizon unless
    given, in which the kilns work; a horizon of whole years ends in August, when they are
    shut). A run stops at the survey month: later months cannot change what it finds. Each
    run is an experiment of the experiment core (``bondsim.experiments.experiment``)."""
    scenario = _load(scenario)
    if replicates < 1:
        raise BondsimError(f"replicates must be at least 1, got {replicates}")
    months = scenario.spec.horizon if months is None else months
    month = last_open_month(months, scenario.params) if month is None else month
    if months < 1 or not 0 <= month <= months:
        raise BondsimError(f"the survey month ({month}) must lie in 0 .. months ({months}), "
                           f"and months must be at least 1")
    base = scenario.spec.seed if seed is None else seed
    return [frame(run_experiment(Experiment(scenario.name, scenario, r, s, households,
                                            month)).model, district)
            for r, s in enumerate(replicate_seeds(base, replicates))]


Source = Scenario | str | Path | Sequence[SurveyFrame]


def _frames(source: Source, replicates: int, seed: int | None, households: int | None,
            months: int | None, month: int | None, district: str | None) -> list[SurveyFrame]:
    if isinstance(source, (Scenario, str, Path)):
        return survey_frames(source, replicates=replicates, seed=seed, households=households,
                             months=months, month=month, district=district)
    frames = list(source)
    if not frames or not all(isinstance(f, SurveyFrame) for f in frames):
        raise BondsimError("expected a scenario or a non-empty list of survey frames")
    return frames


def survey_table(frames: Sequence[SurveyFrame], kiln_counts: Sequence[int], *,
                 surveys: int = 100, seed: int = 0,
                 error: MeasurementError | None = None) -> pd.DataFrame:
    """``surveys`` surveys of each frame at each kiln count: one row per replicate, survey and
    outcome (estimate, se, low, high, half-width, true value, error, covered)."""
    error = MeasurementError() if error is None else error
    if surveys < 1:
        raise BondsimError(f"surveys must be at least 1, got {surveys}")
    rows = []
    for n in kiln_counts:
        for replicate, fr in enumerate(frames):
            _check_kilns(n, fr.kilns, fr.district)
            rng = np.random.default_rng(np.random.SeedSequence([seed, replicate, int(n)]))
            for s in range(surveys):
                res = survey(fr, int(n), rng, error)
                for outcome in OUTCOMES:
                    est, true = res.estimates[outcome], res.true[outcome]
                    rows.append({
                        "replicate": replicate, "seed": fr.seed, "survey": s, "kilns": int(n),
                        "kilns_in_frame": fr.kilns, "responded": int(res.kilns.size),
                        "refused": res.refused, "households": res.households,
                        "outcome": outcome, "estimate": est.estimate, "se": est.se,
                        "low": est.low, "high": est.high, "half_width": est.half_width,
                        "true": true, "error": est.estimate - true,
                        "covered": bool(est.low <= true <= est.high)})
    return pd.DataFrame(rows)


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per outcome and kiln count: bias (mean estimate - true, with its standard error),
    RMSE, interval coverage (with its binomial standard error) and half-widths. Surveys with
    fewer than 2 responding kilns (no estimate) are counted in ``failed``."""
    rows = []
    for (outcome, kilns), g in table.groupby(["outcome", "kilns"], sort=False):
        ok = g[np.isfinite(g["estimate"])]
        m = len(ok)
        err = ok["error"].to_numpy(dtype=float)
        cover = float(ok["covered"].mean()) if m else float("nan")
        rows.append({
            "outcome": outcome, "kilns": int(kilns),
            "kilns_in_frame": int(g["kilns_in_frame"].iloc[0]),
            "surveys": len(g), "failed": len(g) - m,
            "true_mean": float(ok["true"].mean()) if m else float("nan"),
            "estimate_mean": float(ok["estimate"].mean()) if m else float("nan"),
            "bias": float(err.mean()) if m else float("nan"),
            "bias_se": float(err.std(ddof=1) / np.sqrt(m)) if m > 1 else float("nan"),
            "rmse": float(np.sqrt((err ** 2).mean())) if m else float("nan"),
            "coverage": cover,
            "coverage_se": float(np.sqrt(cover * (1 - cover) / m)) if m else float("nan"),
            "mean_half_width": float(ok["half_width"].mean()) if m else float("nan"),
            "p90_half_width": float(ok["half_width"].quantile(0.9)) if m else float("nan"),
            "mean_refused": float(g["refused"].mean()),
        })
    return pd.DataFrame(rows)


@dataclass
class SurveyRun:
    """What ``run_survey`` produced."""

    kilns: int
    error: MeasurementError
    table: pd.DataFrame       # one row per replicate, survey and outcome
    summary: pd.DataFrame     # one row per outcome
    frames: list[SurveyFrame] = field(repr=False)
    seed: int = 0


def run_survey(scenario: Source, *, kilns: int, replicates: int = 5, surveys: int = 100,
               seed: int | None = None, households: int | None = None,
               months: int | None = None, month: int | None = None,
               district: str | None = None,
               error: MeasurementError | None = None) -> SurveyRun:
    """Survey ``kilns`` kilns ``surveys`` times on each of ``replicates`` runs of a scenario
    (or on given frames), with measurement ``error`` (default ``MeasurementError()``).

    Returns the table of every survey (estimate, interval, true value, covered) and a summary
    per outcome: bias, RMSE, interval coverage and mean half-width."""
    frames = _frames(scenario, replicates, seed, households, months, month, district)
    base = _base_seed(scenario, seed)
    error = MeasurementError() if error is None else error
    table = survey_table(frames, [kilns], surveys=surveys, seed=base, error=error)
    return SurveyRun(kilns=kilns, error=error, table=table, summary=summarise(table),
                     frames=frames, seed=base)


def _base_seed(source: Source, seed: int | None) -> int:
    if seed is not None:
        return int(seed)
    if isinstance(source, (Scenario, str, Path)):
        return int(_load(source).spec.seed)
    return 0


def precision_curve(scenario: Source, kiln_counts: Sequence[int] = DEFAULT_KILN_COUNTS, *,
                    replicates: int = 5, surveys: int = 100, seed: int | None = None,
                    households: int | None = None, months: int | None = None,
                    month: int | None = None, district: str | None = None,
                    error: MeasurementError | None = None) -> pd.DataFrame:
    """Half-width, coverage, bias and RMSE per outcome and sample size: the summary of
    ``run_survey`` at each of ``kiln_counts`` (counts above the district's kilns are left
    out), on the same model runs, plus ``design_half_width``, the half-width a perfect survey
    can expect from the population's between-kiln variance (mean over runs)."""
    frames = _frames(scenario, replicates, seed, households, months, month, district)
    counts = sorted({int(n) for n in kiln_counts})
    for n in counts:
        if n < 2:
            raise BondsimError(f"a survey needs at least 2 kilns for a standard error, got {n}")
    big_n = min(f.kilns for f in frames)
    kept = [n for n in counts if n <= big_n]
    if not kept:
        raise BondsimError(f"every kiln count {counts} exceeds the {big_n} kilns of the "
                           f"district")
    table = survey_table(frames, kept, surveys=surveys, seed=_base_seed(scenario, seed),
                         error=error)
    curve = summarise(table)
    curve["design_half_width"] = [
        float(np.mean([design_half_width(f, int(r.kilns), r.outcome) for f in frames]))
        for r in curve.itertuples()]
    return curve.sort_values(["outcome", "kilns"], kind="stable").reset_index(drop=True)


def kilns_for_precision(curve: pd.DataFrame, half_width: float,
                        outcome: str = "bonded_share") -> int | None:
    """The smallest kiln count of ``curve`` whose mean interval half-width is at most
    ``half_width`` for ``outcome``; None if none is. Precision is not accuracy: check the
    curve's bias too, which more kilns do not remove."""
    if not half_width > 0:
        raise BondsimError(f"the target half-width must be positive, got {half_width}")
    if outcome not in OUTCOMES:
        raise BondsimError(f"unknown survey outcome {outcome!r}; expected one of {OUTCOMES}")
    rows = curve[(curve["outcome"] == outcome) & (curve["mean_half_width"] <= half_width)]
    return int(rows["kilns"].min()) if len(rows) else None


# -- outputs ----------------------------------------------------------------------------------
def plot_precision(curve: pd.DataFrame, path: Path, title: str,
                   precision: float | None = None) -> None:
    """Mean half-width (and |bias|) against kilns surveyed, and coverage below, per outcome."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = [o for o in OUTCOMES if (curve["outcome"] == o).any()]
    fig, axes = plt.subplots(2, len(outcomes), figsize=(5.5 * len(outcomes), 7),
                             constrained_layout=True, squeeze=False, sharex=True)
    for j, outcome in enumerate(outcomes):
        c = curve[curve["outcome"] == outcome].sort_values("kilns")
        k = c["kilns"].to_numpy()
        top, bottom = axes[0, j], axes[1, j]
        top.plot(k, c["mean_half_width"], "o-", label="mean half-width (95% interval)")
        top.plot(k, c["design_half_width"], "--", color="0.4",
                 label="expected, perfect survey")
        top.plot(k, c["bias"].abs(), "s:", color="C3", label="|bias|")
        top.plot(k, c["rmse"], "^-", color="C2", alpha=0.6, label="RMSE")
        if precision:
            top.axhline(precision, color="k", lw=1)
            top.annotate(f"target ±{precision:g}", (k[0], precision), va="bottom", fontsize=8)
        top.set_title(outcome.replace("_", " "))
        top.set_ylabel("share")
        top.set_ylim(bottom=0)
        top.grid(alpha=0.3)
        top.legend(fontsize=8)
        bottom.errorbar(k, c["coverage"], yerr=2 * c["coverage_se"], fmt="o-", capsize=3)
        bottom.axhline(LEVEL, color="k", lw=1)
        bottom.set_ylabel("coverage of the 95% interval")
        bottom.set_ylim(max(0.0, min(0.8, float(c["coverage"].min()) - 0.05)), 1.0)
        bottom.set_xlabel("kilns surveyed")
        bottom.set_xscale("log")
        bottom.set_xticks(k, [str(n) for n in k])
        bottom.minorticks_off()
        bottom.grid(alpha=0.3)
    fig.suptitle(title)
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=100))
    plt.close(fig)


def write_survey(out: Path, run: SurveyRun, curve: pd.DataFrame, scenario: Scenario,
                 options: Mapping[str, Any] | None = None,
                 precision: float | None = None) -> None:
    """``survey.csv`` (every survey), ``summary.csv``, ``precision.csv``, ``precision.png``
    and ``manifest.json`` (kind "survey"), each atomically."""
    from ..manifest import core, input_files

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in (("survey.csv", run.table), ("summary.csv", run.summary),
                        ("precision.csv", curve)):
        atomic_write(out / name,
                     lambda tmp, t=table: t.to_csv(tmp, index=False, lineterminator="\n"))
    what = "perfect measurement" if run.error.is_none else "with measurement error"
    plot_precision(curve, out / "precision.png",
                   f"{scenario.spec.name}: survey precision by kilns surveyed ({what}, "
                   f"{len(run.frames)} runs)", precision)
    needed = ({o: kilns_for_precision(curve, precision, o) for o in OUTCOMES}
              if precision else None)
    design = ({o: design_kilns(run.frames, precision, o) for o in OUTCOMES}
              if precision else None)
    fr = run.frames[0]
    write_json(out / "manifest.json", {
        **core("survey", parameters={scenario.spec.name: scenario.params},
               seeds=[f.seed for f in run.frames],
               inputs=input_files(("scenario", scenario.path))),
        "scenario": {"name": scenario.spec.name, "description": scenario.spec.description,
                     "file": str(scenario.path) if scenario.path else None},
        "options": dict(options or {}),
        "kilns": run.kilns,
        "seed": run.seed,
        "survey_month": fr.month,
        "district": fr.district,
        "frame": {"kilns": fr.kilns, "households": fr.households},
        "measurement_error": dataclasses.asdict(run.error),
        "measurement_error_sources": SOURCES,
        "precision_target": precision,
        "kilns_for_precision": needed,
        "kilns_for_precision_perfect_survey": design,
        "interventions": [item.model_dump() for item in scenario.spec.interventions],
        "parameter_overrides": {k: list(v) if isinstance(v, tuple) else v
                                for k, v in scenario.params.overrides().items()},
    })
