"""The `hkai-publish` command. Exit codes: 0 success, 1 problems in the publication, 2 bad usage."""

from __future__ import annotations

import contextlib
import importlib
import errno
import gc
import json
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Iterator

import click

from hkai_publish.build import BuildOptions, BuildResult, build, check_out_dir, write_outputs
from hkai_publish.sources.locales import parse_locale
from hkai_publish.sources.config import Config, load_config
from hkai_publish.errors import Problem, PublishError, counted, display_path, problems_fail, report_problems
from hkai_publish.machinery.files import Output


class _OnFirstUse:
    """A module imported when first used: `hkai-publish build`, run on every save, need not load
    the translators' and the server's tools (a quarter of its start-up time)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(f"hkai_publish.{self._name}"), attr)


i18n, status = _OnFirstUse("translation.i18n"), _OnFirstUse("translation.status")
make_handoff = lambda *args, **kwargs: _OnFirstUse("translation.handoff").make_handoff(*args, **kwargs)  # noqa: E731
plan_imports = lambda *args, **kwargs: _OnFirstUse("translation.handoff_import").plan_imports(*args, **kwargs)  # noqa: E731
write_imports = lambda *args, **kwargs: _OnFirstUse("translation.handoff_import").write_imports(*args, **kwargs)  # noqa: E731
serve = lambda *args, **kwargs: _OnFirstUse("serve").serve(*args, **kwargs)  # noqa: E731
review = _OnFirstUse("editions.review")
terms = _OnFirstUse("translation.terms")

PROJECT = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path),
                       default=Path("."), show_default=True, help="The publication's folder.")
STRICT = click.option("--strict", is_flag=True, help="Fail on warnings too.")
DRAFTS = click.option("--drafts", is_flag=True, help="Include pages marked `draft: true`.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="hkai-publish")
def cli() -> None:
    """Publish parallel English and Hong Kong Traditional Chinese Markdown as a bilingual static
    site and a PDF brochure per language.

    A publication is a folder with content/<lang>/*.md, templates/, locales/ and an optional
    [tool.hkai-publish] table in pyproject.toml.
    """


@cli.command("build")
@PROJECT
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: <project>/build). Updated only after a good build.")
@STRICT
@click.option("--only", type=click.Choice(["site", "pdf"]), default=None,
              help="Rebuild only the site or only the PDF editions; the other part of the last build is kept.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to render with (default: one per core).")
@click.option("--no-cache", is_flag=True, help="Render everything, ignoring what the last build made.")
@DRAFTS
def build_command(project: Path, out_dir: Path | None, strict: bool, only: str | None, jobs: int | None,
                  no_cache: bool, drafts: bool) -> None:
    """Build the site into <out>/site and the PDF editions into <out>/pdf."""
    started = time.perf_counter()
    result = _run(project, out_dir, strict, write=True, only=only, jobs=jobs, cache=not no_cache, drafts=drafts)
    pages = sum(1 for o in result.outputs if o.path.endswith(".html"))
    pdfs = sum(1 for o in result.outputs if o.path.startswith("pdf/"))
    built = [counted(pages, "HTML page")] if only != "pdf" else []
    built += [f"{counted(pdfs, 'PDF edition')} ({counted(result.pdf_pages, 'page')})"] if only != "site" else []
    click.echo(f"Built {' and '.join(built)} into {out_dir or project / 'build'} "
               f"in {time.perf_counter() - started:.2f} s", err=True)
    if only != "pdf" and not any(o.path == "site/robots.txt" for o in result.outputs):
        base_url = load_config(project).base_url
        click.echo(f"No robots.txt: crawlers read it only at a host's root, and base_url ({base_url}) is "
                   f"below it. Give them the sitemap from the host's robots.txt: Sitemap: {base_url}sitemap.xml",
                   err=True)


@cli.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--languages", default="en-HK,zh-Hant-HK", show_default=True,
              help="The languages, comma-separated, the original first.")
@click.option("--title", default="Untitled publication", show_default=True, help="The publication's title.")
def new_command(folder: Path, languages: str, title: str) -> None:
    """Start a publication in FOLDER (new or empty): settings, a page per language, catalogues,
    babel.cfg and .gitignore. It builds at once; templates come from the package's theme until a
    file is copied into templates/ to change it."""
    from hkai_publish import starting

    with _user_errors():
        written = starting.create(folder, title, starting.parse_languages(languages))
    for path in written:
        click.echo(f"  wrote {display_path(path)}")
    click.echo(f"Started {title!r} in {display_path(folder)}. Next: cd {display_path(folder)} && "
               "hkai-publish build --strict (or serve to preview while you write).")


@cli.command("import")
@click.option("--from", "fmt", type=click.Choice(["docusaurus", "vitepress", "mkdocs", "hugo"]), default=None,
              help="The tool the project is written for (default: found from its files).")
@click.argument("src", type=click.Path(file_okay=False, path_type=Path))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def import_command(fmt: str | None, src: Path, folder: Path) -> None:
    """Lay out SRC, a bilingual Docusaurus, VitePress, MkDocs or Hugo project, as a publication in
    FOLDER (new or empty), without editing its Markdown; report what was paired and left out."""
    from hkai_publish import starting
    from hkai_publish.sources import importers

    with _user_errors():
        fmt = fmt or importers.detect(src)
        lines = starting.import_project(importers.plan(fmt, src), src, folder)
    for line in lines:
        click.echo(line)


@cli.command("check")
@PROJECT
@STRICT
@DRAFTS
def check_command(project: Path, strict: bool, drafts: bool) -> None:
    """Render and check everything, the PDF editions too, as `build` does; write nothing.
    Prints every problem, then a count, and which PDF checks ran."""
    result = _run(project, None, strict, write=False, drafts=drafts,
                  after_report=lambda result: _pdf_checks_line(result) + ".")
    if not result.problems:
        pages = sum(1 for o in result.outputs if o.path.endswith("/index.html"))
        click.echo(f"No problems in {pages} pages; {_pdf_checks_line(result)}.", err=True)


PDF_CHECKS = ("pdf-fetch", "pdf-glyphs", "pdf-font", "pdf-render")


def _pdf_checks_line(result: BuildResult) -> str:
    """What `check` says of the PDF editions: whether their checks ran (as `build` would)."""
    if result.pdf_checked:
        return "PDF checks run on both PDF editions: " + ", ".join(PDF_CHECKS)
    return ("PDF checks not run (" + ", ".join(PDF_CHECKS) + "): the site's checks failed first, "
            "and `build` stops there too, before laying out the PDFs")


@cli.command("serve")
@PROJECT
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
def serve_command(project: Path, port: int) -> None:
    """Build, serve the site on this computer only, and rebuild and reload open pages whenever
    content/, templates/, locales/ or pyproject.toml change. Ctrl-C stops."""
    try:
        serve(project, port, echo=lambda line: click.echo(line, err=True))
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise click.BadParameter(f"port {port} is already in use. Stop the other server, or choose "
                                 "another port (--port 0 picks a free one).", param_hint="--port") from None


def _run(project: Path, out_dir: Path | None, strict: bool, write: bool, only: str | None = None,
         jobs: int | None = None, cache: bool = True, drafts: bool = False, after_report=None) -> BuildResult:
    try:
        config = load_config(project)
        result = build(config, BuildOptions(out_dir or config.project_dir / "build", strict, write, only, jobs, cache,
                                            drafts))
    except PublishError as exc:
        _fail([str(exc)])
    lines = result.report(strict)
    if after_report is not None and lines:
        lines = lines + [after_report(result)] if not lines else lines[:-1] + [after_report(result), lines[-1]]
    if result.failed(strict):
        _fail(lines[:-1] + [lines[-1] + (" The previous build was left in place." if write else "")])
    for line in lines:
        click.echo(line, err=True)
    return result


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """A PublishError anywhere in a command is the user's to fix: `path:line: message`, exit 1."""
    try:
        yield
    except PublishError as exc:
        _fail([str(exc)])


def _config(ctx: click.Context, project: Path | None) -> Config:
    """The publication a subcommand works on: its own --project, else its group's, else '.'."""
    if project is None:
        project = (ctx.obj or {}).get("project") or Path(".")
    return load_config(project)


def _report(problems: list[Problem], strict: bool) -> None:
    lines = report_problems(problems, strict)
    if problems_fail(problems, strict):
        _fail(lines)
    for line in lines:
        click.echo(line, err=True)


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


# ---- UI strings --------------------------------------------------------------------------------
SUB_PROJECT = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path),
                           default=None, help="The publication's folder (default: the current one).")
FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
                      show_default=True, help="Output for people or for machines.")


@cli.group("i18n")
def i18n_group() -> None:
    """UI strings (templates, settings, code) in gettext catalogues: locales/<id>/LC_MESSAGES/messages.po.

    \b
    extract      write locales/messages.pot from what readers see
    init LOCALE  start a language's catalogue from the template
    update       merge the template into every catalogue (changed strings turn fuzzy)
    compile      check every catalogue and write messages.mo beside it
    stats        translated / fuzzy / untranslated strings per language
    """


@i18n_group.command("extract")
@SUB_PROJECT
@click.pass_context
def extract_command(ctx: click.Context, project: Path | None) -> None:
    """Write locales/messages.pot: templates (per babel.cfg), settings in pyproject.toml, code."""
    with _user_errors():
        path, changed, count = i18n.extract(_config(ctx, project))
    click.echo(f"{display_path(path)}: {count} messages{'' if changed else ' (unchanged)'}", err=True)


@i18n_group.command("init")
@click.argument("locale")
@SUB_PROJECT
@click.pass_context
def init_command(ctx: click.Context, locale: str, project: Path | None) -> None:
    """Create the catalogue of LOCALE (a tag such as zh-Hant-HK) from locales/messages.pot."""
    with _user_errors():
        path = i18n.init(_config(ctx, project), locale)
    click.echo(f"{display_path(path)}: created", err=True)


@i18n_group.command("update")
@SUB_PROJECT
@click.pass_context
def update_command(ctx: click.Context, project: Path | None) -> None:
    """Merge locales/messages.pot into every language's catalogue."""
    with _user_errors():
        results = i18n.update(_config(ctx, project))
    for r in results:
        click.echo(f"{display_path(r.path)}: {r.added} new, {r.fuzzy} fuzzy, {r.obsolete} obsolete"
                   f"{'' if r.changed else ' (unchanged)'}", err=True)


@i18n_group.command("compile")
@SUB_PROJECT
@STRICT
@click.pass_context
def compile_command(ctx: click.Context, project: Path | None, strict: bool) -> None:
    """Check every catalogue (markup, placeholders, URLs, plurals; fuzzy and untranslated strings
    are warnings) and write messages.mo beside each good one."""
    with _user_errors():
        written, problems = i18n.compile_catalogs(_config(ctx, project))
    for path in written:
        click.echo(f"{display_path(path)}: written", err=True)
    _report(problems, strict)


@i18n_group.command("stats")
@SUB_PROJECT
@FORMAT
@click.pass_context
def stats_command(ctx: click.Context, project: Path | None, fmt: str) -> None:
    """Translated, fuzzy and untranslated UI strings per language, against a fresh extract."""
    with _user_errors():
        stats = i18n.catalog_stats(_config(ctx, project))
    if fmt == "json":
        click.echo(json.dumps([{"language": s.locale.tag, "total": s.total, "translated": s.translated,
                                "fuzzy": s.fuzzy, "untranslated": s.untranslated,
                                "percent": round(s.percent, 1)} for s in stats], indent=2))
        return
    for s in stats:
        click.echo(f"{s.locale.tag}: {s.translated} of {s.total} translated ({s.percent:.0f}%), "
                   f"{s.fuzzy} fuzzy, {s.untranslated} untranslated")


# ---- Pages ---------------------------------------------------------------------------------------
@cli.group("status", invoke_without_command=True)
@PROJECT
@FORMAT
@click.option("--fail-under", "fail_under", type=click.FloatRange(0, 100), default=None, metavar="PCT",
              help="Exit 1 if any language has fewer than PCT% of its pages up to date or UI strings translated.")
@click.option("--no-diff", is_flag=True, help="Do not show what changed in outdated originals.")
@click.pass_context
def status_group(ctx: click.Context, project: Path, fmt: str, fail_under: float | None, no_diff: bool) -> None:
    """Every page per language: up to date, outdated (the original changed since it was
    translated; with a diff where git knows the old version), untracked or missing; and UI strings.

    `hkai-publish status mark PATH…` records that translations are up to date.
    """
    ctx.obj = {"project": project}
    if ctx.invoked_subcommand is not None:
        return
    with _user_errors():
        config = load_config(project)
        statuses = status.collect_status(config, history=not no_diff or fmt == "json")
    if fmt == "json":
        click.echo(json.dumps(status.to_json(config, statuses), indent=2, ensure_ascii=False))
    else:
        click.echo(status.format_table(config, statuses, diffs=not no_diff), nl=False)
    below = [s for s in statuses if fail_under is not None and min(s.percent, s.strings.percent) < fail_under]
    if below:
        _fail([f"{s.locale.tag}: {s.percent:.0f}% of pages up to date, {s.strings.percent:.0f}% of UI strings "
               f"translated: under --fail-under {fail_under:g}%" for s in below])


@status_group.command("mark")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--all", "every_untracked", is_flag=True,
              help="Every translation that records no source_hash yet: start tracking existing translations.")
@SUB_PROJECT
@click.pass_context
def mark_command(ctx: click.Context, paths: tuple[Path, ...], every_untracked: bool, project: Path | None) -> None:
    """Mark translations (content/<language>/….md) as up to date with their originals as they are
    now: writes `source_hash` into their front matter (keeping the file's BOM and line ends). Do
    this after re-translating; `--all` once, to start tracking translations that already exist."""
    if not paths and not every_untracked:
        raise click.UsageError("name the translations to mark, or give --all for every untracked one")
    with _user_errors():
        changed = status.mark_translated(_config(ctx, project), list(paths), every_untracked)
    for doc, value in changed:
        click.echo(f"{display_path(doc.path)}: source_hash {value}", err=True)
    if every_untracked and not paths:
        click.echo(f"{len(changed)} untracked page(s) marked up to date", err=True)
        return
    click.echo(f"{len(changed)} of {len(paths)} page(s) marked up to date"
               + ("" if len(changed) == len(paths) else " (the others already were)"), err=True)


# ---- Hand-off ------------------------------------------------------------------------------------
@cli.group("handoff", invoke_without_command=True)
@PROJECT
@click.option("--locale", "tags", multiple=True, metavar="TAG",
              help="Language to hand off, e.g. zh-Hant-HK (repeatable; default: every translated one).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: <project>/handoff). Replaced whole.")
@click.option("--zip", "as_zip", is_flag=True, help="One zip per language instead of folders.")
@click.option("--for", "profile", type=click.Choice(["generic", "omegat"]), default="generic", show_default=True,
              help="The CAT tool the XLIFF is for: generic (Okapi, memoQ, Trados, Phrase, Weblate: untranslated "
                   "units have an empty target) or omegat (OmegaT's XLIFF filter: every target starts as a copy "
                   "of the source; unchanged blocks come from memory.tmx in tm/auto/).")
@click.pass_context
def handoff_group(ctx: click.Context, project: Path, tags: tuple[str, ...], out_dir: Path | None, as_zip: bool,
                  profile: str) -> None:
    """Write what a translator or agency needs, per language: README.md (what to translate, word
    counts), xliff/<page>.xlf for missing and outdated pages (XLIFF 1.2, previous translations
    included), memory.tmx (published translations) and messages.po (UI strings).

    `hkai-publish handoff import FILE…` takes the translated files back.
    """
    ctx.obj = {"project": project}
    if ctx.invoked_subcommand is not None:
        return
    with _user_errors():
        config, locales = _translated_languages(project, tags)
        out = out_dir or config.project_dir / "handoff"
        check_out_dir(config, out)
        outputs = make_handoff(config, locales, as_zip, profile)
        write_outputs(out, outputs)
    for output in outputs:
        if output.path.endswith((".zip", "README.md")):
            click.echo(display_path(out / output.path), err=True)


@handoff_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@SUB_PROJECT
@STRICT
@click.pass_context
def import_command(ctx: click.Context, files: tuple[Path, ...], project: Path | None, strict: bool) -> None:
    """Put translated FILES back: each .xlf page into content/<language>/ (marked up to date with
    the version handed off; an existing translation keeps everything but the blocks whose
    translation changed), a .po into locales/. Nothing is written if any file has a problem."""
    with _user_errors():
        imports, problems = plan_imports(_config(ctx, project), list(files))
        _report(problems, strict)
        written = write_imports(imports)
    for item, changed in written:
        note = "" if item.current else " (the original changed since the hand-off: still outdated)"
        click.echo(f"{display_path(item.target)}: {'imported' if changed else 'unchanged'} from "
                   f"{display_path(item.source)}{note}", err=True)


# ---- Review --------------------------------------------------------------------------------------
@cli.group("review", invoke_without_command=True)
@PROJECT
@click.option("--locale", "tags", multiple=True, metavar="TAG",
              help="Language to review, e.g. zh-Hant-HK (repeatable; default: every translated one).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: <project>/review). Replaced whole.")
@click.option("--no-pdf", is_flag=True, help="Only the HTML edition, not the A4 landscape PDF.")
@click.pass_context
def review_group(ctx: click.Context, project: Path, tags: tuple[str, ...], out_dir: Path | None, no_pdf: bool) -> None:
    """Write the review edition, per language: each page's original and translation side by side,
    one row per block, with the checks' findings in their row, what changed in an outdated page's
    original, and empty cells where a block is missing: <folder>/index.html (the summary), a page
    each, comments.csv for reviewers and review-<folder>.pdf. Never part of the published site.

    `hkai-publish review import SHEET.csv` turns a filled-in sheet into a report with file and line.
    """
    ctx.obj = {"project": project}
    if ctx.invoked_subcommand is not None:
        return
    with _user_errors():
        config, locales = _translated_languages(project, tags)
        out = out_dir or config.project_dir / "review"
        check_out_dir(config, out)
        outputs = []
        for locale, pages in _reviewed(config, locales):
            outputs += review.render_review(config, locale, pages)
            if not no_pdf:
                outputs.append(Output(f"{locale.folder}/review-{locale.folder}.pdf",
                                      review.render_review_pdf(config, locale, pages)))
        write_outputs(out, outputs)
    for locale in locales:
        click.echo(f"{display_path(out / locale.folder / 'index.html')}: the review edition in {locale.name}", err=True)


@review_group.command("import")
@click.argument("sheet", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--locale", "tags", multiple=True, metavar="TAG", help="The language the sheet reviews.")
@SUB_PROJECT
@click.option("--strict", is_flag=True, help="Fail on a row the review edition no longer has.")
@click.pass_context
def review_import_command(ctx: click.Context, sheet: Path, tags: tuple[str, ...], project: Path | None,
                          strict: bool) -> None:
    """Print each comment of a filled-in review sheet (review/<folder>/comments.csv) as
    `path:line: [review] comment`, at the block's line in the translation (or the original)."""
    with _user_errors():
        config, locales = _translated_languages(project or ctx.obj["project"], tags)
        pages = [page for _, found in _reviewed(config, locales, checks=False) for page in found]
        problems = review.read_comments(sheet, pages)
    comments = [p for p in problems if p.check_id == "review"]
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{counted(len(comments), 'comment')} from {display_path(sheet)}", err=True)
    if strict and len(comments) < len(problems):
        sys.exit(1)


def _translated_languages(project: Path, tags: tuple[str, ...]):
    """The project's settings and the --locale languages (default: every translated one), each
    checked to be a translated language of the publication."""
    config = load_config(project)
    try:
        locales = [parse_locale(tag) for tag in tags] or list(i18n.translated_locales(config))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--locale") from None
    if unknown := [loc.tag for loc in locales if loc not in i18n.translated_locales(config)]:
        raise click.BadParameter(f"{', '.join(unknown)} is not a translated language of this publication",
                                 param_hint="--locale")
    return config, locales


def _reviewed(config: Config, locales, checks: bool = True):
    """(locale, review pages) per language, with the site checks' findings (from the build's cache)."""
    from hkai_publish.sources.content import load_documents, pair_documents

    problems = ()
    if checks:
        result = build(config, BuildOptions(config.project_dir / "build", write=False, only="site"))
        problems = result.problems
    entries = pair_documents(config, load_documents(config))
    return [(locale, review.review_pages(config, entries, locale, problems)) for locale in locales]

# ---- Terminology ---------------------------------------------------------------------------------
@cli.group("terms")
@PROJECT
@click.pass_context
def terms_group(ctx: click.Context, project: Path) -> None:
    """The termbase, locales/glossary.tbx (TBX-Basic), as a table for editors.

    \b
    export [FILE.csv]  write the termbase as CSV (to the terminal without FILE)
    import FILE.csv    replace the termbase with the table's concepts
    """
    ctx.obj = {"project": project}


@terms_group.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@SUB_PROJECT
@click.pass_context
def terms_export_command(ctx: click.Context, file: Path | None, project: Path | None) -> None:
    """Write the termbase as CSV: one concept a row; per language its term, short forms,
    variants, forbidden terms and definition; then a note."""
    with _user_errors():
        table, count = terms.export_csv(_config(ctx, project))
    if file is None:
        click.echo(table, nl=False)
    else:
        file.write_text(table, encoding="utf-8")
        click.echo(f"{display_path(file)}: {count} concepts", err=True)


@terms_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@SUB_PROJECT
@click.pass_context
def terms_import_command(ctx: click.Context, file: Path, project: Path | None) -> None:
    """Replace locales/glossary.tbx with the concepts of FILE (CSV, as `terms export` writes it)."""
    with _user_errors():
        path, changed, count = terms.import_csv(_config(ctx, project), file)
    click.echo(f"{display_path(path)}: {count} concepts{'' if changed else ' (unchanged)'}", err=True)


_BUILD_PID = os.getpid()
"""The process that runs the command; a process forked from it (a page worker) is not."""


def _interrupt(signum, frame) -> None:
    if os.getpid() != _BUILD_PID:
        # A worker forked a moment ago, before it set SIGTERM back to the default (workers.py):
        # an exception here may be raised inside an at-fork hook, which only prints it, and the
        # worker would then wait for work for ever while the build waits for it to end.
        os._exit(128 + signum)
    raise KeyboardInterrupt


def main() -> None:
    # A build keeps most of what it makes (sources, pages, the cache's tables) to the end, and
    # makes few reference cycles: collecting every 700 new objects, as Python does by default,
    # scans them again and again (a tenth of a rebuild). Every 20 000 is enough.
    gc.set_threshold(20_000, 10, 10)
    # `kill`, a service manager or a CI runner's cancel stops a build as Ctrl-C does: the render
    # folder removed, the workers stopped, "Aborted!", and the last good build untouched.
    global _BUILD_PID
    _BUILD_PID = os.getpid()
    signal.signal(signal.SIGTERM, _interrupt)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        cli(prog_name="hkai-publish")
    finally:
        # Exiting, the interpreter's last collection would walk and free, one by one, every object
        # the build made (20 ms of a one-page rebuild); the operating system takes the memory back
        # whole. No object of a build needs its finalizer: files are closed, and spools removed,
        # where they are used.
        gc.freeze()
