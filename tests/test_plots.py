"""The figures of run, batch and compare, read as a policy analyst reads them: human labels and
units, years on the x axis, no offsets, legends clear of the data, the baseline behind each
policy, where the policy starts, every scenario in final_outcomes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bondsim.experiments import batch, compare
from bondsim.experiments.batch import FINAL_OUTCOMES, final_figure, summarise
from bondsim.experiments.compare import policy_start
from bondsim.experiments.run import simulate
from bondsim.experiments.scenario import load_scenario
from bondsim.outputs import plots
from bondsim.outputs.labels import label, unit
from bondsim.outputs.plots import (
    BASELINE_COLOUR,
    PANELS,
    Baseline,
    closed_months,
    trajectories_figure,
)
from bondsim.simulation.outcome_labels import OUTCOME_LABELS
from bondsim.simulation.outcomes import LAST_YEAR, OUTCOMES

MONTHS = 30
SEEDS = (11, 12, 13)


def _runs(scenario: str) -> list[pd.DataFrame]:
    return [simulate(scenario, households=60, months=MONTHS, seed=s).timeseries()
            for s in SEEDS]


@pytest.fixture(scope="module")
def runs() -> dict[str, list[pd.DataFrame]]:
    return {name: _runs(name) for name in ("baseline", "cash_transfer")}


@pytest.fixture(scope="module")
def table(runs) -> pd.DataFrame:
    """A batch's long table: both scenarios, three replicates sharing seeds."""
    frames = []
    for name, frames_of in runs.items():
        for r, (seed, frame) in enumerate(zip(SEEDS, frames_of, strict=True)):
            frames.append(frame.assign(scenario=name, replicate=r, seed=seed))
    return pd.concat(frames, ignore_index=True)


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_title()]


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_every_panel_holds_outcomes_of_one_unit_with_labels():
    for panel in PANELS:
        assert all(c in OUTCOMES and c in OUTCOME_LABELS for c in panel.columns), panel
        assert len({unit(c) for c in panel.columns}) == 1, panel
        assert len(panel.columns) <= len(plots.COLOURS)
    assert "_" not in "".join(p.title for p in PANELS)


def test_a_policy_figure_reads_as_it_should(runs):
    fig = trajectories_figure(runs["cash_transfer"], "Scenario cash_transfer",
                              baseline=Baseline("baseline", runs["baseline"]), start=13)
    fig.canvas.draw()
    axes = _panels(fig)
    assert len(axes) == len(PANELS)  # no empty panels, none missing
    legends = [ax.get_legend() for ax in axes]
    for ax, panel, legend in zip(axes, PANELS, legends, strict=True):
        assert "_" not in ax.get_title()
        assert "_" not in ax.get_ylabel(), ax.get_title()
        assert ax.get_ylabel(), f"{ax.get_title()}: no unit"
        assert "years" in ax.get_xlabel()
        assert ax.yaxis.get_offset_text().get_text() == ""
        ticks = [t for t in ax.get_xticks() if 0 <= t <= MONTHS / 12]
        assert ticks == [0.0, 1.0, 2.0]  # whole years
        # the legend names each outcome as the label table does, below the panel, over no
        # panel's data
        assert [t.get_text() for t in legend.get_texts()] == [label(c) for c in panel.columns]
        box = legend.get_window_extent()
        assert not _overlaps(box, ax.xaxis.label.get_window_extent())
        for other in axes:
            assert not _overlaps(box, other.get_window_extent()), (panel.title,
                                                                    other.get_title())
        lines = [ln for ln in ax.get_lines() if ln.get_label() in
                 {label(c) for c in panel.columns}]
        colours = [tuple(np.round(ln.get_color(), 3)) for ln in lines]
        assert len(set(colours)) == len(colours) == len(panel.columns)
        # the baseline: one grey dashed line per outcome; the start: a vertical line at 13
        grey = [ln for ln in ax.get_lines() if ln.get_color() == BASELINE_COLOUR
                and ln.get_linestyle() == "--"]
        assert len(grey) == len(panel.columns)
        vertical = [ln for ln in ax.get_lines() if len(set(ln.get_xdata())) == 1]
        assert [ln.get_xdata()[0] for ln in vertical] == [pytest.approx(12.5 / 12)]
        assert any("policy starts" in t.get_text()
                   for child in ax.child_axes for t in child.get_xticklabels())
    assert "median and 95% band over 3 runs" in fig.get_suptitle()
    key = [t.get_text() for t in fig.legends[0].get_texts()]
    assert key[0] == "kilns closed"
    assert "baseline" in key[1]
    assert "month 13" in key[2]
    rupees = [ax for ax in axes if ax.get_ylabel().startswith("Rs")]
    assert rupees
    assert "prices" in fig.get_suptitle()
    for ax in rupees:  # thousands or millions: no tick reads in raw rupees
        assert max(abs(t) for t in ax.get_yticks()) < 1e4, ax.get_ylabel()
    plots.plt.close(fig)


def test_a_run_without_a_baseline_draws_no_grey_line(runs):
    fig = trajectories_figure(runs["baseline"][0], "Scenario baseline, seed 11")
    fig.canvas.draw()
    assert "one run" in fig.get_suptitle()
    for ax in _panels(fig):
        assert not [ln for ln in ax.get_lines() if ln.get_color() == BASELINE_COLOUR]
        assert not ax.child_axes  # no policy start marked
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["kilns closed"]
    plots.plt.close(fig)


def test_a_batch_that_kept_few_outcomes_draws_only_their_panels(runs):
    kept = [f[["month", "calendar_month", "production_days", "bonded_share",
               "child_labour_rate"]] for f in runs["baseline"]]
    fig = trajectories_figure(kept, "Scenario baseline")
    titles = [ax.get_title() for ax in _panels(fig)]
    assert titles == ["Bondage (three definitions) and debt", "Children aged 5-14"]
    plots.plt.close(fig)


def _season(start_calendar: int, months: int = 14) -> pd.DataFrame:
    """Months 0..months from a start in ``start_calendar`` (month 1 is the next calendar
    month); kilns closed in July and August; month 0 records no moulding."""
    calendar = [(start_calendar - 1 + m) % 12 + 1 for m in range(months + 1)]
    days = [0.0 if m == 0 or c in (7, 8) else 23.0 for m, c in enumerate(calendar)]
    return pd.DataFrame({"month": range(months + 1), "calendar_month": calendar,
                         "production_days": days})


def test_month_0_is_shaded_when_its_calendar_month_is_closed():
    closed = closed_months(_season(8))  # month 0 in August, a closed month
    assert closed[0]
    assert closed[11]
    assert closed[12]
    assert not closed[1:11].any()
    assert not closed_months(_season(3))[0]  # month 0 in March: open


def test_the_shading_starts_at_month_0(runs):
    fig = trajectories_figure(runs["baseline"], "Scenario baseline")
    ax = _panels(fig)[0]
    first = min(p.get_x() for p in ax.patches)
    assert first == pytest.approx(0.0)
    plots.plt.close(fig)


def test_policy_start_is_the_first_intervention_month():
    assert policy_start(load_scenario("cash_transfer")) == 13
    assert policy_start(load_scenario("punjab_2016_push")) == 5
    assert policy_start(load_scenario("baseline")) is None


def test_a_batch_draws_each_policy_against_the_baseline(table, tmp_path, monkeypatch):
    drawn = {}
    monkeypatch.setattr(compare, "plot_trajectories",
                        lambda runs, path, title, baseline, start:
                        drawn.__setitem__(path.name, (len(runs), baseline, start)))
    only_parameters = table[table["scenario"] == "cash_transfer"].assign(scenario="rate")
    both = pd.concat([table, only_parameters], ignore_index=True)
    compare.plot_runs(tmp_path, both, {"baseline": None, "cash_transfer": 13, "rate": None})
    assert drawn["trajectories-baseline.png"] == (3, None, None)
    n, reference, start = drawn["trajectories-cash_transfer.png"]
    assert (n, reference.name, len(reference.runs), start) == (3, "baseline", 3, 13)
    assert drawn["trajectories-rate.png"][2] == 1  # parameters only: from month 1
    drawn.clear()
    compare.plot_runs(tmp_path, both, {}, baseline="cash_transfer")  # compare --baseline
    assert drawn["trajectories-baseline.png"][1].name == "cash_transfer"
    assert drawn["trajectories-cash_transfer.png"][1:] == (None, None)
    assert drawn["trajectories-rate.png"][2] is None  # its file unknown: no start guessed


def test_final_outcomes_are_paired_differences_in_percentage_points(table):
    fig = final_figure(table, summarise(table, LAST_YEAR), LAST_YEAR)
    fig.canvas.draw()
    title = fig.get_suptitle().replace("\n", " ")
    assert "Difference from baseline" in title
    assert "paired" in title
    assert "last 12 months (a whole brick year" in title
    axes = _panels(fig)
    assert [ax.get_title().replace("\n", " ") for ax in axes] == [label(n)
                                                                  for n in FINAL_OUTCOMES]
    pairs = compare.compare_table(table, "baseline", LAST_YEAR)
    for ax, name in zip(axes, FINAL_OUTCOMES, strict=True):
        assert "percentage points" in ax.get_xlabel()
        assert "_" not in ax.get_xlabel()
        assert [t.get_text() for t in ax.get_yticklabels()] == ["cash_transfer"]
        assert any(ln.get_xdata()[0] == 0 for ln in ax.get_lines()
                   if len(set(ln.get_xdata())) == 1)  # the zero line
        # the point drawn is compare's paired mean difference, in percentage points
        row = pairs[pairs["measure"] == f"{name}_change_last_year"].iloc[0]
        drawn = ax.get_lines()[0].get_xdata()[0]
        assert drawn == pytest.approx(100 * row["mean"])
    plots.plt.close(fig)


def test_interval_figures_keep_long_scenario_names_and_every_label_on_the_picture():
    """The shipped batch's names down each panel's side: the last column stayed on the
    picture only with room for them (its axis label and ticks were cut off at 15 inches)."""
    from figure_checks import visible_texts

    from bondsim.outputs.plot_kit import text_box

    names = ["release_without_rehabilitation", "release_with_rehabilitation",
             "cash_transfer", "school_stipend", "interest_free_loans", "combined_package"]
    rows = pd.DataFrame({"scenario": names, "mean": -0.1, "low": -0.25, "high": 0.05})
    fig = plots.intervals_figure([(f"{name}_last_year", rows) for name in FINAL_OUTCOMES],
                                 "Difference from baseline", "mean", baseline="baseline")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox.padded(1.0)
    texts = visible_texts(fig)
    assert {t.get_text() for t in texts} >= set(names)
    cut = [t.get_text() for t in texts if not (page.contains(*text_box(t, renderer).p0)
                                               and page.contains(*text_box(t, renderer).p1))]
    assert not cut, f"texts cut off at the figure's edge: {cut}"
    plots.plt.close(fig)


def test_final_outcomes_without_a_baseline_say_they_show_levels(table):
    renamed = table.assign(scenario=table["scenario"].map({"baseline": "status_quo",
                                                           "cash_transfer": "cash"}))
    fig = final_figure(renamed, summarise(renamed, LAST_YEAR), LAST_YEAR)
    fig.canvas.draw()
    assert "No baseline scenario" in fig.get_suptitle()
    for ax in _panels(fig):
        assert ax.get_xlabel().startswith("% of")
        assert {t.get_text() for t in ax.get_yticklabels()} == {"status_quo", "cash"}
    plots.plt.close(fig)


def test_batch_writes_its_figures(table, tmp_path):
    batch.plot_final(tmp_path, table, summarise(table, LAST_YEAR), LAST_YEAR)
    assert (tmp_path / "final_outcomes.png").read_bytes()[:4] == b"\x89PNG"
