"""The analysis pictures (sweep, calibration, discovery, plan) built from small synthetic
tables and measured as a reader would see them (``figure_checks``): the shapes are those the
jobs write, with the names of the shipped experiments, so the long labels are the real ones."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from figure_checks import check_figure, visible_texts

from bondsim.experiments.boxes import Box
from bondsim.outputs import calibration_plots as cp
from bondsim.outputs import discover_plots as dp
from bondsim.outputs import plan_plots as pl
from bondsim.outputs import sensitivity_plots as sp
from bondsim.outputs.plot_kit import place_labels, text_box

FACTORS = ["prison_cost_months", "prior_conviction", "belief_memory", "markup_annual",
           "book_inflation_mean", "illness_rate", "illness_cost_median",
           "advance_limit_months", "transfer_rate", "paid_ratio_low", "surplus_spend_share",
           "inspections.inspections_per_kiln_year", "inspections.follow_through",
           "rehabilitation.coverage", "rehabilitation.outside_income", "cash_transfer.coverage"]
OUTCOMES = ["bonded_share", "child_labour_rate", "bonded_household_years_averted",
            "child_work_years_averted", "public_cost"]
SCALE = {"bonded_share": 0.05, "child_labour_rate": 0.03, "bonded_household_years_averted": 40,
         "child_work_years_averted": 25, "public_cost": 3e8}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _morris(clustered: bool = True) -> pd.DataFrame:
    """Morris indices with the leaders bunched together (the case that used to overlap)."""
    rng = np.random.default_rng(4)
    rows = []
    for outcome in OUTCOMES:
        s = SCALE[outcome]
        mu = s * (np.r_[np.full(6, 0.9) + rng.normal(0, 0.01, 6), rng.uniform(0, 0.3, 10)]
                  if clustered else rng.uniform(0, 1, 16))
        for factor, m in zip(FACTORS, mu, strict=True):
            rows.append({"outcome": outcome, "factor": factor, "mu_star": m,
                         "mu_star_conf": 0.6 * m + 0.02 * s, "sigma": m * rng.uniform(0.8, 1.2),
                         "mu": m})
    t = pd.DataFrame(rows)
    t["rank"] = t.groupby("outcome")["mu_star"].rank(ascending=False, method="min").astype(int)
    return t


def _sobol() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = []
    for outcome in OUTCOMES[:2]:
        for factor in FACTORS[:8]:
            st = rng.uniform(0, 0.5)
            rows.append({"outcome": outcome, "factor": factor, "ST": st, "ST_conf": 0.1,
                         "S1": st - 0.1, "S1_conf": 0.08})  # some S1 below zero
    t = pd.DataFrame(rows)
    t["rank"] = t.groupby("outcome")["ST"].rank(ascending=False, method="min").astype(int)
    return t


def _pawn() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    rows = [{"outcome": o, "factor": f, "median": m, "minimum": m * 0.5, "maximum": m * 1.6}
            for o in OUTCOMES[:3] for f, m in zip(FACTORS, rng.uniform(0.02, 0.4, 16),
                                                 strict=True)]
    t = pd.DataFrame(rows)
    t["rank"] = t.groupby("outcome")["median"].rank(ascending=False, method="min").astype(int)
    return t


def _indices(method: str) -> pd.DataFrame:
    return {"sobol": _sobol, "morris": _morris, "pawn": _pawn}[method]()


def _convergence(method: str, indices: pd.DataFrame, sizes: list[int]) -> pd.DataFrame:
    frames = []
    for size in sizes:
        frame = indices.copy()
        noise = 1 + 2 / size
        if method == "morris":
            frame["mu_star"] *= noise
            frame["mu_star_conf"] *= 8 / size + 1  # wide bands at small samples
        elif method == "pawn":
            frame["median"] *= noise
        else:
            frame["ST"] = frame["ST"] * noise - 0.05  # the estimator's negatives at small N
            frame["ST_conf"] = 0.4 / np.sqrt(size)
        frame.insert(0, "size", size)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# --- the helpers -----------------------------------------------------------------------------


def test_place_labels_keeps_bunched_labels_apart_and_inside_the_panel():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1])
    x = [0.5 + 0.004 * i for i in range(6)]
    names = [f"a long factor name {i}" for i in range(6)]
    left_off = place_labels(ax, x, x, names)
    placed = [t for t in visible_texts(fig) if t.get_text() in names]
    assert len(placed) + len(left_off) == 6
    assert len(placed) >= 4
    renderer = fig.canvas.get_renderer()
    boxes = [text_box(t, renderer) for t in placed]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    inside = ax.get_window_extent(renderer)
    assert all(inside.x0 <= b.x0 and b.x1 <= inside.x1 for b in boxes)


def test_the_checks_catch_what_they_are_for():
    """The measuring stick can fail: an offset, an underscore, overlapping text, a legend
    over the data, a label off the page and a negative band are each caught."""
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1e8, 1e8 + 5])
    ax.set(xlabel="x (Rs)", ylabel="y (Rs)")
    with pytest.raises(AssertionError, match="offset"):
        check_figure(fig)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set(xlabel="public_cost (Rs)", ylabel="y (Rs)")
    with pytest.raises(AssertionError, match="column names"):
        check_figure(fig)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="a")
    ax.set(xlabel="x (Rs)", ylabel="y (Rs)")
    ax.text(0.5, 0.5, "some words")
    ax.text(0.5, 0.5, "other words")
    with pytest.raises(AssertionError, match="overlap"):
        check_figure(fig)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="a")
    ax.set(xlabel="x (Rs)", ylabel="y (Rs)")
    ax.legend()
    with pytest.raises(AssertionError, match="legend over"):
        check_figure(fig)
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set(xlabel="x (Rs)", ylabel="y (Rs)")
    fig.text(0.98, 0.5, "a label running off the page")
    with pytest.raises(AssertionError, match="cut off"):
        check_figure(fig)
    fig, ax = plt.subplots()
    ax.fill_between([0, 1], [-0.1, 0], [0.2, 0.3])
    ax.set(xlabel="x (Rs)", ylabel="y (Rs)")
    with pytest.raises(AssertionError, match="below zero"):
        check_figure(fig, nonnegative=[ax])


# --- sweeps ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["sobol", "morris", "pawn"])
def test_ranking_names_factors_in_words_with_units_and_no_bar_below_zero(method):
    indices = _indices(method)
    fig = sp.ranking_figure(indices, method)
    check_figure(fig)
    texts = [t.get_text() for t in visible_texts(fig)]
    assert "markup on debt" in texts or "markup annual" in " ".join(texts)
    for ax in fig.axes:
        assert ax.get_xlim()[0] == 0
    if method == "sobol":
        assert sp.CLIPPED in fig.get_suptitle()  # S1 below zero was clipped, and said
    elif method == "morris":
        xlabels = [ax.get_xlabel() for ax in fig.axes]
        assert any("percentage points" in x for x in xlabels)
        assert any("Rs million" in x for x in xlabels)  # public cost, not 1e8
        assert "prices" in fig.get_suptitle()


def test_morris_scatter_names_the_leaders_without_overlap():
    fig = sp.morris_figure(_morris(clustered=True))
    check_figure(fig)
    names = {sp.factor_label(f, with_unit=False) for f in FACTORS}
    named = [t.get_text() for t in visible_texts(fig) if t.get_text() in names]
    assert len(named) >= 3 * len(OUTCOMES)  # bunched leaders still mostly named
    assert len(fig.axes) == len(OUTCOMES)  # the sixth cell of the grid is gone


@pytest.mark.parametrize("method", ["sobol", "morris", "pawn"])
def test_convergence_greys_the_minor_factors_ticks_every_size_and_stays_above_zero(method):
    indices = _morris(clustered=False) if method == "morris" else _indices(method)
    sizes = {"morris": [4, 8, 16, 32], "sobol": [8, 16, 32, 64, 128],
             "pawn": [125, 250, 500, 1000]}[method]
    fig = sp.convergence_figure(_convergence(method, indices, sizes), method)
    check_figure(fig, nonnegative=fig.axes)
    for ax in fig.axes:
        entries = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len(entries) == sp.COLOURED + 1
        assert entries[-1] == "other factors"
        ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert ticks == [f"{s:,}" for s in sizes]
    if method == "sobol":
        assert sp.CLIPPED in fig.get_suptitle()


# --- calibrations ----------------------------------------------------------------------------


def _calibration() -> tuple[pd.DataFrame, pd.DataFrame]:
    """800 draws of four parameters (one log-uniform), 12 accepted near a fitted value."""
    rng = np.random.default_rng(6)
    priors = {"markup_annual": (0.0, 1.0), "prison_cost_months": (3.0, 60.0),
              "need_per_person": (1000.0, 2000.0), "child_work_trigger": (0.0, 0.5)}
    draws = pd.DataFrame({"markup_annual": rng.uniform(0, 1, 800),
                          "prison_cost_months": np.exp(rng.uniform(np.log(3), np.log(60), 800)),
                          "need_per_person": rng.uniform(1000, 2000, 800),
                          "child_work_trigger": rng.uniform(0, 0.5, 800)})
    near = (draws["markup_annual"] - 0.3).abs().nsmallest(12).index
    draws["accepted"] = draws.index.isin(near)
    posterior = pd.DataFrame([
        {"parameter": p, "fitted": float(draws.loc[near, p].median()), "prior_low": lo,
         "prior_high": hi, "default": float(draws[p].median())}
        for p, (lo, hi) in priors.items()])
    return posterior, draws


def _calibration_fit() -> pd.DataFrame:
    return pd.DataFrame({
        "target": ["baseline:indebted_share", "baseline:median_debt_months",
                   "baseline:school_enrolment",
                   "inspections_only:cases_registered_per_inspections"],
        "value": [0.835, 6.0, 0.74, 0.08], "tolerance": [0.135, 1.0, 0.04, 0.03],
        "simulated": [0.80, 6.4, 0.69, 0.07], "low": [0.78, 6.0, 0.66, 0.05],
        "high": [0.82, 6.9, 0.71, 0.09], "within": [True, True, False, True],
        "default_simulated": [0.75, 5.0, 0.70, 0.06]})


def test_posterior_shows_the_few_accepted_draws_at_the_scale_of_the_prior():
    posterior, draws = _calibration()
    fig = cp.posterior_figure(posterior, draws, {"prison_cost_months": "loguniform"})
    check_figure(fig, nonnegative=fig.axes)
    by_title = {ax.get_title().split("\n")[0]: ax for ax in fig.axes}
    markup = by_title["markup on debt"]
    prior, accepted = markup.patches[0], markup.patches[1:]
    heights = [p.get_height() for p in accepted]
    assert max(heights) > 20  # 12 accepted draws in few bins: tall, not a sliver under 800
    assert not prior.get_fill()  # the prior an outline, the accepted draws filled
    assert by_title["prison term's cost to an owner"].get_xscale() == "log"
    assert by_title["markup on debt"].get_xscale() == "linear"
    assert "(Rs (2020 prices)/month/person)" in by_title["need per person"].get_xlabel()
    trigger = by_title["unmet need that puts a child to work"]
    assert "(% of the month's need)" in trigger.get_xlabel()


def test_fit_names_targets_in_words_and_keeps_its_legend_off_the_targets():
    fit = _calibration_fit()
    fig = cp.fit_figure(fit)
    check_figure(fig)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks[0].startswith("in debt to an owner or a loan scheme, baseline\nfield 84% ± 14")
    assert "bonded-labour cases registered per" in ticks[-1]


# --- scenario discovery ----------------------------------------------------------------------


def _discovery() -> tuple[Box, pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"prison_cost_months": np.exp(rng.uniform(np.log(3), np.log(60), 200)),
                      "markup_annual": rng.uniform(0, 1, 200),
                      "illness_cost_median": rng.uniform(1e4, 6e4, 200)})
    failed = ((x["prison_cost_months"] < 10) & (x["markup_annual"] > 0.5)).to_numpy()
    limits = pd.DataFrame({"parameter": list(x.columns), "min": [3.0, 0.5, 1e4],
                           "max": [10.0, 1.0, 6e4], "restricted": [True, True, False],
                           "qp": [0.001, 0.01, 1.0]})
    trajectory = pd.DataFrame({"coverage": np.linspace(1, 0.3, 12),
                               "density": np.linspace(0.2, 0.95, 12),
                               "res_dim": np.repeat([0, 1, 2], 4)})
    box = Box(policy="inspections_only", found=True, coverage=0.8, density=0.7, mass=0.1,
              limits=limits, trajectory=trajectory, failures=int(failed.sum()), futures=200,
              informative=True)
    return box, x, failed


def test_discovery_box_puts_a_log_uniform_factor_on_a_log_axis_with_units():
    box, x, failed = _discovery()
    fig = dp.box_figure(box, x, failed, {"prison_cost_months": "loguniform"})
    check_figure(fig)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_yscale() == "linear"
    assert ax.get_xlabel() == "prison term's cost to an owner (months of the kiln's profit)"
    assert ax.get_title().startswith("inspections only: where it fails")


def test_discovery_trajectory_and_robustness_read_in_percent_and_the_outcome_unit():
    box, _, _ = _discovery()
    check_figure(dp.trajectory_figure(box))
    table = pd.DataFrame({"policy": ["combined_package", "cash_transfer", "inspections_only"],
                          "satisficing_share": [0.9, 0.6, 0.2], "regret_mean": [0.0, 0.01, 0.03],
                          "regret_p90": [0.001, 0.02, 0.05]})
    fig = dp.robustness_figure(table, "bonded_share")
    check_figure(fig, nonnegative=[])
    assert "(percentage points)" in fig.axes[1].get_xlabel()
    assert fig.axes[0].get_xlim() == (0, 100)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][-1] == "combined package"


# --- plans -----------------------------------------------------------------------------------

STRATEGIES = {"no_spending": (0.0, 0.0, 0.0), "enforcement": (38e6, 60.0, 10.0),
              "release_rehabilitation": (39e6, 62.0, 12.0), "social_protection": (39.5e6, 58, 30),
              "buyout_loans": (37e6, 61.0, 5.0), "combined_package": (39.8e6, 90.0, 25.0),
              "optimised": (36e6, 95.0, 20.0)}


def _totals() -> pd.DataFrame:
    rows = []
    for name, (cost, bonded, child) in STRATEGIES.items():
        for metric, mean in (("public_cost", cost), ("bonded_household_years_averted", bonded),
                             ("child_work_years_averted", child)):
            rows.append({"strategy": name, "metric": metric, "mean": mean,
                         "low": mean * 0.9 - 1, "high": mean * 1.1 + 1})
    return pd.DataFrame(rows)


def test_pareto_names_bunched_strategies_in_words_without_overlap_in_rs_million():
    fig = pl.pareto_figure(_totals(), 40e6)
    check_figure(fig)
    named = [t.get_text() for t in visible_texts(fig)
             if t.get_text() in {n.replace("_", " ") for n in STRATEGIES}]
    assert len(named) >= 2 * (len(STRATEGIES) - 1)  # at most one left off per panel
    assert all(ax.get_xlabel() == "public cost (Rs million)" for ax in fig.axes)
    assert fig.axes[0].get_ylabel() == ("bonded household-years averted (household-years)")
    assert "2020 prices" in fig.get_suptitle()
    budget = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert budget[0].get_xdata()[0] == pytest.approx(40.0)


def test_allocation_and_budget_curve_name_everything_in_words_with_units():
    table = pd.DataFrame({"strategy": ["social_protection"] * 2 + ["enforcement"] * 2,
                          "district": ["Dera_Bugti", "Quetta"] * 2,
                          "type": ["cash_transfer", "identity_registration", "inspections",
                                   "inspections"],
                          "allocated": [2e6, 1e6, 1.5e6, 1.5e6],
                          "spent_mean": [1.8e6, 0.5e6, 1.4e6, 1.2e6]})
    fig = pl.allocation_figure(table)
    check_figure(fig)
    assert len(fig.axes) == 2
    curve = pd.DataFrame({"budget": [1e7, 2e7, 4e7], "objective": "bonded_household_years_averted",
                          "expected": [20.0, 34.0, 41.0], "worst": [10.0, 20.0, 25.0],
                          "best_draw": [30.0, 50.0, 60.0],
                          "spent_expected": [0.95e7, 1.9e7, 3.1e7]})
    fig = pl.budget_curve_figure(curve)
    check_figure(fig)
    notes = [t.get_text() for t in visible_texts(fig) if t.get_text().startswith("spent")]
    assert notes == ["spent Rs 9.5 million", "spent Rs 19 million", "spent Rs 31 million"]
