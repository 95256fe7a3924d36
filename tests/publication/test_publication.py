"""The publication in this repository as it ships: every translation up to date, the catalogues as
`i18n extract` and `i18n update` write them, and the README's figures those of a real build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO, parse_html, run_cli
from hkai_publish.sources.config import load_config

# The one place the README states the publication's figures (words may wrap onto a new line).
README_FIGURES = re.compile(r"(\d+) sections in each language, and PDF editions of (\d+) pages in English "
                            r"and (\d+) in Chinese".replace(" ", r"\s+"))
# What i18n writes into a catalogue's header from the installed Babel, not from the project.
BABEL_STAMP = re.compile(rb'^"(?:Generated-By: Babel|POT-Creation-Date:) .*\n', re.M)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """This repository's publication, built strictly, as CI builds it."""
    out = tmp_path_factory.mktemp("publication") / "build"
    result = run_cli("build", "--strict", "--project", str(REPO), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_every_translation_and_ui_string_is_up_to_date():
    gate = run_cli("status", "--fail-under", "100", "--no-diff", "--project", str(REPO))
    assert gate.returncode == 0, gate.stdout + gate.stderr
    report = json.loads(run_cli("status", "--format", "json", "--no-diff", "--project", str(REPO)).stdout)
    for language in report["languages"]:
        pages = language["pages"]["list"]
        assert pages and {page["state"] for page in pages} == {"up-to-date"}, language["language"]


def test_the_committed_catalogues_are_what_i18n_extract_and_update_write(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO / "templates", project / "templates")
    shutil.copytree(REPO / "locales", project / "locales", ignore=shutil.ignore_patterns("*.mo"))
    for name in ("pyproject.toml", "babel.cfg"):
        shutil.copy2(REPO / name, project / name)
    for command in ("extract", "update"):
        result = run_cli("i18n", command, "--project", str(project))
        assert result.returncode == 0, result.stderr

    catalogues = sorted(path.relative_to(project) for path in (project / "locales").rglob("*.po*"))
    assert [path.suffix for path in catalogues] == [".pot", ".po"]
    # A Babel newer than the one that last wrote a catalogue stamps its version (and so the date)
    # anew; that alone is not a stale catalogue. Every other byte must be as committed.
    stale = [str(path) for path in catalogues
             if BABEL_STAMP.sub(b"", (project / path).read_bytes()) != BABEL_STAMP.sub(b"", (REPO / path).read_bytes())]
    assert stale == [], "run `hkai-publish i18n extract` and `hkai-publish i18n update`, and commit the result"


def test_the_readme_states_the_figures_a_build_has(built):
    stated = README_FIGURES.findall((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(stated) == 1, ("README.md states the publication's figures once: "
                              "'N sections in each language, and PDF editions of N pages in English and N in Chinese'")
    sections, *pages = map(int, stated[0])
    config = load_config(REPO)
    folders = [locale.folder for locale in config.locales]
    assert folders == ["en", "zh-hant"]  # the sentence names these two editions, in this order
    pdfs = {folder: PdfReader(built / "pdf" / f"{config.pdf_name}-{folder}.pdf") for folder in folders}
    assert [len(pdfs[folder].pages) for folder in folders] == pages
    for folder in folders:
        home = parse_html(built / "site" / folder / "index.html")
        cards = [card.text_content().strip() for card in home.xpath('//ol[@class="cards"]//span[@class="card-title"]')]
        # The PDF's top-level bookmarks (not subsections): its contents page, then one per section.
        bookmarks = [item.title for item in pdfs[folder].outline if not isinstance(item, list)]
        assert bookmarks == [home.xpath('string(//h2[@id="contents-title"])'), *cards], folder
        assert len(cards) == sections, folder


def test_the_brochure_has_its_key_facts_and_pull_quote_in_both_editions(built):
    for folder, title, figures, pdf in (("en", "At a glance", ["2017", "3", "ASTRI"], "en"),
                                        ("zh-hant", "重點一覽", ["2017年", "3所", "應科院"], "zh-hant")):
        page = parse_html(built / "site" / folder / "conclusion/index.html")
        panel = page.xpath('//section[@class="keyfacts"]')
        assert len(panel) == 1 and panel[0].get("aria-label") == title
        assert [li.xpath("string(strong[1])") for li in panel[0].xpath(".//li")] == figures
        assert len(page.xpath('//figure[@class="pullquote"]/blockquote')) == 1
        name = load_config(REPO).pdf_name
        text = "".join(p.extract_text() for p in PdfReader(built / "pdf" / f"{name}-{pdf}.pdf").pages)
        assert all(figure in text for figure in figures)
