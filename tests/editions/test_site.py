"""The bilingual site, asserted on the files a real build wrote."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest

from conftest import parse_html, parse_xml, run_cli, write_project

BASE = "https://example.org/hkai/"
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One build of the default fixture project, shared by the read-only tests here."""
    project = write_project(tmp_path_factory.mktemp("site"))
    result = run_cli("build", "--project", str(project))
    assert result.returncode == 0, result.stderr
    return project / "build" / "site"


def test_every_entry_is_paired_in_both_languages(site):
    for folder in ("en", "zh-hant"):
        for slug in ("intro", "ethics"):
            assert (site / folder / slug / "index.html").is_file()
        assert (site / folder / "index.html").is_file()
        assert (site / folder / "404.html").is_file()
    assert (site / "index.html").is_file()
    assert (site / "assets" / "style.css").is_file()


def test_html_lang_matches_the_edition(site):
    assert parse_html(site / "en/ethics/index.html").get("lang") == "en-HK"
    assert parse_html(site / "zh-hant/ethics/index.html").get("lang") == "zh-Hant-HK"


def test_heading_anchors_are_identical_in_both_editions(site):
    ids = {}
    for folder in ("en", "zh-hant"):
        doc = parse_html(site / folder / "ethics/index.html")
        ids[folder] = [h.get("id") for h in doc.xpath('//div[@class="prose"]//h2')]
    assert ids["en"] == ["data-privacy", "algorithmic-bias"]
    assert ids["zh-hant"] == ids["en"]


def test_cross_page_link_keeps_its_anchor_in_both_languages(site):
    for folder in ("en", "zh-hant"):
        doc = parse_html(site / folder / "intro/index.html")
        hrefs = doc.xpath('//div[@class="prose"]//a/@href')
        assert hrefs == ["../ethics/#data-privacy"]


def _alternates(doc):
    return {link.get("hreflang"): link.get("href") for link in doc.xpath('//link[@rel="alternate"]')}


def test_hreflang_alternates_are_absolute_and_reciprocal(site):
    en = _alternates(parse_html(site / "en/ethics/index.html"))
    zh = _alternates(parse_html(site / "zh-hant/ethics/index.html"))
    assert en == zh == {
        "en-HK": BASE + "en/ethics/",
        "zh-Hant-HK": BASE + "zh-hant/ethics/",
        "x-default": BASE + "en/ethics/",
    }
    assert parse_html(site / "zh-hant/ethics/index.html").xpath('//link[@rel="canonical"]/@href') == \
        [BASE + "zh-hant/ethics/"]


def test_language_switcher_goes_to_the_counterpart_page(site):
    for folder, other, tag in (("en", "zh-hant", "zh-Hant-HK"), ("zh-hant", "en", "en-HK")):
        doc = parse_html(site / folder / "ethics/index.html")
        href = doc.xpath(f'//nav[@class="languages"]//a[@hreflang="{tag}"]/@href')[0]
        assert urljoin(f"{BASE}{folder}/ethics/", href) == f"{BASE}{other}/ethics/"


def test_navigation_lists_sections_in_order_and_marks_the_current_one(site):
    doc = parse_html(site / "zh-hant/ethics/index.html")
    items = doc.xpath('//nav[@class="sections"]//ol/li/a')
    assert [a.text_content() for a in items] == ["引言", "倫理考量"]
    assert [a.get("aria-current") for a in items] == [None, "page"]
    assert doc.xpath('//a[@rel="prev"]/@href') == ["../intro/"]
    assert doc.xpath('//a[@rel="next"]') == []


def test_in_page_contents_links_to_each_heading(site):
    doc = parse_html(site / "en/ethics/index.html")
    assert doc.xpath('//nav[@class="toc"]//a/@href') == ["#data-privacy", "#algorithmic-bias"]


def test_dates_are_formatted_for_each_locale(site):
    en = parse_html(site / "en/ethics/index.html").xpath('string(//p[@class="dates"])')
    zh = parse_html(site / "zh-hant/ethics/index.html").xpath('string(//p[@class="dates"])')
    assert "24 November 2026" in en and "30 November 2026" in en
    assert "2026年11月24日" in zh and "2026年11月30日" in zh


def test_chinese_line_breaks_do_not_become_spaces(site):
    text = parse_html(site / "zh-hant/intro/index.html").xpath('string(//div[@class="prose"]/p[1])')
    assert text == "香港是一個繁華的國際都會。"


def test_zh_hant_pages_have_no_untranslated_ui_strings(site):
    """Everything outside the page's own content must come from the catalogue: no English words."""
    pages = ["zh-hant/index.html", "zh-hant/ethics/index.html", "zh-hant/404.html"]
    for name in pages:
        doc = parse_html(site / name)
        for node in doc.xpath('//div[@class="prose"] | //link | //style | //script'):
            node.drop_tree()
        text = " ".join(doc.xpath("//body//text()") + doc.xpath("//@aria-label") + doc.xpath("//title/text()"))
        english = set(re.findall(r"[A-Za-z]{2,}", text)) - {"PDF", "English"}
        assert not english, f"{name}: untranslated UI text {sorted(english)}"


def test_root_index_is_a_language_choice(site):
    doc = parse_html(site / "index.html")
    links = {a.get("hreflang"): a.get("href") for a in doc.xpath("//main//a")}
    assert links == {"en-HK": "en/", "zh-Hant-HK": "zh-hant/"}
    assert "香港人工智能" in doc.text_content()
    assert _alternates(doc)["x-default"] == BASE


def test_sitemap_lists_every_page_with_its_alternates(site):
    root = parse_xml(site / "sitemap.xml")
    urls = {u.findtext("s:loc", namespaces=SITEMAP): u for u in root.findall("s:url", SITEMAP)}
    assert set(urls) == {BASE + p for p in ("en/", "zh-hant/", "en/intro/", "zh-hant/intro/",
                                            "en/ethics/", "zh-hant/ethics/")}
    alternates = {a.get("hreflang"): a.get("href") for a in urls[BASE + "zh-hant/ethics/"].findall("x:link", SITEMAP)}
    assert alternates == {"en-HK": BASE + "en/ethics/", "zh-Hant-HK": BASE + "zh-hant/ethics/",
                          "x-default": BASE + "en/ethics/"}
    assert urls[BASE + "en/ethics/"].findtext("s:lastmod", namespaces=SITEMAP) == "2026-11-30"
    # Below the host's root (/hkai/) no crawler reads a robots.txt: none is written (the build
    # says where the sitemap is instead; see test_robots_txt_only_at_a_hosts_root).
    assert not (site / "robots.txt").exists()


def test_edition_homes_have_reciprocal_hreflang(site):
    homes = {"en-HK": BASE + "en/", "zh-Hant-HK": BASE + "zh-hant/", "x-default": BASE}
    for folder in ("en", "zh-hant"):
        doc = parse_html(site / folder / "index.html")
        assert _alternates(doc) == homes
        assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + folder + "/"]


def test_not_found_pages_are_noindex_without_a_canonical(site):
    for folder in ("en", "zh-hant"):
        doc = parse_html(site / folder / "404.html")
        assert doc.xpath('//link[@rel="canonical"]') == []
        assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert parse_html(site / "en/ethics/index.html").xpath('//meta[@name="robots"]') == []


def test_what_only_the_pdf_uses_is_not_deployed(site):
    assets = {p.name for p in (site / "assets").iterdir()}
    assert {"style.css", "code.css", "site.js", "search.js", "favicon.svg"} <= assets
    assert "print.css" not in assets and "cover-harbour.svg" not in assets


def test_robots_txt_only_at_a_hosts_root(tmp_path):
    from conftest import CONFIG

    below = write_project(tmp_path / "below")
    result = run_cli("build", "--project", str(below), "--only", "site")
    assert result.returncode == 0, result.stderr
    assert f"Sitemap: {BASE}sitemap.xml" in result.stderr and "No robots.txt" in result.stderr
    root = write_project(tmp_path / "root", config=CONFIG.replace(BASE, "https://ai.example.hk/"))
    result = run_cli("build", "--project", str(root), "--only", "site")
    assert result.returncode == 0, result.stderr
    assert "robots.txt" not in result.stderr
    assert (root / "build/site/robots.txt").read_text() == \
        "User-agent: *\nAllow: /\nSitemap: https://ai.example.hk/sitemap.xml\n"


def test_missing_translation_falls_back_to_the_original_with_a_notice(built):
    site = built(zh={"ethics.md": None}) / "site"
    doc = parse_html(site / "zh-hant/ethics/index.html")
    assert doc.get("lang") == "zh-Hant-HK"
    assert doc.xpath("//article/@lang") == ["en-HK"]
    assert "本頁尚未有中文版本" in doc.xpath('string(//p[@class="notice"])')
    assert "zh-Hant-HK" not in _alternates(parse_html(site / "en/ethics/index.html"))
    # The original under the Chinese address: no alternate of anything, its canonical the original.
    assert _alternates(doc) == {}
    assert doc.xpath('//link[@rel="canonical"]/@href') == [BASE + "en/ethics/"]
    sitemap = (site / "sitemap.xml").read_text()
    assert BASE + "zh-hant/ethics/" not in sitemap


def test_content_and_titles_are_escaped(built):
    site = built(en={"intro.md": """\
        ---
        title: "<script>alert(1)</script> Intro"
        order: 1
        ---

        Raw <script>alert(2)</script> HTML is text unless the config allows it.
        """}) / "site"
    page = (site / "en/intro/index.html").read_text()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)" in page and "&lt;script&gt;alert(2)" in page
