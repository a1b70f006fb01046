"""``bondsim survey`` on the command line: its options (parsed without loading the survey's
statistics, so that ``bondsim --help`` starts fast) and the printed summary."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .experiments.measurement import DEFAULT_KILN_COUNTS, MeasurementError
from .numbers import SURVEY_TABLE, number, percent
from .options import kiln_counts, share, whole


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``bondsim survey`` to the ``bondsim`` command's subparsers."""
    d = MeasurementError()
    p = subparsers.add_parser(
        "survey", help="simulate a rapid assessment of a sample of kilns, with measurement "
                       "error: estimates, intervals, and the kilns needed for a precision")
    p.add_argument("scenario", help="scenario file (TOML), e.g. scenarios/baseline.toml")
    p.add_argument("--kilns", type=whole(2), required=True, help="kilns to survey")
    p.add_argument("--replicates", type=whole(1), default=5,
                   help="model runs (seeds), default 5")
    p.add_argument("--surveys", type=whole(1), default=200,
                   help="surveys drawn on each run, default 200")
    p.add_argument("--seed", type=whole(0), help="seed the runs' and surveys' seeds derive from")
    p.add_argument("--households", type=whole(1), help="override the number of households")
    p.add_argument("--months", type=whole(1), help="override the horizon in months")
    p.add_argument("--month", type=whole(0),
                   help="month of the survey (default: the last month the kilns work)")
    p.add_argument("--district", help="survey this district's kilns (default: all kilns)")
    p.add_argument("--precision", type=float, default=0.05,
                   help="target half-width of the 95%% interval, as a share (default 0.05)")
    p.add_argument("--counts", type=kiln_counts, default=list(DEFAULT_KILN_COUNTS),
                   help="kiln counts of the precision curve (default 5,10,20,40,80)")
    p.add_argument("--debt-underreport", type=share, default=d.debt_underreport,
                   help=f"mean share of debt left out of reports (default {d.debt_underreport})")
    p.add_argument("--debt-underreport-sd", type=share, default=d.debt_underreport_sd,
                   help=f"its sd across households (default {d.debt_underreport_sd})")
    p.add_argument("--child-hiding", type=share, default=d.child_hiding,
                   help=f"share of working children hidden (default {d.child_hiding})")
    p.add_argument("--refusal", type=share, default=d.refusal,
                   help=f"refusal probability of a kiln (default {d.refusal})")
    p.add_argument("--refusal-coercive", type=share, default=d.refusal_coercive,
                   help=f"refusal probability of a coercive owner's kiln "
                        f"(default {d.refusal_coercive})")
    p.add_argument("--drop-refusals", action="store_true",
                   help="survey fewer kilns when owners refuse (default: replace them)")
    p.add_argument("--no-error", action="store_true", help="a perfect survey (no error)")
    p.add_argument("--out", help="output folder (default outputs/<scenario>-survey-<time>/)")
    p.add_argument("--force", action="store_true",
                   help="write into --out even if it is not empty (same-named files replaced)")
    return p


def _error_from(args: argparse.Namespace) -> MeasurementError:
    if args.no_error:
        return MeasurementError.none()
    return MeasurementError(
        debt_underreport=args.debt_underreport, debt_underreport_sd=args.debt_underreport_sd,
        child_hiding=args.child_hiding, refusal=args.refusal,
        refusal_coercive=args.refusal_coercive, replace_refusals=not args.drop_refusals)


def main(args: argparse.Namespace) -> int:
    """``bondsim survey``: run the surveys and the precision curve, write and print them."""
    from . import api
    from .experiments.run import default_out_dir
    from .experiments.scenario import load_scenario
    from .experiments.survey import OUTCOMES, design_kilns, kilns_for_precision

    scenario = load_scenario(args.scenario)
    for warning in scenario.warnings:
        print(f"bondsim: warning: {warning}", file=sys.stderr)
    error = _error_from(args)
    study = api.survey(
        scenario, kilns=args.kilns, replicates=args.replicates, surveys=args.surveys,
        seed=args.seed, households=args.households, months=args.months, month=args.month,
        district=args.district, error=error, counts=args.counts, precision=args.precision,
        out=args.out or default_out_dir(f"{scenario.name}-survey"), force=args.force,
        options={k: v for k, v in vars(args).items() if k not in ("command", "func")})
    run, curve, out = study.run, study.curve, study.out
    frames = run.frames

    fr = frames[0]
    what = "no measurement error" if error.is_none else (
        f"debt under-reported by {percent(error.debt_underreport)}, "
        f"{percent(error.child_hiding)} of working children hidden, refusals "
        f"{percent(error.refusal)}"
        + (f" ({percent(error.refusal_coercive)} at coercive kilns)"
           if error.refusal_coercive is not None else ""))
    print(f"{scenario.name}: {args.kilns} of {fr.kilns} kilns ({fr.households:,} households) "
          f"surveyed in month {fr.month}"
          f"{' (the last month the kilns work)' if args.month is None else ''}, "
          f"{args.surveys} surveys x {len(frames)} runs; {what}")
    shown = run.summary[["outcome", "true_mean", "estimate_mean", "bias", "rmse", "coverage",
                         "mean_half_width"]]
    print(shown.to_string(index=False, float_format=lambda x: number(x, SURVEY_TABLE)))
    print("precision by kilns surveyed (mean half-width of the 95% interval; coverage):")
    for outcome in OUTCOMES:
        c = curve[curve["outcome"] == outcome]
        cells = ", ".join(f"{r.kilns}: ±{r.mean_half_width:.3f} ({percent(r.coverage)})"
                          for r in c.itertuples())
        need = kilns_for_precision(curve, args.precision, outcome)
        if need is not None:
            verdict = f"{need} kilns reach ±{args.precision:g}"
            bias = float(c.loc[c["kilns"] == need, "bias"].iloc[0])
            if abs(bias) > args.precision / 2:
                verdict += (f", but the estimate is off by {bias:+.3f} (measurement error, "
                            f"which more kilns do not remove)")
        else:
            design = design_kilns(frames, args.precision, outcome)
            verdict = (f"none of these counts reaches ±{args.precision:g}; a perfect survey "
                       + (f"would need about {design} kilns" if design is not None
                          else "of this district cannot"))
        print(f"  {outcome}: {cells}; {verdict}")
    if study.dropped:
        print(f"bondsim: note: kiln counts {study.dropped} exceed the district's "
              f"{min(f.kilns for f in frames)} kilns and were left out", file=sys.stderr)
    print(f"outputs: {out}")
    return 0
