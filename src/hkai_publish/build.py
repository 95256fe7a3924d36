"""The build: gather and render everything, check it, then write it in one swap."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from hkai_publish.machinery.cache import FOLDER as CACHE_FOLDER, BuildCache, CacheDamaged
from hkai_publish.translation.catalogs import load_catalogs
from hkai_publish.checks.runner import run_checks, sorted_problems
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import load_documents, pair_documents
from hkai_publish.errors import Problem, PublishError, display_path, problems_fail, report_problems
from hkai_publish.machinery.files import Spool, digest, remove_dead_spools
from hkai_publish.sources.locales import cldr_kept_in
from hkai_publish.editions.pages import make_pages
from hkai_publish.editions.search import index_editions
from hkai_publish.translation.terms import load_termbase
from hkai_publish.editions.site import render_site
from hkai_publish.machinery.files import Output
from hkai_publish.machinery.workers import default_jobs

log = logging.getLogger(__name__)

BUILD_PARTS = {"site", "pdf", CACHE_FOLDER}
"""What a build folder holds: anything else in --out means it is not one."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    out_dir: Path
    strict: bool = False
    """Warnings fail the build too."""
    write: bool = True
    """False for `check`: render and check everything, write nothing."""
    only: str | None = None
    """"site" or "pdf": rebuild that part and keep the other part of the previous build."""
    jobs: int | None = None
    """Processes to render with; None for one per core."""
    cache: bool = True
    """Reuse what the last build in out_dir made from unchanged inputs (see cache.py)."""
    drafts: bool = False
    """Publish pages marked `draft: true` too."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    outputs: tuple[Output, ...] = ()
    """What was built: the pages' bytes are read from the output folder once it is written."""
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    written: bool = False
    pdf_pages: int = 0
    """Pages in all PDF editions together."""
    pdf_checked: bool = False
    """Whether the PDF editions were laid out and checked (not when the site's checks failed first)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def failed(self, strict: bool) -> bool:
        return problems_fail(self.problems, strict)

    def report(self, strict: bool) -> list[str]:
        return report_problems(self.problems, strict)


def build(config: Config, options: BuildOptions) -> BuildResult:
    """Load, pair, render and check the publication; write build/ only if nothing failed."""
    if options.write:
        check_out_dir(config, options.out_dir, BUILD_PARTS)
    # First gather all data: sources, translations, rendered pages and PDFs. Nothing touches disk yet.
    cache = BuildCache(options.out_dir, enabled=options.cache)
    sources = cache.fingerprint_sources(config.project_dir, (config.content_dir, config.templates_dir,
                                                             config.locales_dir, config.static_path),
                                        options.only, options.drafts)
    previous = cache.previous_build(sources)
    if previous is not None:  # made from exactly these sources: the last build stands as it is
        outputs, problems, pdf_pages = previous
        failed = BuildResult(tuple(outputs), problems).failed(options.strict)
        return BuildResult(tuple(outputs), problems, written=not failed, pdf_pages=pdf_pages)
    # Pages rendered for the site wait on disk (not for --only pdf, which writes no site).
    # Flat where the pages will replace their old versions in place (see Spool).
    spool = Spool(options.out_dir, flat=cache.intact) if options.write and options.only != "pdf" else None
    try:
        with cldr_kept_in(cache):
            return _render_and_write(config, options, cache, sources, spool)
    except CacheDamaged as exc:
        log.warning("the build cache cannot be used (%s); building without it", exc)
    finally:
        if spool is not None:
            spool.discard()
    return build(config, dataclasses.replace(options, cache=False))  # and the damaged cache is dropped


def _render_and_write(config: Config, options: BuildOptions, cache: BuildCache, sources: str,
                      spool: Spool | None) -> BuildResult:
    """The stages of a build whose sources changed since the last one."""
    jobs = options.jobs or default_jobs()
    documents = load_documents(config, cache, drafts=options.drafts)
    entries = pair_documents(config, documents)
    catalogs = load_catalogs(config, cache)
    termbase = load_termbase(config, cache)
    pages = make_pages(config, entries, catalogs, cache, jobs, termbase)
    # The site is rendered even for --only pdf: it is quick, and the checks read it.
    site = [prefixed("site/", o) for o in render_site(config, pages, catalogs, cache.within("site/"), jobs,
                                                      spool.within("site/") if spool else None)]
    # Fail fast: the site's checks take seconds, the PDF layout minutes. A publication the site's
    # checks already fail is reported before any PDF is laid out.
    site_problems = run_checks(config, pages, site, cache, jobs)
    editions, pdf_problems, pdf_pages = [], [], 0
    pdf_checked = options.only != "site" and not problems_fail(site_problems, options.strict)
    if pdf_checked:
        from hkai_publish.editions.pdf import render_pdfs  # here: a site-only build, on every save, need not load it
        pdfs = render_pdfs(config, pages, catalogs, cache.within(""), jobs)
        editions, pdf_problems, pdf_pages = list(pdfs.outputs), list(pdfs.problems), pdfs.page_count
    # The site links each edition at site/pdf/, so a deployed site/ carries its PDFs.
    pdf_outputs = [*editions, *(prefixed("site/", o) for o in editions)]
    outputs = [o for o in site if options.only != "pdf"] + pdf_outputs
    # A page shown untranslated in two editions gives the same problem twice: report it once.
    problems = tuple(sorted_problems(site_problems + pdf_problems))
    result = BuildResult(tuple(outputs), problems, pdf_pages=pdf_pages, pdf_checked=pdf_checked)
    if result.failed(options.strict) or not options.write:
        return result
    if options.only != "pdf":  # the last step of the site: its search index, from the checked pages
        rendered = {o.path[len("site/"):]: o for o in site}
        outputs += [prefixed("site/", o) for o in index_editions(config, pages, rendered, cache.within("site/"), jobs)]
    # Everything is rendered and checked: now write, all at once.
    keep = (lambda path: part_of(path) != options.only) if options.only else None
    cache.remember(sources, problems, pdf_pages)
    write_outputs(options.out_dir, outputs, keep, cache, spool)
    return BuildResult(tuple(outputs), problems, written=True, pdf_pages=pdf_pages, pdf_checked=pdf_checked)


def part_of(path: str) -> str:
    """Which part of the build an output belongs to, for --only: "pdf" or "site"."""
    return "pdf" if path.startswith(("pdf/", "site/pdf/")) else "site"


def previous_outputs(out_dir: Path, keep, cache: BuildCache | None = None) -> list[Output]:
    """The files of the last build that `keep` accepts, to carry into the next one (not its cache).
    Where `cache` vouches for the folder, the files it lists, left as they are."""
    if cache is not None:
        kept = [Output(path, (out_dir / path).read_bytes()) for path in cache.records if keep(path)]
        cache.reused.update(o.path for o in kept)
        return kept
    if not out_dir.is_dir():
        return []
    return [Output(path.relative_to(out_dir).as_posix(), path.read_bytes())
            for path in sorted(out_dir.rglob("*"))
            if path.is_file() and path.relative_to(out_dir).parts[0] != CACHE_FOLDER
            and keep(path.relative_to(out_dir).as_posix())]


def prefixed(prefix: str, output: Output) -> Output:
    return dataclasses.replace(output, path=prefix + output.path)


def check_out_dir(config: Config, out_dir: Path, parts: set[str] | None = None) -> None:
    """Refuse an output folder whose replacement would destroy sources, or (given the names an
    output folder holds, `parts`) anything else."""
    out, project = out_dir.resolve(), config.project_dir.resolve()
    for source in (project, config.content_dir, config.templates_dir, config.locales_dir, config.static_path):
        source = source.resolve()
        if out == source or source.is_relative_to(out) or out.is_relative_to(source) and source != project:
            raise PublishError(f"--out {out_dir}: the output folder would overwrite the sources in "
                               f"{display_path(source)}; choose a folder such as build/")
    others = sorted(p.name for p in out.iterdir() if p.name not in parts) if parts is not None and out.is_dir() else []
    if others:
        raise PublishError(f"--out {out_dir}: the folder holds other files ({', '.join(others[:3])}"
                           f"{', …' if len(others) > 3 else ''}) and a build replaces it whole; "
                           "choose a new or empty folder")


def write_outputs(out_dir: Path, outputs: list[Output], keep: Callable[[str], bool] | None = None,
                  cache: BuildCache | None = None, spool: Spool | None = None) -> None:
    """Write every output so that a reader (or a failed build) never sees a half-written build:
    into a fresh folder swapped into place, or, where `cache` vouches that out_dir is exactly
    what the last build wrote, only the changed files, each replaced whole once all are written.
    A lock beside out_dir makes two builds started at once take turns: the last to finish wins,
    whole. `keep` carries over the previous build's files it accepts (read under the lock, so
    never from a half-swapped folder). The cache is saved under the lock too. Outputs already
    in `spool` are where they belong: the spool is the fresh folder."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out_dir.parent / f".{out_dir.name}.lock"):
        _remove_leftovers(out_dir)
        remove_dead_spools(out_dir)
        # Another build may have written since this one looked: trust the folder only if it did not.
        in_place = cache is not None and cache.still_intact()
        outputs = outputs + (previous_outputs(out_dir, keep, cache if in_place else None) if keep else [])
        paths = [o.path for o in outputs]
        if len(set(paths)) != len(paths):
            twice = sorted({p for p in paths if paths.count(p) > 1})
            raise PublishError(f"two outputs claim the same path: {', '.join(twice)}")
        changed = [o for o in outputs if not (in_place and cache.unchanged(o))]
        own = Spool(out_dir) if spool is None else None
        spool = spool or own
        try:
            for output in changed:
                if output.file != spool.path(output.path):
                    spool.keep(output.path, _checked_data(output, out_dir))
            if in_place:
                _replace(spool, out_dir, changed, set(cache.records) - set(paths))
            else:  # the cache's tables stay true whatever the folder held; not without a cache
                spool.unfold([o.path for o in changed])
                _swap(spool.folder, out_dir, keep_cache=cache is not None and cache.enabled)
        finally:
            if own is not None:
                own.discard()
        if cache is not None:
            cache.save(outputs)


def _checked_data(output: Output, out_dir: Path) -> bytes:
    """The output's bytes. One left in the last build's folder (reused by its digest) is read
    only now, under the lock: if another build replaced it meanwhile, this one cannot finish."""
    try:
        data = output.data
    except OSError:
        data = None
    if data is None or (output.body is None and output.sha and digest(data) != output.sha):
        raise PublishError(f"{display_path(out_dir)} was changed by another build while this one ran; build again")
    return data


def _replace(spool: Spool, out_dir: Path, changed: list[Output], stale: set[str]) -> None:
    """Move the written files over their old versions and delete outputs no longer made."""
    for output in changed:
        target = out_dir / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(spool.path(output.path), target)
    for path in sorted(stale, reverse=True):
        target = out_dir / path
        target.unlink(missing_ok=True)
        for parent in target.parents:
            if parent == out_dir or any(parent.iterdir()):
                break
            parent.rmdir()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` for the duration (released by the OS if the process dies)."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(out_dir: Path) -> None:
    """Staging folders of a build that was killed mid-write: only the lock holder makes them."""
    for kind in ("new", "old"):
        for stale in out_dir.parent.glob(f".{out_dir.name}.{kind}-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _swap(staging: Path, out_dir: Path, keep_cache: bool = False) -> None:
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rename(out_dir, old / out_dir.name)
    os.rename(staging, out_dir)
    if old is not None:
        kept = old / out_dir.name / CACHE_FOLDER
        if keep_cache and kept.is_dir():
            os.rename(kept, out_dir / CACHE_FOLDER)
        shutil.rmtree(old, ignore_errors=True)
