"""The hand-off in the tools translators use, and back: Debian's OmegaT in console mode, and
translate-toolkit's PO round trip (xliff2po, a PO editor, pomerge). An outdated page comes back
with a diff of just the changed block; English left untranslated is never published as Chinese."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from translate.storage.po import pofile
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile

from conftest import commit_all, handoff_schema_errors, run_cli, write

XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"

GUIDE_EN = """\
    ---
    title: Getting Started
    summary: How to install the tool and publish a first page.
    order: 3
    date: 2026-11-24
    ---

    The tool turns two folders of Markdown into a bilingual site and a PDF
    per language. It runs on any Debian machine. Install it once and keep
    it up to date.

    ## Install {#install}

    Run the set-up script, then check the version:

    ```sh
    scripts/setup.sh   # installs the Debian packages
    hkai-publish --version
    ```

    | Command | What it does |
    |---|---|
    | build | Builds the site and the PDFs |
    | check | Checks without writing |

    > Tip: build with `--strict` in CI.

    - Write in `content/en/`.
    - Translate in `content/zh-hant/`.
    """
# The translation as translators write it: its own line breaks, front matter order, a translated
# comment in the code, its own table padding, a BOM and Windows line endings.
GUIDE_ZH = """\
    ---
    title: 入門
    order: 3
    summary: 如何安裝工具並發佈第一頁。
    date: 2026-11-24
    ---

    本工具把兩個 Markdown 資料夾變成雙語網站，並為每種語言製作
    PDF。它可在任何 Debian 電腦上運行。安裝一次，並保持
    更新。

    ## 安裝 {#install}

    執行設定腳本，然後檢查版本：

    ```sh
    scripts/setup.sh   # 安裝 Debian 套件
    hkai-publish --version
    ```

    | 指令  | 用途 |
    |---|---|
    | build | 建立網站和 PDF |
    | check | 只檢查，不寫入 |

    > 提示：在 CI 中以 `--strict` 建立。

    - 在 `content/en/` 撰寫。
    - 在 `content/zh-hant/` 翻譯。
    """
EXTRA_EN = """\
    ---
    title: Extra Page
    summary: Something more.
    order: 4
    date: 2026-11-24
    ---

    Opening paragraph, wrapped
    over two lines.

    ## A heading {#custom}

    - First item
    - Second item with **bold**
    """
EXTRA_ZH = {"Extra Page": "額外一頁", "Something more.": "還有更多。",
            "Opening paragraph, wrapped over two lines.": "開首段落，分兩行。", "A heading": "一個標題",
            "First item": "第一項", "Second item with **bold**": "第二項，有**粗體**"}
EDIT = ("It runs on any Debian machine.", "It runs on any Debian or Ubuntu machine.")
CHANGED_EN = ("The tool turns two folders of Markdown into a bilingual site and a PDF per language. It runs on "
              "any Debian or Ubuntu machine. Install it once and keep it up to date.")
CHANGED_ZH = "本工具把兩個 Markdown 資料夾變成雙語網站，並為每種語言製作 PDF。它可在任何 Debian 或 Ubuntu 電腦上運行。安裝一次，並保持更新。"
OLD_ZH_LINES = ["本工具把兩個 Markdown 資料夾變成雙語網站，並為每種語言製作", "PDF。它可在任何 Debian 電腦上運行。安裝一次，並保持",
                "更新。"]


@pytest.fixture
def outdated(make_project):
    """A git project: `guide` translated, then one sentence of its original edited; `extra` missing."""
    project = make_project(en={"guide.md": GUIDE_EN, "extra.md": EXTRA_EN}, zh={"guide.md": GUIDE_ZH})
    commit_all(project, "First edition")
    assert run_cli("status", "mark", "content/zh-hant/guide.md", "content/zh-hant/intro.md",
                   "content/zh-hant/ethics.md", cwd=project).returncode == 0
    chinese = project / "content/zh-hant/guide.md"  # saved on Windows (after `status mark`, which drops both)
    chinese.write_bytes(b"\xef\xbb\xbf" + chinese.read_bytes().replace(b"\n", b"\r\n"))
    commit_all(project, "Translations checked")
    english = project / "content/en/guide.md"
    english.write_text(english.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
    commit_all(project, "One sentence edited")
    return project


def hand_off(project: Path, profile: str) -> Path:
    result = run_cli("handoff", "--for", profile, "--project", str(project))
    assert result.returncode == 0, result.stderr
    folder = project / "handoff/zh-hant"
    for path in (folder / "xliff").iterdir():
        assert handoff_schema_errors(path) == [], path
    return folder


def units(path: Path) -> dict:
    return {u.getid().split("\x04")[1]: u for u in xlifffile.parsestring(path.read_bytes()).units}


def chinese_diff(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """Lines removed and added, with their line endings."""
    removed, added = [], []
    for line in difflib.ndiff(before.decode("utf-8").splitlines(True), after.decode("utf-8").splitlines(True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def assert_one_block_changed(project: Path, before: bytes) -> None:
    after = (project / "content/zh-hant/guide.md").read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and after.count(b"\r\n") == after.count(b"\n")
    removed, added = chinese_diff(before, after)
    new_hash = re.search(r'source_hash: "(\w+)"', after.decode()).group(1)
    old_hash = re.search(r'source_hash: "(\w+)"', before.decode()).group(1)
    assert removed == [f'source_hash: "{old_hash}"\r\n'] + [line + "\r\n" for line in OLD_ZH_LINES]
    assert added == [f'source_hash: "{new_hash}"\r\n', CHANGED_ZH + "\r\n"]
    assert "outdated" not in run_cli("status", "--no-diff", cwd=project).stdout


# ---- The generic profile, through translate-toolkit and a PO editor ---------------------------------

def test_generic_handoff_marks_what_to_translate_as_xliff_tools_read_it(outdated):
    folder = hand_off(outdated, "generic")
    guide = units(folder / "xliff/guide.xlf")
    changed = next(u for u in guide.values() if u.source == CHANGED_EN)
    target = changed.xmlelement.find(f"{XLIFF}target")
    assert target.get("state") == "needs-translation" and not changed.target
    filled = [u for u in guide.values() if u is not changed]
    assert all(u.xmlelement.find(f"{XLIFF}target").get("state") == "translated" for u in filled)
    assert {u.source: u.target for u in filled}["Install"] == "安裝"
    # The memory: every unchanged block exactly, and the changed one's previous translation with
    # the sentence it was made from, for a fuzzy match.
    memory = {u.source: u.target for u in tmxfile.parsestring((folder / "memory.tmx").read_bytes()).units}
    old_source = CHANGED_EN.replace(EDIT[1], EDIT[0])
    assert memory[old_source] == CHANGED_ZH.replace(" 或 Ubuntu", "") and CHANGED_EN not in memory
    assert all(memory[u.source] == u.target for u in filled)


def test_po_round_trip_through_translate_toolkit_changes_one_block(outdated, tmp_path):
    folder = hand_off(outdated, "generic")
    before = (outdated / "content/zh-hant/guide.md").read_bytes()
    returned = tmp_path / "returned"
    returned.mkdir()
    for name, translations in (("guide", {CHANGED_EN: CHANGED_ZH}), ("extra", EXTRA_ZH)):
        po = tmp_path / f"{name}.po"
        toolkit("xliff2po", folder / f"xliff/{name}.xlf", po)
        catalogue = pofile.parsefile(str(po))
        assert len(catalogue.units) == len(units(folder / f"xliff/{name}.xlf")) + 1  # and the header
        for unit in catalogue.units:  # what a translator does in Poedit or Weblate
            if not unit.isheader() and not unit.target:
                unit.target = translations[unit.source]
        po.write_bytes(bytes(catalogue))
        toolkit("pomerge", "-t", folder / f"xliff/{name}.xlf", "-i", po, "-o", returned / f"{name}.xlf")
        assert handoff_schema_errors(returned / f"{name}.xlf") == []
    result = run_cli("handoff", "import", str(returned / "guide.xlf"), str(returned / "extra.xlf"), cwd=outdated)
    assert result.returncode == 0, result.stderr
    assert_one_block_changed(outdated, before)
    assert "開首段落，分兩行。" in (outdated / "content/zh-hant/extra.md").read_text(encoding="utf-8")


def toolkit(command: str, *args) -> None:
    tool = Path(sys.executable).with_name(command)
    result = subprocess.run([str(tool), "--progress=none", *map(str, args)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


# ---- OmegaT ------------------------------------------------------------------------------------------

OMEGAT = shutil.which("omegat")
needs_omegat = pytest.mark.skipif(OMEGAT is None or shutil.which("java") is None,
                                  reason="Debian's omegat (and java) not installed: scripts/setup.sh --test installs them")
PROJECT = """\
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <omegat>
        <project version="1.0">
            <source_dir>__DEFAULT__</source_dir>
            <target_dir>__DEFAULT__</target_dir>
            <tm_dir>__DEFAULT__</tm_dir>
            <glossary_dir>__DEFAULT__</glossary_dir>
            <glossary_file>__DEFAULT__</glossary_file>
            <dictionary_dir>__DEFAULT__</dictionary_dir>
            <source_lang>en-HK</source_lang>
            <target_lang>zh-HK</target_lang>
            <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
            <target_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</target_tok>
            <sentence_seg>{sentences}</sentence_seg>
            <support_default_translations>true</support_default_translations>
            <remove_tags>false</remove_tags>
        </project>
    </omegat>
    """


def omegat_project(folder: Path, handoff: Path, sentences: bool = False) -> Path:
    """An OmegaT project as the README says to make one: the .xlf files in source/, memory.tmx in
    tm/auto/."""
    write(folder / "omegat.project", PROJECT.format(sentences=str(sentences).lower()))
    for sub in ("source", "target", "tm/auto", "glossary", "dictionary", "omegat"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for path in (handoff / "xliff").iterdir():
        shutil.copy(path, folder / "source" / path.name)
    shutil.copy(handoff / "memory.tmx", folder / "tm/auto/memory.tmx")
    return folder


def console_translate(folder: Path) -> dict[str, tuple[int, int]]:
    """Run OmegaT headless; per file, the (total, remaining) segments it reports."""
    result = subprocess.run([OMEGAT, "--mode=console-translate", f"--config-dir={folder.parent / 'omegat-config'}",
                             str(folder)], capture_output=True, text=True, timeout=300,
                            env={"PATH": "/usr/bin:/bin", "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Exception" not in result.stdout + result.stderr
    stats = (folder / "omegat/project_stats.txt").read_text(encoding="utf-8")
    rows = [[cell.strip() for cell in line.split("\t")] for line in stats.split("Individual File Statistics:")[1].splitlines()]
    return {row[0]: (int(row[1]), int(row[2])) for row in rows if row[0].endswith(".xlf")}


def translator_memory(folder: Path, pairs: dict[str, str]) -> None:
    """The translator's work, as OmegaT would have it: a memory it fills the segments from."""
    memory = tmxfile(sourcelanguage="en-HK")
    for source, target in pairs.items():
        memory.addtranslation(source, "en-HK", target, "zh-HK")
    (folder / "tm/auto/translator.tmx").write_bytes(bytes(memory))


@needs_omegat
def test_omegat_translates_the_omegat_handoff_and_it_imports_as_one_block(outdated, tmp_path):
    folder = hand_off(outdated, "omegat")
    guide, extra = units(folder / "xliff/guide.xlf"), units(folder / "xliff/extra.xlf")
    assert all(u.target == u.source and u.xmlelement.find(f"{XLIFF}target").get("state") is None
               for u in [*guide.values(), *extra.values()])
    before = (outdated / "content/zh-hant/guide.md").read_bytes()

    project = omegat_project(tmp_path / "omegat", folder)
    # Every unit is a segment with its English source; the memory in tm/auto/ fills in every
    # unchanged block, so only the changed one and the missing page are left to translate.
    assert console_translate(project) == {"guide.xlf": (len(guide), 1), "extra.xlf": (len(extra), len(extra))}
    out = units(project / "target/guide.xlf")
    assert {u.source: u.target for u in out.values()}["Install"] == "安裝"
    assert out[next(k for k, u in guide.items() if u.source == CHANGED_EN)].target == CHANGED_EN

    # Returned as it is, the English left in the targets is refused, and nothing is written.
    result = run_cli("handoff", "import", str(project / "target/guide.xlf"), str(project / "target/extra.xlf"),
                     cwd=outdated)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    refused = [line for line in result.stderr.splitlines() if "[untranslated]" in line]
    assert len(refused) == 1 + len(extra) and "is still the original text" in refused[0]
    assert re.match(rf"{re.escape(str(project / 'target/guide.xlf'))}:\d+: \[untranslated\] unit \d+ ", refused[0])
    assert (outdated / "content/zh-hant/guide.md").read_bytes() == before

    translator_memory(project, {CHANGED_EN: CHANGED_ZH, **EXTRA_ZH})
    assert console_translate(project) == {"guide.xlf": (len(guide), 0), "extra.xlf": (len(extra), 0)}
    for name in ("guide", "extra"):
        assert handoff_schema_errors(project / f"target/{name}.xlf") == []
    result = run_cli("handoff", "import", str(project / "target/guide.xlf"), str(project / "target/extra.xlf"),
                     cwd=outdated)
    assert result.returncode == 0, result.stderr
    assert_one_block_changed(outdated, before)
    assert (outdated / "content/zh-hant/extra.md").read_text(encoding="utf-8").count("第二項，有**粗體**") == 1


@needs_omegat
def test_omegat_segmenting_by_sentence_matches_the_unchanged_sentences(outdated, tmp_path):
    folder = hand_off(outdated, "omegat")
    before = (outdated / "content/zh-hant/guide.md").read_bytes()
    project = omegat_project(tmp_path / "omegat", folder, sentences=True)
    counts = console_translate(project)
    # memory.tmx is paragraph-level: OmegaT splits it by sentence too, so of the edited
    # paragraph's three sentences only the edited one is left.
    assert counts["guide.xlf"][1] == 1 and counts["guide.xlf"][0] > len(units(folder / "xliff/guide.xlf"))
    translator_memory(project, {EDIT[1]: "它可在任何 Debian 或 Ubuntu 電腦上運行。"})
    assert console_translate(project)["guide.xlf"][1] == 0
    result = run_cli("handoff", "import", str(project / "target/guide.xlf"), cwd=outdated)
    assert result.returncode == 0, result.stderr
    assert_one_block_changed(outdated, before)  # the sentences joined back as Chinese is written


def test_generic_handoff_in_omegat_shows_nothing_to_translate_which_is_why_there_is_a_profile(outdated, tmp_path):
    if OMEGAT is None:
        pytest.skip("Debian's omegat not installed: scripts/setup.sh --test installs it")
    folder = hand_off(outdated, "generic")
    counts = console_translate(omegat_project(tmp_path / "omegat", folder))
    # OmegaT's own filter translates <target>: empty targets are no segments at all.
    assert "extra.xlf" not in counts and counts["guide.xlf"][0] == len(units(folder / "xliff/guide.xlf")) - 1
