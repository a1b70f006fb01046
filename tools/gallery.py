"""The gallery: one picture of each plot kind and each report kind, as the shipped jobs draw them.

    .venv/bin/python tools/gallery.py                       # run everything, write docs/gallery*
    .venv/bin/python tools/gallery.py --keep /tmp/g         # keep the outputs in /tmp/g
    .venv/bin/python tools/gallery.py --reuse /tmp/g        # reports and pictures only, from /tmp/g

Why: issue 19 asked for the pictures and pages a policy audience reads to be looked at as they
ship. This script copies the shipped scenarios and experiment files into a work folder with their
sizes cut to modest ones (``SIZES``, stated in the gallery), runs each job there through the
command line, writes each report, screenshots the top of every report in headless Chromium at
1280 pixels and copies one PNG of each plot kind. Images are shrunk (plots to 1000 pixels wide,
pages to 640) and reduced to 256 colours so the committed gallery stays small
(``LIMIT_BYTES``). It writes ``docs/gallery/`` and ``docs/gallery.md``, each image with a
caption and the command that made it. 10 to 14 minutes on 2 busy cores, the plan's allocation
search most of it; ``--reuse`` redraws the reports and pictures of kept outputs in a minute.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from digests import small_copy  # a sibling script, not a package

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "gallery.md"
IMAGES = ROOT / "docs" / "gallery"
CHROMIUM = Path("/usr/bin/chromium")
# as the tests launch it: a closed network refuses chromium's background connections
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
WIDTH = 1280
PLOT_WIDTH, PAGE_WIDTH = 1000, 640
SCREENS = 3  # of a page, the first three screens (900 pixels each): findings to results
LIMIT_BYTES = 4_000_000
HH, MONTHS = 1000, 36

#: the shipped experiment files' sizes in the gallery (top-level keys and their tables')
SIZES: dict[str, dict[str, object]] = {
    "policies.toml": {"replicates": 3, "months": MONTHS, "households": HH},
    "sensitivity_screening.toml": {"samples": 4, "months": 24, "households": 500},
    "sensitivity_sobol.toml": {"samples": 8, "months": 24, "households": 500},
    "balochistan_pilot.toml": {"horizon": MONTHS, "replicates": 2, "draws": 2,
                               "generations": 2, "population": 2},
    "calibration_baseline.toml": {"samples": 40, "check_replicates": 2, "min_accepted": 5,
                                  "households": 500, "months": MONTHS, "window": 12},
    "discovery_policies.toml": {"futures": 16, "households": 500, "months": 24, "window": 12},
}
KILN_DIVISOR = 5  # district profiles keep a fifth of their kilns, five families each
SMALL = ["--households", str(HH), "--months", str(MONTHS)]
WORKERS = ["--workers", "2"]

#: each job: its output folder under outputs/ and its command, as typed in the work folder
JOBS: dict[str, list[str]] = {
    "run": ["run", "combined_package", "--seed", "7", *SMALL, "--out", "outputs/run"],
    "effect": ["effect", "combined_package", "--replicates", "3", "--seed", "5", *SMALL,
               "--out", "outputs/effect"],
    "batch": ["batch", "experiments/policies.toml", *WORKERS, "--out", "outputs/batch"],
    "compare": ["compare", "outputs/batch"],
    "sweep-morris": ["sweep", "experiments/sensitivity_screening.toml", *WORKERS,
                     "--out", "outputs/sweep-morris"],
    "sweep-sobol": ["sweep", "experiments/sensitivity_sobol.toml", *WORKERS,
                    "--out", "outputs/sweep-sobol"],
    "plan": ["plan", "experiments/balochistan_pilot.toml", *WORKERS, "--out", "outputs/plan"],
    "calibration": ["calibrate", "experiments/calibration_baseline.toml", *WORKERS,
                    "--out", "outputs/calibration"],
    "discovery": ["discover", "experiments/discovery_policies.toml", *WORKERS,
                  "--out", "outputs/discovery"],
    "survey": ["survey", "baseline", "--kilns", "10", "--replicates", "2", "--surveys", "50",
               "--seed", "3", "--households", "2000", "--months", "24", "--out",
               "outputs/survey"],
}


@dataclass(frozen=True)
class Shot:
    """One gallery image: a plot of a job's folder, or the page of its report."""

    job: str          # key of JOBS that wrote the folder
    file: str         # the PNG in outputs/<job>/, or "report.html"
    caption: str

    @property
    def name(self) -> str:
        stem = "report" if self.file == "report.html" else Path(self.file).stem
        return f"{self.job}-{stem}.png"


PLOTS = [
    Shot("run", "trajectories.png", "A run of the combined package: the main outcomes month by "
         "month, the policy's start marked, closures shaded."),
    Shot("batch", "final_outcomes.png", "Each policy's paired difference from the baseline over "
         "the last 12 months, with 95% intervals."),
    Shot("batch", "compare.png", "Each policy's difference from the baseline in every "
         "headline measure (bondage, children, cost-effectiveness)."),
    Shot("batch", "trajectories-cash_transfer.png", "One policy's trajectories (median and "
         "95% band over replicates) against the baseline in grey."),
    Shot("sweep-morris", "ranking.png", "Morris screening: the factors ranked by influence on "
         "each outcome, with 95% intervals."),
    Shot("sweep-morris", "morris.png", "Morris: each factor's mean absolute effect against its "
         "spread; the leaders named."),
    Shot("sweep-morris", "convergence.png", "Morris: each factor's index as samples are added; "
         "the four leaders of each outcome in colour."),
    Shot("sweep-sobol", "ranking.png", "Sobol: the share of the package effect's variance due "
         "to each lever and group of assumptions."),
    Shot("sweep-sobol", "convergence.png", "Sobol: the indices as samples are added, with "
         "their 95% bands (clipped at zero)."),
    Shot("plan", "pareto.png", "The district plan: each strategy's total cost against bonded "
         "household-years averted."),
    Shot("plan", "allocation.png", "Where each strategy puts the money, district by district "
         "and intervention by intervention."),
    Shot("plan", "search_curve.png", "What the searched allocation achieves at each budget."),
    Shot("calibration", "fit.png", "The calibrated model against the field figures, with each "
         "target's tolerance."),
    Shot("calibration", "posterior.png", "Each parameter's prior (outline) and accepted draws "
         "(filled)."),
    Shot("discovery", "robustness.png", "The policies ranked by the share of futures where they "
         "meet the criterion, and their regret."),
    Shot("survey", "precision.png", "How precise a survey of a given number of kilns is, and how "
         "far its errors bias it."),
]
#: a discovery draws a peeling trajectory and a box for each policy with a failure region; the
#: first such policy is shown (found after the run)
DISCOVERY_EXTRAS = {
    "peeling": "PRIM's peeling trajectory: coverage against density as the box narrows.",
    "box": "The futures on the box's two most restricted assumptions, failures marked.",
}
PAGES = [
    Shot("run", "report.html", "The report of a run."),
    Shot("effect", "report.html", "The report of a paired effect (policy against baseline)."),
    Shot("batch", "report.html", "The report of a batch with its comparison."),
    Shot("sweep-morris", "report.html", "The report of a sensitivity sweep (Morris)."),
    Shot("plan", "report.html", "The report of a district plan with its allocation search."),
    Shot("calibration", "report.html", "The report of a calibration."),
    Shot("discovery", "report.html", "The report of a scenario discovery."),
    Shot("survey", "report.html", "The report of a survey."),
]


def run_jobs(root: Path) -> None:
    """Copy the shipped inputs with their sizes cut, then run every job and report in ``root``."""
    small_copy(root, SIZES, kiln_divisor=KILN_DIVISOR)
    bondsim = Path(sys.executable).with_name("bondsim")
    env = dict(os.environ, MPLBACKEND="Agg")
    for job, cmd in JOBS.items():
        started = time.time()
        quiet = ["--quiet"] if cmd[0] in {"run", "batch", "sweep", "plan", "calibrate",
                                          "discover"} else []
        done = subprocess.run([str(bondsim), *cmd, *quiet], cwd=root, env=env,
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"gallery: `bondsim {' '.join(cmd)}` failed ({done.returncode}):\n"
                     f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
        print(f"  {time.time() - started:5.1f} s  {job}", flush=True)


def write_reports(root: Path) -> None:
    bondsim = Path(sys.executable).with_name("bondsim")
    for shot in PAGES:
        subprocess.run([str(bondsim), "report", f"outputs/{shot.job}"], cwd=root, check=True,
                       capture_output=True)


def discovery_plots(root: Path) -> list[Shot]:
    found = sorted((root / "outputs" / "discovery").glob("peeling-*.png"))
    if not found:
        return []
    policy = found[0].stem.split("-", 1)[1]
    return [Shot("discovery", f"{kind}-{policy}.png", f"{policy}: {words}")
            for kind, words in DISCOVERY_EXTRAS.items()]


def shrink(source: Path, target: Path, width: int) -> None:
    """``source`` at most ``width`` pixels wide, in 256 colours (text stays sharp enough)."""
    with Image.open(source) as image:
        picture = image.convert("RGB")
    if picture.width > width:
        picture = picture.resize((width, round(picture.height * width / picture.width)),
                                 Image.Resampling.LANCZOS)
    picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


def screenshots(root: Path, pages: list[Shot], where: Path) -> None:
    """The top of each report (``SCREENS`` screens), 1280 pixels wide, as a reader's browser
    shows it: whole pages would take the gallery over its size (each is 10,000-23,000 pixels
    tall, mostly the parameter table); the browser test screenshots them whole."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for shot in pages:
                page.goto((root / "outputs" / shot.job / "report.html").resolve().as_uri(),
                          wait_until="load")
                height = min(SCREENS * 900, page.evaluate(
                    "document.documentElement.scrollHeight"))
                page.screenshot(path=str(where / shot.name), full_page=True,
                                clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
        finally:
            browser.close()


def command(shot: Shot) -> str:
    """The commands that made the image, as typed in the work folder."""
    lines = [f"bondsim {' '.join(JOBS[shot.job])}"]
    if shot.job == "batch" and shot.file != "final_outcomes.png":
        lines.append(f"bondsim {' '.join(JOBS['compare'])}")
    if shot.file == "report.html":
        lines.append(f"bondsim report outputs/{shot.job}")
    return "\n".join(lines)


def markdown(plots: list[Shot]) -> str:
    sizes = "\n".join(f"| `experiments/{name}` | "
                      f"{', '.join(f'`{k} = {v}`' for k, v in values.items())} |"
                      for name, values in SIZES.items())
    out = [
        "# Gallery: the shipped outputs as a reader sees them",
        "",
        "One picture of each plot kind and the top of each report kind, as the shipped",
        "scenarios and experiments draw them: plots as written (shrunk to 1,000 pixels wide),",
        "reports as headless Chromium shows them 1,280 pixels wide (shrunk to half).",
        "Regenerate with `.venv/bin/python tools/gallery.py` (10 to 14 minutes measured on 2",
        "busy cores, most of it the plan's allocation search; `--keep DIR` keeps the outputs and",
        "`--reuse DIR` redraws the reports and pictures from them in under a minute).",
        "`tests/test_gallery.py` checks that every image here exists, and opens a report of",
        "every kind in a browser to check what a reader needs (labels, every scenario named,",
        "images loaded, no overlaps, tables that fit the page).",
        "",
        "**Modest sizes, not the shipped ones: these pictures show what the outputs look like,",
        "not results.** The script copies `scenarios/` and `experiments/` into a work folder and",
        f"cuts the sizes there: single runs and effects use {HH:,} households for {MONTHS} months,",
        f"each district profile keeps one kiln in {KILN_DIVISOR} with five families a kiln, and",
        "the experiment files are changed as below (everything else as shipped; a key set here",
        "is set wherever the file has it, a plan's search included). Every command below is",
        "typed in that work folder.",
        "",
        "| file | sizes in the gallery |",
        "| --- | --- |",
        sizes,
        "",
        "## Plots",
        "",
    ]
    for shot in plots:
        out += [f"### {shot.job}: `{shot.file}`", "", shot.caption, "",
                f"![{shot.caption}](gallery/{shot.name})", "", "```", command(shot), "```", ""]
    out += ["## Reports", "",
            "Each report opens with its findings. The screenshots show the first three screens",
            "of each page (1280 by 2,700 pixels, shrunk to half): findings, what was run and the",
            "first results; the plots follow on the page, as above, then the model's caveats,",
            "every parameter with its source and an appendix of versions.", ""]
    for shot in PAGES:
        out += [f"### {shot.job}", "", shot.caption, "",
                f"![{shot.caption}](gallery/{shot.name})", "", "```", command(shot), "```", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    ap.add_argument("--keep", type=Path, help="run in this folder and keep the outputs")
    ap.add_argument("--reuse", type=Path, help="a folder of an earlier --keep: report and "
                    "picture its outputs without running the jobs again")
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        sys.exit(f"gallery: {CHROMIUM} is missing: install Debian's chromium")
    root = args.reuse or args.keep or Path(tempfile.mkdtemp(prefix="bondsim-gallery-"))
    try:
        if not args.reuse:
            if root.exists() and any(root.iterdir()):
                shutil.rmtree(root)
            root.mkdir(parents=True, exist_ok=True)
            run_jobs(root)
        write_reports(root)
        plots = PLOTS + discovery_plots(root)
        if IMAGES.exists():
            shutil.rmtree(IMAGES)
        IMAGES.mkdir(parents=True)
        for shot in plots:
            shrink(root / "outputs" / shot.job / shot.file, IMAGES / shot.name, PLOT_WIDTH)
        with tempfile.TemporaryDirectory(prefix="bondsim-gallery-shots-") as raw:
            screenshots(root, PAGES, Path(raw))
            for shot in PAGES:
                shrink(Path(raw) / shot.name, IMAGES / shot.name, PAGE_WIDTH)
        DOC.write_text(markdown(plots), encoding="utf-8")
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(root, ignore_errors=True)
    total = sum(p.stat().st_size for p in IMAGES.iterdir())
    print(f"gallery: {len(plots)} plots and {len(PAGES)} pages, {total / 1e6:.1f} MB in {IMAGES}")
    if total > LIMIT_BYTES:
        print(f"gallery: over {LIMIT_BYTES / 1e6:.0f} MB: shrink the images", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
