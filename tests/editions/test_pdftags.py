"""The PDF's tagging read back (editions/pdftags.py): page furniture (folios, running heads) is
marked as /Artifact, the contents page has no row of leader full stops to read aloud, and a
chapter shown in the original's language in a translation carries that language's /Lang."""

from __future__ import annotations

import pikepdf
import pytest
from pypdf import PdfReader

from conftest import run_cli, write_project
from editions.test_pdf import EDITIONS, EN_LONG, PDF_CONFIG, TITLES, ZH_LONG, build_dir, pdf_path  # noqa: F401


def marked_text(page) -> list[tuple[bool, str]]:
    """(inside an /Artifact sequence, text) of each piece of text a page shows, in order."""
    stack: list[str] = []
    found: list[tuple[bool, str]] = []

    def before(operator, operands, cm, tm):
        if operator in (b"BDC", b"BMC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(shown, cm, tm, font, size):
        if shown.strip():
            found.append(("/Artifact" in stack, shown.strip()))

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


@pytest.mark.parametrize("folder", EDITIONS)
def test_folios_and_running_heads_are_artifacts_and_the_body_is_not(build_dir, folder):
    pages = PdfReader(pdf_path(build_dir, folder)).pages
    texts = [marked_text(page) for page in pages]
    assert not any(artifact for artifact, _ in texts[0] + texts[1] + texts[2]), "cover, imprint, contents"
    numbered = [i for i, found in enumerate(texts) if (True, str(i + 1)) in found]
    assert numbered and numbered == list(range(numbered[0], len(pages) - 1)), "every chapter page, not the back"
    heads = [i for i, found in enumerate(texts) if any(a and TITLES[folder][:8] in t for a, t in found)]
    assert heads, "a running head"
    for found in texts[3:]:
        body = " ".join(t for artifact, t in found if not artifact)
        assert body and not any(artifact and len(t) > 80 for artifact, t in found)
        assert not any(not artifact and t == str(i) for i in range(1, 40) for artifact, t in found[-1:])


@pytest.mark.parametrize("folder", EDITIONS)
def test_the_contents_page_reads_titles_and_numbers_without_leader_dots(build_dir, folder):
    contents = marked_text(PdfReader(pdf_path(build_dir, folder)).pages[2])
    shown = [t for _, t in contents]
    assert not [t for t in shown if set(t) <= set(".·…")], "leader dots drawn as text"
    assert len(shown) < 60 and any(t.isdigit() for t in shown)


def _languages(element, found: list) -> None:
    """(its /Lang, its number of children) of each structure element that has a /Lang."""
    if isinstance(element, pikepdf.Array):
        for child in element:
            _languages(child, found)
    elif isinstance(element, pikepdf.Dictionary):
        if "/Lang" in element and "/S" in element:
            kids = element.K if "/K" in element else []
            found.append((str(element.Lang), len(kids) if isinstance(kids, pikepdf.Array) else 1))
        if "/K" in element and "/S" in element:
            _languages(element.K, found)


def test_a_chapter_left_in_english_in_the_chinese_pdf_is_tagged_english(tmp_path):
    project = write_project(tmp_path, zh={"ethics.md": None}, config=PDF_CONFIG)
    result = run_cli("build", "--only", "pdf", "--project", str(project))
    assert result.returncode == 0, result.stderr
    for folder, other in (("zh-hant", ["en-HK"]), ("en", [])):
        with pikepdf.open(project / "build/pdf" / f"brochure-{folder}.pdf") as pdf:
            assert str(pdf.Root.Lang) == EDITIONS[folder]
            found: list = []
            _languages(pdf.Root.StructTreeRoot.K, found)
            assert sorted({lang for lang, _ in found}) == other
            # The chapter's element (its heading, its paragraphs inherit it), not one stray element.
            assert all(kids >= 3 for _, kids in found)
