"""The `[GLOSSARY]` marker on real builds: the bilingual table in both editions of the site (read
with lxml) and of the PDF (read with pdftotext), its cells marked with their language, a change
to the termbase reaching the pages through the cache, and a warning where there is no termbase."""

from __future__ import annotations

import subprocess

from conftest import parse_html, run_cli
from hkai_publish.build import BuildOptions, build
from hkai_publish.sources.config import load_config

GLOSSARY_EN = """\
    ---
    title: Glossary
    order: 9
    ---

    The terms of this publication.

    [GLOSSARY]

    `[GLOSSARY]` in code stays as it is.
    """
GLOSSARY_ZH = """\
    ---
    title: 詞彙表
    order: 9
    ---

    本刊的詞彙。

    [GLOSSARY]

    `[GLOSSARY]` 在代碼中保持原樣。
    """


def glossary_rows(path):
    page = parse_html(path)
    tables = page.xpath("//table[@class='glossary']")
    assert len(tables) == 1
    headers = [th.text_content() for th in tables[0].xpath("thead/tr/th")]
    rows = [[(cell.tag, cell.get("lang"), cell.text_content()) for cell in tr] for tr in tables[0].xpath("tbody/tr")]
    return page, headers, rows


def test_glossary_page_in_both_editions_of_the_site_and_the_pdf(make_project):
    project = make_project(en={"glossary.md": GLOSSARY_EN}, zh={"glossary.md": GLOSSARY_ZH})
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    page, headers, rows = glossary_rows(project / "build/site/en/glossary/index.html")
    assert headers == ["Term", "Chinese", "Definition"]
    astri = next(row for row in rows if row[0][2].startswith("Hong Kong Applied"))
    assert astri == [("th", None, "Hong Kong Applied Science and Technology Research Institute (ASTRI)"),
                     ("td", "zh-Hant-HK", "香港應用科技研究院（應科院）"),
                     ("td", None, astri[2][2])]
    assert astri[2][2].startswith("The government-funded centre")
    # Sorted by the original's term, the same order in both editions.
    english = [row[0][2].casefold() for row in rows]
    assert english == sorted(english) and len(rows) == 22
    assert page.xpath("//code")[0].text == "[GLOSSARY]"
    _, headers, zh_rows = glossary_rows(project / "build/site/zh-hant/glossary/index.html")
    assert headers == ["詞彙", "英文", "定義"]
    assert [row[1][2] for row in zh_rows] == [row[0][2] for row in rows]
    assert zh_rows[0][1][1] == "en-HK" and zh_rows[0][0][1] is None
    ai = next(row for row in zh_rows if row[0][2].startswith("人工智能"))
    assert ai[0][2] == "人工智能（AI）" and ai[2][2].startswith("電腦系統")
    for lang, words in (("en", ["Glossary", "algorithmic bias", "演算法偏見", "Definition"]),
                        ("zh-hant", ["詞彙表", "演算法偏見", "algorithmic bias", "定義"])):
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(project / f"build/pdf/brochure-{lang}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert all(word in text for word in words), (lang, [w for w in words if w not in text])


def test_a_termbase_change_reaches_the_glossary_through_the_cache(make_project):
    project = make_project(en={"glossary.md": GLOSSARY_EN}, zh={"glossary.md": GLOSSARY_ZH})
    assert run_cli("build", "--only", "site", cwd=project).returncode == 0
    tbx = project / "locales/glossary.tbx"
    tbx.write_text(tbx.read_text(encoding="utf-8").replace("<term>加速器</term>", "<term>加速計劃</term>", 1),
                   encoding="utf-8")
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 0, result.stderr
    _, _, rows = glossary_rows(project / "build/site/en/glossary/index.html")
    assert rows[0][1][2] == "加速計劃"


def test_a_glossary_without_a_termbase_is_a_warning(make_project):
    project = make_project(en={"glossary.md": GLOSSARY_EN}, zh={"glossary.md": GLOSSARY_ZH})
    (project / "locales/glossary.tbx").unlink()
    problems = build(load_config(project), BuildOptions(project / "build", write=False, only="site")).problems
    found = [(p.path.name, p.line, p.check_id) for p in problems if p.check_id == "term-glossary"]
    assert found == [("glossary.md", 8, "term-glossary"), ("glossary.md", 8, "term-glossary")]
