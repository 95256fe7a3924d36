"""The `hkai-publish` command. Exit codes: 0 success, 1 problems in the publication, 2 bad usage."""

from __future__ import annotations

import errno
import logging
import sys
import time
from pathlib import Path

import click

from hkai_publish.build import BuildOptions, BuildResult, build
from hkai_publish.config import load_config
from hkai_publish.errors import PublishError
from hkai_publish.serve import serve

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
    """Render and check everything; write nothing."""
    result = _run(project, None, strict, write=False)
    click.echo(f"No problems in {len(result.outputs)} outputs." if not result.problems else "", err=True)


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


def _run(project: Path, out_dir: Path | None, strict: bool, write: bool) -> BuildResult:
    try:
        config = load_config(project)
        result = build(config, BuildOptions(out_dir or config.project_dir / "build", strict, write))
    except PublishError as exc:
        _fail([str(exc)])
    lines = result.report(strict)
    if result.failed(strict):
        _fail(lines[:-1] + [lines[-1] + (" The previous build was left in place." if write else "")])
    for line in lines:
        click.echo(line, err=True)
    return result


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(line, err=True)
    sys.exit(1)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    cli(prog_name="hkai-publish")
