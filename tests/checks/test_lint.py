"""Language lint: Simplified characters, half-width punctuation and quote styles in the Chinese
edition, CJK text in the English one. Findings are read from real builds or the lint functions."""

from __future__ import annotations

import babel
import pytest

from conftest import REPO, run_cli
from hkai_publish.build import BuildOptions, build
from hkai_publish.sources.config import load_config
from hkai_publish.checks.lint import half_width_punctuation, opencc_tables, simplified_characters

# Hong Kong text full of characters that both scripts share (干預/若干, 皇后, 公里, 台, 只, 面, 係,
# 着, 裡, 為, 衞, 群, 峰, 秘, 床, 恒生, Cantonese 嘅/咗/晒, 雇主, 菜肴, 制度/製造, 准/準, 范, 乾/幹).
HONG_KONG = """\
政府今日（十一月二十四日）公布，《2026年施政報告》提出的多項措施已陸續落實。為推動創新科技發展，
特區政府會繼續干預市場失效的範疇，並預留若干資源支援初創企業。皇后大道中一帶的辦公室空置率回落，
距離中環約兩公里的數碼港亦吸引了不少科技公司進駐。香港電台和電視台的節目報道，恒生指數今日上升，
市民只需面對面登記，便可於網上平台查閱資料；一隻手機已足以處理大部分日常事務。
呢個係我哋嘅計劃，佢哋已經做咗好多工作，多謝晒大家支持。天氣轉涼，着衣要留意保暖，屋裡要注意通風。
衞生署提醒市民，群組聚會後如有不適應盡快求醫；高峰時段的秘書處熱線或會繁忙。酒店房間設有雙人床。
僱員及雇主須遵守《僱傭條例》，餐廳的菜肴價格須清楚標示。制度完善後，本地製造業可望受惠，
當局已批准申請，並準備於下周公布詳情。范太表示，乾淨的環境有助吸引人才，幹部培訓亦已展開。
香港的麵包店眾多，頭髮護理業亦蓬勃；人工智能的發展一日千里，資料私隱的保障同樣重要。
"""

SIMPLIFIED = "我们的发展需要更多资源，这个国家的经济将继续增长。"


def test_real_hong_kong_text_has_no_simplified_characters():
    assert list(simplified_characters(HONG_KONG)) == []


def test_simplified_characters_are_found_with_their_hong_kong_forms():
    found = {char: suggestion for _, char, _, suggestion in simplified_characters(SIMPLIFIED)}
    assert "".join(found) == "们发资这个国经济将继续长"
    assert found["们"] == "們" and found["发"] == "發, or 髮 by meaning" and found["经"] == "經"


@pytest.mark.parametrize("text, flagged", [
    ("價格上升", ""), ("价格上升", "价"),        # 价 is valid Traditional ("servant") but not here
    ("皇后大道", ""), ("之后再說", "后"),
    ("拮据", ""), ("數据分析", "据"),
    ("種族", ""), ("种族", "种"),
    ("頭髮", ""), ("头发", "头发"),
])
def test_characters_shared_by_both_scripts_are_judged_in_context(text, flagged):
    assert "".join(char for _, char, _, _ in simplified_characters(text)) == flagged


def test_cldr_hong_kong_names_are_clean_and_simplified_names_are_caught():
    """Thousands of real names from Babel's CLDR data: the Hong Kong ones all but pass (CLDR itself
    has a stray 鲁), and most Simplified ones with a distinct form are caught."""
    def names(tag):
        loc = babel.Locale.parse(tag)
        return "".join(v for attr in ("languages", "territories", "scripts", "currencies")
                       for v in getattr(loc, attr).values() if isinstance(v, str))
    hong_kong, simplified = names("zh_Hant_HK"), names("zh_Hans_CN")
    assert len(hong_kong) > 5000
    assert {char for _, char, _, _ in simplified_characters(hong_kong)} <= {"鲁"}
    caught = sum(1 for _ in simplified_characters(simplified))
    assert caught > 1000 and caught >= sum(1 for c in simplified if c in opencc_tables()[0])


@pytest.mark.parametrize("text, marks", [
    ("香港,是一個城市", ","),
    ("香港是一個城市.", "."),
    ("人工智能(AI)的發展", "()"),
    ("注意:請留意", ":"),
    ("真的嗎?", "?"),
    ("香港……", ""),
    ("增長3.5%，達10,000人，於10:30開始", ""),
    ("與Hong Kong, China及Apple Inc.的合作", ""),
    ("香港，\n是一個城市", ""),
    ("香港\n,是", ","),
    ("（AI）的發展", ""),
    ("（見 Smith (2020)）。", ""),
    ("「香港」,是", ","),
    # Code and file names in prose (kaia-docs): a call's brackets, a dot inside a name.
    ("截至編寫時，getEthUsdtPrice() 返回了", ""),
    ("CCIP 呼叫 _ccipReceive(...) 在目的地鏈上。", ""),
    ("載入專案目錄中的 .env 檔案", ""),
    ("交易所 (DEX) 如", "()"),
    ("合約地址.如果", "."),
])
def test_half_width_punctuation_touching_chinese_is_found(text, marks):
    assert "".join(mark for _, mark, _ in half_width_punctuation(text)) == marks


@pytest.mark.parametrize("source, marks", [
    # A list item's Latin colon is not beside the Chinese of the next item (kaia-docs).
    ("使用這些端點：\n\n- Kairos: https://public-en-kairos.node.kaia.io\n- 主網路：https://x\n", ""),
    ("1. Mainnet:\n2. 測試網", ""),
    ("| a: | b |\n| 中文 | 字 |", ""),
    ("## Setup:\n中文段落", ""),
    # Within one paragraph a line break is no wall.
    ("香港\n,是", ","),
    ("- 香港\n  ,是", ","),
])
def test_a_mark_is_not_beside_the_text_of_another_block(source, marks):
    from hkai_publish.markdown.prose import blank_markup

    found = half_width_punctuation(blank_markup(source), source)
    assert "".join(mark for _, mark, _ in found) == marks


def problems_of(make_project, **kwargs):
    project = make_project(**kwargs)
    return build(load_config(project), BuildOptions(project / "build", write=False)).problems


def test_lint_reads_prose_only_and_reports_source_lines(make_project):
    problems = problems_of(make_project, zh={"intro.md": """\
        ---
        title: 引言
        summary: 香港的现况。
        order: 1
        ---

        香港是一個繁華的國際都會,見`code, 这里`及 https://example.org/a,b 。

        ```
        代码, 这里
        ```

        ## 為何重要

        見[倫理一節](ethics.md#data-privacy)。
        """})
    found = {(p.path.name, p.line, p.check_id) for p in problems if p.check_id.startswith("zh-")}
    assert found == {("intro.md", 3, "zh-simplified"), ("intro.md", 7, "zh-punctuation")}


def test_mixed_quote_styles_are_reported_where_the_minority_style_is(make_project):
    problems = problems_of(make_project, zh={"ethics.md": """\
        ---
        title: 倫理考量
        order: 2
        ---

        這些「問題」需要「審慎」處理。

        ## 數據私隱

        “私隱”優先。

        ## 演算法偏見

        偏見其次。
        """})
    quotes = [(p.line, p.message) for p in problems if p.check_id == "zh-quotes"]
    assert quotes == [(10, "“” quotes in an edition that mostly uses 「」 (2 pairs against 1): use one style")]


def test_english_edition_may_hold_chinese_only_where_marked_or_allowed(make_project):
    config = '[tool.hkai-publish]\nallow_cjk_in_english = ["《香港人工智能發展新格局》"]\n'
    problems = problems_of(make_project, config=config, en={"intro.md": """\
        ---
        title: Introduction
        order: 1
        ---

        The brochure 《香港人工智能發展新格局》 is also in *繁體中文*{lang=zh-Hant-HK}; `代碼` is code.
        But 香港 here is unmarked.

        ## Why it matters

        See [the ethics section](ethics.md#data-privacy).
        """})
    # The Chinese it may hold is printed in the Hong Kong faces, not a fallback font.
    assert [p for p in problems if p.check_id.startswith("pdf")] == []
    english = [(p.line, p.message) for p in problems if p.check_id == "en-cjk"]
    assert english == [(7, "CJK text 「香港」 in the en-HK edition: mark it as Chinese (*…*{lang=zh-Hant-HK}) "
                           "or list it in allow_cjk_in_english")]


def test_catalogue_strings_are_linted_too(make_project):
    project = make_project()
    po = project / "locales/zh_Hant_HK/LC_MESSAGES/messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "目錄"', 'msgstr "目录"'), encoding="utf-8")
    problems = build(load_config(project), BuildOptions(project / "build", write=False)).problems
    line = next(n for n, text in enumerate(po.read_text(encoding="utf-8").splitlines(), 1) if text == 'msgid "Contents"')
    assert [(p.path, p.line, p.check_id) for p in problems] == [(po, line, "zh-simplified")]


def test_the_publication_in_this_repository_is_clean_under_strict():
    """What CI builds: every check passes, warnings included."""
    result = run_cli("check", "--strict", "--project", str(REPO))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("No problems in")
