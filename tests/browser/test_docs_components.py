"""The docs-style pages in Chromium: tabs by keyboard and without JavaScript, code that scrolls in
its own box while the page never scrolls sideways on a phone, and screenshots to look at."""

from __future__ import annotations

import pytest

from docs_components import write_docs_project

from .conftest import ARTIFACTS, DESKTOP, build_site, serve_static

PHONE_390 = {"width": 390, "height": 844}
PAGES = ["en/getting-started/install/", "zh-hant/getting-started/install/", "en/getting-started/configure/",
         "zh-hant/getting-started/configure/", "en/guides/reports/", "zh-hant/guides/reports/", "en/guides/api/",
         "zh-hant/guides/api/"]


@pytest.fixture(scope="module")
def docs_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs-browser")
    site = build_site(write_docs_project(folder), folder / "build")
    with serve_static(site, "/docs/") as url:
        yield url


def _page(browser, viewport, javascript=True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    # The build never fetches, and neither does this test: images on the web are not loaded.
    context.route("**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url else route.continue_())
    return context, context.new_page()


@pytest.mark.parametrize("path", PAGES)
def test_phone_width_never_scrolls_sideways(browser, docs_url, path):
    context, page = _page(browser, PHONE_390)
    try:
        page.goto(docs_url + path, wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
        wide = page.evaluate("""[...document.querySelectorAll('.highlight pre')]
                                .filter(pre => pre.scrollWidth > pre.clientWidth).length""")
        if path.endswith("api/"):
            assert wide >= 1  # the long line scrolls inside its own box
    finally:
        context.close()


def test_tabs_switch_by_keyboard(browser, docs_url):
    context, page = _page(browser, DESKTOP)
    try:
        page.goto(docs_url + "en/getting-started/configure/", wait_until="load")
        panels = page.locator(".tabs").first.locator(".tab-panel")
        assert panels.nth(0).is_visible() and not panels.nth(1).is_visible()
        page.locator(".tabs").first.locator(".tab-input").first.focus()
        page.keyboard.press("ArrowRight")
        assert panels.nth(1).is_visible() and not panels.nth(0).is_visible()
        assert "Use the testnet" in panels.nth(1).inner_text()
    finally:
        context.close()


def test_tabs_work_without_javascript(browser, docs_url):
    context, page = _page(browser, DESKTOP, javascript=False)
    try:
        page.goto(docs_url + "zh-hant/getting-started/configure/", wait_until="load")
        tabs = page.locator(".tabs").first
        tabs.locator("label", has_text="測試網").click()
        assert tabs.locator(".tab-panel").nth(1).is_visible()
        assert "開發期間請使用測試網" in tabs.locator(".tab-panel").nth(1).inner_text()
    finally:
        context.close()


def test_screenshots_at_desktop_and_phone_widths(browser, docs_url):
    """Artifacts to look at: test-artifacts/screenshots/docs-*.png."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE_390)):
        for path in ("en/getting-started/install/", "zh-hant/getting-started/configure/", "en/guides/reports/"):
            context, page = _page(browser, viewport)
            try:
                page.goto(docs_url + path, wait_until="load")
                shot = folder / f"docs-{path.strip('/').replace('/', '-')}-{name}.png"
                page.screenshot(path=shot, full_page=True)
                assert shot.stat().st_size > 10_000
            finally:
                context.close()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violations(browser, docs_url, path):
    from .test_accessibility import axe_violations
    context, page = _page(browser, DESKTOP)
    try:
        page.goto(docs_url + path, wait_until="load")
        assert axe_violations(page) == []
    finally:
        context.close()
