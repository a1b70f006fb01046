"""Replay Punjab's 2016-18 enforcement push and compare it with the record (docs/validation.md).

    .venv/bin/python tools/validation_punjab.py [--seeds 5] [--households 10000]

Runs ``scenarios/punjab_2016_push.toml`` and the baseline on the same seeds (September 2015 to
August 2018) and prints, per inspection over January 2016 to April 2018, what the model's
police found and did, beside the figures the digest reports (domain.md 1.9, 1.10), and what the
push changed against the baseline over its last year (May 2017 to April 2018).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from bondsim.experiments.run import run_scenario

ROOT = Path(__file__).resolve().parents[1]
PUSH = ROOT / "scenarios" / "punjab_2016_push.toml"
BASE = ROOT / "scenarios" / "baseline.toml"
# months of the push (1 = September 2015): January 2016 to April 2018; its last year
PUSH_MONTHS = (5, 32)
LAST_YEAR = (21, 32)
RECORD = {  # per inspection, with its source in domain.md
    "bonded-labour cases": (0.082, "1,301 cases in 15,813 inspections (1.10)"),
    "families released": (None, "2,739 persons found (0.17 a visit; families not reported)"),
    "child-labour cases": (0.061, "870 arrests in 14,259 child-labour inspections (1.10); "
                           "the push's detection_child is derived from it"),
    "children found working": (0.082, "255 children in 3,113 kilns, April 2018 (1.10)"),
    "kilns sealed": (None, "not reported for the push; seal_share 0.40 from 201 sealed for "
                     "498 cases, January 2016"),
    "fines, Rs": (None, "not reported"),
    "convictions": (None, "not reported (Punjab alone reports convictions, TIP)"),
}
OUTCOME = {"bonded-labour cases": "cases_registered", "families released": "households_released",
           "child-labour cases": "child_labour_cases",
           "children found working": "children_found_working", "kilns sealed": "kilns_sealed",
           "fines, Rs": "fines", "convictions": "convictions"}
CHANGES = ("bonded_share", "indebted_share", "child_labour_rate", "school_enrolment",
           "paid_ratio_mean", "owners_holding_share", "owners_child_labour_share",
           "owners_off_book_share")


def between(ts: pd.DataFrame, months: tuple[int, int]) -> pd.DataFrame:
    """The rows of months ``months[0]`` to ``months[1]``, both included."""
    return ts[(ts["month"] >= months[0]) & (ts["month"] <= months[1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--households", type=int, default=10000)
    args = parser.parse_args()
    per_visit: dict[str, list[float]] = {name: [] for name in OUTCOME}
    diffs: dict[str, list[float]] = {name: [] for name in CHANGES}
    for seed in range(1, args.seeds + 1):
        runs = [run_scenario(path, seed=seed, households=args.households, write=False)
                for path in (PUSH, BASE)]
        push, base = (run.model.timeseries() for run in runs)
        during = between(push, PUSH_MONTHS)
        visits = during["inspections"].sum()
        for name, column in OUTCOME.items():
            per_visit[name].append(during[column].sum() / visits)
        for name in CHANGES:
            diffs[name].append(between(push, LAST_YEAR)[name].mean()
                               - between(base, LAST_YEAR)[name].mean())
    print(f"{args.seeds} seeds, {args.households:,} households; per inspection, Jan 2016-Apr 2018")
    print(f"{'':24s} {'model':>16s} {'record':>8s}  source")
    for name, values in per_visit.items():
        record, source = RECORD[name]
        shown = "" if record is None else f"{record:.3f}"
        print(f"{name:24s} {np.mean(values):8.3f} ± {np.std(values, ddof=1):5.3f} "
              f"{shown:>8s}  {source}")
    print("\nchange against the baseline, May 2017-Apr 2018 (mean, min-max over seeds)")
    for name, values in diffs.items():
        print(f"{name:28s} {np.mean(values):+.3f}  ({min(values):+.3f} to {max(values):+.3f})")


if __name__ == "__main__":
    main()
