"""Chinese line adjustment (editions/linesetting.py), read back from the PDFs: where poppler's
pdftotext puts each line, and what text it extracts. These fail if a WeasyPrint upgrade stops the
pass from reaching the drawn glyphs."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, parse_html, run_cli

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
A4_WIDTH = 595.276
RIGHT_MARGIN = 24 * 72 / 25.4
"""templates/assets/print.css: `@page { margin: … 24mm … }`."""
TEXT_RIGHT = A4_WIDTH - RIGHT_MARGIN
LEFT_MARGIN = 34 * 72 / 25.4
"""templates/assets/print.css: `@page { margin: … 34mm }`."""
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PUNCTUATION = "，。、；：！？「」『』《》〈〉（）〔〕【】—…·,.;:!?()\"'"


@dataclass(frozen=True)
class Line:
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


@pytest.fixture(scope="module")
def brochure(tmp_path_factory) -> Path:
    """This repository's brochure, built once."""
    out = tmp_path_factory.mktemp("brochure") / "build"
    result = run_cli("build", "--project", str(REPO), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def lines_of(pdf: Path) -> list[Line]:
    """Every text line pdftotext finds, with its box in points."""
    xhtml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    lines = []
    for number, page in enumerate(etree.fromstring(xhtml).iterfind(".//x:page", XHTML), 1):
        for line in page.iterfind(".//x:line", XHTML):
            text = "".join(word.text or "" for word in line.iterfind("x:word", XHTML))
            lines.append(Line(number, *(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")), text))
    return lines


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into paragraphs: a line follows the one before in its paragraph when it is on
    the same page, starts no further left, and sits one line pitch (under 1.45 × its height; a paragraph gap is more) below."""
    groups: list[list[Line]] = []
    for line in lines:
        previous = groups[-1][-1] if groups else None
        height = line.y_max - line.y_min
        if (previous and previous.page == line.page and 0 < line.y_min - previous.y_min < 1.45 * height
                and abs(height - (previous.y_max - previous.y_min)) < 0.5 and line.x_min >= previous.x_min - 0.5):
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def chinese_paragraphs(pdf: Path) -> list[list[Line]]:
    """The Chinese body paragraphs of the chapters (not the contents page's leader lines, nor the
    glossary's table, whose cells are set ragged: `--hk-justify: compress`)."""
    lines = lines_of(pdf)
    tables = {line.page for line in lines if line.text == "詞彙表"}
    return [group for group in paragraphs([line for line in lines if line.page not in tables])
            if group[0].page > 2 and CJK.search("".join(line.text for line in group))
            and not any("..." in line.text for line in group)
            # Not the key-facts panel's columns, a third of the text block wide, which are
            # justified to their own column's edge.
            and max(line.x_max for line in group) - group[0].x_min > (TEXT_RIGHT - LEFT_MARGIN) / 2]


def counted(text: str) -> int:
    return sum(1 for char in text if not char.isspace() and char not in PUNCTUATION)


def test_justified_chinese_lines_end_at_the_text_block(brochure):
    groups = chinese_paragraphs(brochure / "pdf/hk-ai-landscape-zh-hant.pdf")
    inner = [line for group in groups for line in group[:-1]]  # every line but a paragraph's last
    assert len(inner) > 8, "the brochure should have many multi-line Chinese paragraphs"
    ragged = [(line.page, round(TEXT_RIGHT - line.x_max, 2), line.text[-6:]) for line in inner
              if abs(TEXT_RIGHT - line.x_max) > 0.5]
    assert not ragged


def test_last_lines_stay_start_aligned_and_none_is_one_or_two_characters(brochure):
    groups = chinese_paragraphs(brochure / "pdf/hk-ai-landscape-zh-hant.pdf")
    multi = [group for group in groups if len(group) > 1]
    assert len(multi) > 8
    short = [(group[-1].page, group[-1].text) for group in multi if counted(group[-1].text) <= 2]
    assert not short
    # A last line ends where its text ends, short of the right edge (most are).
    assert sum(TEXT_RIGHT - group[-1].x_max > 20 for group in multi) > len(multi) / 2


def test_english_edition_is_set_as_before(brochure):
    lines = [line for line in lines_of(brochure / "pdf/hk-ai-landscape-en.pdf") if line.page > 2]
    # Ragged right: English keeps WeasyPrint's start alignment.
    assert len({round(line.x_max) for line in lines}) > len(lines) / 3


def small_pdf(tmp_path: Path, body: str, mode: str, name: str = "small.pdf") -> Path:
    """A 100 mm square page of 10 pt Chinese with `--hk-justify: <mode>` on its paragraphs."""
    import weasyprint

    from hkai_publish.editions import linesetting

    html = weasyprint.HTML(string=f"""<html lang="zh-Hant-HK"><style>
        @page {{ size: 100mm 100mm; margin: 10mm }}
        body {{ font: 10pt/1.8 "Noto Serif CJK HK"; margin: 0 }}
        p {{ --hk-justify: {mode} }}
        </style>{body}""")
    document, _ = linesetting.render(html)
    document.write_pdf(tmp_path / name)
    return tmp_path / name


def test_full_width_marks_side_by_side_are_compressed(tmp_path):
    text = "《香港智慧城市藍圖》，「創科」（基金）。"
    plain = lines_of(small_pdf(tmp_path, f"<p>{text}</p>", "none", "plain.pdf"))
    compressed = lines_of(small_pdf(tmp_path, f"<p>{text}</p>", "compress", "compressed.pdf"))
    assert [line.text for line in plain] == [line.text for line in compressed] == [text]
    # 》， ，「 」（ ）。: four blank half-ems of 10 pt gone (a bracket's blank half, or the hole before an opening one).
    assert plain[0].x_max - compressed[0].x_max == pytest.approx(4 * 5, abs=0.05)


def test_extracted_text_is_the_source_text(brochure):
    """The Chinese PDF's text, lines joined, holds every paragraph of the site's pages exactly:
    the adjustment inserts no spaces and drops no characters."""
    pdf = brochure / "pdf/hk-ai-landscape-zh-hant.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    joined = re.sub(r"(?<=[^\x00-\x7f])\n(?=[^\x00-\x7f])", "", text)  # a CJK line break joins without a space
    joined = re.sub(r"\s*\n\s*", " ", joined)
    pages = sorted((brochure / "site/zh-hant").glob("*/index.html"))
    assert len(pages) >= 8
    checked = 0
    for page in pages:
        document = parse_html(page)
        for paragraph in document.xpath('//main//p[not(@class)] | //main//li[not(.//p)]'
                                        '[not(ancestor::section[@class="keyfacts"])]'):
            source = " ".join(paragraph.text_content().split())
            if CJK.search(source):
                assert source in joined, source
                checked += 1
        # A key fact's figure and its words stand in a column each, side by side, so that
        # pdftotext reads the figures of a row first: each is whole, and so are the words.
        for item in document.xpath('//section[@class="keyfacts"]//li'):
            figure = item.xpath("string(strong[1])")
            words = " ".join((item.text_content().split(figure, 1)[1]).split())
            assert figure in joined and words in joined, (figure, words)
            checked += 1
    assert checked > 40


def test_unchecked_weasyprint_version_is_said(monkeypatch):
    import weasyprint

    from hkai_publish.editions import linesetting

    assert linesetting.problem() is None
    monkeypatch.setattr(weasyprint, "__version__", "99.0")
    assert "99.0" in linesetting.problem()


def test_the_hook_widens_the_glyphs_wherever_weasyprint_draws(tmp_path):
    """In process, on a small document: the pass moves the boxes, and the drawn PDF follows."""
    import weasyprint

    from hkai_publish.editions import linesetting

    text = "香港政府一直積極營造有利人工智能發展的環境，《香港智慧城市藍圖》，訂出了一套全面策略。" * 3
    html = weasyprint.HTML(string=f"""<html lang="zh-Hant-HK"><style>
        @page {{ size: 100mm 100mm; margin: 10mm }}
        body {{ font: 10pt/1.8 "Noto Serif CJK HK"; margin: 0 }}
        p {{ --hk-justify: inter-character }}
        </style><p>{text}</p>""")
    document, adjusted = linesetting.render(html)
    assert adjusted.justified >= 3 and adjusted.compressed >= 3 and not adjusted.short
    pdf = tmp_path / "small.pdf"
    document.write_pdf(pdf)
    lines = lines_of(pdf)
    right = (100 - 10) * 72 / 25.4
    assert len(lines) >= 4
    assert all(abs(line.x_max - right) <= 0.5 for line in lines[:-1])
    assert right - lines[-1].x_max > 10  # the last line is not stretched
    assert "".join(line.text for line in lines) == text


def test_a_short_last_line_is_mended(tmp_path):
    # 24 characters a line on this page: 50 leave two on the last line unless mended.
    text = "香港政府一直積極營造有利人工智能發展的環境政府的做法結合了兩方面一是為城市制訂長遠策略二是為從事研究及開發的人員和" [:50] + "。"
    lines = lines_of(small_pdf(tmp_path, f"<p>{text}</p>", "inter-character"))
    assert "".join(line.text for line in lines) == text
    assert len(lines) == 3 and counted(lines[-1].text) > 2
