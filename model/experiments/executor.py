"""Where many independent runs are executed: serially, on a local process pool, or on a Dask
distributed cluster. Batches, sweeps and every later many-run job share this one executor.

``run_all(work, tasks, ...)`` calls ``work(task)`` for every task and yields the results as
they finish. ``work`` must be picklable (a module-level function, or a ``functools.partial``
of one) and each result must depend only on its task: then every way of running gives the
same results, and the caller, which saves each result as it arrives, can resume an
interrupted job by passing only the tasks still missing.

Interrupts: Ctrl-C sends SIGINT to the whole process group, workers included. Workers ignore
it and the parent decides: when anything ends the loop early (Ctrl-C, SIGTERM turned into
``errors.Terminated`` by the CLI, an error), the work not started is cancelled and the
workers are ended at once, so a job stops within seconds and leaves no process behind; the
runs already saved stay for ``--resume``.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

from ..errors import BondsimError

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
            with process_pool(min(workers, len(todo))) as own:
                yield from _on_pool(own, work, todo, bar)
    finally:
        bar.close()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A local pool whose workers ignore SIGINT: Ctrl-C reaches the whole process group, and
    only the parent may decide what happens (see ``stop_pool``)."""
    return ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    """A worker's first act: ignore SIGINT, then drop the block it was spawned with (a
    Ctrl-C held back meanwhile is discarded, not raised in the middle of a run)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def held(*signals: signal.Signals) -> Iterator[None]:
    """Block ``signals`` in this thread for the duration. What matters is what a process
    spawned meanwhile inherits: the block, until its ``_ignore_sigint`` (multiprocessing
    starts its resource tracker the same way). So a Ctrl-C while a worker still imports
    bondsim cannot print that worker's traceback. (This process may still see the signal at
    once, through another of its threads: callers must be ready for it.)"""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, set(signals))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def deferred(*signals: signal.Signals) -> Iterator[None]:
    """Let the block finish whatever ``signals`` arrive, then deliver the last that did:
    cleaning up after a Ctrl-C must not be cut short by a second one."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: caught.append(signum))
                for s in signals}
    try:
        yield
    finally:
        for s, handler in previous.items():
            if handler is not None:  # None: set outside Python, which cannot put it back
                signal.signal(s, handler)
        if caught:
            signal.raise_signal(caught[-1])


def _on_pool(pool: ProcessPoolExecutor, work: Callable[[T], R], todo: list[T],
             bar: Any) -> Iterator[R]:
    """Submit every task, yield the results as they finish; if the loop ends early for any
    reason (an interrupt, an error, the caller stopping), stop the pool rather than wait for
    the work still queued."""
    pending: set[Future[R]] = set()
    try:
        with held(signal.SIGINT):  # the workers are spawned by the first submissions
            for task in todo:
                pending.add(pool.submit(work, task))
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                bar.update(1)
                yield future.result()
    except BaseException:
        stop_pool(pool)
        raise


def stop_pool(pool: ProcessPoolExecutor, grace: float = 1.0) -> None:
    """Cancel the work not started and end the workers now, their runs in progress lost
    (the finished runs are saved already). Leaving a pool otherwise waits for every queued
    task: a sweep ran on for minutes after Ctrl-C. A second Ctrl-C or SIGTERM meanwhile
    waits until the workers are gone, so that it cannot leave them orphaned."""
    with deferred(signal.SIGINT, signal.SIGTERM):
        processes = list((getattr(pool, "_processes", None) or {}).values())
        # the pool forgets its manager thread on the first shutdown, so the second cannot
        # join it: joined here, or the interpreter's exit may find it half closed (Python
        # 3.11 then prints a traceback from concurrent.futures' exit hook)
        manager = getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(grace)
            if process.is_alive():
                process.kill()
                process.join()
        pool.shutdown(wait=True)
        if manager is not None:
            manager.join(2.0)


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
        try:
            for future in as_completed(futures):
                bar.update(1)
                yield future.result()
        except BaseException:  # interrupted or failed: free the cluster of what is queued
            with deferred(signal.SIGINT, signal.SIGTERM):
                client.cancel(futures)
            raise


def _progress(total: int, show: bool, unit: str) -> Any:
    """A tqdm bar (runs done, rate, time left), or a silent stand-in."""
    if show:
        from tqdm import tqdm
        return tqdm(total=total, unit=unit, smoothing=0.1)

    class _Silent:
        def update(self, n: int) -> None: ...

        def close(self) -> None: ...

    return _Silent()
