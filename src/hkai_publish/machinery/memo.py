"""Findings remembered between builds, and computed on every core when there are many.

The costly checks (parity, language lint, HTML outputs) work page by page: `remembered` keeps
each page's findings in the build cache by a digest of what they depend on, so a rebuild
checks only the pages that changed. `compute_everywhere` runs the checks once to learn which
findings no earlier build has, computes those in worker processes, then lets the checks run
again with everything at hand."""

from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable, Protocol

from hkai_publish.machinery.workers import run_tasks


class Memo(Protocol):
    """What `remembered` needs of the build cache (cache.BuildCache)."""

    def table_key(self, *values: Any) -> Hashable: ...
    def lookup(self, table: str, key: Hashable) -> Any | None: ...
    def store(self, table: str, key: Hashable, value: Any) -> None: ...


def remembered(memo: Memo | None, name: str, inputs: tuple, function: Callable[..., Iterable], *args: Any,
               table: str = "checks", missing: tuple = (), near: Hashable = None) -> tuple:
    """tuple(function(*args)), kept by a key made from `inputs` (all that the result depends on).
    Without a memo, just computed. While a _Deferred memo looks for work, `missing` stands in.
    Work `near` other work (the same document, read by several checks) is computed after it, in
    the same process, where what the first computed on the way may still be at hand."""
    if memo is None:
        return tuple(function(*args))
    key = memo.table_key(name, *inputs)
    found = memo.lookup(table, key)
    if found is None:
        if isinstance(memo, _Deferred):
            memo.defer(table, key, function, args, near)
            return missing
        found = tuple(function(*args))
        memo.store(table, key, found)
    return found


SAMPLE = 512
"""Findings looked up before deciding whether the cache has most of them."""


class _MostlyKnown(Exception):
    pass


class _Deferred:
    """A memo that answers from the cache, and for what it lacks records the work instead."""

    def __init__(self, memo: Memo):
        self.memo = memo
        self.looked = 0
        self.work: dict[tuple[str, Hashable], tuple[Callable[..., Iterable], tuple]] = {}
        self.near: dict[tuple[str, Hashable], Hashable] = {}

    def table_key(self, *values: Any) -> Hashable:
        return self.memo.table_key(*values)

    def lookup(self, table: str, key: Hashable) -> Any | None:
        found = self.memo.lookup(table, key)
        self.looked += 1
        if self.looked == SAMPLE and len(self.work) < SAMPLE // 8:
            raise _MostlyKnown  # a rebuild after a few edits: not worth a second pass and workers
        return found

    def store(self, table: str, key: Hashable, value: Any) -> None:
        self.memo.store(table, key, value)

    def defer(self, table: str, key: Hashable, function: Callable[..., Iterable], args: tuple,
              near: Hashable = None) -> None:
        self.work.setdefault((table, key), (function, args))
        if near is not None:
            self.near.setdefault((table, key), near)

    def ordered_work(self) -> list:
        """The work found, each piece moved up to the first piece it is near."""
        first: dict[Hashable, int] = {}
        items = list(self.work.items())
        order = sorted(range(len(items)),  # work near nothing is a group of its own
                       key=lambda i: (first.setdefault(self.near.get(items[i][0], (None, i)), i), i))
        return [items[i] for i in order]


def compute_everywhere(memo: Memo | None, run: Callable[[Memo], Any], jobs: int, min_items: int = 64) -> None:
    """Run `run` (which reads findings through `remembered`) with a memo that collects what is
    missing; compute that across `jobs` processes and store it, so that the real run finds it all."""
    if memo is None or jobs <= 1:
        return
    deferred = _Deferred(memo)
    try:
        run(deferred)
    except _MostlyKnown:
        return
    work = deferred.ordered_work()
    if len(work) < min_items:
        return  # the real run computes it, here
    pool: dict = {}
    for ((table, key), _), found in zip(work, run_tasks(_compute, work, range(len(work)), jobs, min_items)):
        memo.store(table, key, _shared(found, pool))


def _shared(value: Any, pool: dict) -> Any:
    """`value` with each tuple in it replaced by an equal one seen before. Pages link to the same
    pages, so most of their parsed links are equal: shared, they take a quarter of the memory
    (what a worker shared arrives here as copies, one per chunk)."""
    if type(value) is not tuple:
        return value
    value = tuple([_shared(item, pool) if type(item) is tuple else item for item in value])
    try:
        return pool.setdefault(value, value)
    except TypeError:  # it holds a dict or a list
        return value


def _compute(work: list, index: int) -> tuple:
    _, (function, args) = work[index]
    return tuple(function(*args))
