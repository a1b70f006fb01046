"""Every report kind as a reader sees it: rendered in headless Chromium at 1280 pixels, each page
screenshot (under pytest's ``tmp_path``) and measured in the DOM.

One tiny output folder of each kind (run, effect, batch with its comparison, sweep, plan,
calibration, discovery, survey) is made through the command line, as users make them, and its
``bondsim report`` page opened in the browser. The plots of every kind are embedded in these
pages, so each plot kind is on a screenshot too. What a reader needs is asserted where a browser
can measure it: the findings come first and are on the first screen, every scenario is named,
every image loaded, no table runs off the page outside its scroll box, no outcome is shown by
its column name where it has a label, and no heading, figure or table overlaps another.

Browser as in ``test_app.py``: Debian's chromium, skipped where it is missing, except in CI
(``BONDSIM_REQUIRE_BROWSER=1``), where that fails. The gallery's links are checked here too
(``docs/gallery.md``, written by ``tools/gallery.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_app import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, require_chromium
from test_report import BASELINE, PLAN, SWEEP, TRANSFER

from bondsim.cli import main
from bondsim.outputs.report import write_report
from bondsim.outputs.shown import known
from conftest import DISTRICTS, ROOT

WIDTH, HEIGHT = 1280, 900
SCENARIOS = ROOT / "scenarios"
SMALL = ["--households", "200", "--months", "12"]

CALIBRATION = """name = "tiny_fit"
samples = 10
replicates = 1
check_replicates = 2
min_accepted = 3
seed = 5
households = 100
months = 12
window = 6

[[parameters]]
name = "markup_annual"
low = 0.0
high = 1.0

[[targets]]
scenario = "baseline.toml"
outcome = "indebted_share"
value = 0.8
tolerance = 0.05
source = "synthetic: a round figure"
"""

DISCOVERY = f"""name = "tiny_discovery"
policies = ["{(SCENARIOS / 'inspections_only.toml').as_posix()}",
            "{(SCENARIOS / 'combined_package.toml').as_posix()}"]
baseline = "{(SCENARIOS / 'baseline.toml').as_posix()}"
futures = 10
replicates = 1
seed = 2
households = 200
months = 12
window = 6

[criterion]
outcome = "bonded_share"
kind = "absolute"
threshold = 0.5

[[uncertain]]
name = "markup_annual"
low = 0.0
high = 1.0

[[uncertain]]
name = "prison_cost_months"
low = 1.0
high = 20.0
distribution = "loguniform"
"""

#: per kind: the command (``{tmp}`` the inputs' folder, ``{out}`` the output folder) and the
#: scenarios, strategies or policies its report must name
KINDS: dict[str, tuple[list[str], list[str]]] = {
    "run": (["run", "{tmp}/transfer.toml", *SMALL, "--out", "{out}"], ["transfer"]),
    "effect": (["effect", "{tmp}/transfer.toml", "--baseline", "{tmp}/baseline.toml",
                "--replicates", "2", *SMALL, "--out", "{out}"], ["transfer", "baseline"]),
    "batch": (["batch", "{tmp}/experiment.toml", "--workers", "1", "--out", "{out}"],
              ["transfer", "baseline"]),
    "sweep": (["sweep", "{tmp}/sweep.toml", "--workers", "1", "--out", "{out}"], ["transfer"]),
    "plan": (["plan", "{tmp}/plan.toml", "--workers", "1", "--out", "{out}"], ["enforce"]),
    "calibration": (["calibrate", "{tmp}/calibration.toml", "--workers", "1", "--out",
                     "{out}"], []),
    "discovery": (["discover", "{tmp}/discovery.toml", "--workers", "1", "--out", "{out}"],
                  ["inspections_only", "combined_package"]),
    "survey": (["survey", str(SCENARIOS / "baseline.toml"), "--kilns", "5", "--replicates",
                "2", "--surveys", "20", "--counts", "3,5", "--households", "400", "--months",
                "12", "--out", "{out}"], ["baseline"]),
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small output folder of each kind, with its report written."""
    tmp = tmp_path_factory.mktemp("gallery_inputs")
    for name, text in (("baseline.toml", BASELINE), ("transfer.toml", TRANSFER),
                       ("districts.toml", DISTRICTS), ("plan.toml", PLAN),
                       ("sweep.toml", SWEEP), ("calibration.toml", CALIBRATION),
                       ("discovery.toml", DISCOVERY)):
        (tmp / name).write_text(text)
    (tmp / "experiment.toml").write_text(
        'name = "tiny_batch"\ndescription = "Baseline and a transfer."\n'
        'scenarios = ["baseline.toml", "transfer.toml"]\nreplicates = 2\nseed = 1\n'
        "households = 200\nmonths = 12\n")
    out = {}
    for kind, (command, _) in KINDS.items():
        folder = tmp / f"out-{kind}"
        args = [a.format(tmp=tmp, out=folder) for a in command]
        quiet = ["--quiet"] if args[0] in {"run", "batch", "sweep", "plan", "calibrate",
                                           "discover"} else []
        assert main([*args, *quiet]) == 0, kind
        if kind == "batch":
            assert main(["compare", str(folder)]) == 0
        write_report(folder)
        out[kind] = folder
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator:
    require_chromium("to look at the reports in a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                      headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


#: what the page says about itself, measured in the browser
MEASURE = """() => {
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.left + scrollX, r.top + scrollY, r.width, r.height]; };
  const shown = e => { const s = getComputedStyle(e);
                       return s.display !== 'none' && s.visibility !== 'hidden'
                              && e.getClientRects().length > 0; };
  const sections = [...document.querySelectorAll('body > section')];
  const images = [...document.images].map(i => [i.alt.slice(0, 60), i.complete,
                                                i.naturalWidth, i.clientWidth]);
  const wide = [...document.querySelectorAll('table')].filter(t => {
      const r = t.getBoundingClientRect();
      if (r.right <= innerWidth && r.left >= 0) return false;
      for (let p = t.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if ((o === 'auto' || o === 'scroll') && p.getBoundingClientRect().right <= innerWidth)
          return false;
      }
      return true;
  }).map(t => t.textContent.slice(0, 80));
  const texts = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (e && n.textContent.trim() && shown(e)) texts.push([e.tagName, n.textContent]);
  }
  const blocks = [...document.querySelectorAll('h1, h2, h3, h4, figure, div.table')]
      .filter(shown).map(e => [e.tagName + ' ' + e.textContent.slice(0, 50), box(e)]);
  const first = sections[0];
  return {first: first ? first.id : null, firstBox: first ? box(first) : null,
          firstShown: first ? shown(first) : false, images, wide, texts, blocks,
          pageWidth: document.documentElement.scrollWidth};
}"""


def _overlaps(blocks: list[tuple[str, list[float]]]) -> list[tuple[str, str]]:
    """Pairs of headings, figures and tables whose boxes share more than a pixel each way
    (neither inside the other: a heading in a summary sits in no table)."""
    found = []
    for i, (a, (ax, ay, aw, ah)) in enumerate(blocks):
        for b, (bx, by, bw, bh) in blocks[i + 1:]:
            wide = min(ax + aw, bx + bw) - max(ax, bx)
            tall = min(ay + ah, by + bh) - max(ay, by)
            if wide > 1 and tall > 1:
                found.append((a, b))
    return found


SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@pytest.mark.slow
def test_every_report_kind_reads_right_in_a_browser(folders, browser, tmp_path):
    """One page per kind, screenshot whole at 1280 pixels; each failure names its kind."""
    problems: dict[str, list[str]] = {}
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(TIMEOUT_MS)
    for kind, (_, names) in KINDS.items():
        page.goto((folders[kind] / "report.html").as_uri(), wait_until="load")
        page.screenshot(path=str(tmp_path / f"report-{kind}.png"), full_page=True)
        got = page.evaluate(MEASURE)
        wrong = problems.setdefault(kind, [])
        if got["first"] != "findings" or not got["firstShown"]:
            wrong.append(f"first section is {got['first']!r}, shown={got['firstShown']}")
        elif got["firstBox"][1] >= HEIGHT:  # its top on the first screen, without scrolling
            wrong.append(f"the findings start {got['firstBox'][1]:.0f} px down")
        visible = " ".join(text for _, text in got["texts"])
        wrong += [f"scenario {name!r} not named" for name in names if name not in visible]
        wrong += [f"image not loaded: {alt}" for alt, done, natural, _ in got["images"]
                  if not (done and natural > 0)]
        wrong += [f"wider than {WIDTH} px without a scroll box: {t}" for t in got["wide"]]
        if got["pageWidth"] > WIDTH:
            wrong.append(f"the page is {got['pageWidth']} px wide")
        wrong += [f"{tag} shows {name!r} for its label: {text.strip()[:80]}"
                  for tag, text in got["texts"] if tag != "CODE"
                  for name in SNAKE.findall(text) if known(name)]
        wrong += [f"overlap: {a} / {b}" for a, b in _overlaps(got["blocks"])]
        # a page with plots shows them: every embedded PNG of the folder is an image here
        assert len(got["images"]) == len(list(folders[kind].glob("*.png"))), kind
    page.close()
    assert (tmp_path / "report-survey.png").stat().st_size > 10_000
    said = [f"{kind}: {what}" for kind, found in problems.items() for what in found]
    assert not said, "\n".join(said)


def test_every_image_the_gallery_shows_exists():
    doc = ROOT / "docs" / "gallery.md"
    text = doc.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert len(links) >= 20  # a plot of each kind and a page of each report kind
    missing = [link for link in links if not (doc.parent / link).is_file()]
    assert not missing, f"docs/gallery.md shows images that are not there: {missing}"
    shown = {(doc.parent / link).resolve() for link in links}
    extra = [p.name for p in (doc.parent / "gallery").iterdir() if p.resolve() not in shown]
    assert not extra, f"docs/gallery/ holds images docs/gallery.md does not show: {extra}"
