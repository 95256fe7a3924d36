"""Hand-off files read back with translate-toolkit, and `handoff import` round trips."""

from __future__ import annotations

import re
import textwrap
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile

from conftest import commit_all, handoff_schema_errors, parse_html, parse_xml, run_cli, write
from hkai_publish.translation.handoff_import import untranslated
from hkai_publish.translation.segments import count_words, join_body, split_body
from hkai_publish.sources.content import Document
from hkai_publish.sources.locales import parse_locale
from hkai_publish.markdown.renderer import render_markdown

EXTRA = """\
    ---
    title: Extra Page
    summary: Something more.
    order: 3
    date: 2026-11-24
    ---

    Opening paragraph, wrapped
    over two lines.

    ## A heading {#custom}

    - First item
    - Second item with **bold**

    | Term | Meaning |
    |------|---------|
    | AI | Artificial intelligence |

    ```python
    code stays
    ```
    """
EXTRA_ZH = {"Extra Page": "額外一頁", "Something more.": "還有更多。",
            "Opening paragraph, wrapped over two lines.": "開首段落，分兩行。", "A heading": "一個標題",
            "First item": "第一項", "Second item with **bold**": "第二項，有**粗體**", "Term": "詞語",
            "Meaning": "意思", "AI": "AI", "Artificial intelligence": "人工智能"}
EXTRA_ZH_MARKDOWN = """\
    ---
    title: 額外一頁
    summary: 還有更多。
    order: 3
    date: 2026-11-24
    source_hash: "{hash}"
    ---

    開首段落，分兩行。

    ## 一個標題 {{#custom}}

    - 第一項
    - 第二項，有**粗體**

    | 詞語 | 意思 |
    |------|---------|
    | AI | 人工智能 |

    ```python
    code stays
    ```
    """

TRICKY = """\
Intro line one
and two.

Setext heading
--------------

1. Numbered item
   continued here
    - nested item

> A quotation
> over two lines.

Text with a footnote.[^1]

    indented code

---

[^1]: The footnote text.
"""


def document(body: str) -> Document:
    return Document(Path("page.md"), "page", parse_locale("en-HK"), {"title": "Page"}, body, 1, "")


def normalized_html(body: str) -> str:
    return re.sub(r"\s+", " ", render_markdown(document(body)).html)


def test_blocks_split_and_join_keep_the_page_as_it_renders():
    split = split_body(TRICKY)
    assert [(s.kind, s.text) for s in split.segments] == [
        ("paragraph", "Intro line one and two."), ("heading", "Setext heading"),
        ("item", "Numbered item continued here"), ("item", "nested item"),
        ("quote", "A quotation over two lines."), ("paragraph", "Text with a footnote.[^1]"),
        ("footnote", "The footnote text.")]
    assert split.segments[4].heading == "Setext heading" and split.segments[0].line == 1
    texts = {s.id: s.text for s in split.segments}
    assert normalized_html(join_body(split.skeleton, texts)) == normalized_html(TRICKY)


def test_words_count_cjk_by_character():
    assert count_words("Hong Kong's AI 發展") == 5
    assert count_words("見[倫理一節](ethics.md#data-privacy)。") == 5
    assert count_words("**Data privacy**: first") == 3


@pytest.fixture
def handed_off(make_project):
    """A git project: intro up to date, ethics outdated (one paragraph reworded), extra missing."""
    project = make_project(en={"extra.md": EXTRA})
    commit_all(project, "First edition")
    assert run_cli("status", "mark", "content/zh-hant/intro.md", "content/zh-hant/ethics.md", cwd=project).returncode == 0
    commit_all(project, "Translations checked")
    path = project / "content/en/ethics.md"
    path.write_text(path.read_text().replace("Privacy first.", "Privacy comes first."))
    commit_all(project, "Reword")
    result = run_cli("handoff", "--project", str(project))
    assert result.returncode == 0, result.stderr
    return project


def units(path: Path) -> dict:
    store = xlifffile.parsestring(path.read_bytes())
    return {u.getid().split("\x04")[1]: u for u in store.units}


def test_handoff_xliff_has_a_segment_per_block_with_notes(handed_off):
    folder = handed_off / "handoff/zh-hant"
    assert sorted(p.name for p in (folder / "xliff").iterdir()) == ["ethics.xlf", "extra.xlf"]
    store = xlifffile.parsestring((folder / "xliff/extra.xlf").read_bytes())
    assert store.getsourcelanguage() == "en-HK" and store.gettargetlanguage() == "zh-Hant-HK"
    assert store.getfilenames() == ["content/en/extra.md"]
    extra = units(folder / "xliff/extra.xlf")
    assert {u.source: u.getid().split("\x04")[1] for u in extra.values()}.keys() == EXTRA_ZH.keys()
    assert extra["title"].source == "Extra Page" and not extra["title"].target
    item = next(u for u in extra.values() if u.source == "First item")
    assert "List item on page extra (“Extra Page”) under the heading “A heading”" in item.getnotes()
    assert item.getlocations() == ["content/en/extra.md:13"]


def test_outdated_page_keeps_unchanged_translations_and_offers_the_old_one(handed_off):
    ethics = units(handed_off / "handoff/zh-hant/xliff/ethics.xlf")
    changed = next(u for u in ethics.values() if u.source == "Privacy comes first.")
    assert not changed.target
    [previous] = changed.getalttrans()
    assert (previous.source, previous.target) == ("Privacy first.", "私隱優先。")
    assert "Previous translation: 私隱優先。" in changed.getnotes()
    assert ethics["title"].target == "倫理考量"
    heading = next(u for u in ethics.values() if u.source == "Data privacy")
    assert heading.target == "數據私隱" and heading.xmlelement.find("{*}target").get("state-qualifier") == "exact-match"


def test_every_handoff_file_is_valid_for_its_official_schema(handed_off):
    """Every XLIFF against OASIS XLIFF 1.2 strict and transitional (each <context-group> named
    uniquely in its file), the memory against the TMX 1.4 DTD, in both profiles."""
    for profile in ("generic", "omegat"):
        assert run_cli("handoff", "--for", profile, "--project", str(handed_off)).returncode == 0
        folder = handed_off / "handoff/zh-hant"
        files = sorted((folder / "xliff").glob("*.xlf")) + [folder / "memory.tmx"]
        assert len(files) == 3
        for path in files:
            assert handoff_schema_errors(path) == [], (profile, path)
        names = [g.get("name") for g in parse_xml(folder / "xliff/extra.xlf").iter("{*}context-group")]
        assert len(names) == 10 and len(set(names)) == 10 and "" not in names


def test_handoff_memory_catalogue_and_summary(handed_off):
    folder = handed_off / "handoff/zh-hant"
    memory = tmxfile.parsestring((folder / "memory.tmx").read_bytes())
    pairs = {u.source: u.target for u in memory.units}
    published = {"Introduction": "引言", "Where Hong Kong stands.": "香港的現況。",
                 "Hong Kong is a bustling metropolis.": "香港是一個繁華的國際都會。",
                 "Why it matters": "為何重要",
                 "See [the ethics section](ethics.md#data-privacy).": "見[倫理一節](ethics.md#data-privacy)。"}
    ethics = {u.source: u.target for u in units(folder / "xliff/ethics.xlf").values() if u.target}
    # The outdated page's unchanged blocks (exact matches) and the changed one's previous
    # translation, with the original it was made from (a fuzzy match for the new text).
    assert pairs == published | ethics | {"Privacy first.": "私隱優先。"}
    assert "Privacy comes first." not in pairs and len(ethics) == 5
    header = memory.document.getroot().find("header")
    assert header.get("segtype") == "paragraph" and header.get("srclang") == "en-HK"
    with (folder / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.locale_identifier == "zh_Hant_HK" and catalog.get("Contents").string == "目錄"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "| xliff/ethics.xlf | Ethical Considerations | outdated | 6 | 3 | 5 |" in readme
    assert "| xliff/extra.xlf | Extra Page | missing | 10 | 23 | 0 |" in readme
    assert "memory.tmx: 11 segments" in readme


def translate(path: Path, translations: dict[str, str], out: Path) -> Path:
    """Fill in an XLIFF as a CAT tool would."""
    store = xlifffile.parsestring(path.read_bytes())
    for unit in store.units:
        if not unit.target and unit.source in translations:
            unit.settarget(translations[unit.source], "zh-Hant-HK")
    out.write_bytes(bytes(store))
    return out


def test_import_writes_markdown_in_the_original_structure(handed_off, tmp_path):
    project = handed_off
    done = translate(project / "handoff/zh-hant/xliff/extra.xlf", EXTRA_ZH, tmp_path / "extra.xlf")
    result = run_cli("handoff", "import", str(done), "--project", str(project))
    assert result.returncode == 0, result.stderr

    status = run_cli("status", "--format", "json", "--project", str(project)).stdout
    source_hash = re.search(r'"key": "extra",\s+"state": "up-to-date",\s+"original": "[^"]+",\s+'
                            r'"original_hash": "(\w+)"', status).group(1)
    written = (project / "content/zh-hant/extra.md").read_text(encoding="utf-8")
    assert written == textwrap.dedent(EXTRA_ZH_MARKDOWN).format(hash=source_hash)
    assert run_cli("build", "--project", str(project)).returncode == 0
    page = parse_html(project / "build/site/zh-hant/extra/index.html")
    assert page.xpath('//div[@class="prose"]/h2/@id') == ["custom"]
    assert page.xpath('string(//div[@class="prose"]/p[1])') == "開首段落，分兩行。"


def test_import_of_an_outdated_page_replaces_only_what_changed(handed_off, tmp_path):
    project = handed_off
    before = (project / "content/zh-hant/ethics.md").read_text(encoding="utf-8")
    done = translate(project / "handoff/zh-hant/xliff/ethics.xlf", {"Privacy comes first.": "私隱永遠優先。"},
                     tmp_path / "ethics.xlf")
    assert run_cli("handoff", "import", str(done), cwd=project).returncode == 0
    after = (project / "content/zh-hant/ethics.md").read_text(encoding="utf-8")
    old_hash = re.search(r'source_hash: "(\w+)"', before).group(1)
    new_hash = re.search(r'source_hash: "(\w+)"', after).group(1)
    assert new_hash != old_hash
    assert after == before.replace("私隱優先。", "私隱永遠優先。").replace(old_hash, new_hash)
    assert "outdated" not in run_cli("status", "--no-diff", cwd=project).stdout


def test_import_refuses_untranslated_units_and_writes_nothing(handed_off, tmp_path):
    project = handed_off
    done = translate(project / "handoff/zh-hant/xliff/extra.xlf", {"Extra Page": "額外一頁"}, tmp_path / "extra.xlf")
    result = run_cli("handoff", "import", str(done), "--project", str(project))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert re.match(rf"{re.escape(str(done))}:\d+: \[untranslated\] unit summary has no translation", first)
    assert not (project / "content/zh-hant/extra.md").exists()


def test_import_a_returned_catalogue(handed_off, tmp_path):
    project = handed_off
    returned = tmp_path / "messages.po"
    text = (project / "handoff/zh-hant/messages.po").read_text(encoding="utf-8")
    returned.write_text(text.replace('msgstr "目錄"', 'msgstr "內容目錄"'), encoding="utf-8")
    assert run_cli("handoff", "import", str(returned), cwd=project).returncode == 0
    with (project / "locales/zh_Hant_HK/LC_MESSAGES/messages.po").open("rb") as handle:
        assert read_po(handle).get("Contents").string == "內容目錄"
    returned.write_text(text.replace('msgstr "目錄"', 'msgstr "<b>目錄</b>"'), encoding="utf-8")
    result = run_cli("handoff", "import", str(returned), cwd=project)
    assert result.returncode == 1 and "[unsafe-translation]" in result.stderr


def test_handoff_as_zip(make_project):
    project = make_project(zh={"ethics.md": None})
    result = run_cli("handoff", "--zip", "--locale", "zh-Hant-HK", "--project", str(project))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(project / "handoff/brochure-zh-hant.zip") as archive:
        assert sorted(archive.namelist()) == [f"brochure-zh-hant/{name}" for name in
                                              ("README.md", "glossary.tbx", "memory.tmx", "messages.po",
                                                               "xliff/ethics.xlf")]
    assert run_cli("handoff", "--locale", "en-HK", "--project", str(project)).returncode == 2


def test_import_reports_foreign_or_damaged_files(handed_off, tmp_path):
    project = handed_off
    no_header = tmp_path / "no-header.xlf"
    text = (project / "handoff/zh-hant/xliff/extra.xlf").read_text(encoding="utf-8")
    no_header.write_text(re.sub(r"<header>.*?</header>", "", text, flags=re.S), encoding="utf-8")
    cases = {no_header: ":3: [xliff] the hand-off skeleton (<header><skl>) is missing or damaged",
             project / "handoff/zh-hant/memory.tmx": ":3: [xliff] not an XLIFF 1.x file"}
    for path, message in cases.items():
        result = run_cli("handoff", "import", str(path), "--project", str(project))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith(str(path) + message), result.stderr


def returned(path: Path, out: Path, targets: dict[str, tuple[str, str | None]]) -> Path:
    """The hand-off file as a CAT tool returns it: unit source -> (target text, state)."""
    store = xlifffile.parsestring(path.read_bytes())
    for unit in store.units:
        if unit.source in targets:
            text, state = targets[unit.source]
            node = unit.xmlelement.find("{*}target")
            node.text = text
            node.attrib.pop("state", None)
            if state:
                node.set("state", state)
    out.write_bytes(bytes(store))
    return out


@pytest.mark.parametrize(("target", "state", "message"), [
    ("Privacy comes first.", None, "is still the original text"),
    ("Privacy comes first.", "translated", "is still the original text"),
    ("私隱永遠優先。", "needs-translation", "is marked state='needs-translation', not translated yet"),
    ("私隱永遠優先。", "new", "is marked state='new'"),
    ("", None, "has no translation"),
])
def test_import_refuses_english_left_in_a_target(handed_off, tmp_path, target, state, message):
    project = handed_off
    before = (project / "content/zh-hant/ethics.md").read_bytes()
    done = returned(project / "handoff/zh-hant/xliff/ethics.xlf", tmp_path / "ethics.xlf",
                    {"Privacy comes first.": (target, state)})
    result = run_cli("handoff", "import", str(done), cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    line = next(n for n, text in enumerate(done.read_text(encoding="utf-8").splitlines(), 1)
                if "<target" in text and (f">{target}<" in text or (not target and "/>" in text)))
    assert result.stderr.startswith(f"{done}:{line}: [untranslated] unit ") and message in result.stderr
    assert (project / "content/zh-hant/ethics.md").read_bytes() == before


def test_untranslated_accepts_what_needs_no_translation():
    assert untranslated("AI", "AI", "") is None  # no lower-case letters: an acronym, a figure
    assert untranslated("`npm install` 2026", "`npm install` 2026", "translated") is None
    assert untranslated(":::note", ":::note", "") is None and untranslated("<Tabs>", "<Tabs>", "") is None
    assert untranslated("Python", "Python", "final") is None  # signed off as it is
    assert untranslated("build", "build", "", published={"build"}) is None  # as the published translation has it
    assert "is still the original text" in untranslated("Python", "Python", "translated")
    sentence = "The same capabilities make AI valuable."
    assert "still has a sentence of the original" in untranslated(f"First. {sentence}", f"第一。 {sentence}", "")
    assert untranslated("See GPT-4 and Hong Kong.", "見 GPT-4 及 Hong Kong。", "") is None


def test_import_warns_of_each_string_a_returned_catalogue_lost(handed_off, tmp_path):
    project = handed_off
    po = project / "locales/zh_Hant_HK/LC_MESSAGES/messages.po"
    before = po.read_bytes()
    lost = tmp_path / "messages.po"
    text = (project / "handoff/zh-hant/messages.po").read_text(encoding="utf-8")
    lost.write_text(text.replace('msgstr "目錄"', 'msgstr ""'), encoding="utf-8")
    line = next(n for n, text in enumerate(lost.read_text(encoding="utf-8").splitlines(), 1) if text == 'msgid "Contents"')
    result = run_cli("handoff", "import", "--strict", str(lost), cwd=project)
    assert result.returncode == 1 and po.read_bytes() == before
    assert result.stderr.startswith(f"{lost}:{line}: [lost-translation] the returned catalogue has no translation "
                                    "for 'Contents', translated as '目錄'")
    result = run_cli("handoff", "import", str(lost), cwd=project)
    assert result.returncode == 0 and "[lost-translation]" in result.stderr and po.read_bytes() != before


def test_import_rewrites_only_what_changed_when_blocks_come_and_go(make_project, tmp_path):
    """An original gains a paragraph, loses one, changes its code and its title: the translation
    gains and loses those blocks, takes the new code, and keeps everything else as it wrote it."""
    en = "---\ntitle: Guide\norder: 1\n---\n\nFirst paragraph.\n\nSecond paragraph.\n\n```sh\nrun --old\n```\n\n" \
         "```sh\necho same  # comment\n```\n\nLast paragraph.\n"
    zh = "---\norder: 1\ntitle: 指南\n---\n\n第一段，\n分兩行。\n\n第二段。\n\n```sh\nrun --old\n```\n\n" \
         "```sh\necho same  # 註釋\n```\n\n最後一段。\n"
    project = make_project(en={"guide.md": en}, zh={"guide.md": zh})
    commit_all(project, "First edition")
    assert run_cli("status", "mark", "content/zh-hant/guide.md", cwd=project).returncode == 0
    commit_all(project, "Checked")
    new = en.replace("title: Guide", "title: The Guide").replace("Second paragraph.\n\n", "") \
        .replace("run --old", "run --new").replace("Last paragraph.", "New paragraph.\n\nLast paragraph.")
    (project / "content/en/guide.md").write_text(new, encoding="utf-8")
    commit_all(project, "Edited")
    assert run_cli("handoff", cwd=project).returncode == 0
    done = returned(project / "handoff/zh-hant/xliff/guide.xlf", tmp_path / "guide.xlf",
                    {"The Guide": ("指南全文", "translated"), "New paragraph.": ("新段落。", "translated")})
    result = run_cli("handoff", "import", str(done), cwd=project)
    assert result.returncode == 0, result.stderr
    after = (project / "content/zh-hant/guide.md").read_text(encoding="utf-8")
    source_hash = re.search(r'source_hash: "(\w+)"', after).group(1)
    assert after == (f'---\norder: 1\ntitle: 指南全文\nsource_hash: "{source_hash}"\n---\n\n第一段，\n分兩行。\n\n'
                     "```sh\nrun --new\n```\n\n```sh\necho same  # 註釋\n```\n\n新段落。\n\n最後一段。\n")
