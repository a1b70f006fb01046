"""The ``bondsim`` command: a thin face over the Python API.

    bondsim run SCENARIO [--seed N] [--households N] [--months N] [--out DIR]
    bondsim effect SCENARIO [--baseline SCENARIO] [--replicates N] [--out DIR]
    bondsim batch EXPERIMENT [--out DIR] [--workers N] [--scheduler ADDRESS] [--resume]
    bondsim compare DIR [--baseline NAME]
    bondsim validate FILE [FILE ...]
    bondsim params [--markdown]
    bondsim scenarios [--path]

A SCENARIO is a file, or the name of a shipped scenario (``bondsim run baseline``); experiment
files too may be named (``bondsim batch policies``). Bad input prints one clear message per
problem and exits with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .errors import BondsimError, Terminated
from .numbers import EFFECT_TABLE, SIGNIFICANT, number
from .options import whole

_positive = whole(1)
_whole = whole(0)
_seed = whole(0, "a seed in 0 .. 2**63-1")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bondsim", description="Simulate peshgi debt bondage at brick kilns.")
    parser.add_argument("--version", action="version", version=f"bondsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run one scenario and write its outputs")
    run.add_argument("scenario", help="scenario file (TOML), or a shipped scenario's name "
                                      "(bondsim scenarios lists them), e.g. baseline")
    run.add_argument("--seed", type=_seed, help="override the scenario's seed")
    run.add_argument("--households", type=_positive, help="override the number of households")
    run.add_argument("--months", type=_positive, help="override the horizon in months")
    run.add_argument("--out", help="output folder (default outputs/<scenario>-<timestamp>/)")
    run.add_argument("--force", action="store_true",
                     help="write into --out even if it is not empty (same-named files replaced)")
    run.add_argument("--quiet", action="store_true", help="print only the output folder")
    _window_options(run)

    eff = sub.add_parser("effect", help="a scenario's effect and cost-effectiveness against a "
                                        "baseline, on paired runs (common random numbers)")
    eff.add_argument("scenario", help="scenario with the policy (a file or a shipped name)")
    eff.add_argument("--baseline", default="baseline",
                     help="scenario to compare against (default: the shipped baseline)")
    eff.add_argument("--replicates", type=_positive, default=5, help="paired seeds (default 5)")
    eff.add_argument("--seed", type=_seed, help="seed the replicates' seeds derive from")
    eff.add_argument("--households", type=_positive, help="override the number of households")
    eff.add_argument("--months", type=_positive, help="override the horizon in months")
    eff.add_argument("--out", help="output folder (default outputs/<scenario>-effect-<time>/)")
    eff.add_argument("--force", action="store_true",
                     help="write into --out even if it is not empty (same-named files replaced)")
    eff.add_argument("--decompose", action=argparse.BooleanOptionalAction, default=True,
                     help="split the bonded household-years averted into channels (releases, "
                          "deterrence, credit, cash) by rerunning the policy with each switched "
                          "off: up to 4 more runs per replicate (default: on)")
    _window_options(eff)

    bat = _many_runs(sub, "batch", "experiment", "policies",
                     "run an experiment file: scenarios x replicates, in parallel, resumable")
    bat.add_argument("--csv", action="store_true", help="also write timeseries.csv")
    _window_options(bat)
    _many_runs(sub, "sweep", "sweep", "sensitivity_screening",
               "global sensitivity analysis (Sobol, Morris, PAWN): rank levers and "
               "assumptions by how much they move outcomes")
    _many_runs(sub, "plan", "plan", "balochistan_pilot",
               "compare strategies for pilot districts under a budget, and search for a good "
               "allocation")
    _many_runs(sub, "calibrate", "calibration", "calibration_baseline",
               "fit uncertain parameters to field figures (approximate Bayesian computation)")
    _many_runs(sub, "discover", "discovery", "discovery_policies",
               "scenario discovery (PRIM) and robustness: under which conditions each policy "
               "fails")

    from . import survey_cli
    survey_cli.add_parser(sub)

    rep = sub.add_parser("report", help="one self-contained HTML page from the outputs of a "
                                        "run, effect, batch, sweep, plan or calibration")
    rep.add_argument("folder", help="an output folder (it holds manifest.json)")
    rep.add_argument("--out", help="the HTML file (default <folder>/report.html)")

    cmp_ = sub.add_parser("compare", help="a batch's scenarios against its baseline, paired by "
                                          "replicate seed")
    cmp_.add_argument("folder", help="output folder of bondsim batch")
    cmp_.add_argument("--baseline", default="baseline", help="baseline scenario name")
    _window_options(cmp_)

    val = sub.add_parser("validate", help="check input files (scenario, experiment, sweep, "
                                          "plan, calibration, discovery, district profile) "
                                          "without running them")
    val.add_argument("files", nargs="+")

    par = sub.add_parser("params", help="list the model's parameters and the interventions' "
                                        "fields: default, unit, range, source")
    par.add_argument("--markdown", action="store_true",
                     help="print docs/parameters.md (generated from the code)")

    shp = sub.add_parser("scenarios", help="list the shipped scenarios (run any by name), "
                                           "district profiles and example experiment files")
    shp.add_argument("--path", action="store_true",
                     help="print only the folders they are in (to copy one and edit it)")
    return parser


def _window_options(parser: argparse.ArgumentParser) -> None:
    """``--window MONTHS`` or ``--month N``: which months stand for the end of the runs in
    summaries and comparisons. One design for run, effect, batch and compare (survey's
    ``--month`` means the same)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--window", type=_positive, metavar="MONTHS",
                       help="report the end of the run as the mean of its last MONTHS months "
                            "(default 12: a whole brick year, closures included)")
    group.add_argument("--month", type=_whole, metavar="N",
                       help="report one month instead of a window (with --months: the "
                            "horizon); pay and profit are 0 in months the kilns are shut")


def _window(args: argparse.Namespace) -> Any:
    """The ``outcomes.Window`` the options ask for."""
    from .simulation.outcomes import Window

    if getattr(args, "month", None) is not None:
        return Window(month=args.month)
    return Window(months=getattr(args, "window", None) or 12)


def _many_runs(sub: Any, command: str, what: str, example: str,
               help_text: str) -> argparse.ArgumentParser:
    """A command that runs many model runs from a file: the options every such job shares
    (output folder, local workers or a Dask cluster, resume, progress bar)."""
    parser = sub.add_parser(command, help=help_text)
    parser.add_argument(what, help=f"{what} file (TOML), or a shipped one's name, e.g. "
                                   f"{example}")
    parser.add_argument("--out", help=f"output folder (default outputs/<{what}>-<time>/)")
    parser.add_argument("--workers", type=_positive,
                        help="local worker processes (default: all cores)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on an existing Dask distributed cluster, e.g. "
                             "tcp://10.0.0.5:8786")
    parser.add_argument("--resume", action="store_true",
                        help="finish an interrupted job in --out: only what is missing runs")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with _sigterm_raises():
            return COMMANDS[args.command](args)
    except BondsimError as exc:
        print(f"bondsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (errors.Terminated)
        terminated = isinstance(exc, Terminated)
        print(f"bondsim: {'terminated' if terminated else 'interrupted'}{_kept(args)}",
              file=sys.stderr)
        return 143 if terminated else 130
    except BrokenPipeError:  # output piped into head, less, ...: not an error of the job
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug, not bad input: one line, the traceback kept in a file
        if os.environ.get("BONDSIM_DEBUG"):
            raise
        print(f"bondsim: internal error (a bug in bondsim, not in your input): "
              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}; "
              f"the details are in {_crash_report()} (please attach it to a bug report; "
              f"BONDSIM_DEBUG=1 shows them here)", file=sys.stderr)
        return 1


def _crash_report() -> str:
    """Write the current exception's traceback, with the command line and versions, to a new
    file in the temporary folder; its path."""
    import tempfile
    import traceback

    fd, path = tempfile.mkstemp(prefix="bondsim-error-", suffix=".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(f"bondsim {__version__}, Python {sys.version.split()[0]}\n"
                   f"command: {' '.join(sys.argv)}\n\n{traceback.format_exc()}")
    return path


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises ``Terminated`` in the main thread, as Ctrl-C raises KeyboardInterrupt, so
    that a job stops cleanly either way (its workers ended, its saved runs kept) instead of
    dying at once and leaving its workers running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        if previous is not None:  # None: set outside Python, which cannot put it back
            signal.signal(signal.SIGTERM, previous)


def _kept(args: argparse.Namespace) -> str:
    """After an interrupt, where the finished runs of a many-run job are kept (nothing for a
    job that saves nothing until it ends)."""
    out = getattr(args, "resumable", None)
    if out is None or not Path(out).is_dir():
        return ""
    return f"; the finished runs are kept in {out}: add --resume --out {out} to finish"


def _run(args: argparse.Namespace) -> int:
    from . import api
    from .experiments.run import default_out_dir, summary_table
    from .experiments.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    for warning in scenario.warnings:
        print(f"bondsim: warning: {warning}", file=sys.stderr)
    window = _window(args)
    result = api.run(scenario, seed=args.seed, households=args.households,
                     months=args.months, window=window, force=args.force,
                     out=args.out or default_out_dir(scenario.spec.name))
    if not args.quiet:
        m = result.manifest
        print(f"{scenario.name}: {m['population']['households']:,} households, "
              f"{m['population']['kilns']:,} kilns, {m['months']} months, seed {m['seed']}")
        print(summary_table(result.timeseries, window))
    print(f"outputs: {result.out}")
    return 0


def _effect(args: argparse.Namespace) -> int:
    from . import api
    from .experiments.run import default_out_dir
    from .experiments.scenario import load_scenario
    from .prices import shown_unit

    scenario = load_scenario(args.scenario)
    out = args.out or default_out_dir(f"{scenario.name}-effect")
    result = api.effect(scenario, baseline=args.baseline, replicates=args.replicates,
                        seed=args.seed, households=args.households, months=args.months,
                        window=_window(args), out=out, force=args.force,
                        options={k: v for k, v in vars(args).items() if k != "command"},
                        decompose=args.decompose)
    print(f"{result.scenario} against {result.baseline}: {args.replicates} paired replicates; "
          f"end of the run: {result.window.describe()}")
    table = result.summary.copy()
    for col in ("mean", "low", "high"):
        table[col] = table[col].map(_cell)
    table["unit"] = table["unit"].map(shown_unit)
    print(table[["metric", "mean", "low", "high", "unit"]].to_string(index=False))
    _print_na(table, "metric")
    if result.channels is not None:
        from .experiments.paired import deterrence_caveat

        print(channels_table(result.channels))
        caveat = deterrence_caveat(result.channels)
        if caveat:
            print(caveat)
    print(f"outputs: {out}")
    return 0


def channels_table(channels: Any) -> str:
    """The decomposition of ``bondsim effect`` for the terminal: household-years averted
    through each channel, with its share of the effect."""
    table = channels.copy()
    for col in ("mean", "low", "high"):
        table[col] = table[col].map(_cell)
    table["share"] = channels["share"].map(lambda x: "n/a" if x != x else f"{x:.0%}")
    lines = table[["channel", "mean", "low", "high", "share"]].to_string(index=False)
    return ("bonded household-years averted, by channel (the policy rerun with each switched "
            "off;\n'interaction' is what no single channel accounts for; cost is not split):\n"
            + lines)


def _job(args: argparse.Namespace, name: str, noun: str) -> tuple[Path, dict[str, Any]]:
    """The output folder of a many-run job (``--out``, or a new one named after the job) and
    the executor options every such job takes."""
    import os

    from .experiments.run import default_out_dir

    if args.resume and not args.out:
        raise BondsimError(f"--resume needs --out: the folder of the {noun} to finish")
    out = Path(args.out) if args.out else default_out_dir(name)
    args.resumable = out  # named if the job is interrupted
    return out, {"workers": args.workers or os.cpu_count() or 1, "resume": args.resume,
                 "progress": not args.quiet, "scheduler": args.scheduler}


def _batch(args: argparse.Namespace) -> int:
    from . import api
    from .experiments.batch import load_experiment

    spec, _ = load_experiment(args.experiment)
    out, options = _job(args, spec.name, "batch")
    result = api.batch(args.experiment, out=out, csv=args.csv, window=_window(args), **options)
    runs = result.timeseries.groupby(["scenario", "replicate"]).ngroups
    print(f"{spec.name}: {runs} runs done, {len(result.errors)} failed")
    if result.errors:
        for err in result.errors:
            print(f"  failed: {err['scenario']} replicate {err['replicate']} "
                  f"(seed {err['seed']})", file=sys.stderr)
    print(f"outputs: {out}")
    return 1 if result.errors else 0


def _sweep(args: argparse.Namespace) -> int:
    from . import api
    from .experiments.sensitivity import MEASURE, small_sample
    from .experiments.sweep import load_sweep

    loaded = load_sweep(args.sweep)
    spec = loaded.spec
    for warning in loaded.warnings:
        print(f"bondsim: warning: {warning}", file=sys.stderr)
    out, options = _job(args, spec.name, "sweep")
    if not args.quiet:
        print(f"{spec.name}: {spec.method}, {len(loaded.factors)} factors, "
              f"{loaded.runs():,} model runs", file=sys.stderr)
    result = api.sweep(args.sweep, out=out, **options)
    measure, conf = MEASURE[spec.method]
    noise = result.noise.set_index("outcome")
    too_small = small_sample(result.indices)
    for outcome, table in result.indices.groupby("outcome", sort=False):
        share = noise.loc[outcome, "noise_share"]
        print(f"\n{outcome} (replicate noise: {share:.0%} of a single run's variance)")
        for _, row in table.iterrows():
            interval = f" ± {_number(row[conf])}" if conf else ""
            flag = ("  (interval reaches the noise floor)" if "distinct_from_noise" in row
                    and not row["distinct_from_noise"] else "")
            print(f"  {row['rank']:>2}. {row['factor']:<40s} {measure} {_number(row[measure])}"
                  f"{interval}{flag}")
        if outcome in too_small:
            print(f"  warning: {too_small[outcome]}")
    for outcome, why in result.skipped.items():
        print(f"bondsim: warning: outcome {outcome!r} not analysed: {why}", file=sys.stderr)
    print(f"outputs: {out}")
    return 0


def _budget_said(budget: dict[str, Any]) -> str:
    """A plan's budget as written and, when its price year is not the base year, converted."""
    said = f"Rs {budget['value']:,.0f}"
    if budget["price_year"] != budget["base_year"]:
        said += (f" of {budget['price_year']} (Rs {budget['in_base_year']:,.0f} of "
                 f"{budget['base_year']})")
    return said


def _plan(args: argparse.Namespace) -> int:
    from . import api
    from .experiments.plan import load_plan

    loaded = load_plan(args.plan)
    out, options = _job(args, loaded.spec.name, "plan")
    for note in loaded.notes:
        print(f"bondsim: note: {note}", file=sys.stderr)
    result = api.plan(args.plan, out=out, **options)
    spec = loaded.spec
    print(f"{spec.name}: {len(loaded.districts)} districts, {spec.horizon} months, budget "
          f"{_budget_said(loaded.budget_as_written)}, {spec.replicates} replicates; totals "
          f"(95% intervals):")
    table = result.totals.pivot(index="strategy", columns="metric", values="mean")
    low = result.totals.pivot(index="strategy", columns="metric", values="low")
    high = result.totals.pivot(index="strategy", columns="metric", values="high")

    def cell(strategy: str, m: str) -> str:
        return (f"{_number(table.loc[strategy, m])} "
                f"[{_number(low.loc[strategy, m])}, {_number(high.loc[strategy, m])}]")

    for strategy in table.index:
        print(f"  {strategy:<24s} public cost Rs {cell(strategy, 'public_cost')}; bonded "
              f"household-years averted {cell(strategy, 'bonded_household_years_averted')}; "
              f"Rs per year "
              f"averted {cell(strategy, 'cost_per_bonded_household_year_averted')}")
    if low.isna().any().any() or table.isna().any().any():
        print("  n/a: undefined (Rs per year averted where nothing was averted; an interval "
              "needs two replicates with a value)")
    if result.search is not None:
        for row in result.search.curve.itertuples():
            print(f"  search at Rs {row.budget:,.0f}: {row.objective} expected "
                  f"{_number(row.expected)}, worst draw {_number(row.worst)}; spent Rs "
                  f"{row.spent_expected:,.0f} of Rs {row.allocated:,.0f} allocated")
    print(f"outputs: {out}")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from . import api
    from .experiments.calibration import load_calibration

    loaded = load_calibration(args.calibration)
    out, options = _job(args, loaded.spec.name, "calibration")
    result = api.calibrate(args.calibration, out=out, **options)
    accepted = int(result.draws["accepted"].sum())
    print(f"{loaded.spec.name}: {accepted} of {len(result.draws)} draws accepted"
          + ("" if result.met else " (fewer met every tolerance: the closest were taken)"))
    print("fitted (median of accepted draws, 5-95% range):")
    for row in result.posterior.itertuples():
        print(f"  {row.parameter:<24s} {_number(row.fitted):>10s}  [{_number(row.p05)}, "
              f"{_number(row.p95)}]  prior [{_number(row.prior_low)}, "
              f"{_number(row.prior_high)}], default {row.default}")
    print("fit on fresh seeds:")
    for row in result.fit.itertuples():
        mark = "ok  " if row.within else "MISS"
        default = (f"; defaults {_number(row.default_simulated)}"
                   if hasattr(row, "default_simulated") else "")
        print(f"  {mark} {row.target:<52s} model {_number(row.simulated)} "
              f"[{_number(row.low)}, {_number(row.high)}]  field {_number(row.value)} ± "
              f"{_number(row.tolerance)}{default}")
    print(f"outputs: {out}")
    return 0


def _discover(args: argparse.Namespace) -> int:
    import importlib.util

    from . import api

    if importlib.util.find_spec("ema_workbench") is None:  # before reading the file
        raise BondsimError(f"discover {api.EMA_MISSING} (for PRIM)")
    from .experiments.discover import load_discovery

    loaded = load_discovery(args.discovery)
    out, options = _job(args, loaded.spec.name, "discovery")
    result = api.discover(args.discovery, out=out, **options)
    print(f"{loaded.spec.name}: failure = {loaded.spec.criterion.describe()}")
    for line in result.summary:
        print(f"  {line}")
    print("robustness (best first):")
    for row in result.robustness.itertuples():
        print(f"  {row.rank}. {row.policy:<32s} satisfies in {row.satisficing_share:.0%} of "
              f"futures; regret mean {_number(row.regret_mean)}, 90th percentile "
              f"{_number(row.regret_p90)}")
    print(f"outputs: {out}")
    return 0


def _survey(args: argparse.Namespace) -> int:
    from . import survey_cli
    return survey_cli.main(args)


def _report(args: argparse.Namespace) -> int:
    from .outputs.report import write_report

    path = write_report(Path(args.folder), Path(args.out) if args.out else None)
    print(f"report: {path}")
    return 0


def _number(x: float) -> str:
    """Readable at any scale: 0.0123, 4.56, 1,234,567; n/a where undefined (NaN), which the
    command then explains."""
    return number(x, SIGNIFICANT)


def _cell(x: float) -> str:
    """A table cell for the terminal: n/a where a value is undefined (explained below)."""
    return number(x, EFFECT_TABLE)


def _print_na(table: Any, label: str) -> None:
    """Say why a printed table has n/a cells: no table shows an undefined value unexplained."""
    no_mean = table["mean"] == "n/a"
    no_interval = (table["low"] == "n/a") & ~no_mean
    if no_mean.any():
        said = ", ".join(dict.fromkeys(table.loc[no_mean, label]))
        print(f"n/a ({said}): undefined in every replicate (a cost per unit averted where "
              f"nothing was averted, or an outcome with no value in the window)")
    if no_interval.any():
        said = ", ".join(dict.fromkeys(table.loc[no_interval, label]))
        print(f"n/a interval ({said}): fewer than two replicates have a value")
    no_top = (table["high"] == "n/a") & (table["low"] != "n/a") & ~no_mean
    if no_top.any():
        said = ", ".join(dict.fromkeys(table.loc[no_top, label]))
        print(f"n/a upper end ({said}): the interval of what was averted reaches zero, so the "
              f"cost per unit may be unbounded")


def _compare(args: argparse.Namespace) -> int:
    from . import api

    asked = args.window is not None or args.month is not None
    table = api.compare(args.folder, baseline=args.baseline,
                        window=_window(args) if asked else None)
    shown = table.copy()
    for col in ("mean", "low", "high"):
        shown[col] = shown[col].map(_cell)
    keep = shown["measure"].str.contains(
        "bonded_share|child_labour_rate|averted|freed|children_out_of_work|public_cost")
    print(shown.loc[keep, ["scenario", "measure", "mean", "low", "high"]].to_string(index=False))
    _print_na(shown[keep], "measure")
    print(f"outputs: {args.folder}/compare.csv, compare.png")
    return 0


def _validate(args: argparse.Namespace) -> int:
    """Check input files of every kind without running them; each kind is decided from the
    file's keys (the rule is in ``bondsim.kinds``) and named in the answer."""
    from .kinds import check_file
    from .shipped import locate

    failed = 0
    for file in args.files:
        try:
            file = locate(file, "")  # a shipped file may be named without a path
            checked = check_file(Path(file))
        except BondsimError as exc:
            print(f"bondsim: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        for warning in checked.warnings:
            print(f"bondsim: warning: {warning}", file=sys.stderr)
        print(f"{file}: ok ({checked.kind} {checked.said})")
    return 2 if failed else 0


def _params(args: argparse.Namespace) -> int:
    import shutil

    from .reference import params_text, reference_markdown

    if args.markdown:
        sys.stdout.write(reference_markdown())
        return 0
    sys.stdout.write(params_text(shutil.get_terminal_size((100, 24)).columns))
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    """The shipped input files, each with the line it describes itself with."""
    import shutil

    from .shipped import FOLDERS, folder, listing

    columns = max(60, shutil.get_terminal_size().columns)
    if args.path:
        for kind in FOLDERS:
            print(f"{kind + 's:':<20s}{folder(kind)}")
        return 0
    for kind, note in (("scenario", "run any by name: bondsim run NAME"),
                       ("experiment", "batches, sweeps, plans, calibrations, discoveries: "
                                      "bondsim batch|sweep|plan|calibrate|discover NAME"),
                       ("district profile", "for plan files' districts_file")):
        items = listing(kind)
        width = max(len(item.name) for item in items)
        print(f"{kind}s ({note}):")
        for item in items:
            line = f"  {item.name:<{width}s}  {item.description}".rstrip()
            print(line if len(line) < columns else line[:columns - 4].rstrip() + " ...")
        print()
    print("copy one to edit it: bondsim scenarios --path shows where they are")
    return 0


COMMANDS = {"run": _run, "effect": _effect, "batch": _batch, "sweep": _sweep,
            "plan": _plan, "calibrate": _calibrate, "discover": _discover,
            "report": _report, "survey": _survey, "compare": _compare,
            "validate": _validate, "params": _params, "scenarios": _scenarios}

if __name__ == "__main__":
    sys.exit(main())
