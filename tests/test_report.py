"""bondsim report: one self-contained HTML page per output folder, for every kind of output."""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import shutil

import pandas as pd
import pytest

from bondsim import PARAM_INFO
from bondsim.errors import BondsimError
from bondsim.experiments.batch import run_batch
from bondsim.experiments.compare import compare_dir
from bondsim.experiments.effect import paired_effect, write_effect
from bondsim.experiments.plan import run_plan
from bondsim.experiments.run import run_scenario
from bondsim.experiments.scenario import load_scenario
from bondsim.experiments.sweep import run_sweep
from bondsim.outputs.report import FALLBACK_CAVEATS, MAX_ROWS, markdown_html, write_report
from bondsim.outputs.shown import header
from conftest import DISTRICTS

BASELINE = """name = "baseline"
description = "Nothing done."
horizon = 12
seed = 5
[population]
households = 200
"""

TRANSFER = """name = "transfer"
description = "A <cash> transfer & more, from month 3."
horizon = 12
seed = 5
[population]
households = 200
[parameters]
markup_annual = 0.5
[[interventions]]
type = "cash_transfer"
label = "transfer"
start = 3
coverage = 0.8
"""


PLAN = """name = "tiny_plan"
description = "Two districts, one strategy, a small search."
districts_file = "districts.toml"
horizon = 12
budget = 1_000_000
replicates = 2
seed = 4

[[strategies]]
name = "enforce"
  [[strategies.allocations]]
  type = "inspections"
  budget = 200_000
  inspections_per_district = 2

[search]
interventions = ["inspections", "cash_transfer"]
draws = 2
replicates = 1
generations = 1
population = 1
budgets = [100_000, 400_000]
seed = 3

[[search.uncertain]]
name = "prison_cost_months"
low = 1.0
high = 10.0
"""

SWEEP = """name = "tiny_sweep"
description = "Two factors, screened."
scenario = "transfer.toml"
method = "morris"
samples = 2
replicates = 1
seed = 3
households = 200
months = 12
outcomes = ["bonded_share"]

[[factors]]
name = "markup_annual"
low = 0.0
high = 1.0

[[factors]]
name = "transfer.coverage"
low = 0.0
high = 1.0
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inputs")
    (tmp / "baseline.toml").write_text(BASELINE)
    (tmp / "transfer.toml").write_text(TRANSFER)
    (tmp / "districts.toml").write_text(DISTRICTS)
    (tmp / "plan.toml").write_text(PLAN)
    (tmp / "sweep.toml").write_text(SWEEP)
    (tmp / "experiment.toml").write_text(
        'name = "tiny_batch"\ndescription = "Baseline and a transfer."\n'
        'scenarios = ["baseline.toml", "transfer.toml"]\nreplicates = 2\nseed = 1\n'
        "households = 200\nmonths = 12\n")
    return tmp


@pytest.fixture(scope="module")
def run_dir(files):
    return run_scenario(files / "transfer.toml", households=200, months=12,
                        out=files / "out-run").out


@pytest.fixture(scope="module")
def effect_dir(files):
    scenario = load_scenario(files / "transfer.toml")
    result = paired_effect(scenario, files / "baseline.toml", replicates=2, households=200,
                           months=12)
    args = argparse.Namespace(command="effect", scenario=str(files / "transfer.toml"),
                              baseline=str(files / "baseline.toml"), replicates=2, seed=None,
                              households=200, months=12, out=None)
    write_effect(files / "out-effect", result, scenario, args)
    return files / "out-effect"


@pytest.fixture(scope="module")
def batch_dir(files):
    out = files / "out-batch"
    run_batch(files / "experiment.toml", out=out, workers=1)
    compare_dir(out)
    return out


@pytest.fixture(scope="module")
def sweep_dir(files):
    return run_sweep(files / "sweep.toml", out=files / "out-sweep", workers=1).out


@pytest.fixture(scope="module")
def plan_dir(files):
    return run_plan(files / "plan.toml", out=files / "out-plan", workers=1).out


@pytest.fixture(scope="module")
def calibration_dir(files, run_dir):
    """A calibration folder made by hand, shaped like ``bondsim.experiments.calibration``'s: a
    (long) fit table, a targets table with markup in a cell, the posterior, the fit plot and one
    plot the report does not know."""
    out = files / "out-calibration"
    out.mkdir()
    pd.DataFrame({"target": [f"t{i}" for i in range(120)], "value": 0.5, "tolerance": 0.1,
                  "simulated": [0.4 + i / 1000 for i in range(120)], "low": 0.3, "high": 0.6,
                  "within": True}).to_csv(out / "fit.csv", index=False)
    pd.DataFrame({"target": ["bonded_share", "<script>alert(1)</script>"],
                  "value": [0.6, 0.9], "tolerance": [0.1, 0.05],
                  "source": ["domain.md 1.5", "https://example.org/survey"]}).to_csv(
        out / "targets.csv", index=False)
    pd.DataFrame({"parameter": ["markup_annual"], "fitted": [0.42], "best": [0.4],
                  "p05": [0.2], "p95": [0.7], "prior_low": [0.0], "prior_high": [1.0]}).to_csv(
        out / "posterior.csv", index=False)
    shutil.copy(run_dir / "trajectories.png", out / "fit.png")
    shutil.copy(run_dir / "trajectories.png", out / "aaa_extra.png")
    (out / "manifest.json").write_text(json.dumps({
        "kind": "calibration",
        "calibration": {"name": "punjab_fit", "description": "Fit to the Punjab figures.",
                        "samples": 40, "parameters": [{"name": "markup_annual", "low": 0.0,
                                                       "high": 1.0}],
                        "targets": [{"outcome": "bonded_share", "value": 0.6}]},
        "accepted": 10, "draws": 40, "met_every_tolerance": False,
        "fitted": {"markup_annual": 0.42},
        "seeds": [1, 2, 3],
        "git": {"commit": "0123456789abcdef", "dirty": True},
        "packages": {"python": "3.11", "bondsim": "0.1.0"},
    }))
    return out


EXPECTED = {
    "run": ["Main outcomes", "<th>outcome</th>", "<th class=\"num\">month 0</th>",
            "<th class=\"num\">mean, months 1-12</th>", "mean over the last 12 months",
            "median debt of indebted households (Rs)", "Three definitions of bondage"],
    "effect": ["Effect and cost-effectiveness", "<th>metric</th>", "<th>unit</th>",
               "95% interval", "Rs per bonded household-year averted", "Each replicate",
               "Three definitions of bondage"],
    "batch": ["Outcomes at the end of the runs", "<th>scenario</th>", "<th>outcome</th>",
              "95% of replicates", "Against the baseline", "<th>measure</th>",
              "bonded (legal definition), last 12 months (% of households)",
              "public cost (Rs)",
              "change in bonded (legal definition), last 12 months (percentage points)",
              "Three definitions of bondage"],
    "sweep": ["Ranking", "<h4>bonded (legal definition)</h4>", "<th class=\"num\">rank</th>",
              "<th>factor</th>", "<th>range</th>", "μ* (percentage points) ± 95%",
              "Replicate noise", "noise share", "noise in means"],
    "plan": ["Each strategy in total", "<th>strategy</th>", "<th>metric</th>",
             "District by district", "<th>district</th>",
             "bonded households freed last year",
             "Allocations and spending", "spent mean", "The allocation search at each budget",
             "spent expected", "The searched allocations", "District figures"],
    "calibration": ["Fitted parameters", "<th class=\"num\">fitted</th>", "<h3>Fit</h3>",
                    "<th class=\"num\">simulated</th>", "95% range", "<h3>Targets</h3>",
                    "<th>target</th>", "<th class=\"num\">tolerance</th>"],
}
SECTIONS = ["Findings", "What was run", "Results", "Plots", "What the model leaves out",
            "Parameters and their sources", "Appendix: versions and provenance"]


def _outside_references(page: str) -> list[str]:
    """Every src, href or CSS url() that points anywhere but into the page itself."""
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, flags=re.I)
    refs += re.findall(r"url\(\s*['\"]?([^'\")]*)", page, flags=re.I)
    return [r for r in refs if not (r.startswith("data:image/png;base64,") or
                                    r.startswith("#"))]


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_report_of_each_kind_is_one_self_contained_page(kind, request):
    folder = request.getfixturevalue(f"{kind}_dir")
    path = write_report(folder)
    assert path == folder / "report.html"
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert f"<title>bondsim {kind}: " in page
    for text in EXPECTED[kind]:
        assert text in page, text
    # every plot of the folder is embedded, as itself
    pngs = sorted(folder.glob("*.png"))
    assert pngs or kind == "effect"
    assert page.count('<img src="data:image/png;base64,') == len(pngs)
    for png in pngs:
        assert base64.b64encode(png.read_bytes()).decode("ascii") in page, png.name
    # nothing is fetched from anywhere: no links, scripts, style sheets or fonts outside
    assert _outside_references(page) == []
    for tag in ("<script", "<link", "@import", "<iframe"):
        assert tag not in page.lower(), tag
    # the sections, in order; no Plots section without plots
    assert (">Plots</h2>" in page) == bool(pngs)
    heads = [page.index(f">{head}</h2>") for head in SECTIONS if f">{head}</h2>" in page]
    assert len(heads) == len(SECTIONS) - (not pngs)
    assert heads == sorted(heads)
    # the caveats come from the ODD, the parameters are all there, assumptions marked
    assert "<li><strong>Demography (rule 10).</strong>" in page
    for name in PARAM_INFO:
        assert f"<code>{name}</code>" in page, name
    assert '<tr class="assumption">' in page
    assert "commit <code>" in page
    assert not list(folder.glob(".report.html.*"))  # written atomically, nothing left over


def test_run_report_says_what_was_run_with_readable_numbers(run_dir):
    page = write_report(run_dir).read_text(encoding="utf-8")
    assert "One run of the scenario <strong>transfer</strong>" in page
    assert "(A &lt;cash&gt; transfer &amp; more, from month 3)" in page  # escaped
    assert "200 households" in page
    assert "12 months" in page
    assert "<code>cash_transfer</code> (transfer) [from month 3]" in page
    assert "Values as resolved for the run" in page
    assert "0.5 (default 0.3)" in page  # the override, against the default
    table = page[page.index("Main outcomes"):page.index('id="plots"')]
    assert re.search(r'<td class="num">\d{2,3},\d{3}</td>', table)  # rupees: 97,857
    assert re.search(r'<td class="num">\d{1,2}\.\d</td>', table)     # shares: 24.0 (%)
    assert not re.search(r'<td class="num">0\.\d{3}</td>', table)    # never 0.240


def test_batch_report_orders_plots_and_keeps_the_main_outcomes(batch_dir):
    page = write_report(batch_dir).read_text(encoding="utf-8")
    order = [page.index(f"({name})</span>") for name in
             ("final_outcomes.png", "compare.png", "trajectories-baseline.png",
              "trajectories-transfer.png")]
    assert order == sorted(order)
    results = page[page.index('id="results"'):page.index('id="plots"')]
    assert "bonded (legal definition), last 12 months" in results  # by its label
    assert "released_bonded_share" not in results  # nor by its name, where it has a dash
    assert "production_days" not in results
    assert "calendar_month" not in results  # not an outcome
    assert "Every other outcome (" in results  # nothing cut: the rest follow the main ones
    assert "First " not in results
    assert "2 scenarios (baseline and transfer) x 2 replicates = 4 runs" in page
    manifest = json.loads((batch_dir / "manifest.json").read_text())
    assert f"Created {manifest['created']}" in page  # every manifest has its date now
    seeds = ", ".join(f"<code>{s}</code>" for s in manifest["seeds"])
    base = manifest["experiment"]["seed"]
    assert f"Replicate seeds (replicate 0 first, derived from the experiment's seed {base}): " \
        in page
    assert seeds in page  # the batch report shows the seeds


def test_sweep_and_plan_reports_show_what_was_varied(sweep_dir, plan_dir):
    sweep = write_report(sweep_dir).read_text(encoding="utf-8")
    assert "Morris elementary effects" in sweep
    assert "varied: 0 to 1" in sweep  # markup_annual, a parameter factor
    assert "transfer.coverage" in sweep
    plan = write_report(plan_dir).read_text(encoding="utf-8")
    assert "North 0.9; South 0.8 (default 0.9)" in plan  # initial_indebted_share by district
    assert "South 0.4 (default 0.3)" in plan             # a district's own parameter
    assert "a survey: test" in plan
    assert "budget Rs 1,000,000 (over budget" in plan  # in 2020 rupees: said once
    # each district's local terms, with units and basis; the test profiles give none, so the
    # model's defaults, two of them assumptions, which the caution line names
    terms = plan[plan.index("District terms"):plan.index("Each strategy in total")]
    assert "<td>Rs per 1,000 bricks</td>" in terms
    assert "<td>share of households</td>" in terms
    assert "model default, sourced" in terms
    assert "model default, assumption" in terms
    assert plan.count("Caution: local terms assumed, not measured: "
                      "need per person and outside option share in North and South.") == 2


def test_calibration_report_cuts_long_tables_escapes_cells_and_puts_unknown_plots_last(
        calibration_dir, tmp_path):
    (calibration_dir / "report.html").unlink(missing_ok=True)
    out = write_report(calibration_dir, out=tmp_path / "elsewhere" / "cal.html")
    assert out == tmp_path / "elsewhere" / "cal.html"
    assert not (calibration_dir / "report.html").exists()
    page = out.read_text(encoding="utf-8")
    assert f"First {MAX_ROWS} of 120 rows; all of them are in <code>fit.csv</code>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page
    assert "https://example.org/survey" in page  # as text, from a source column ...
    assert _outside_references(page) == []      # ... never as a link
    assert page.index("(fit.png)") < page.index("(aaa_extra.png)")
    assert "a plot the report does not describe" in page
    assert "with uncommitted changes" in page
    assert "3 seeds" in page
    assert "fitted 0.42 (default 0.3)" in page
    assert "10 of 40 draws accepted" in page
    assert "Not enough draws met every target" in page


def test_folders_that_are_not_outputs_are_refused(tmp_path):
    with pytest.raises(BondsimError, match=r"no manifest\.json"):
        write_report(tmp_path)
    with pytest.raises(BondsimError, match="not a folder"):
        write_report(tmp_path / "missing")
    (tmp_path / "manifest.json").write_text('{"kind": "picnic"}')
    with pytest.raises(BondsimError, match=r"field 'kind': value 'picnic'.*expected one of"):
        write_report(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(BondsimError, match="not valid JSON"):
        write_report(tmp_path)
    assert not (tmp_path / "report.html").exists()


def test_caveats_fall_back_when_the_odd_is_not_installed(effect_dir, tmp_path, monkeypatch):
    import bondsim.outputs.report

    monkeypatch.setattr(bondsim.outputs.report, "odd_file", lambda: tmp_path / "no" / "ODD.md")
    page = write_report(effect_dir, out=tmp_path / "r.html").read_text(encoding="utf-8")
    assert FALLBACK_CAVEATS in page
    assert "Demography (rule 10)" not in page


def test_minimal_markdown():
    text = ("Intro with `code <x>` and a [link](https://example.org).\n\n"
            "- **Bold.** First item,\n  continued with *emphasis*.\n- Second `item`.\n\n"
            "After the list.")
    assert markdown_html(text) == (
        "<p>Intro with <code>code &lt;x&gt;</code> and a link.</p>"
        "<ul><li><strong>Bold.</strong> First item, continued with <em>emphasis</em>.</li>"
        "<li>Second <code>item</code>.</li></ul><p>After the list.</p>")


@pytest.mark.slow
def test_discovery_report(tmp_path):
    """A discovery folder's report has the summary sentences, both tables and every plot."""
    from test_discover import _file

    from bondsim.experiments.discover import run_discovery
    from bondsim.outputs.report import write_report

    out = tmp_path / "d"
    run_discovery(_file(tmp_path), out=out)
    page = write_report(out).read_text()
    findings = page[page.index('id="findings"'):page.index('id="summary"')]
    assert page.index('id="findings"') < page.index("<table")
    assert re.search(r"satisfies the criterion in \d+\.\d% of futures", findings)
    assert "Where each policy fails" in page
    assert "Robustness" in page
    assert "PRIM boxes" in page
    assert page.count("data:image/png;base64,") == len(list(out.glob("*.png")))


# -- a comparison is never cut ----------------------------------------------------------------

POLICIES = [f"policy_{name}_{k}" for k, name in enumerate(
    ("release_with_rehabilitation", "school_stipend", "cash_transfer", "interest_free_loans",
     "vigilance_committees", "minimum_piece_rate", "combined_package", "awareness",
     "employer_code", "advance_cap", "inspections_only", "release_without_rehabilitation"))]


@pytest.fixture(scope="module")
def wide_batch_dir(tmp_path_factory):
    """A batch folder of 12 policies and every outcome (no runs: written tables), 720 rows of
    comparison, with the best two policies last, where a cut at 50 rows used to hide them."""
    from bondsim.experiments.effect import metric_units
    from bondsim.simulation.outcomes import OUTCOMES, RUPEES, is_outcome

    out = tmp_path_factory.mktemp("wide")
    outcomes = [name for name in OUTCOMES if is_outcome(name)]
    summary, compare = [], []
    for k, scenario in enumerate(["baseline", *POLICIES]):
        for name in outcomes:
            big = 1e7 if name in RUPEES else 0.5
            summary.append({"scenario": scenario, "outcome": f"{name}_last_year",
                            "mean": big * (1 - k / 20), "median": big, "low": -big * 1.2345,
                            "high": big * 1.2345, "replicates": 10, "note": ""})
            if scenario != "baseline":
                compare.append({"scenario": scenario, "measure": f"{name}_change_last_year",
                                "unit": "(scenario - baseline)", "mean": -big * k / 20,
                                "low": -big * 1.2345, "high": big * 0.987, "replicates": 10})
        if scenario != "baseline":
            compare += [{"scenario": scenario, "measure": name, "unit": unit,
                         "mean": -123_456_789.0 if unit == "Rs" else 1234.5, "low": -2e9,
                         "high": 1.5e9, "replicates": 10}
                        for name, unit in metric_units().items()
                        if name != "bonded_share_change_last_year"]
    pd.DataFrame(summary).to_csv(out / "summary.csv", index=False)
    pd.DataFrame(compare).to_csv(out / "compare.csv", index=False)
    (out / "manifest.json").write_text(json.dumps({
        "kind": "batch", "experiment": {"name": "wide", "replicates": 10},
        "runs": 130, "window": {"months": 12, "month": None, "name": "last_year"}}))
    assert len(compare) > 50
    return out


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, flags=re.S)


def test_a_batch_report_shows_every_scenario_and_every_outcome(wide_batch_dir):
    page = write_report(wide_batch_dir).read_text(encoding="utf-8")
    results = page[page.index('id="results"'):page.index('id="caveats"')]
    assert "First " not in results
    assert "mean over the last 12 months" in results
    summary_part = results[:results.index("Against the baseline")]
    compare_part = results[results.index("Against the baseline"):]
    compare = pd.read_csv(wide_batch_dir / "compare.csv")
    for part, csv in ((summary_part, "summary.csv"), (compare_part, "compare.csv")):
        tables = _tables(part)
        # the wide tables with a scenario a row hold every scenario, the two best included
        by_scenario = [t for t in tables if "<th>scenario</th>" in t]
        assert by_scenario
        for table in by_scenario:
            for scenario in POLICIES:
                assert f"{scenario.replace('_', '_<wbr>')}</td>" in table, (csv, scenario)
        # and every outcome or measure is somewhere, in a row or a column
        names = (pd.read_csv(wide_batch_dir / csv)["outcome"] if csv == "summary.csv"
                 else compare["measure"])
        for name in set(names):  # by its label and unit
            assert html.escape(header(name)) in part, name
    assert "production_days" not in results


@pytest.mark.slow
def test_wide_tables_fit_a_1280_pixel_screen(wide_batch_dir):
    """In a browser 1280 pixels wide, no table of the batch report is wider than the page."""
    from test_app import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install "
                    f"chromium) to measure the report in a browser")
    from playwright.sync_api import sync_playwright

    page_file = write_report(wide_batch_dir)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(page_file.as_uri())
            widths = page.evaluate("""() => [...document.querySelectorAll('#results div.table')]
                .map(d => [d.clientWidth, d.querySelector('table').scrollWidth])""")
            overflow = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert len(widths) >= 6
    assert all(table <= box for box, table in widths), widths
    assert overflow <= 1280


# -- the findings block -----------------------------------------------------------------------

INTERVAL = re.compile(r"\(95 % interval −?[\d.,]+ to −?[\d.,]+\)")
#: per kind: what the findings name (the compared scenarios or strategies), and whether the run
#: has an interval to show
FINDINGS = {
    "run": (["<strong>transfer</strong>"], False),
    "effect": (["<strong>transfer</strong>", "<strong>baseline</strong>"], True),
    "batch": (["<strong>transfer</strong>", "<strong>baseline</strong>"], True),
    "sweep": (["markup_annual", "transfer.coverage"], False),
    "plan": (["<strong>enforce</strong>", "<strong>optimised</strong>"], True),
    "calibration": (["markup_annual"], False),
}


def _findings(page: str) -> str:
    return page[page.index('id="findings"'):page.index('id="summary"')]


@pytest.mark.parametrize("kind", list(FINDINGS))
def test_every_report_opens_with_findings_from_its_results(kind, request):
    page = write_report(request.getfixturevalue(f"{kind}_dir")).read_text(encoding="utf-8")
    assert page.index('<section id="findings"><h2>Findings</h2>') < page.index("<table")
    findings = _findings(page)
    names, has_interval = FINDINGS[kind]
    for name in names:
        assert name in findings, name
    assert bool(INTERVAL.search(findings)) == has_interval
    assert "Caveats for this run" in findings
    # versions and the manifest's details are in the appendix, after everything else
    assert page.index('id="appendix"') > page.index('id="parameters"')
    if "packages" in json.loads((request.getfixturevalue(f"{kind}_dir") / "manifest.json")
                                .read_text()):
        assert page.index("Package versions") > page.index('id="appendix"')


def test_the_findings_say_what_was_compared_and_how_sure(batch_dir, effect_dir, plan_dir):
    batch = _findings(write_report(batch_dir).read_text(encoding="utf-8"))
    compare = pd.read_csv(batch_dir / "compare.csv")
    bonded = compare[compare["measure"] == "bonded_share_change_last_year"].iloc[0]
    points = f"{abs(bonded['mean']) * 100:.1f} percentage points"
    verb = "cut" if bonded["mean"] < 0 else "raised"
    assert (f"<strong>transfer</strong> {verb} the share of households bonded (legal "
            f"definition) by {points} (95 % interval ") in batch
    assert "over the last 12 months" in batch
    assert "Only 2 replicates" in batch                       # few replicates
    assert '<a href="#definitions">Three definitions of bondage</a>' in batch
    assert "Cost per bonded household-year averted: <strong>transfer</strong> Rs " in batch
    effect = _findings(write_report(effect_dir).read_text(encoding="utf-8"))
    summary = pd.read_csv(effect_dir / "effect_summary.csv").set_index("metric")
    low, high = summary.loc["bonded_household_years_averted", ["low", "high"]]
    assert ("the interval includes zero" in effect) == (low <= 0 <= high)
    plan = _findings(write_report(plan_dir).read_text(encoding="utf-8"))
    assert "14 of the 15 district figures are assumptions" in plan
    assert "Cheapest per bonded household-year averted first: " in plan


def test_a_deterrence_dominated_effect_is_flagged_in_the_findings(effect_dir, tmp_path):
    folder = tmp_path / "deterred"
    shutil.copytree(effect_dir, folder)
    channels = pd.read_csv(folder / "effect_channels.csv")
    channels["share"] = [0.8 if c == "deterrence" else 0.05 for c in channels["channel"]]
    channels.to_csv(folder / "effect_channels.csv", index=False)
    findings = _findings(write_report(folder).read_text(encoding="utf-8"))
    assert "80% of this effect is deterrence" in findings
    assert "prison_cost_months" in findings
    plain = _findings(write_report(effect_dir).read_text(encoding="utf-8"))
    assert "of this effect is deterrence" not in plain


@pytest.mark.parametrize("kind", list(FINDINGS))
def test_no_header_is_a_column_name_where_a_label_exists(kind, request):
    from bondsim.outputs.shown import known

    page = write_report(request.getfixturevalue(f"{kind}_dir")).read_text(encoding="utf-8")
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", page)]
    heads += [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[34][^>]*>(.*?)</h[34]>", page)]
    assert heads
    named = [w for h in heads for w in re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", h)]
    assert [w for w in named if known(w)] == []
    # and no share is shown to three decimals in a results table
    results = page[page.index('id="results"'):page.index('id="caveats"')]
    assert "67.667" not in results
