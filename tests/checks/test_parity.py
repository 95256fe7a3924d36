"""Bilingual parity: figures, structure, links, images, footnotes, tables and URLs of each
translation against its original, asserted on the problems of real (unwritten) builds."""

from __future__ import annotations

import hashlib

import pytest

from conftest import write_project
from hkai_publish.build import BuildOptions, build
from hkai_publish.sources.config import load_config
from hkai_publish.checks.figures import known_values, stated_figures
from hkai_publish.checks.parity import normalise_url


@pytest.mark.parametrize("english, chinese", [
    ("HK$1.5 billion", "15億港元"),
    ("7.5 million people", "750萬人"),
    ("launched in 2017", "於2017年推出"),
    ("35% of firms", "百分之三十五的公司"),
    ("three pillars", "3大支柱"),
    ("24 November 2026", "2026年11月24日"),
    ("over 10,000 students", "逾一萬名學生"),
    ("the 21st century", "21世紀"),
    ("the 1990s", "1990年代"),
    ("HK$3 trillion", "3萬億港元"),
    ("more than 1 million", "100多萬"),
    ("the 2023-24 budget", "2023/24年度預算"),
])
def test_figures_match_across_languages(english, chinese):
    for text, chinese_side, other, other_side in ((english, False, chinese, True), (chinese, True, english, False)):
        values = known_values(other, other_side)
        assert all(f.value in values for f in stated_figures(text, chinese_side)), (text, other)


@pytest.mark.parametrize("english, chinese", [
    ("launched in 2017", "於2018年推出"),
    ("HK$2 billion", "2億港元"),
    ("35%", "百分之五十三"),
])
def test_different_figures_do_not_match(english, chinese):
    values = known_values(chinese, True)
    assert not all(f.value in values for f in stated_figures(english, False))


@pytest.mark.parametrize("english", ["sıx firms", "SİX firms", "ſeven thouſand firms", "5 bıllion firms",
                                     "Seven Thousand firms"])
def test_number_words_are_ascii_words_and_lookalike_letters_do_not_crash(english):
    # Unicode case-insensitive matching once let "sıx" through as a number word, and looking it
    # up failed with a KeyError: a traceback for an odd letter in the text.
    assert known_values(english, False) >= ({7, 1000, 7000} if english.startswith("Seven") else set())
    assert [f.written for f in stated_figures(f"{english} in 2017", False)][-1] == "2017"


def test_names_with_digits_and_list_numbers_are_not_figures():
    assert stated_figures("5G, GPT-4, H100 and COVID-19", False) == []


@pytest.mark.parametrize("a, b", [
    ("https://www.gov.hk/en/residents/index.htm", "https://www.gov.hk/tc/residents/index.htm"),
    ("https://example.org/report_e.pdf", "https://example.org/report_c.pdf"),
    ("https://example.org/page?lang=en", "https://example.org/page?lang=zh-HK"),
    ("img/chart-en.png", "img/chart-zh-hant.png"),
])
def test_each_edition_may_link_its_own_language(a, b):
    assert normalise_url(a) == normalise_url(b)


def test_different_resources_stay_different():
    assert normalise_url("https://example.org/a") != normalise_url("https://example.org/b")


def parity(tmp_path, en: str, zh: str) -> list[tuple[int | None, str, str]]:
    folder = tmp_path / hashlib.sha256((en + zh).encode()).hexdigest()[:8]
    project = write_project(folder, en={"intro.md": en}, zh={"intro.md": zh})
    problems = build(load_config(project), BuildOptions(project / "build", write=False)).problems
    assert all(p.severity == "warning" for p in problems if p.check_id.startswith("parity"))
    return [(p.line, p.check_id, p.message) for p in problems
            if p.check_id.startswith("parity") and p.path.name == "intro.md"]


EN = """\
    ---
    title: Introduction
    summary: Where Hong Kong stands in 2026.
    order: 1
    ---

    Hong Kong invested HK$1.5 billion in 2017.[^cost]

    ## Why it matters {#why}

    See [the ethics section](ethics.md#data-privacy) and [the Blueprint](https://www.gov.hk/en/about/).
    ![A chart](https://example.org/chart-en.png)

    | Year | Firms |
    |------|-------|
    | 2017 | 100   |

    [^cost]: Source: https://example.org/budget
    """

ZH = """\
    ---
    title: 引言
    summary: 香港於2026年的現況。
    order: 1
    ---

    香港於2017年投入15億港元。[^cost]

    ## 為何重要

    見[倫理一節](ethics.md#data-privacy)及[藍圖](https://www.gov.hk/tc/about/)。
    ![圖表](https://example.org/chart-zh-hant.png)

    | 年份 | 公司 |
    |------|------|
    | 2017 | 100  |

    [^cost]: 資料來源：https://example.org/budget
    """


def test_a_faithful_translation_has_no_parity_problems(tmp_path):
    assert parity(tmp_path, EN, ZH) == []


def test_a_changed_figure_is_reported(tmp_path):
    found = parity(tmp_path, EN, ZH.replace("於2017年投入", "於2018年投入"))
    # 2017 is still in the translation's table, so only the new figure is reported.
    assert [(line, check, message.split(" (")[0]) for line, check, message in found] == [
        (7, "parity-figures", "'2018' is not in the original")]


def test_a_missing_summary_figure_is_reported_on_the_summary_line(tmp_path):
    found = parity(tmp_path, EN, ZH.replace("香港於2026年的現況。", "香港的現況。"))
    assert [(line, check) for line, check, message in found] == [(3, "parity-figures")]
    assert "the original states '2026'" in found[0][2] and "intro.md:3)" in found[0][2]


def test_a_missing_section_is_reported_at_the_structure(tmp_path):
    found = parity(tmp_path, EN, ZH.replace("## 為何重要\n", "為何重要\n"))
    assert [check for _, check, _ in found] == ["parity-headings"]
    assert found[0][2].startswith("0 headings here, 1 in the original")


def test_a_different_anchor_or_level_is_reported(tmp_path):
    found = parity(tmp_path, EN, ZH.replace("## 為何重要", "## 為何重要 {#important}"))
    assert found == [(9, "parity-headings", found[0][2])]
    assert "has anchor #important, its counterpart" in found[0][2] and "#why" in found[0][2]
    found = parity(tmp_path, EN, ZH.replace("## 為何重要", "### 為何重要"))
    assert "is h3, its counterpart 'Why it matters'" in found[0][2]


def test_missing_links_images_footnotes_tables_and_urls_are_reported_in_the_right_section(tmp_path):
    zh = (ZH.replace("及[藍圖](https://www.gov.hk/tc/about/)", "")
            .replace("![圖表](https://example.org/chart-zh-hant.png)\n", "")
            .replace("。[^cost]", "。").replace("[^cost]: 資料來源：https://example.org/budget\n", "")
            .replace("| 2017 | 100  |\n", ""))
    found = {(line, check) for line, check, _ in parity(tmp_path, EN, zh)}
    # Everything the original has after its first heading maps to the translation's first heading (line 9).
    assert found == {(9, "parity-links"), (9, "parity-images"), (9, "parity-footnotes"),
                     (13, "parity-tables"), (9, "parity-urls"), (9, "parity-figures")}


def test_a_missing_translation_is_a_warning_naming_the_file_to_write(make_project):
    project = make_project(zh={"ethics.md": None})
    problems = build(load_config(project), BuildOptions(project / "build", write=False)).problems
    missing = [p for p in problems if p.check_id == "parity-missing"]
    assert [(p.path, p.line, p.severity) for p in missing] == [(project / "content/zh-hant/ethics.md", None, "warning")]
