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
def build_command(project: Path, out_dir: Path | None, strict: bool) -> None:
    """Build the site into <out>/site and the PDF editions into <out>/pdf."""
    started = time.perf_counter()
    result = _run(project, out_dir, strict, write=True)
    pages = sum(1 for o in result.outputs if o.path.endswith(".html"))
    click.echo(f"Built {pages} HTML pages into {out_dir or project / 'build'} "
               f"in {time.perf_counter() - started:.2f} s", err=True)


@cli.command("check")
@PROJECT
@STRICT
def check_command(project: Path, strict: bool) -> None:
    """Render and check everything; write nothing. Prints every problem, then a count."""
    result = _run(project, None, strict, write=False)
    if not result.problems:
        pages = sum(1 for o in result.outputs if o.path.endswith("/index.html"))
        click.echo(f"No problems in {pages} pages.", err=True)


def _run(project: Path, out_dir: Path | None, strict: bool, write: bool) -> BuildResult:
    try:
        config = load_config(project)
        result = build(config, BuildOptions(out_dir or config.project_dir / "build", strict, write))
    except PublishError as exc:
        _fail([str(exc)])
    for problem in result.problems:
        click.echo(f"{problem} ({problem.severity})" if problem.severity != "error" else str(problem), err=True)
    summary = summarise(result, strict)
    if result.failed(strict):
        _fail([summary + (" The previous build was left in place." if write else "")])
    if summary:
        click.echo(summary, err=True)
    return result


def summarise(result: BuildResult, strict: bool) -> str:
    """One line for the end of the report, MkDocs-style."""
    errors, warnings = _count(len(result.errors), "error"), _count(len(result.warnings), "warning")
    if result.errors:
        return f"Aborted with {errors} and {warnings}."
    if result.warnings:
        return f"Aborted with {warnings} in strict mode!" if strict else f"{warnings} (use --strict to fail on them)."
    return ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    cli(prog_name="hkai-publish")
