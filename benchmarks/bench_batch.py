"""Benchmark batch overhead: the share of worker time spent inside the model.

    python benchmarks/bench_batch.py --runs 1000 --households 200 --months 12

runs a batch of short runs serially (one worker: the same code path each pool or Dask worker
runs per task) and prints one line ``runs=<n> model_share=<share> runs_per_s=<rate>``, where
``model_share`` is the time inside ``BondsimModel`` (construction and ``run``) divided by the
time spent per task including loading the scenario, building the output table and writing
the run's Parquet file. Issue 4's target: at least 0.9 for 1,000 short runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bondsim.experiments import batch
from bondsim.simulation import model as model_module

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args()

    inside = 0.0
    real_init, real_run = model_module.BondsimModel.__init__, model_module.BondsimModel.run

    def timed_init(self, *a, **k):  # noqa: ANN001
        nonlocal inside
        start = time.perf_counter()
        real_init(self, *a, **k)
        inside += time.perf_counter() - start

    def timed_run(self, months):  # noqa: ANN001
        nonlocal inside
        start = time.perf_counter()
        real_run(self, months)
        inside += time.perf_counter() - start

    model_module.BondsimModel.__init__ = timed_init
    model_module.BondsimModel.run = timed_run
    with tempfile.TemporaryDirectory() as tmp:
        exp = Path(tmp) / "exp.toml"
        exp.write_text(f'name = "bench"\nscenarios = ["{ROOT / "scenarios" / "baseline.toml"}"]'
                       f"\nreplicates = {args.runs}\nhouseholds = {args.households}\n"
                       f"months = {args.months}\n")
        spec, files = batch.load_experiment(exp)
        todo = batch.tasks(spec, files)
        start = time.perf_counter()
        for _ in batch.execute(todo, Path(tmp) / "out", workers=1):
            pass
        total = time.perf_counter() - start
    print(f"runs={len(todo)} model_share={inside / total:.3f} runs_per_s={len(todo) / total:.1f}")


if __name__ == "__main__":
    main()
