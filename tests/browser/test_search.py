"""Search in the browser: queries typed into the header's box in both editions find the right
pages first (Chinese words across source line breaks and punctuation included), by keyboard, with
fallback pages marked, and without JavaScript a link to a page that says search needs it."""

from __future__ import annotations

import json

import pytest

from conftest import CONFIG, write_project

from .conftest import ARTIFACTS, Visit, build_site, serve_static
from .test_accessibility import axe_violations

GOVERNMENT_EN = """\
---
title: Government Support
summary: Strategy, funding and the institutes that carry it out.
order: 2
date: 2026-11-24
---

The government sets the strategy for technology in the city.

## ASTRI and the ITF {#astri-and-itf}

The Hong Kong Applied Science and Technology Research Institute (ASTRI) and the Innovation and
Technology Fund (ITF) turn research into products. ASTRI works with companies of every size.

## Rules

New rules also touch on privacy.
"""
ETHICS_EN = """\
---
title: Ethical Considerations
order: 3
date: 2026-11-24
---

Issues demand careful attention.

## Data privacy {#data-privacy}

Privacy comes first: privacy by design, privacy laws and privacy officers.

## Algorithmic bias {#algorithmic-bias}

Bias second.
"""
GLOSSARY_EN = """\
---
title: Glossary
order: 4
---

Terms not yet translated.

## Machine learning {#machine-learning}

Systems that improve with data: machine learning.
"""
# Chinese wrapped anywhere, as translators do: 人工 / 智能 and 應科 / 院 are split by source line
# breaks, and the words stand next to full-width punctuation.
GOVERNMENT_ZH = """\
---
title: 政府支援
summary: 策略、資助及推行的機構。
order: 2
date: 2026-11-24
---

政府為香港的人工
智能發展訂立策略，並以「人工智能」為施政重點。

## 應科院與創科基金 {#astri-and-itf}

香港應用科技研究院（應科
院）和創新及科技基金（創科基金）把研究成果轉化為產品；應科院與不同規模的企業合作。
人工智能，是創科基金的重點。

## 規則

新規則亦涉及私隱。
"""
ETHICS_ZH = """\
---
title: 倫理考量
order: 3
date: 2026-11-24
---

這些問題需要審慎處理。

## 數據私隱 {#data-privacy}

私隱優先：人工智能系統須從設計開始保障私隱。

## 演算法偏見 {#algorithmic-bias}

偏見其次。
"""


@pytest.fixture(scope="module")
def search_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search-site")
    project = write_project(folder, en={"government.md": GOVERNMENT_EN, "ethics.md": ETHICS_EN,
                                        "glossary.md": GLOSSARY_EN},
                            zh={"government.md": GOVERNMENT_ZH, "ethics.md": ETHICS_ZH})
    with serve_static(build_site(project, folder / "build")) as url:
        yield url


@pytest.fixture(scope="module")
def sharded_url(tmp_path_factory):
    """The same pages with an index in shards of one page (see editions/search.py)."""
    folder = tmp_path_factory.mktemp("sharded-site")
    project = write_project(folder, en={"government.md": GOVERNMENT_EN, "ethics.md": ETHICS_EN,
                                        "glossary.md": GLOSSARY_EN},
                            zh={"government.md": GOVERNMENT_ZH, "ethics.md": ETHICS_ZH},
                            config=CONFIG + "search_shard_pages = 1\n")
    site = build_site(project, folder / "build")
    assert len(json.loads((site / "en/pagefind/shards.json").read_text())) >= 2  # three shards or more
    with serve_static(site) as url:
        yield url


def search(visit: Visit, query: str, box: str = "#site-search-q") -> list[dict]:
    """Type `query` into the box key by key, as a reader does; the results as shown."""
    page = visit.page
    page.locator(box).click()
    page.keyboard.type(query, delay=20)
    status = page.locator(box + "-status")
    page.wait_for_function("s => document.querySelector(s).textContent !== ''", arg=box + "-status")
    page.wait_for_function("([q, s]) => document.querySelector(s).value.trim() === q", arg=[query, box])
    page.wait_for_timeout(400)  # a last debounced search may still replace the list
    assert status.inner_text()
    return page.locator(box + "-results > li").evaluate_all("""items => items.map(li => ({
        title: li.querySelector('.search-title').textContent,
        titleLang: li.querySelector('.search-title').lang,
        section: li.querySelector('.search-section')?.textContent ?? null,
        excerpt: li.querySelector('.search-excerpt').textContent,
        marks: [...li.querySelectorAll('.search-excerpt mark')].map(m => m.textContent),
        badge: li.querySelector('.search-badge')?.textContent ?? null,
        href: li.querySelector('a').getAttribute('href'),
    }))""")


@pytest.mark.parametrize(("edition", "query", "first", "section", "mark"), [
    ("en/", "ASTRI", "Government Support", "ASTRI and the ITF", "ASTRI"),
    ("en/", "privacy", "Ethical Considerations", "Data privacy", "privacy"),
    ("zh-hant/", "人工智能", "政府支援", None, "人工智能"),
    ("zh-hant/", "應科院", "政府支援", "應科院與創科基金", "應科院"),
    ("zh-hant/", "創科基金", "政府支援", "應科院與創科基金", "創科基金"),
    # Pagefind leaves 新 of this query unmarked (its dictionary splits the query 創新 / 及 / 科技 /
    # 基金 but the text 創 / 新及…): the page is still found first.
    ("zh-hant/", "創新及科技基金", "政府支援", "應科院與創科基金", "科技基金"),
    ("zh-hant/", "私隱", "倫理考量", "數據私隱", "私隱"),
])
def test_a_typed_query_finds_the_right_page_first(context, search_url, edition, query, first, section, mark):
    visit = Visit(context, search_url + edition + "intro/")
    results = search(visit, query)
    assert results, query
    best = results[0]
    assert best["title"] == first
    assert best["section"] == section
    # The words are marked in the excerpt, whole: a Chinese query matched as several words
    # (人工 智能) is one mark, and a word split by a source line break is found as one word.
    assert any(mark.lower() in m.lower() for m in best["marks"]), best
    # (Pagefind matches a query's words as prefixes: 科 of 應科院 marks 科技 in 應用科技 too.)
    edition_path = search_url.split("://", 1)[1].partition("/")[2]
    assert best["href"].startswith("/" + edition_path + edition)
    visit.page.screenshot(path=str(_screenshot(f"search-{edition.strip('/')}-{len(query)}.png")))
    assert visit.problems == []


def test_a_chinese_word_split_by_a_line_break_is_found_in_its_sentence(context, search_url):
    results = search(Visit(context, search_url + "zh-hant/"), "人工智能")
    assert [r["title"] for r in results] == ["政府支援", "倫理考量"]
    assert "香港的人工智能發展" in results[0]["excerpt"].replace(" ", "")


def test_each_edition_searches_its_own_pages_only(context, search_url):
    # English words are not in the Chinese index, nor Chinese ones in the English index.
    for edition, query in (("zh-hant/", "privacy"), ("zh-hant/", "ASTRI"), ("en/", "私隱")):
        visit = Visit(context, search_url + edition)
        assert search(visit, query) == [], (edition, query)
        expected = "找不到結果" if edition == "zh-hant/" else "No results"
        assert visit.page.locator(".search-header .search-summary").inner_text() == expected
        assert visit.problems == []


def test_a_fallback_page_is_found_in_the_chinese_edition_and_marked(context, search_url):
    visit = Visit(context, search_url + "zh-hant/")
    results = search(visit, "machine learning")
    assert [r["title"] for r in results] == ["Glossary"]
    assert results[0]["badge"] == "尚未翻譯" and results[0]["titleLang"] == "en-HK"
    assert results[0]["href"].endswith("/zh-hant/glossary/#machine-learning")
    # The English edition's own page is the one found there.
    english = search(Visit(context, search_url + "en/"), "machine learning")
    assert english[0]["badge"] is None and english[0]["href"].endswith("/en/glossary/#machine-learning")


def test_the_results_are_used_by_keyboard(context, search_url):
    visit = Visit(context, search_url + "en/intro/")
    page = visit.page
    results = search(visit, "privacy")
    assert len(results) == 2
    active = "document.activeElement.getAttribute('href')"
    page.keyboard.press("ArrowDown")
    assert page.evaluate(active) == results[0]["href"]
    page.keyboard.press("ArrowDown")
    assert page.evaluate(active) == results[1]["href"]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.press("Escape")
    assert page.locator(".search-header .search-panel").is_hidden()
    page.keyboard.press("ArrowDown")  # nothing shown: nowhere to go
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("s")  # the query is "privacys" now: no match
    page.keyboard.press("Backspace")
    page.wait_for_selector(".search-header .search-results li")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/ethics/#data-privacy")
    assert visit.problems == []


def test_enter_in_the_header_opens_the_search_page_with_the_query(context, search_url):
    visit = Visit(context, search_url + "zh-hant/ethics/")
    search(visit, "應科院")
    with visit.page.expect_navigation():
        visit.page.keyboard.press("Enter")
    assert "/zh-hant/search.html?q=" in visit.page.url
    visit.page.wait_for_selector("#search-page-q-results li")
    assert visit.page.locator("#search-page-q").input_value() == "應科院"
    assert visit.page.locator("#search-page-q-results .search-title").first.inner_text() == "政府支援"
    assert visit.page.locator(".search-needs-script").is_hidden()
    assert axe_violations(visit.page) == []
    visit.page.screenshot(path=str(_screenshot("search-page-zh-hant.png")), full_page=True)


def test_open_results_pass_axe(context, search_url):
    for edition, query in (("en/ethics/", "ASTRI"), ("zh-hant/ethics/", "人工智能")):
        visit = Visit(context, search_url + edition)
        search(visit, query)
        assert axe_violations(visit.page) == [], edition


def test_without_javascript_the_header_links_to_a_page_that_explains(browser, search_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        for edition, words in (("en/", "needs JavaScript"), ("zh-hant/", "需要 JavaScript")):
            page = Visit(context, search_url + edition + "intro/").page
            assert page.locator(".search-header").is_hidden()
            link = page.locator("a.search-link")
            assert link.is_visible()
            link.click()
            assert page.url.endswith(edition + "search.html")
            note = page.locator(".search-needs-script")
            assert note.is_visible() and words in note.inner_text()
            assert page.locator(".search-page").is_hidden()
    finally:
        context.close()


def _screenshot(name: str):
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def test_an_index_in_shards_finds_the_pages_of_every_shard(context, sharded_url, search_url):
    for edition, query in (("en/", "privacy"), ("en/", "ASTRI"), ("en/", "machine learning"),
                           ("zh-hant/", "人工智能"), ("zh-hant/", "私隱"), ("zh-hant/", "machine learning")):
        visit = Visit(context, sharded_url + edition)
        sharded = search(visit, query)
        assert visit.problems == []
        whole = search(Visit(context, search_url + edition), query)
        # The pages one index finds come first, at the same addresses (each server's own part
        # aside). A shard without the word may add weaker matches below them: Pagefind, finding
        # no word in an index, matches the longest prefix of it that the index has (ASTRI → a).
        strip = lambda results, url: [(r["title"], r["href"].replace(url.split("://", 1)[1].partition("/")[2], ""))  # noqa: E731
                                      for r in results]
        found = strip(sharded, sharded_url)
        assert whole and sorted(found[:len(whole)]) == sorted(strip(whole, search_url)), (edition, query, found)
