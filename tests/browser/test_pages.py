"""The published site as readers use it: loading, switching language, scrolling, fonts, phones, print."""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import ARTIFACTS, DESKTOP, PAGES, PHONE, Visit

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
"""Han characters and CJK punctuation: the glyphs a CJK face must draw."""


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_without_console_errors_or_failed_requests(context, site_url, path):
    visit = Visit(context, site_url + path)
    assert visit.page.title()
    assert visit.problems == []


def test_the_publication_loads_without_errors(context, publication_url):
    if publication_url is None:
        pytest.skip("the repository has no content/ yet")
    home = Visit(context, publication_url + "en/")
    sections = home.page.locator("nav.sections ol a").evaluate_all("links => links.map(a => a.href)")
    assert sections
    for url in [publication_url, publication_url + "zh-hant/", *sections, sections[0].replace("/en/", "/zh-hant/")]:
        visit = Visit(context, url)
        assert visit.problems == [], url


def test_language_switcher_lands_on_the_counterpart_section_at_the_same_anchor(context, site_url):
    visit = Visit(context, site_url + "en/ethics/")
    page = visit.page
    # Follow the in-page contents first: the fragment the reader is at changes after loading.
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Algorithmic bias").click()
    page.wait_for_url("**/en/ethics/#algorithmic-bias")
    page.locator("nav.languages a[hreflang='zh-Hant-HK']").click()
    page.wait_for_url(site_url + "zh-hant/ethics/#algorithmic-bias")
    heading = page.locator("#algorithmic-bias")
    assert heading.inner_text() == "演算法偏見"
    assert _top(page, "#algorithmic-bias") < 40, "the browser scrolled to the anchor"
    # And back, from a page opened at the anchor.
    page.locator("nav.languages a[hreflang='en-HK']").click()
    page.wait_for_url(site_url + "en/ethics/#algorithmic-bias")
    assert visit.problems == []


def test_language_switcher_works_without_javascript(browser, site_url):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "en/ethics/#data-privacy")
        page.locator("nav.languages a[hreflang='zh-Hant-HK']").click()
        page.wait_for_url(site_url + "zh-hant/ethics/")
        assert page.locator("h1").inner_text() == "倫理考量"
    finally:
        context.close()


def test_in_page_contents_link_scrolls_to_its_heading(context, site_url):
    page = Visit(context, site_url + "zh-hant/ethics/").page
    assert page.evaluate("scrollY") == 0
    assert _top(page, "#job-displacement") > DESKTOP["height"]
    page.get_by_role("navigation", name="本頁內容").get_by_role("link", name="職位被取代").click()
    page.wait_for_url("**#job-displacement")
    assert page.evaluate("scrollY") > 0
    assert 0 <= _top(page, "#job-displacement") < 40


def _top(page, selector: str) -> float:
    return page.locator(selector).evaluate("el => el.getBoundingClientRect().top")


def platform_fonts(page, selector: str) -> dict[str, int]:
    """Font family → glyphs drawn with it, for the text of the first element matching `selector`,
    as Chromium's DevTools protocol reports the fonts it actually used."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


@pytest.mark.parametrize("selector, face", [("article h1", "Noto Serif CJK HK"),
                                            (".prose p", "Noto Sans CJK HK"),
                                            ("nav.sections li:first-child a", "Noto Sans CJK HK")])
def test_chinese_is_drawn_with_a_hong_kong_cjk_font(context, site_url, selector, face):
    page = Visit(context, site_url + "zh-hant/ethics/").page
    text = page.locator(selector).first.inner_text()
    fonts = platform_fonts(page, selector)
    # Every CJK glyph from the Hong Kong face; anything else only from the Latin faces.
    assert fonts.get(face) == len(CJK.findall(text)), f"{selector}: {text!r} drawn with {fonts}"
    assert set(fonts) <= {face, "Noto Sans", "Noto Serif"}, fonts


@pytest.mark.parametrize("path", PAGES)
def test_phone_width_has_no_horizontal_scroll(browser, site_url, path):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = Visit(context, site_url + path).page
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_print_hides_the_navigation(context, site_url):
    page = Visit(context, site_url + "en/ethics/").page
    page.emulate_media(media="print")
    for selector in ("header.masthead", "nav.languages", "nav.sections", "nav.toc", "nav.pager", "footer",
                     ".skip-link"):
        assert page.locator(selector).is_hidden(), selector
    assert page.locator("article h1").is_visible()
    assert page.locator(".prose").is_visible()
    page.emulate_media(media="screen")
    assert page.locator("nav.sections").is_visible()


def test_screenshots_of_both_languages_at_desktop_and_phone_widths(browser, site_url, publication_url):
    """Artifacts to look at: test-artifacts/screenshots/ (the repository's publication when it has
    content, else the fixture site)."""
    base = publication_url or site_url
    folder = ARTIFACTS / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, is_mobile=width == "phone")
        try:
            page = context.new_page()
            page.goto(base + "en/")
            slugs = [href.strip("./") for href in page.locator("nav.sections ol a").evaluate_all(
                "links => links.map(a => a.getAttribute('href'))")]
            paths = ["", "en/", "zh-hant/"] + [f"{lang}/{slug}/" for slug in {slugs[0], slugs[-1]}
                                               for lang in ("en", "zh-hant")]
            for path in paths:
                page.goto(base + path)
                name = re.sub(r"[^a-z0-9]+", "-", path).strip("-") or "language-choice"
                shot = folder / f"{width}-{name}.png"
                page.screenshot(path=shot, full_page=True)
                assert shot.read_bytes().startswith(b"\x89PNG")
        finally:
            context.close()
