"""The `hkai-publish` command. Exit codes: 0 success, 1 problems in the publication, 2 bad usage."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from hkai_publish.build import BuildOptions, BuildResult, build
from hkai_publish.config import load_config
from hkai_publish.errors import PublishError

PROJECT = click.option("--project", "project", type=click.Path(file_okay=False, path_type=Path),
                       default=Path("."), show_default=True, help="The publication's folder.")
STRICT = click.option("--strict", is_flag=True, help="Fail on warnings too.")


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
              help="Output folder (default: <project>/build). Replaced whole, only after a good build.")
@STRICT
@click.option("--only", type=click.Choice(["site", "pdf"]), default=None,
              help="Rebuild only the site or only the PDF editions; the other part of the last build is kept.")
def build_command(project: Path, out_dir: Path | None, strict: bool, only: str | None) -> None:
    """Build the site into <out>/site and the PDF editions into <out>/pdf."""
    started = time.perf_counter()
    result = _run(project, out_dir, strict, write=True, only=only)
    pages = sum(1 for o in result.outputs if o.path.endswith(".html"))
    pdfs = sum(1 for o in result.outputs if o.path.startswith("pdf/"))
    built = [f"{pages} HTML pages"] if only != "pdf" else []
    built += [f"{pdfs} PDF editions ({result.pdf_pages} pages)"] if only != "site" else []
    click.echo(f"Built {' and '.join(built)} into {out_dir or project / 'build'} "
               f"in {time.perf_counter() - started:.2f} s", err=True)


@cli.command("check")
@PROJECT
@STRICT
def check_command(project: Path, strict: bool) -> None:
    """Render and check everything; write nothing."""
    result = _run(project, None, strict, write=False)
    click.echo(f"No problems in {len(result.outputs)} outputs." if not result.problems else "", err=True)


def _run(project: Path, out_dir: Path | None, strict: bool, write: bool, only: str | None = None) -> BuildResult:
    try:
        config = load_config(project)
        result = build(config, BuildOptions(out_dir or config.project_dir / "build", strict, write, only))
    except PublishError as exc:
        _fail([str(exc)])
    for problem in result.problems:
        click.echo(f"{problem} ({problem.severity})" if problem.severity != "error" else str(problem), err=True)
    if result.failed(strict):
        errors, warnings = len(result.errors), len(result.warnings)
        summary = f"Aborted: {errors} error(s), {warnings} warning(s)"
        _fail([summary + (" in strict mode." if strict and not errors else ".") +
               (" The previous build was left in place." if write else "")])
    return result


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    cli(prog_name="hkai-publish")
