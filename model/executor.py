"""Where many independent runs are executed: serially, on a local process pool, or on a Dask
distributed cluster. Batches, sweeps and every later many-run job share this one executor.

``run_all(work, tasks, ...)`` calls ``work(task)`` for every task and yields the results as
they finish. ``work`` must be picklable (a module-level function, or a ``functools.partial``
of one) and each result must depend only on its task: then every way of running gives the
same results, and the caller, which saves each result as it arrives, can resume an
interrupted job by passing only the tasks still missing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from .errors import BondsimError

T = TypeVar("T")
R = TypeVar("R")


def run_all(work: Callable[[T], R], tasks: Iterable[T], *, workers: int = 1,
            progress: bool = False, scheduler: str | None = None, unit: str = "run",
            pool: ProcessPoolExecutor | None = None) -> Iterator[R]:
    """Yield ``work(task)`` for every task, in the order they finish.

    ``workers == 1`` runs in this process; more uses a local process pool (``pool``, if given,
    is reused: starting workers costs seconds, because Mesa sets the ``spawn`` start method
    and each worker imports bondsim afresh); ``scheduler`` (the address of a running Dask
    scheduler) sends the tasks to that cluster instead."""
    todo = list(tasks)
    bar = _progress(len(todo), progress, unit)
    try:
        if scheduler is not None:
            yield from _on_dask(work, todo, scheduler, bar)
        elif workers <= 1 or len(todo) <= 1:
            for task in todo:
                result = work(task)
                bar.update(1)
                yield result
        elif pool is not None:
            yield from _on_pool(pool, work, todo, bar)
        else:
            with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as own:
                yield from _on_pool(own, work, todo, bar)
    finally:
        bar.close()


def _on_pool(pool: ProcessPoolExecutor, work: Callable[[T], R], todo: list[T],
             bar: Any) -> Iterator[R]:
    pending = {pool.submit(work, t) for t in todo}
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            bar.update(1)
            yield future.result()


def _on_dask(work: Callable[[T], R], todo: list[T], scheduler: str, bar: Any) -> Iterator[R]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BondsimError("--scheduler needs Dask: pip install 'bondsim[cluster]'") from None
    try:
        client = Client(scheduler, timeout="5s")
    except OSError as exc:
        raise BondsimError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        futures = client.map(work, todo, pure=False)
        for future in as_completed(futures):
            bar.update(1)
            yield future.result()


def _progress(total: int, show: bool, unit: str) -> Any:
    """A tqdm bar (runs done, rate, time left), or a silent stand-in."""
    if show:
        from tqdm import tqdm
        return tqdm(total=total, unit=unit, smoothing=0.1)

    class _Silent:
        def update(self, n: int) -> None: ...

        def close(self) -> None: ...

    return _Silent()
