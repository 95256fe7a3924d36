"""Full-text search: a Pagefind index per edition, made from that edition's section pages.

Each edition is indexed on its own into `<folder>/pagefind/` of the site, so a reader of one
edition finds that edition's pages only (the fallback pages under its URL included), and a
deployed site searches with no server and no service. The binary is Pagefind's extended build
from the `pagefind-bin-extended` wheel: it segments Chinese with a dictionary, so 人工智能 is
found as a word, and nothing is downloaded at build time.

An edition's index is keyed by the digests of the pages it is made from: a build in which none of
them changed reuses the files the last build wrote; any change indexes the edition again (Pagefind
has no incremental mode). The templates say what is indexed: `data-pagefind-body` on the article,
`data-pagefind-ignore` on what repeats from page to page, `data-pagefind-meta` for the original's
language on a fallback page."""

from __future__ import annotations

import logging
import os
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

TABLE = "search-index"
"""The cache table that lists, by an edition's key, the files its index was written as."""

SCRATCH = "/dev/shm"

TIMEOUT = 600
"""Seconds one edition's indexing may take (1000 pages take 1 to 3 s on 2 cores)."""


def index_editions(config: Config, pages: Sequence[Page], site: Mapping[str, Output],
                   cache: CacheView | None = None, jobs: int = 1) -> list[Output]:
    """The search index of every edition, as outputs under site/ (paths relative to it).
    `site` maps the site's output paths to the rendered pages."""
    editions = [(locale, [p for p in pages if p.locale == locale]) for locale in config.locales]
    keys = {locale.tag: _key(cache, locale, same, site) for locale, same in editions}
    outputs: list[Output] = []
    todo = []
    for locale, same in editions:
        reused = _reused(cache, locale, keys[locale.tag])
        if reused is not None:
            outputs.extend(reused)
        elif same:
            todo.append((locale, same))
    if not todo:
        return outputs
    from concurrent.futures import ThreadPoolExecutor  # here, as subprocess and tempfile: only to index

    # Pagefind is a separate process: the editions are indexed side by side.
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo) or 1))) as pool:
        made = list(pool.map(lambda job: index_edition(job[0], job[1], site), todo))
    for (locale, _), files in zip(todo, made):
        outputs.extend(files)
        if cache is not None:
            _remember(cache, locale, keys[locale.tag], files)
    return outputs


def index_edition(locale: Locale, pages: Sequence[Page], site: Mapping[str, Output]) -> list[Output]:
    """One edition's index: its pages laid out as the edition's folder, indexed by Pagefind."""
    import tempfile

    home = page_path(locale)
    with tempfile.TemporaryDirectory(prefix="hkai-search-", dir=_scratch()) as temporary:
        folder = Path(temporary) / "edition"
        for page in pages:
            target = folder / page.output_path[len(home):]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(site[page.output_path].data)
        bundle = Path(temporary) / "bundle"
        run_pagefind(folder, bundle, locale)
        return [Output(home + BUNDLE + path.relative_to(bundle).as_posix(), path.read_bytes())
                for path in sorted(bundle.rglob("*")) if path.is_file() and path.name not in UNUSED]


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


def _key(cache: CacheView | None, locale: Locale, pages: Sequence[Page], site: Mapping[str, Output]) -> str | None:
    """What an edition's index is made from: its pages' bytes (by digest) and Pagefind's version."""
    if cache is None:
        return None
    return cache.key("search-index", installed_version(DISTRIBUTION), locale.tag,
                     [(page.output_path, site[page.output_path].digest) for page in pages])


def _reused(cache: CacheView | None, locale: Locale, key: str | None) -> list[Output] | None:
    """The files the last build wrote for this edition's index, if it made them from `key`."""
    if cache is None or key is None:
        return None
    paths = cache.lookup(TABLE, (locale.tag, key))
    if not paths:
        return None
    found = [cache.reuse_file(path, key) for path in paths]
    if not all(found):
        return None
    cache.store(TABLE, (locale.tag, key), paths)  # kept for the next build
    return [Output(path, None, *each) for path, each in zip(paths, found)]


def _remember(cache: CacheView, locale: Locale, key: str | None, files: list[Output]) -> None:
    if key is None:
        return
    paths = tuple(output.path for output in files)
    cache.store(TABLE, (locale.tag, key), paths)
    for path in paths:
        cache.reuse_file(path, key)  # finds nothing: it records the key the file is made from
