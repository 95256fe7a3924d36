"""Terminology checks on real builds: each rule broken by a page (and a UI string), reported at its
source line and naming the concept; nothing reported inside code or URLs, on real Hong Kong text,
or where the termbase allows a word the built-in list would flag."""

from __future__ import annotations

import pytest

from conftest import REPO, run_cli, write, write_project
from hkai_publish.build import BuildOptions, build
from hkai_publish.checks.terms import regional_words
from hkai_publish.sources.config import load_config
from hkai_publish.translation.matching import Finder
from test_lint import HONG_KONG

TERMS_CSV = """\
id,en-HK,en-HK short,en-HK variants,en-HK forbidden,en-HK definition,zh-Hant-HK,zh-Hant-HK short,zh-Hant-HK variants,zh-Hant-HK forbidden,zh-Hant-HK definition,note
astri,Hong Kong Applied Science and Technology Research Institute,ASTRI,,,A research centre.,香港應用科技研究院,應科院,,,研究中心。,
algorithmic-bias,algorithmic bias,,,,Unfair decisions.,演算法偏見,,,算法偏見,不公平的決定。,
incubator,incubator,,,,Helps new companies.,培育機構,,培育中心,孵化器,協助新公司。,
stakeholder,stakeholder,,,,An interested party.,持份者,,,利益相關者,有利害關係的人。,
software,software,,,,Programs.,軟件,,軟體,,程式。,The project allows 軟體.
"""

EN_PAGE = """\
    ---
    title: Ethical Considerations
    order: 2
    ---

    ASTRI helps. The Hong Kong Applied Science and Technology
    Research Institute (ASTRI) supports incubators.

    Algorithmic bias matters to every stakeholder.

    Stakeholders write software, and `incubator` in code, and https://example.org/incubator too.

    ## Data privacy

    Privacy first.
    """

ZH_PAGE = """\
    ---
    title: 倫理考量
    order: 2
    ---

    應科院提供協助。香港應用科技研究院（應科院）支援
    孵化器。

    算法偏見對每位利益相關者都很重要；演算法偏
    見亦然。

    持份者編寫軟體和應用程式，下載視頻，`網路`是代碼。

    ## 數據私隱

    私隱優先，見 https://example.org/網路 。
    """


def _problems(make_project, config: str = "", en=EN_PAGE, zh=ZH_PAGE, csv=TERMS_CSV, intro=None):
    intros = ({"intro.md": intro[0]}, {"intro.md": intro[1]}) if intro else ({}, {})
    project = make_project(en={"ethics.md": en, **intros[0]}, zh={"ethics.md": zh, **intros[1]},
                           config='[tool.hkai-publish]\npdf_name = "brochure"\n' + config)
    (project / "locales/glossary.tbx").unlink(missing_ok=True)
    if csv is not None:
        write(project / "terms.csv", csv)
        result = run_cli("terms", "import", "terms.csv", cwd=project)
        assert result.returncode == 0, result.stderr
    problems = build(load_config(project), BuildOptions(project / "build", write=False, only="site", cache=False)).problems
    return {(p.path.relative_to(project).as_posix(), p.line, p.check_id, p.message.replace(f"{project}/", ""))
            for p in problems if p.check_id.startswith("term-") or p.check_id == "zh-regional"}


def test_each_rule_broken_is_reported_at_its_line_naming_the_concept(make_project):
    found = _problems(make_project)
    ids = {(path, line, check) for path, line, check, _ in found}
    assert ids == {
        # A short form before its full form, in each language (the heading's "Data privacy" is no use).
        ("content/en/ethics.md", 6, "term-first-use"),
        ("content/zh-hant/ethics.md", 6, "term-first-use"),
        # Deprecated terms of the termbase, also where the built-in list knows them (孵化器, 利益相關者):
        # reported once, as the termbase's.
        ("content/zh-hant/ethics.md", 7, "term-forbidden"),
        ("content/zh-hant/ethics.md", 9, "term-forbidden"),
        # The Chinese block that says 孵化器 uses none of incubator's allowed translations; the
        # forbidden term is term-forbidden's to report, so incubator is not missing there…
        # …but "algorithmic bias" is translated (演算法偏見, across a line break) and not missing.
        # The built-in list: 視頻 (Mainland); 軟體 is allowed by the project's termbase; 網路 only
        # in code and in a URL.
        ("content/zh-hant/ethics.md", 12, "zh-regional"),
    }
    messages = {check: message for _, _, check, message in found}
    assert "ASTRI is used before its full form Hong Kong Applied Science and Technology Research Institute" \
        in messages["term-first-use"] or "應科院 is used before" in messages["term-first-use"]
    assert "視頻 is Mainland usage: Hong Kong writes 影片 or 視像" in messages["zh-regional"]
    forbidden = sorted(message for _, _, check, message in found if check == "term-forbidden")
    assert forbidden == ["利益相關者 is a forbidden term for “stakeholder” in the termbase: write 持份者",
                         "孵化器 is a forbidden term for “incubator” in the termbase: write 培育機構",
                         "算法偏見 is a forbidden term for “algorithmic bias” in the termbase: write 演算法偏見"]


def test_a_term_left_untranslated_in_the_counterpart_block_is_missing(make_project):
    zh = ZH_PAGE.replace("持份者編寫軟體和應用程式", "他們編寫程式")
    found = _problems(make_project, zh=zh)
    missing = sorted((line, message) for _, line, check, message in found if check == "term-missing")
    # The block's line, and the original's block named; plural and capitals in the original.
    assert missing == [
        (12, "“Stakeholders” (content/en/ethics.md:11) is not translated with the termbase's term: write 持份者"),
        (12, "“software” (content/en/ethics.md:11) is not translated with the termbase's term: write 軟件 (or 軟體)"),
    ]


EN_INTRO = """\
    ---
    title: Introduction
    order: 1
    ---

    The Hong Kong Applied Science and Technology Research Institute (ASTRI) is introduced here.
    """
ZH_INTRO = """\
    ---
    title: 引言
    order: 1
    ---

    本頁介紹香港應用科技研究院（應科院）。
    """


def test_first_use_can_look_at_the_whole_edition_or_be_off(tmp_path):
    def first_uses(config):
        make = lambda **kwargs: write_project(tmp_path / str(len(list(tmp_path.iterdir()))), **kwargs)  # noqa: E731
        return {(path, line) for path, line, check, _ in _problems(make, config, intro=(EN_INTRO, ZH_INTRO))
                if check == "term-first-use"}

    # Per page (the default), the ethics pages use the short form first, whatever the introduction says.
    assert first_uses("") == {("content/en/ethics.md", 6), ("content/zh-hant/ethics.md", 6)}
    # Per edition, the introduction (order 1) has introduced it.
    assert first_uses('term_first_use = "edition"\n') == set()
    assert first_uses('term_first_use = "off"\n') == set()


def test_a_bad_setting_is_refused_at_its_line(make_project):
    project = make_project(config='[tool.hkai-publish]\nterm_first_use = "sometimes"\n')
    with pytest.raises(Exception) as caught:
        load_config(project)
    assert str(caught.value).endswith("pyproject.toml:2: term_first_use must be one of 'page', 'edition', 'off', "
                                      "got 'sometimes'")


def test_catalogue_strings_are_checked_against_the_termbase(make_project):
    project = make_project()
    po = project / "locales/zh_Hant_HK/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    # The title says "Artificial Intelligence": its translation now has the Taiwan word; the
    # keyword "artificial intelligence" is translated without the term.
    text = text.replace('msgstr "香港人工智能發展新格局"', 'msgstr "香港人工智慧發展新格局"')
    po.write_text(text.replace('msgid "artificial intelligence"\nmsgstr "人工智能"',
                               'msgid "artificial intelligence"\nmsgstr "智能科技"'), encoding="utf-8")
    lines = po.read_text(encoding="utf-8").splitlines()
    title, keyword = (lines.index(f'msgstr "{s}"') for s in ("香港人工智慧發展新格局", "智能科技"))
    problems = build(load_config(project), BuildOptions(project / "build", write=False, only="site", cache=False)).problems
    found = sorted((p.line, p.check_id, p.message) for p in problems if p.path == po)
    assert found == [
        (title, "term-forbidden", "人工智慧 is a forbidden term for “artificial intelligence” in the termbase: write 人工智能"),
        (keyword, "term-missing", "“artificial intelligence” (msgid 'artificial intelligence') is not translated "
                                  "with the termbase's term: write 人工智能 (or AI)"),
    ]


def test_real_hong_kong_text_has_no_regional_words():
    finder = Finder([(w.word, w) for w in regional_words()] + [(hk, None) for w in regional_words() for hk in w.hong_kong])
    flagged = [f.written for f in finder.find(HONG_KONG) if any(f.payloads)]
    assert flagged == []


def test_longest_term_wins_inside_chinese_and_english_words_are_whole():
    finder = Finder([("演算法偏見", "hk"), ("算法偏見", "cn"), ("香港大學", "hku"), ("港大", "hku-short"),
                     ("University of Hong Kong", "hku-en"), ("Chinese University of Hong Kong", "cuhk"),
                     ("AI", "ai"), ("university", "u")])
    text = ("演算法偏\n見和算法偏見；香港\n大學（港大）。The Chinese University of\nHong Kong, the University "
            "of Hong Kong, universities, ai, OpenAI, AI-driven")
    assert [(f.written, f.payloads) for f in finder.find(text)] == [
        ("演算法偏\n見", ("hk",)), ("算法偏見", ("cn",)), ("香港\n大學", ("hku",)), ("港大", ("hku-short",)),
        ("Chinese University of\nHong Kong", ("cuhk",)), ("University of Hong Kong", ("hku-en",)),
        ("universities", ("u",)), ("AI", ("ai",))]


def test_the_brochure_termbase_covers_its_names():
    """The publication's own termbase, read as the build reads it."""
    from hkai_publish.translation.terms import load_termbase
    termbase = load_termbase(load_config(REPO))
    names = {c.id: (c.preferred("en-HK").text, c.preferred("zh-Hant-HK").text) for c in termbase.concepts}
    assert names["astri"] == ("Hong Kong Applied Science and Technology Research Institute", "香港應用科技研究院")
    assert names["itf"] == ("Innovation and Technology Fund", "創新及科技基金")
    assert names["smart-city-blueprint"] == ("Smart City Blueprint", "《香港智慧城市藍圖》")
    assert {names[k][1] for k in ("hku", "hkust", "cuhk")} == {"香港大學", "香港科技大學", "香港中文大學"}
    ai = next(c for c in termbase.concepts if c.id == "artificial-intelligence")
    assert [t.text for t in ai.forbidden("zh-Hant-HK")] == ["人工智慧"]


def test_term_missing_is_reported_alike_on_one_core_and_across_workers(make_project):
    """Across workers (compute_everywhere), term-missing was worked out from the stand-in of a
    page's terms not looked up yet, which is none: a cold build of many pages reported nothing."""
    zh = ZH_PAGE.replace("持份者編寫軟體和應用程式", "他們編寫程式")
    pages = {f"page-{n:02d}.md": EN_PAGE.replace("order: 2", f"order: {n + 3}") for n in range(40)}
    zh_pages = {name: zh.replace("order: 2", f"order: {n + 3}") for n, name in enumerate(pages)}
    project = make_project(en=pages, zh=zh_pages, config='[tool.hkai-publish]\npdf_name = "brochure"\n')
    write(project / "terms.csv", TERMS_CSV)
    assert run_cli("terms", "import", "terms.csv", cwd=project).returncode == 0
    counts = []
    for jobs in (1, 2):
        result = run_cli("build", "--only", "site", "--no-cache", "--jobs", str(jobs), cwd=project)
        assert result.returncode == 0, result.stderr
        counts.append(result.stderr.count("[term-missing]"))
    assert counts[0] >= 80 and counts == [counts[0]] * 2, counts
