"""The docs-style bilingual pages of tests/data/docs-components/ (containers, admonitions, tabs,
code in several languages, raw HTML tables, unknown components, remote images, emoji) as a project."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, write

DATA = REPO / "tests" / "data" / "docs-components"
CONFIG = """\
[tool.hkai-publish]
title = "Wallet SDK documentation"
base_url = "https://example.org/docs/"
pdf_name = "docs"
allow_raw_html = true
"""


def write_docs_project(folder: Path) -> Path:
    """The pages with this repository's templates and catalogues; returns the project folder."""
    project = folder / "docs-project"
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "locales", project / "locales")
    shutil.copytree(DATA, project / "content")
    write(project / "pyproject.toml", CONFIG)
    return project
