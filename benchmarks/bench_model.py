"""Benchmark the baseline model: household-steps per second and memory per household.

    python benchmarks/bench_model.py --households 100000 --months 120

prints one line ``household_steps_per_s=<number> bytes_per_household=<number>``.

Speed is measured on a model built beforehand (construction is not a step), over ``--months``
steps including outcome collection, best of ``--repeat`` runs. Memory is the peak of Python
and numpy allocations (tracemalloc) while building the model and running ``--memory-months``
steps, divided by the number of households: it includes the state arrays, the agents and
every temporary a step allocates.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

from bondsim import BondsimModel, Params


def speed(households: int, months: int, repeat: int, seed: int) -> float:
    best = float("inf")
    for r in range(repeat):
        model = BondsimModel(Params(), households=households, seed=seed + r)
        gc.collect()
        start = time.perf_counter()
        model.run(months)
        best = min(best, time.perf_counter() - start)
    return households * months / best


def memory(households: int, months: int, seed: int) -> float:
    gc.collect()
    tracemalloc.start()
    model = BondsimModel(Params(), households=households, seed=seed)
    model.run(months)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del model
    return peak / households


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-months", type=int, default=13,
                        help="months run while measuring memory (covers a closure)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rate = speed(args.households, args.months, args.repeat, args.seed)
    per_household = memory(args.households, min(args.months, args.memory_months), args.seed)
    print(f"household_steps_per_s={rate:.0f} bytes_per_household={per_household:.0f}")


if __name__ == "__main__":
    main()
