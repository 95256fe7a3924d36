"""Hostile input that a file in tests/data/bad/ cannot express (catalogue commands, signals, FIFOs,
permissions, editors' files), and what the print stylesheet makes of a translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli, snapshot, write_project
from hkai_publish.editions.pdf import css_content, css_counter

PO = Path("locales/zh_Hant_HK/LC_MESSAGES/messages.po")


def test_a_translation_cannot_close_the_print_stylesheets_string():
    # What a msgstr with two NULs gave before: the middle part was pasted into the CSS as it was.
    translated = "第 \x00counter(page)\x00 頁\x00} body::before { content: \"pwned\" } x {\x00共"
    css = css_content(translated)
    assert css.startswith('"第 " counter(page) " 頁" "} body::before')
    assert "pwned\\\"" in css and css.count('"') % 2 == 0
    assert css_content("Page %s of %s" % (css_counter("page"), css_counter("pages"))) == \
        '"Page " counter(page) " of " counter(pages)'
    with pytest.raises(ValueError):
        css_counter("page) } body { x")


def test_a_closing_tag_in_a_translation_stays_inside_the_style_element():
    assert "</style>" not in css_content("</style><script>alert(1)</script>")


@pytest.fixture
def nul_catalogue(tmp_path) -> Path:
    project = write_project(tmp_path)
    po = project / PO
    po.write_bytes(po.read_bytes().replace('msgstr "目錄"'.encode(), 'msgstr "目\x00錄"'.encode(), 1))
    assert b"\x00" in po.read_bytes()
    return project


def test_i18n_compile_refuses_a_control_character_at_its_line(nul_catalogue):
    line = next(n for n, text in enumerate((nul_catalogue / PO).read_bytes().split(b"\n"), 1) if b"\x00" in text)
    result = run_cli("i18n", "compile", "--strict", cwd=nul_catalogue)
    assert result.returncode == 1
    assert result.stderr.startswith(f"{PO}:{line}: control character U+0000 in the catalogue")
    assert not (nul_catalogue / PO).with_suffix(".mo").exists()


def test_handoff_import_refuses_a_catalogue_with_a_control_character(nul_catalogue, tmp_path):
    returned = tmp_path / "returned" / "messages.po"
    returned.parent.mkdir()
    shutil.copyfile(nul_catalogue / PO, returned)
    shutil.copyfile(REPO / PO, nul_catalogue / PO)
    result = run_cli("handoff", "import", str(returned), cwd=nul_catalogue)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "control character U+0000 in the catalogue" in result.stderr
    assert (nul_catalogue / PO).read_bytes() == (REPO / PO).read_bytes()
