"""Rendering across processes: the same results, in the same order, as a serial loop."""

from __future__ import annotations

import gc
import os
import signal
from typing import Any, Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
Task = Callable[[Any, Item], Result]

MIN_CHUNK = 256
"""Items a worker takes at the least. A worker is a fresh process: it copies what it reads of the
build's memory and fills its own caches (compiled patterns, relative URLs, resolved links) anew.
At 1000 documents per language the page workers took 0.79 s of CPU time in chunks of 125 pages,
0.62 s in chunks of 256; at 5000 the chunks are longer anyway (see run_tasks)."""

_worker: tuple[Task, Any] | None = None
"""In a worker process only: the task and the state it inherited from the build by fork."""


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        return os.cpu_count() or 1


def run_tasks(task: Task, state: Any, items: Sequence[Item], jobs: int, min_items: int = 2) -> list[Result]:
    """[task(state, item) for item in items], spread over `jobs` processes when there are at
    least `min_items` items and the platform can fork. `state` (pages, templates, catalogues)
    reaches the workers by fork, neither pickled nor copied; items and results are pickled, so
    keep items small (indexes). A PublishError is raised for the first failing item in order,
    exactly as the serial loop would."""
    if jobs <= 1 or len(items) < max(min_items, 2):
        return [task(state, item) for item in items]
    import multiprocessing  # here: a rebuild after an edit renders a page or two, serially, without it
    if "fork" not in multiprocessing.get_all_start_methods():
        return [task(state, item) for item in items]
    jobs = min(jobs, len(items))
    # Several chunks per worker even out uneven pages, and bound what each worker copies (below);
    # but each chunk starts a worker afresh, so none is shorter than MIN_CHUNK where that leaves
    # every worker two.
    size = max(-(-len(items) // (jobs * 8)), min(-(-len(items) // (jobs * 2)), MIN_CHUNK))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    # A worker shares the build's memory with this process until it writes to a page of it, and
    # merely reading an object writes its reference count: each worker copies what it reads, so
    # each takes one chunk and exits. Frozen, the build's objects are not visited by the collector.
    gc.freeze()
    try:
        with context.Pool(jobs, _start_worker, (task, state), maxtasksperchild=1) as pool:
            outcomes = pool.map(_run_chunk, chunks, chunksize=1)
            # Done, the workers are told to end and waited for. Leaving the block instead would
            # terminate them with SIGTERM, among them one the pool may have forked a moment ago
            # to replace a finished worker (see cli._interrupt).
            pool.close()
            pool.join()
    finally:
        gc.unfreeze()
    results: list[Result] = []
    for chunk in outcomes:
        for ok, value in chunk:
            if not ok:
                raise value
            results.append(value)
    return results


def _start_worker(task: Task, state: Any) -> None:
    global _worker
    _worker = (task, state)
    # The build turns SIGTERM into KeyboardInterrupt (cli.main); a worker stops at once, as the
    # pool expects when it ends them.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_chunk(items: Sequence[Item]) -> list[tuple[bool, Any]]:
    from hkai_publish.errors import PublishError

    assert _worker is not None
    task, state = _worker
    outcomes: list[tuple[bool, Any]] = []
    for item in items:
        try:
            outcomes.append((True, task(state, item)))
        except PublishError as exc:
            outcomes.append((False, exc))
            break  # the serial loop would stop here too
    return outcomes
