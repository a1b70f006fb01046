"""``bondsim effect``: a policy's effect and cost-effectiveness against a baseline scenario.

Each replicate runs the baseline and the scenario with the same seed, the same population and
the same horizon (the scenario's), so that the same families are hit by the same shocks in both
(common random numbers): the difference is the policy's effect, not noise. The metrics, their
units, the cost basis and the counterfactual rule are those of every job, defined in
``paired.py``: bonded household-years and child-years of work averted over the whole run,
bonded households freed and children out of work at the end of the run (over a stated window,
``outcomes.Window``: by default the last 12 months, a whole brick year, so never one month when
the kilns are shut; named for it, ``bonded_households_freed_last_year``), the incremental public
cost and the cost per unit averted. The counterfactual is the baseline scenario file (by default
the shipped ``baseline``), and the manifest says so (``counterfactual``).

The summary gives the mean over replicates with a 95% interval (Student t).

**Where the effect comes from** (``decompose``, on by default). The bonded household-years
averted are split into the channels an intervention acts through
(``bondsim.simulation.channels``: releases, deterrence, credit, cash): each replicate runs the
policy again with one channel switched off, on the same seed, and the years lost are that
channel's part (``paired.channel_contributions``). A channel the policy run never used is not
run again: its part is exactly 0. The remainder (``interaction``) is what no single channel
accounts for, since parts need not add to the whole. The cost is the policy's full public
cost; no cost is split among channels. It costs up to four more policy runs per replicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import deferred
from ..errors import BondsimError
from ..simulation.channels import CHANNELS
from ..simulation.outcomes import LAST_YEAR, Window
from .paired import (  # noqa: F401  (the metrics are defined in paired.py; kept here too)
    METRICS,
    channel_contributions,
    counterfactual,
    interval,
    metric_units,
    paired_metrics,
    replicate_seeds,
    summarise,
    summarise_channels,
)
from .scenario import Scenario, load_scenario

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast


@dataclass
class EffectResult:
    scenario: str
    baseline: str
    by_seed: pd.DataFrame   # one row per replicate: seed and every metric
    summary: pd.DataFrame   # one row per metric: unit, mean, low, high (95%)
    window: Window = LAST_YEAR  # the end of the run the end-of-run metrics cover
    #: one row per channel and the remainder (``paired.summarise_channels``); None when the
    #: effect was not decomposed
    channels: pd.DataFrame | None = None


def paired_effect(scenario: Scenario | str | Path, baseline: Scenario | str | Path, *,
                  replicates: int = 5, seed: int | None = None, households: int | None = None,
                  months: int | None = None, window: Window | None = None,
                  decompose: bool = True) -> EffectResult:
    """Run the scenario and the baseline on ``replicates`` paired seeds and compare them.

    Both use the scenario's population and horizon (unless overridden), so that only the
    policy differs. ``window``: the months the end-of-run metrics average (default the last
    12; ``Window(month=N)`` for one month). ``decompose``: also split the bonded
    household-years averted into channels (module docstring)."""
    from .run import simulate

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if not isinstance(baseline, Scenario):
        baseline = load_scenario(baseline)
    if replicates < 1:
        raise BondsimError(f"replicates must be at least 1, got {replicates}")
    spec = scenario.spec
    households = spec.population.households if households is None else households
    months = spec.horizon if months is None else months
    window = (window or Window()).fit(months)
    pop = spec.population
    same_population = baseline.spec.model_copy(update={"population": pop})
    baseline = Scenario(spec=same_population, params=baseline.params, path=baseline.path)
    rows = []
    channels = tuple(CHANNELS)
    for s in replicate_seeds(spec.seed if seed is None else seed, replicates):
        b = simulate(baseline, seed=s, households=households, months=months)
        r = simulate(scenario, seed=s, households=households, months=months)
        base, policy = b.timeseries(), r.timeseries()
        row = {"seed": s, **paired_metrics(base, policy, households, r.children_5_14, window)}
        if decompose:
            without = {c: simulate(scenario, seed=s, households=households, months=months,
                                   channels_off={c}).timeseries()
                       for c in channels if c in r.channels_asked}
            row.update(channel_contributions(base, policy, without, households, channels))
        rows.append(row)
    by_seed = pd.DataFrame(rows)
    return EffectResult(scenario=spec.name, baseline=baseline.spec.name, by_seed=by_seed,
                        summary=summarise(by_seed, window), window=window,
                        channels=summarise_channels(by_seed, channels) if decompose else None)


def write_effect(out: Path, result: EffectResult, scenario: Scenario, args: object,
                 baseline: Scenario | None = None) -> None:
    """``effect_by_seed.csv``, ``effect_summary.csv`` and ``manifest.json``, atomically.
    ``baseline``: the baseline scenario, for its parameters and file in the manifest (read
    from ``args.baseline`` when not given)."""
    from ..io import atomic_write, write_json
    from ..manifest import core, input_files

    if baseline is None:
        baseline = load_scenario(args.baseline)  # type: ignore[attr-defined]
    base_key = result.baseline if result.baseline != result.scenario else \
        f"{result.baseline} (baseline)"
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "effect_by_seed.csv",
                 lambda tmp: result.by_seed.to_csv(tmp, index=False, lineterminator="\n"))
    atomic_write(out / "effect_summary.csv",
                 lambda tmp: result.summary.to_csv(tmp, index=False, lineterminator="\n"))
    if result.channels is not None:
        atomic_write(out / "effect_channels.csv",
                     lambda tmp: result.channels.to_csv(tmp, index=False, lineterminator="\n"))
    write_json(out / "manifest.json", {
        **core("effect", parameters={result.scenario: scenario.params,
                                     base_key: baseline.params},
               seeds=result.by_seed["seed"].tolist(),
               inputs=input_files(("scenario", scenario.path), ("baseline", baseline.path))),
        "scenario": result.scenario,
        "scenario_file": str(scenario.path) if scenario.path else None,
        "baseline": result.baseline,
        "counterfactual": counterfactual("effect", result.baseline),
        "window": result.window.to_dict(),
        "channels": channels_manifest(result),
        "options": {k: v for k, v in vars(args).items() if k != "command"},
        "interventions": [item.model_dump() for item in scenario.spec.interventions],
    })


def channels_manifest(result: EffectResult) -> dict[str, object] | None:
    """The decomposition for the manifest: what it splits, how, each channel's share and the
    cost basis (the policy's full cost); None when the effect was not decomposed."""
    if result.channels is None:
        return None
    return {
        "metric": "bonded_household_years_averted",
        "method": "the policy run less the same policy with one channel switched off, on the "
                  "same seeds; a channel the policy never used contributes 0 without a run; "
                  "the remainder (interaction) is the effect less the channels' sum",
        "cost": "the policy's full public cost; no cost is split among channels",
        "shares": {row["channel"]: _finite(row["share"])
                   for row in result.channels.to_dict("records")},
    }


def _finite(x: float) -> float | None:
    return float(x) if x == x and abs(x) != float("inf") else None
