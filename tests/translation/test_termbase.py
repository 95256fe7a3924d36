"""The termbase's files: locales/glossary.tbx read back by translate-toolkit and checked for the
TBX-Basic structure with lxml (no TBX-Basic schema is at hand), the CSV round trip of `terms
import|export`, bad input as `path:line` errors, and the hand-off carrying the termbase (the TBX
opened by translate-toolkit, the XLIFF still valid XLIFF 1.2 with the term notes in it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from translate.storage.tbx import tbxfile
from translate.storage.xliff import xlifffile

from conftest import REPO, commit_all, handoff_schema_errors, run_cli, write
from hkai_publish.sources.config import load_config
from hkai_publish.translation.terms import load_termbase, read_csv, write_csv

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
STATUSES = {"preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"}
AUX = {"descrip", "descripGrp", "admin", "adminGrp", "transacGrp", "note", "ref", "xref"}


def check_tbx_basic(data: bytes, languages: set[str]) -> etree._Element:
    """The TBX-Basic core structure (TBXBasiccoreStructV02's content models), element by element."""
    root = etree.fromstring(data)
    assert root.tag == "martif" and root.get("type") == "TBX-Basic" and root.get(XML_LANG)
    assert [child.tag for child in root] == ["martifHeader", "text"]
    assert root.find("martifHeader/fileDesc/sourceDesc/p") is not None
    assert [child.tag for child in root.find("text")] == ["body"]
    entries = root.findall("text/body/termEntry")
    assert entries and len({e.get("id") for e in entries}) == len(entries)
    for entry in entries:
        tags = [child.tag for child in entry]
        first_lang = tags.index("langSet")
        assert set(tags[:first_lang]) <= AUX and set(tags[first_lang:]) == {"langSet"}, tags
        for lang_set in entry.findall("langSet"):
            assert lang_set.get(XML_LANG) in languages
            tags = [child.tag for child in lang_set]
            first_tig = tags.index("tig")
            assert set(tags[:first_tig]) <= AUX and set(tags[first_tig:]) == {"tig"}, tags
            for tig in lang_set.findall("tig"):
                assert tig[0].tag == "term" and (tig[0].text or "").strip()
                notes = tig[1:]
                assert all(n.tag == "termNote" for n in notes)
                status = [n.text for n in notes if n.get("type") == "administrativeStatus"]
                assert len(status) == 1 and status[0] in STATUSES
    return root


def test_the_brochure_termbase_is_tbx_basic_that_translate_toolkit_reads():
    data = (REPO / "locales/glossary.tbx").read_bytes()
    root = check_tbx_basic(data, {"en-HK", "zh-Hant-HK"})
    store = tbxfile.parsestring(data)
    assert len(store.units) == len(root.findall("text/body/termEntry"))
    astri = next(u for u in store.units if u.getid() == "astri")
    assert [t.text for t in astri.get_source_terms()] in ([], [t.text for t in astri.get_target_terms("en-HK")])
    zh = astri.get_target_terms("zh-Hant-HK")
    assert [t.text for t in zh] == ["香港應用科技研究院", "應科院"]
    ai = next(u for u in store.units if u.getid() == "artificial-intelligence")
    assert [(t.text, t.deprecated) for t in ai.get_target_terms("zh-Hant-HK")] == \
        [("人工智能", False), ("AI", False), ("人工智慧", True)]
    definitions = [n.text for n in ai.get_target_terms("zh-Hant-HK")[0].notes if n.origin == "definition"]
    assert definitions and definitions[0].startswith("電腦系統")


def test_csv_export_and_import_round_trip(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO / "locales", project / "locales")
    write(project / "pyproject.toml", '[tool.hkai-publish]\npdf_name = "x"\n')
    exported = run_cli("terms", "export", "--project", str(project))
    assert exported.returncode == 0, exported.stderr
    tags = ["en-HK", "zh-Hant-HK"]
    table = exported.stdout
    assert table.splitlines()[0].startswith("id,en-HK,en-HK short,en-HK variants,en-HK forbidden,en-HK definition,")
    (project / "locales/glossary.tbx").unlink()
    write(project / "edited.csv", table)
    result = run_cli("terms", "import", "edited.csv", cwd=project)
    assert result.returncode == 0 and result.stderr.strip().endswith("glossary.tbx: 22 concepts"), result.stderr
    config = load_config(project)
    assert load_termbase(config).concepts == load_termbase(load_config(REPO)).concepts
    assert write_csv(read_csv(table, project / "edited.csv", tags), tags) == table
    again = run_cli("terms", "import", "edited.csv", cwd=project)
    assert again.stderr.strip().endswith("(unchanged)")


@pytest.mark.parametrize("csv, expected", [
    ("id,en-HK\nx,term\n", "edited.csv:1: no column 'en-HK short'"),
    ("id,en-HK,en-HK short,en-HK variants,en-HK forbidden,en-HK definition,zh-Hant-HK,zh-Hant-HK short,"
     "zh-Hant-HK variants,zh-Hant-HK forbidden,zh-Hant-HK definition,note\nx,,,,,,術語,,,,,\n",
     "edited.csv:2: row 2 has no en-HK term"),
    ("id,en-HK,en-HK short,en-HK variants,en-HK forbidden,en-HK definition,zh-Hant-HK,zh-Hant-HK short,"
     "zh-Hant-HK variants,zh-Hant-HK forbidden,zh-Hant-HK definition,note\na,algorithm,,,,,演算法,,,,,\n"
     "b,calculation,,,,,計算,,,演算法,,\n",
     "edited.csv:3: '演算法' is allowed in entry 'a' and forbidden in entry 'b'"),
])
def test_a_bad_table_is_refused_at_its_line_and_nothing_written(make_project, csv, expected):
    project = make_project()
    before = (project / "locales/glossary.tbx").read_bytes()
    write(project / "edited.csv", csv)
    result = run_cli("terms", "import", "edited.csv", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(expected)
    assert (project / "locales/glossary.tbx").read_bytes() == before


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace("</termEntry>", "", 1), "locales/glossary.tbx:{line}: not well-formed XML"),
    (lambda t: t.replace('xml:lang="zh-Hant-HK"', 'xml:lang="zh"', 1),
     "locales/glossary.tbx:{line}: xml:lang='zh' is not Hong Kong Traditional Chinese: write zh-Hant-HK"),
])
def test_a_bad_termbase_stops_the_build_at_its_line(make_project, change, expected):
    project = make_project()
    path = project / "locales/glossary.tbx"
    text = change(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    message = result.stderr.splitlines()[0]
    prefix, _, rest = expected.partition("{line}")
    assert message.startswith(prefix) and rest in message
    line = int(message[len(prefix):].split(":")[0])
    assert 1 < line <= len(text.splitlines())


def test_handoff_carries_the_termbase_and_names_each_units_terms(make_project):
    project = make_project(zh={"ethics.md": None})
    commit_all(project, "First edition")
    result = run_cli("handoff", "--project", str(project))
    assert result.returncode == 0, result.stderr
    folder = project / "handoff/zh-hant"
    data = (folder / "glossary.tbx").read_bytes()
    check_tbx_basic(data, {"en-HK", "zh-Hant-HK"})
    store = tbxfile.parsestring(data)
    assert {u.getid() for u in store.units} >= {"astri", "itf", "data-privacy", "algorithmic-bias"}
    xliff = (folder / "xliff/ethics.xlf").read_bytes()
    # Valid against both OASIS schemas, and the term notes are what the test removes.
    assert handoff_schema_errors(folder / "xliff/ethics.xlf") == []
    tree = etree.fromstring(xliff)
    notes = [n for n in tree.iter(f"{{{XLIFF}}}note") if n.get("from") == "terminology"]
    assert len(notes) >= 2
    units = {u.source: u for u in xlifffile.parsestring(xliff).units}
    assert "Terms (glossary.tbx): Data privacy → 數據私隱, not 數據隱私." in units["Data privacy"].getnotes()
    assert "Algorithmic bias → 演算法偏見, not 算法偏見" in units["Algorithmic bias"].getnotes()
    assert "Terms" not in units["Privacy first."].getnotes()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "## Terminology" in readme and "glossary.tbx: 22 concepts (TBX-Basic)" in readme
