"""Real Chromium (Debian's, driven by Playwright: no browser download) on real builds over HTTP."""

from __future__ import annotations

import functools
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from conftest import REPO, run_cli, write_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
PREFIX = "/hkai/"
"""The path part of the fixture project's base_url: the site is served under it, as published."""
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}

# Every kind of page the site has: language choice, home, section, untranslated section, 404.
PAGES = ["", "en/", "zh-hant/", "en/ethics/", "zh-hant/ethics/", "zh-hant/glossary/", "en/404.html",
         "zh-hant/404.html"]

_PARAGRAPH_EN = "Hong Kong's regulators, universities and companies each have a part to play. " * 6
_PARAGRAPH_ZH = "香港的監管機構、大學及企業各有角色，需要通力合作，確保人工智能以負責任的方式發展。" * 5
_PARAGRAPHS_EN = "\n\n".join([_PARAGRAPH_EN] * 4)
_PARAGRAPHS_ZH = "\n\n".join([_PARAGRAPH_ZH] * 4)
ETHICS_EN = f"""\
---
title: Ethical Considerations
summary: Privacy, bias and the work of people.
order: 2
date: 2026-11-24
---

Issues demand careful attention.

## Data privacy

{_PARAGRAPHS_EN}

## Algorithmic bias

{_PARAGRAPHS_EN}

## Job displacement

{_PARAGRAPHS_EN}
"""
ETHICS_ZH = f"""\
---
title: 倫理考量
summary: 私隱、偏見與人的工作。
order: 2
date: 2026-11-24
---

這些問題需要審慎處理。

## 數據私隱

{_PARAGRAPHS_ZH}

## 演算法偏見

{_PARAGRAPHS_ZH}

## 職位被取代

{_PARAGRAPHS_ZH}
"""
GLOSSARY_EN = """\
---
title: Glossary
order: 3
---

Terms used in this brochure, not yet translated.

## Machine learning

Systems that improve with data.
"""


def build_site(project: Path, out: Path) -> Path:
    result = run_cli("build", "--project", str(project), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out / "site"


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The fixture publication, with long sections to scroll and one page not yet translated."""
    folder = tmp_path_factory.mktemp("browser-site")
    project = write_project(folder, en={"ethics.md": ETHICS_EN, "glossary.md": GLOSSARY_EN}, zh={"ethics.md": ETHICS_ZH})
    return build_site(project, folder / "build")


@pytest.fixture(scope="session")
def publication(tmp_path_factory) -> Path | None:
    """This repository's own publication, built, or None while it has no content yet."""
    if not (REPO / "content").is_dir():
        return None
    folder = tmp_path_factory.mktemp("publication")
    return build_site(REPO, folder / "build")


@contextmanager
def serve_static(site: Path, prefix: str = PREFIX):
    """A plain static server: the published files exactly, under the base_url's path."""

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = urlsplit(path).path
            inside = path.startswith(prefix)
            return super().translate_path("/" + path[len(prefix):] if inside else "/.outside")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(site):
    with serve_static(site) as url:
        yield url


@pytest.fixture(scope="session")
def publication_url(publication):
    if publication is None:
        yield None
        return
    with serve_static(publication) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Browser:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (scripts/setup.sh --test installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser) -> BrowserContext:
    """A fresh desktop-sized browser context per test."""
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


class Visit:
    """A page opened in the browser, with everything that went wrong while it loaded."""

    def __init__(self, context: BrowserContext, url: str):
        self.page: Page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("requestfailed", lambda request: self.problems.append(f"failed: {request.url} {request.failure}"))
        self.page.on("response", self._response)
        self.page.goto(url, wait_until="load")

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")
