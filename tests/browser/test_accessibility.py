"""Accessibility in the browser: axe-core on every kind of page, keyboard use, landmarks, languages."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import PAGES, Visit

AXE = Axe()  # axe-core's script ships inside the wheel: nothing is fetched at test time
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[str]:
    results = AXE.run(page).response
    return [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:5]}"
            for v in results["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violations(context, site_url, path):
    page = Visit(context, site_url + path).page
    assert axe_violations(page) == []


def test_axe_on_the_publication(context, publication_url):
    if publication_url is None:
        pytest.skip("the repository has no content/ yet")
    for path in ("", "en/", "zh-hant/"):
        page = Visit(context, publication_url + path).page
        sections = page.locator("nav.sections ol a").evaluate_all("links => links.map(a => a.href)")
        assert axe_violations(page) == [], path
        page.close()
    for url in sections:
        page = Visit(context, url).page
        assert axe_violations(page) == [], url
        page.close()


def test_skip_link_is_first_visible_on_focus_and_moves_focus_to_the_main_content(context, site_url):
    page = Visit(context, site_url + "zh-hant/ethics/").page
    skip = page.locator(".skip-link")
    assert not _in_view(skip)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert _in_view(skip) and skip.inner_text() == "跳至內容"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def _in_view(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] > 0 and box["x"] >= 0


@pytest.mark.parametrize("path", ["en/", "zh-hant/ethics/", "en/404.html"])
def test_every_page_has_its_landmarks(context, site_url, path):
    page = Visit(context, site_url + path).page
    assert page.get_by_role("banner").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("contentinfo").count() == 1
    names = page.get_by_role("navigation").evaluate_all("navs => navs.map(n => n.getAttribute('aria-label'))")
    assert len(names) == len(set(names)) >= 2 and all(names), names


def test_keyboard_focus_is_always_visible(context, site_url):
    """Tab through the page: every focused element draws an outline of at least 2 px."""
    page = Visit(context, site_url + "en/ethics/").page
    seen = []
    while True:
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => {
            const el = document.activeElement, style = getComputedStyle(el);
            return el === document.body ? null : [el.outerHTML.slice(0, 80), style.outlineStyle,
                                                   parseFloat(style.outlineWidth)];
        }""")
        if focus is None or focus[0] in seen:
            break  # past the last link
        assert focus[1] not in ("none", "hidden") and focus[2] >= 2, focus
        seen.append(focus[0])
    assert len(seen) >= 12, seen


@pytest.mark.parametrize("path", PAGES)
def test_chinese_text_is_always_marked_as_chinese(context, site_url, path):
    """Every language change inside a page carries `lang`: no Han text inside an English context,
    and the untranslated page's English article is marked as English."""
    page = Visit(context, site_url + path).page
    unmarked = page.evaluate(r"""() => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        const found = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const lang = node.parentElement.closest("[lang]").lang;
            if (/[\u3400-\u9fff]/.test(node.data) && !lang.startsWith("zh")) found.push(node.data.trim());
        }
        return found;
    }""")
    assert unmarked == []
    # A link to another language's edition is written in that language.
    mismatched = page.locator("body a[hreflang]").evaluate_all(
        "links => links.filter(a => a.closest('[lang]').lang !== a.hreflang).map(a => a.outerHTML)")
    assert mismatched == []
    if path == "zh-hant/glossary/":
        assert page.locator("article").get_attribute("lang") == "en-HK"
        assert page.locator("article h1").evaluate("el => el.closest('[lang]').lang") == "en-HK"
