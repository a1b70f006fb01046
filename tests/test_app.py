"""The interactive page (bondsim.outputs.app): its runs and chart, and the page itself in a
headless browser.

The browser tests start the documented ``solara run bondsim.outputs.app`` on a free local port
and drive it with Playwright and Debian's chromium (``/usr/bin/chromium``; ``.ci/run`` installs
it), saving a screenshot of each view. Where that browser is missing they are skipped, except in
CI (``BONDSIM_REQUIRE_BROWSER=1``), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium(purpose: str) -> None:
    """Skip a browser test where Debian's chromium is missing, except in CI
    (``BONDSIM_REQUIRE_BROWSER``), where a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    why = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) {purpose}"
    if os.environ.get("BONDSIM_REQUIRE_BROWSER"):
        pytest.fail(why)
    pytest.skip(why)
# this machine's closed network refuses chromium's background connections without these
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
TIMEOUT_MS = 60_000  # every wait in the browser: generous, since CI shares two cores
SERVER_START_S = 120.0
# Mesa 3.3's ComponentsView calls a hook after an early return, which solara's hook checker
# reports as a UserWarning when mesa.visualization is imported; Mesa's own code, not ours
TITLE_TEXT = "bondsim: debt bondage at brick kilns"


# -- the runs the page steps and the chart it draws (no browser) ----------------------------------
def test_page_model_takes_the_levers_and_stops_at_the_horizon():
    from bondsim.outputs.app_runs import (
        DEFAULT_HOUSEHOLDS,
        InteractiveModel,
        Setting,
        scenario_names,
    )

    assert "baseline" in scenario_names()
    model = InteractiveModel(**Setting().keywords())
    assert model.scenario_name == "baseline"
    assert model.hh.n == DEFAULT_HOUSEHOLDS
    assert model.steps == 0  # built, not run

    setting = Setting(scenario="cash_transfer", markup_annual=0.5, advance_limit_months=6.0,
                      prison_cost_months=10.0, cash_transfer_coverage=0.4,
                      inspections_per_kiln_year=1.5)
    model = InteractiveModel(**setting.keywords(), households=300, seed="7")
    assert (model.seed, model.hh.n) == (7, 300)
    assert (model.params.markup_annual, model.params.advance_limit_months,
            model.params.prison_cost_months) == (0.5, 6.0, 10.0)
    assert [i.name for i in model.interventions] == [
        "cash_transfer", "added_cash_transfer", "added_inspections"]
    assert model.interventions[1].spec.coverage == 0.4
    assert model.interventions[2].spec.inspections_per_kiln_year == 1.5
    assert model.interventions[2].spec.inspections_per_district is None  # a rate, not a count
    assert model.policy_starts == (13,)
    bare = InteractiveModel(**setting.keywords(), households=300, seed="7", policy=False)
    assert bare.interventions == []
    assert bare.policy_starts == ()
    assert bare.params.markup_annual == 0.5  # the assumptions stay

    blank = InteractiveModel(seed="", households=200)
    typo = InteractiveModel(seed="12a", households=200)
    assert blank.seed == typo.seed == 20151124  # the file's seed
    assert any("seed" in note for note in typo.notes)

    model.horizon = 3
    while model.running:
        model.step()
    assert model.steps == 3
    ts = model.timeseries()
    assert len(ts) == 4
    assert ts["bonded_share"].between(0, 1).all()


def test_the_reference_is_the_same_run_without_the_policy():
    """The dashed line shares the run's draws: identical until the policy starts in month 13,
    and different after (else the reader would compare noise with noise)."""
    import numpy as np

    from bondsim.outputs.app_runs import COLUMNS, Runs, Setting

    policy = Setting(scenario="cash_transfer", inspections_per_kiln_year=1.5)
    runs = Runs(Setting(), policy, seed=3, households=300)
    assert runs.left.reference["bonded_share"].shape == (121,)  # the whole horizon, up front
    runs.step(24)
    assert runs.month == 24
    assert len(runs.right.trace["bonded_share"]) == 25
    for name in COLUMNS:
        run, ref = runs.right.trace[name], runs.right.reference[name][:25]
        assert np.array_equal(run[:13], ref[:13]), name
    assert any(not np.array_equal(runs.right.trace[n], runs.right.reference[n][:25])
               for n in COLUMNS)
    # the left side has no policy: it is its own reference
    for name in COLUMNS:
        assert np.array_equal(runs.left.trace[name], runs.left.reference[name][:25]), name
    runs.to_end()
    assert runs.month == 120
    assert not runs.running


def test_months_read_as_months_and_years():
    from bondsim.outputs.app_runs import month_words

    assert month_words(0) == "month 0 (the start)"
    assert [month_words(m) for m in (1, 12, 13, 25)] == [
        "month 1 (year 1)", "month 12 (year 1)", "month 13 (year 2)", "month 25 (year 3)"]


def test_chart_axis_closures_and_reference():
    import numpy as np

    from bondsim.outputs.app_chart import chart_figure, closed_spans, render_png, year_ticks
    from bondsim.outputs.app_runs import COLUMNS
    from bondsim.simulation.parameters import Params

    params = Params()  # month 1 is September; kilns closed in July and August
    # month 0 is August: shaded like any closed month
    assert closed_spans(30, params) == [(0, 0), (11, 12), (23, 24)]
    assert year_ticks(36) == ([1, 13, 25], ["1\nyear 1", "13\nyear 2", "25\nyear 3"])
    assert year_ticks(120)[0] == [1, 25, 49, 73, 97]  # every other year on long runs

    run = {name: np.full(11, 0.4) for name in COLUMNS}
    reference = {name: np.full(37, 0.5) for name in COLUMNS}
    fig = chart_figure(run, reference, horizon=36, params=params, policy_starts=(13,))
    for ax in fig.axes:
        assert ax.get_xlim() == (0, 36)
        assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["1\nyear 1", "13\nyear 2"]
        assert ax.get_xlabel() == "month of the run (month 1 is September of year 1)"
        assert ax.get_ylabel() in ("% of households", "% of children")
        solid = [line for line in ax.lines
                 if line.get_linestyle() == "-" and len(line.get_xdata())]
        dashed = [line for line in ax.lines if line.get_linestyle() == "--"
                  and len(line.get_xdata())]
        # shares drawn as percentages: the run to month 10, the reference to the horizon
        assert {tuple(line.get_ydata()[:1]) for line in solid} == {(40.0,)}
        assert {len(line.get_xdata()) for line in dashed} == {37}
        assert ax.get_legend() is None  # no legend inside a panel, over the data
    (legend,) = fig.legends  # one, below the panels
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["bonded (legal definition)", "in debt to an owner or a loan scheme",
                      "children working", "children in school", "dashed: same seed, no policy",
                      "kilns closed", "policy starts"]
    stacked = chart_figure(run, reference, horizon=36, params=params, stacked=True)
    assert [ax.get_xlabel() != "" for ax in stacked.axes] == [False, True]
    assert render_png(run, reference, horizon=36, params=params)[:4] == b"\x89PNG"


def test_slider_captions_carry_value_and_unit():
    from bondsim.outputs.app import SLIDERS

    shown = {s.field: s.caption(v) for s, v in zip(
        SLIDERS, (0.3, 8.0, 24.0, 0.5, 0.7), strict=True)}
    assert shown == {
        "markup_annual": "Markup on debt: 30% per year",
        "advance_limit_months": "Advance limit: 8 months of the adults' expected gross pay",
        "prison_cost_months": "Prison term's cost to an owner: 24 months of the kiln's profit",
        "cash_transfer_coverage": "Cash transfer from month 13: 50% of eligible households",
        "inspections_per_kiln_year": "Inspections from month 13: 0.7 visits/kiln/year"}
    assert SLIDERS[3].caption(0.0) == "Cash transfer from month 13: none"


def test_slider_names_and_units_are_the_declarations_own():
    """Nothing written by hand: each slider reads its parameter's or intervention field's
    label and unit, so a change there reaches the page."""
    from bondsim.interventions.cash_transfer import CashTransferSpec
    from bondsim.interventions.inspections import InspectionsSpec
    from bondsim.outputs.app import SLIDERS
    from bondsim.simulation.parameters import PARAM_INFO

    by_field = {s.field: s for s in SLIDERS}
    info = PARAM_INFO["prison_cost_months"]
    assert by_field["prison_cost_months"].caption(3) == \
        f"{info.label.capitalize()}: 3 {info.unit}"
    coverage = CashTransferSpec.model_fields["coverage"].json_schema_extra
    visits = InspectionsSpec.model_fields["inspections_per_kiln_year"].json_schema_extra
    assert isinstance(coverage, dict)
    assert isinstance(visits, dict)
    assert by_field["cash_transfer_coverage"].caption(0.2).endswith(
        "20% " + str(coverage["unit"]).removeprefix("share "))
    assert by_field["inspections_per_kiln_year"].caption(1.2).endswith(f"1.2 {visits['unit']}")


# -- the page in a browser ----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 4000) -> str:
    return path.read_text(errors="replace")[-n:] if path.exists() else "(no log)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """The documented command, ``solara run bondsim.outputs.app`` with telemetry off, on
    localhost (as documented: by another name solara warns about cookies) and a free port;
    yields its URL and its stdout and stderr files."""
    require_chromium("to run the browser test of the page")
    where = tmp_path_factory.mktemp("app_solara")
    out_log, err_log = where / "stdout.log", where / "stderr.log"
    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", "PYTHONUNBUFFERED": "1"}
    env.pop("PYTHONWARNINGS", None)  # the warnings a reader would see, no more and no fewer
    with out_log.open("wb") as out, err_log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "solara", "run", "bondsim.outputs.app", "--host", "localhost",
             "--port", str(port), "--no-open", "--production"],
            cwd=where, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://localhost:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"solara run exited with {proc.returncode}:\n{_tail(err_log)}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"solara run did not answer on {url} within {SERVER_START_S:.0f} s:"
                            f"\n{_tail(err_log)}")
            time.sleep(0.25)  # polling the port, not waiting for the page
        yield url, out_log, err_log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the group of the server started above
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


@contextlib.contextmanager
def _browser_page(url: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def _charts_drawn(page, count: int) -> None:
    """Wait until exactly ``count`` charts are on the page, each a loaded, non-empty image."""
    page.wait_for_function(
        """(n) => { const imgs = [...document.querySelectorAll('.bondsim-chart img')];
                    return imgs.length === n
                           && imgs.every(i => i.complete && i.naturalWidth > 300); }""",
        arg=count, timeout=TIMEOUT_MS)


def _month(page, words: str) -> None:
    page.get_by_text(re.compile(rf"^{re.escape(words)} of 120$")).wait_for(timeout=TIMEOUT_MS)


def _nudge(page, caption: str, presses: int, which: int = 0) -> None:
    """Move the ``which``-th slider captioned ``caption: ...`` right by ``presses`` steps with
    the keyboard, as a reader without a mouse would; each press waits for the page to answer
    (the caption to change), since a press sent meanwhile is overwritten by that answer."""
    from playwright.sync_api import expect

    named = re.compile(rf"^{re.escape(caption)}: ")
    for _ in range(presses):
        shown = page.get_by_text(named).nth(which)
        before = shown.inner_text()
        page.get_by_role("slider", name=named).nth(which).focus()
        page.keyboard.press("ArrowRight")
        expect(shown).not_to_have_text(before)


def _no_mesa_leftovers(page) -> None:
    body = page.inner_text("body")
    for leftover in ("PAGE 0", "Page 0", "Use Threads", "Step:", "Render Interval"):
        assert leftover not in body, leftover


@pytest.mark.slow
def test_page_runs_the_model_in_a_browser(server, tmp_path: Path):
    from playwright.sync_api import expect

    url, _, err_log = server
    with _browser_page(url) as page:
        # the page loads: title, controls with their values and units, month 0, one chart
        expect(page.get_by_text(TITLE_TEXT).first).to_be_visible()
        _month(page, "Month 0 (the start)")
        for caption in ("Households: 1,000", "Markup on debt: 30% per year",
                        "Advance limit: 8 months of the adults' expected gross pay",
                        "Prison term's cost to an owner: 24 months of the kiln's profit",
                        "Cash transfer from month 13: none",
                        "Inspections from month 13: none added"):
            expect(page.get_by_text(caption, exact=True)).to_be_visible()
        expect(page.get_by_text(re.compile(r"^baseline, seed 20151124, 1,000 households"))
               ).to_be_visible()
        _charts_drawn(page, 1)
        _no_mesa_leftovers(page)
        first = page.locator(".bondsim-chart img").first.get_attribute("src")

        # a run starts: three steps, the month counter in months and years, the chart follows
        step = page.get_by_role("button", name="Step")
        for month in (1, 2, 3):
            step.click()
            _month(page, f"Month {month} (year 1)")
        page.wait_for_function(
            "(old) => document.querySelector('.bondsim-chart img').src !== old",
            arg=first, timeout=TIMEOUT_MS)

        # Play runs on by itself until paused
        page.get_by_role("button", name="▶").click()
        page.get_by_text(re.compile(r"^Month ([6-9]|\d\d+) \(year \d+\) of 120$")).wait_for()
        page.get_by_role("button", name="❚❚").click()
        expect(step).to_be_enabled()

        # a lever moved: its caption shows the value and unit, the runs start again at month 0
        _nudge(page, "Cash transfer from month 13", 2)
        expect(page.get_by_text("Cash transfer from month 13: 10% of eligible households",
                                exact=True)).to_be_visible()
        _month(page, "Month 0 (the start)")
        page.get_by_role("button", name="To the end").click()
        _month(page, "Month 120 (year 10)")
        _charts_drawn(page, 1)
        shot = tmp_path / "app_one_setting.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000  # a page with a chart, not a blank
        _no_mesa_leftovers(page)
    assert _tail(err_log).strip() == "", _tail(err_log)


@pytest.mark.slow
def test_side_by_side_view_shows_two_settings_on_one_seed(server, tmp_path: Path):
    from playwright.sync_api import expect

    url, _, err_log = server
    with _browser_page(url) as page:
        _month(page, "Month 0 (the start)")
        page.get_by_text("Two settings side by side").click()
        expect(page.get_by_text("Left: compared with").first).to_be_visible()
        _charts_drawn(page, 2)
        # the right side (the second form in the sidebar) gets 0.3 inspections a kiln-year
        sliders = page.get_by_role("slider", name=re.compile(r"^Inspections from month 13: "))
        expect(sliders).to_have_count(2)
        _nudge(page, "Inspections from month 13", 3, which=1)
        added = "Inspections from month 13: 0.3 visits/kiln/year"
        expect(page.get_by_text(added, exact=True)).to_have_count(1)
        descriptions = page.get_by_text(re.compile(r"^baseline, seed 20151124, 1,000 households"))
        expect(descriptions).to_have_count(2)
        expect(descriptions.nth(0)).to_contain_text("added: nothing")
        expect(descriptions.nth(1)).to_contain_text(added)
        page.get_by_role("button", name="To the end").click()
        _month(page, "Month 120 (year 10)")
        _charts_drawn(page, 2)
        left, right = page.locator(".bondsim-chart img").all()
        assert left.get_attribute("src") != right.get_attribute("src")  # the runs differ
        boxes = [left.bounding_box(), right.bounding_box()]
        assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"]  # side by side, no overlap
        shot = tmp_path / "app_side_by_side.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        _no_mesa_leftovers(page)
    assert _tail(err_log).strip() == "", _tail(err_log)


@pytest.mark.slow
def test_starting_the_page_prints_no_warnings(server):
    """What the documented command prints on start and on a first visit: the address, and no
    warning (Mesa's page printed one; solara prints one when visited by another host name)."""
    url, out_log, err_log = server
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
    assert _tail(err_log).strip() == "", _tail(err_log)
    printed = _tail(out_log)
    assert "Solara server is starting at http://localhost" in printed
    assert "warn" not in printed.lower(), printed
