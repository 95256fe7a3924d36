"""Full-text search: a Pagefind index per edition, made from that edition's section pages.

Each edition is indexed on its own into `<folder>/pagefind/` of the site, so a reader of one
edition finds that edition's pages only (the fallback pages under its URL included), and a
deployed site searches with no server and no service. The binary is Pagefind's extended build
from the `pagefind-bin-extended` wheel: it segments Chinese with a dictionary, so 人工智能 is
found as a word, and nothing is downloaded at build time.

Pagefind has no incremental mode, so a large edition is indexed in shards: its pages are dealt
by a hash of their path into a power of two of shards of at most `search_shard_pages` pages
each on average (one shard, the whole edition, below that). The first shard with pages is the
bundle in `pagefind/`, the others `pagefind/shard-N/`, listed in `pagefind/shards.json`, which the search box merges
into the first (Pagefind's `mergeIndex`). Each shard is keyed by the digests of its pages: a build
in which none of them changed reuses the files the last build wrote; a one-page edit indexes
that page's shard again. The templates say what is indexed: `data-pagefind-body` on the article,
`data-pagefind-ignore` on what repeats from page to page, `data-pagefind-meta` for the original's
language on a fallback page."""

from __future__ import annotations

import json
import logging
import math
import os
import zlib
from pathlib import Path
from typing import Mapping, Sequence

from hkai_publish.editions.pages import Page, page_path
from hkai_publish.errors import PublishError
from hkai_publish.machinery.cache import CacheView
from hkai_publish.machinery.digests import installed_version
from hkai_publish.machinery.files import Output
from hkai_publish.sources.config import Config
from hkai_publish.sources.locales import Locale

log = logging.getLogger(__name__)

BUNDLE = "pagefind/"
"""The index's folder inside each edition's folder: the search box loads `pagefind.js` from it."""

DISTRIBUTION = "pagefind-bin-extended"

UNUSED = frozenset({"pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js"})
"""Pagefind's own search interfaces (400 KB an edition): the site's search box (assets/search.js)
uses only its JavaScript API, pagefind.js with its worker and WebAssembly."""

SHARDS = "shards.json"
"""The list, in the first shard's folder, of the other shards' folders (relative to it)."""

SECONDARY_UNUSED = frozenset({"pagefind.js", "pagefind-worker.js"})
"""What a merged shard does without: the first shard's script and worker load it."""

TABLE = "search-index"
"""The cache table that lists, by an edition's key, the files its index was written as."""

SCRATCH = "/dev/shm"

TIMEOUT = 600
"""Seconds one edition's indexing may take (1000 pages take 1 to 3 s on 2 cores)."""


def index_editions(config: Config, pages: Sequence[Page], site: Mapping[str, Output],
                   cache: CacheView | None = None, jobs: int = 1) -> list[Output]:
    """The search index of every edition, as outputs under site/ (paths relative to it).
    `site` maps the site's output paths to the rendered pages."""
    outputs: list[Output] = []
    todo = []
    for locale in config.locales:
        edition = [p for p in pages if p.locale == locale]
        if not edition:
            continue
        shards = shard_pages(edition, config.search_shard_pages)
        numbers = [number for number, same in enumerate(shards) if same]
        listed = [f"shard-{number}/" for number in numbers[1:]]
        outputs.append(Output(page_path(locale) + BUNDLE + SHARDS, json.dumps(listed).encode() + b"\n"))
        for number in numbers:
            # The first shard with pages is the bundle in pagefind/ itself, with the script.
            folder = "" if number == numbers[0] else f"shard-{number}/"
            key = _key(cache, locale, folder, len(shards), shards[number], site)
            reused = _reused(cache, (locale.tag, number), key)
            if reused is not None:
                outputs.extend(reused)
            else:
                todo.append((locale, folder, shards[number], key, number))
    if not todo:
        return outputs
    from concurrent.futures import ThreadPoolExecutor  # here, as subprocess and tempfile: only to index

    # Pagefind is a separate process: the editions and shards are indexed side by side.
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
        made = list(pool.map(lambda job: index_edition(job[0], job[2], site, job[1]), todo))
    for (locale, _, _, key, number), files in zip(todo, made):
        outputs.extend(files)
        if cache is not None:
            _remember(cache, (locale.tag, number), key, files)
    return outputs


def shard_pages(pages: Sequence[Page], size: int) -> list[list[Page]]:
    """An edition's pages dealt into shards by a hash of each page's path (so that adding a page
    moves no other): one shard up to `size` pages, else the power of two that keeps the shards
    at `size` pages or fewer on average."""
    count = 1 if len(pages) <= size else 2 ** math.ceil(math.log2(len(pages) / size))
    shards: list[list[Page]] = [[] for _ in range(count)]
    for page in pages:
        shards[zlib.crc32(page.output_path.encode("utf-8")) % count].append(page)
    return shards


def index_edition(locale: Locale, pages: Sequence[Page], site: Mapping[str, Output], shard: str = "") -> list[Output]:
    """One shard of an edition's index (the whole edition when it has one): its pages laid out
    as in the edition's folder, indexed by Pagefind into pagefind/`shard` (a folder below the
    first shard, "" for the first)."""
    import tempfile

    home = page_path(locale)
    into = home + BUNDLE + shard
    unused = UNUSED | SECONDARY_UNUSED if shard else UNUSED
    with tempfile.TemporaryDirectory(prefix="hkai-search-", dir=_scratch()) as temporary:
        folder = Path(temporary) / "edition"
        for page in pages:
            target = folder / page.output_path[len(home):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(site[page.output_path].data)
        bundle = Path(temporary) / "bundle"
        run_pagefind(folder, bundle, locale)
        return [Output(into + path.relative_to(bundle).as_posix(), path.read_bytes())
                for path in sorted(bundle.rglob("*")) if path.is_file() and path.name not in unused]


def _scratch() -> str | None:
    """Where Pagefind reads the pages and writes its files: in memory (/dev/shm) where there is
    one. On this machine's disk, making and removing a folder per page cost a one-page edit at
    1000 pages per language 2.5 to 4 s more than Pagefind itself (see docs/benchmarks.md)."""
    return SCRATCH if os.path.isdir(SCRATCH) and os.access(SCRATCH, os.W_OK | os.X_OK) else None


def run_pagefind(site: Path, bundle: Path, locale: Locale) -> None:
    """Pagefind over `site` into `bundle`. Its notes (no stemming for Chinese) are logged;
    a failure is a PublishError with what it said."""
    import subprocess

    command = [str(pagefind_binary()), "--site", str(site), "--output-path", str(bundle), "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT,
                              env={**os.environ, "NO_COLOR": "1"})
    except subprocess.TimeoutExpired:
        raise PublishError(f"search: Pagefind did not finish indexing the {locale.name} edition "
                           f"in {TIMEOUT} s") from None
    for line in (done.stdout + done.stderr).splitlines():
        if line.strip():
            log.debug("pagefind (%s): %s", locale.tag, line)
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        said = (done.stderr or done.stdout).strip().splitlines()
        raise PublishError(f"search: Pagefind could not index the {locale.name} edition"
                           f"{': ' + said[-1] if said else ''} (exit {done.returncode})")


def pagefind_binary() -> Path:
    """The extended Pagefind binary inside the `pagefind-bin-extended` wheel, or the one named by
    PAGEFIND_BINARY_PATH (as for Pagefind's own Python API)."""
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        return Path(named)
    try:
        from pagefind_bin_extended import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError):
        raise PublishError(f"search: Pagefind is not installed; install the Python package {DISTRIBUTION} "
                           "(scripts/setup.sh does: it is a dependency of hkai-publish)") from None


def _key(cache: CacheView | None, locale: Locale, shard: str, shards: int, pages: Sequence[Page],
         site: Mapping[str, Output]) -> str | None:
    """What a shard of an edition's index is made from: its pages' bytes (by digest), its folder
    among how many shards, and Pagefind's version."""
    if cache is None:
        return None
    return cache.key("search-index", installed_version(DISTRIBUTION), locale.tag, shard, shards,
                     [(page.output_path, site[page.output_path].digest) for page in pages])


def _reused(cache: CacheView | None, shard: tuple[str, int], key: str | None) -> list[Output] | None:
    """The files the last build wrote for this shard of an edition's index, if it made them from `key`."""
    if cache is None or key is None:
        return None
    paths = cache.lookup(TABLE, (*shard, key))
    if not paths:
        return None
    found = [cache.reuse_file(path, key) for path in paths]
    if not all(found):
        return None
    cache.store(TABLE, (*shard, key), paths)  # kept for the next build
    return [Output(path, None, *each) for path, each in zip(paths, found)]


def _remember(cache: CacheView, shard: tuple[str, int], key: str | None, files: list[Output]) -> None:
    if key is None:
        return
    paths = tuple(output.path for output in files)
    cache.store(TABLE, (*shard, key), paths)
    for path in paths:
        cache.reuse_file(path, key)  # finds nothing: it records the key the file is made from
