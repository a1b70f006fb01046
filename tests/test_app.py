"""The interactive page (bondsim.outputs.app): its model, and the page itself in a headless browser.

The browser test starts ``solara run bondsim.outputs.app`` on a free local port and drives it with
Playwright and Debian's chromium (``/usr/bin/chromium``; ``.ci/run`` installs it). Where that
browser is missing it is skipped, except in CI (``BONDSIM_REQUIRE_BROWSER=1``), where it fails.
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
# this machine's closed network refuses chromium's background connections without these
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
TIMEOUT_MS = 60_000  # every wait in the browser: generous, since CI shares two cores
SERVER_START_S = 120.0
# Mesa 3.3's ComponentsView calls a hook after an early return, which solara's hook checker
# reports as a UserWarning when mesa.visualization is imported; Mesa's own code, not ours
MESA_HOOK_WARNING = "ignore:Failed to validate hooks for component ComponentsView:UserWarning"


def _app():  # imported only inside the tests that filter Mesa's warning
    import bondsim.outputs.app

    return bondsim.outputs.app


# -- the model the page steps (no browser) -------------------------------------------------------
@pytest.mark.filterwarnings(MESA_HOOK_WARNING)
def test_page_model_takes_the_levers_and_stops_at_the_horizon():
    app = _app()
    assert "baseline" in app.scenario_names()
    params = app.model_params()
    # every input of the page is a keyword argument of the model Mesa rebuilds on Reset
    model = app.InteractiveModel(**{name: spec["value"] for name, spec in params.items()})
    assert model.scenario_name == "baseline"
    assert model.hh.n == app.DEFAULT_HOUSEHOLDS
    assert model.steps == 0  # built, not run

    model = app.InteractiveModel(
        scenario_name="cash_transfer", households=300, seed="7", markup_annual=0.5,
        advance_limit_months=6.0, prison_cost_months=10.0, cash_transfer_coverage=0.4,
        inspections_per_district=5)
    assert (model.seed, model.hh.n) == (7, 300)
    assert (model.params.markup_annual, model.params.advance_limit_months,
            model.params.prison_cost_months) == (0.5, 6.0, 10.0)
    assert [i.name for i in model.interventions] == [
        "cash_transfer", "added_cash_transfer", "added_inspections"]
    assert model.interventions[1].spec.coverage == 0.4
    assert model.interventions[2].spec.inspections_per_district == 5

    blank = app.InteractiveModel(seed="", households=200)
    typo = app.InteractiveModel(seed="12a", households=200)
    assert blank.seed == typo.seed == 20151124  # the file's seed
    assert any("seed" in note for note in typo.notes)

    model.horizon = 3
    while model.running:
        model.step()
    assert model.steps == 3
    ts = model.timeseries()
    assert len(ts) == 4
    assert ts["bonded_share"].between(0, 1).all()


# -- the page in a browser ------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(log: Path, n: int = 4000) -> str:
    return log.read_text(errors="replace")[-n:] if log.exists() else "(no log)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``solara run bondsim.outputs.app`` on 127.0.0.1 and a free port; yields its URL and
    log file."""
    if not CHROMIUM.exists():
        why = (f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) "
               f"to run the browser test of the page")
        if os.environ.get("BONDSIM_REQUIRE_BROWSER"):  # CI: a missing browser is a failure
            pytest.fail(why)
        pytest.skip(why)
    where = tmp_path_factory.mktemp("solara")
    log = where / "solara.log"
    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false", "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "solara", "run", "bondsim.outputs.app", "--host", "127.0.0.1",
             "--port", str(port), "--no-open", "--production"],
            cwd=where, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"solara run exited with {proc.returncode}:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"solara run did not answer on {url} within {SERVER_START_S:.0f} s:"
                            f"\n{_log_tail(log)}")
            time.sleep(0.25)  # polling the port, not waiting for the page
        yield url, log
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the group of the server started above
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _plots_drawn(page, minimum: int = 2) -> None:
    """Wait until at least ``minimum`` plot images in the grid are loaded and non-empty."""
    page.wait_for_function(
        """(n) => [...document.querySelectorAll('.vue-grid-item img')]
                 .filter(i => i.complete && i.naturalWidth > 0).length >= n""",
        arg=minimum, timeout=TIMEOUT_MS)


def _month(page, month: int | str) -> None:
    page.get_by_text(re.compile(rf"^Month {month} of 120$")).wait_for(timeout=TIMEOUT_MS)


@pytest.mark.slow
def test_page_runs_the_model_in_a_browser(server: tuple[str, Path]):
    from playwright.sync_api import expect, sync_playwright

    url, log = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT_MS)

            # the page loads: title, controls, the model at month 0, and both plots drawn
            expect(page.get_by_text("bondsim: debt bondage at brick kilns")).to_be_visible(
                timeout=TIMEOUT_MS)
            _month(page, 0)
            expect(page.get_by_text(re.compile(r"^baseline, seed 20151124"))).to_be_visible()
            _plots_drawn(page)
            plots = page.locator(".vue-grid-item img")
            first_plot = plots.first.get_attribute("src")

            # a run starts: three steps, the counters and the plots follow
            step = page.get_by_role("button", name="Step")
            for month in (1, 2, 3):
                step.click()
                _month(page, month)
            # Mesa's own counter: "Step: 3" in Mesa 3.3, "Time: 3" (or 3.0) in later versions
            expect(page.get_by_text(re.compile(r"^(Step|Time): 3(\.0)?$"))).to_be_visible()
            page.wait_for_function(
                "(old) => document.querySelector('.vue-grid-item img').src !== old",
                arg=first_plot, timeout=TIMEOUT_MS)
            _plots_drawn(page)

            # Play runs on by itself until paused
            page.get_by_role("button", name="▶").click()
            _month(page, r"([6-9]|\d\d+)")
            page.get_by_role("button", name="❚❚").click()
            expect(step).to_be_enabled()

            # another scenario and a lever, applied by Reset, start again at month 0
            page.locator(".v-select").first.click()
            page.get_by_role("option", name="cash_transfer").click()
            page.get_by_role("button", name="Reset").click()
            expect(page.get_by_text(re.compile(r"^cash_transfer, seed 20151124"))).to_be_visible()
            _month(page, 0)
            step.click()
            _month(page, 1)
            _plots_drawn(page)
        finally:
            browser.close()
    served = log.read_text(errors="replace")
    assert "Traceback" not in served, _log_tail(log)
    # everything the page loads is on this machine (solara-assets): nothing from a CDN
    assert "Could not load URL" not in served, _log_tail(log)
