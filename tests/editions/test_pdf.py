"""The PDF editions, read back from the files a real build wrote: pypdf for structure and
metadata, poppler's pdftotext and pdffonts for text and fonts."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
from markupsafe import Markup
from pypdf import PdfReader

from conftest import CONFIG, EN, ZH, parse_html, run_cli, write, write_project

EPOCH = "1795000000"
DESCRIPTION = ("How government, universities, business, startups and international partners are "
               "shaping artificial intelligence in Hong Kong.")
PDF_CONFIG = CONFIG + f'author = "hkai_publish"\ndescription = "{DESCRIPTION}"\n' \
                      'keywords = ["artificial intelligence", "Hong Kong"]\n'
# Long enough that the ethics section runs onto a second page, under a running head.
EN_LONG = {"ethics.md": EN["ethics.md"] + "\n" + "\n".join(
    f"        Paragraph {n} weighs how data, consent and accountability meet in practice, and what "
    f"that means for people.\n" for n in range(40))}
ZH_LONG = {"ethics.md": ZH["ethics.md"] + "\n" + "\n".join(
    f"        第{n}段討論數據、同意與問責如何在實際情況中互相配合，以及這對市民有何影響。\n" for n in range(40))
    + "\n        " + "「甲」、乙，（丙）；《丁》：戊。" * 40 + "\n"}
EDITIONS = {"en": "en-HK", "zh-hant": "zh-Hant-HK"}
TITLES = {"en": "Hong Kong’s Evolving Landscape in Artificial Intelligence", "zh-hant": "香港人工智能發展新格局"}
OUTLINES = {
    "en": [("Contents", []), ("Introduction", [("Why it matters", [])]),
           ("Ethical Considerations", [("Data privacy", []), ("Algorithmic bias", [])])],
    "zh-hant": [("目錄", []), ("引言", [("為何重要", [])]),
                ("倫理考量", [("數據私隱", []), ("演算法偏見", [])])],
}


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory):
    """One build of a small bilingual project, shared by the read-only tests here."""
    project = write_project(tmp_path_factory.mktemp("pdf"), en=EN_LONG, zh=ZH_LONG, config=PDF_CONFIG)
    result = run_cli("build", "--project", str(project), env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    return project / "build"


def pdf_path(build_dir: Path, folder: str) -> Path:
    return build_dir / "pdf" / f"brochure-{folder}.pdf"


def page_texts(path: Path, layout: bool = False) -> list[str]:
    """Each page's text, as pdftotext extracts it."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def outline(reader: PdfReader, items=None) -> list[tuple[str, list]]:
    items = reader.outline if items is None else items
    tree: list[tuple[str, list]] = []
    for item in items:
        if isinstance(item, list):
            tree[-1] = (tree[-1][0], outline(reader, item))
        else:
            tree.append((item.title, []))
    return tree


def outline_pages(reader: PdfReader, items=None) -> dict[str, int]:
    """Bookmark title -> 1-based page number it points at."""
    pages = {}
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            pages.update(outline_pages(reader, item))
        else:
            pages[item.title] = reader.get_destination_page_number(item) + 1
    return pages


@pytest.mark.parametrize("folder", EDITIONS)
def test_each_edition_is_written_for_print_and_beside_the_site(build_dir, folder):
    pdf = pdf_path(build_dir, folder)
    assert pdf.read_bytes().startswith(b"%PDF-1.7")
    assert (build_dir / "site/pdf" / pdf.name).read_bytes() == pdf.read_bytes()
    page = build_dir / "site" / folder / "intro/index.html"
    href = parse_html(page).xpath('//p[@class="download"]/a/@href')[0]
    assert Path(urljoin(page.as_uri(), href).removeprefix("file://")) == build_dir / "site/pdf" / pdf.name


@pytest.mark.parametrize("folder", EDITIONS)
def test_page_count_is_cover_contents_and_the_sections(build_dir, folder):
    pages = page_texts(pdf_path(build_dir, folder))
    # Cover, contents, the one-page introduction, then ethics over at least two pages.
    # Cover, imprint, contents, the one-page introduction, ethics over at least two pages, back cover.
    assert 7 <= len(pages) <= 9
    assert len(PdfReader(pdf_path(build_dir, folder)).pages) == len(pages)


def test_text_is_extractable_in_each_edition_language(build_dir):
    en = "\n".join(page_texts(pdf_path(build_dir, "en")))
    zh = "\n".join(page_texts(pdf_path(build_dir, "zh-hant")))
    assert "Ethical Considerations" in en and "Privacy first." in en
    assert "Hong Kong is a bustling metropolis." in en
    assert "倫理考量" in zh and "私隱優先。" in zh and "香港是一個繁華的國際都會。" in zh
    assert "Ethical" not in zh and "Privacy" not in zh
    han = sum(1 for c in zh if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in zh if c.isascii() and c.isalpha())
    assert han > 10 * latin


def test_folios_and_running_heads(build_dir):
    """No folio on the cover, imprint or contents; a plain folio (the page's number) on each
    chapter page; running heads (publication title, chapter) on a chapter's later pages only."""
    for folder in EDITIONS:
        pages = page_texts(pdf_path(build_dir, folder))
        assert "Page " not in "".join(pages) and "共" not in "".join(pages)
        for n in (1, 2, 3):
            assert not re.search(rf"(?m)^\s*{n}\s*$", pages[n - 1].split("\n", 3)[-1][-40:])
        chapters = [i for i, text in enumerate(pages) if re.search(r"Section \d|第 \d+ 章", text)]
        for index in range(chapters[0], len(pages) - 1):  # the back cover has none
            assert pages[index].rstrip().splitlines()[-1].strip() == str(index + 1)
    en = page_texts(pdf_path(build_dir, "en"))
    ethics = next(i for i, text in enumerate(en) if "Section 2" in text)
    assert en[ethics].lstrip().startswith("Section 2")  # no running head over the opening
    head = en[ethics + 1].lstrip()
    assert head.startswith(TITLES["en"][:20]) and "Ethical Considerations" in head.split("\n\n")[0] + head[:200]
    zh = page_texts(pdf_path(build_dir, "zh-hant"))
    assert zh[ethics + 1].lstrip().startswith(TITLES["zh-hant"]) and "倫理考量" in zh[ethics + 1][:200]


def test_chinese_lines_never_start_with_closing_or_end_with_opening_punctuation(build_dir):
    lines = [line.strip() for text in page_texts(pdf_path(build_dir, "zh-hant"), layout=True)
             for line in text.splitlines() if line.strip()]
    assert sum("「甲」" in line for line in lines) > 10
    assert not [line for line in lines if line[0] in "，。、：；）」》"]
    assert not [line for line in lines if line[-1] in "（「《"]


@pytest.mark.parametrize("folder", EDITIONS)
def test_fonts_are_embedded_subsets_of_the_edition_faces(build_dir, folder):
    listing = subprocess.run(["pdffonts", str(pdf_path(build_dir, folder))], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    names = [line.split()[0].split("+", 1)[1].replace("-", "").lower() for line in listing]
    assert all(" yes yes yes " in f" {' '.join(line.split()[-5:-2])} " for line in listing), listing
    if folder == "zh-hant":
        assert "notoserifcjkhk" in names and "notosanscjkhk" in names
    assert [n for n in names if n.startswith("notoserif")]
    assert not [n for n in names if re.search(r"cjk(jp|kr|sc|tc)|dejavu|liberation", n)], names
    if folder == "en":
        # Only the cover's Chinese title (the bilingual cover) is set in a CJK face.
        assert not [n for n in names if "cjk" in n and n not in ("notoserifcjkhk", "notoserifcjkhkbold", "notosanscjkhk")]


@pytest.mark.parametrize("folder", EDITIONS)
def test_bookmarks_are_the_sections_and_subsections_in_the_edition_language(build_dir, folder):
    assert outline(PdfReader(pdf_path(build_dir, folder))) == OUTLINES[folder]


@pytest.mark.parametrize("folder", EDITIONS)
def test_contents_page_numbers_are_where_the_sections_start(build_dir, folder):
    path = pdf_path(build_dir, folder)
    pages = page_texts(path)
    listed = {}
    for line in page_texts(path, layout=True)[2].splitlines():  # after the cover and the imprint
        # Title, then the page number across the leader (a dotted border: no text between them).
        entry = re.match(r"\s*(?:\d+\s+)?(\S.*?)\s{2,}(\d+)\s*$", line)
        if entry:
            listed[entry.group(1)] = int(entry.group(2))
    titles = [title for title, _ in OUTLINES[folder][1:]]
    subtitles = [sub for _, children in OUTLINES[folder][1:] for sub, _ in children]
    assert sorted(listed) == sorted(titles + subtitles)
    bookmarks = outline_pages(PdfReader(path))
    for title in titles + subtitles:
        assert bookmarks[title] == listed[title], title
        assert title in pages[listed[title] - 1]
    for number, title in enumerate(titles, 1):
        # The section's opening page is the first to carry its kicker and title.
        kicker = f"Section {number}" if folder == "en" else f"第 {number} 章"
        start = next(i for i, text in enumerate(pages, 1) if kicker in text and title in text)
        assert start == listed[title]


@pytest.mark.parametrize("folder", EDITIONS)
def test_links_between_sections_point_inside_the_pdf_at_unique_anchors(build_dir, folder):
    reader = PdfReader(pdf_path(build_dir, folder))
    names = reader.named_destinations
    for anchor in ("intro", "intro:why-it-matters", "ethics", "ethics:data-privacy", "ethics:algorithmic-bias"):
        assert anchor in names
    intro = outline_pages(reader)[OUTLINES[folder][1][0]] - 1
    links = [a.get_object() for a in reader.pages[intro]["/Annots"]]
    assert not [link for link in links if link.get("/A", {}).get("/S") == "/URI"]
    assert [link["/Dest"] for link in links] == ["ethics:data-privacy"]
    ethics_page = reader.get_destination_page_number(names["ethics:data-privacy"]) + 1
    assert ethics_page == outline_pages(reader)[OUTLINES[folder][2][1][0][0]]


@pytest.mark.parametrize("folder", EDITIONS)
def test_metadata_language_dates_and_tags(build_dir, folder):
    reader = PdfReader(pdf_path(build_dir, folder))
    info, root = reader.metadata, reader.trailer["/Root"]
    assert root["/Lang"] == EDITIONS[folder]
    assert info.title == TITLES[folder]
    assert info.author == "hkai_publish"
    if folder == "en":
        assert info.subject == DESCRIPTION
        assert info["/Keywords"] == "artificial intelligence, Hong Kong"
    else:
        assert info.subject == "政府、大學、商界、初創企業和國際夥伴如何塑造香港的人工智能發展。"
        assert info["/Keywords"] == "人工智能, 香港"
    created = dt.datetime.fromtimestamp(int(EPOCH), dt.timezone.utc)
    assert info["/CreationDate"] == created.strftime("D:%Y%m%d%H%M%SZ")
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


def test_same_sources_and_source_date_epoch_give_identical_pdfs(build_dir, tmp_path):
    again = tmp_path / "again"
    result = run_cli("build", "--project", str(build_dir.parent), "--out", str(again), "--only", "pdf",
                     env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode == 0, result.stderr
    for folder in EDITIONS:
        assert (again / "pdf" / f"brochure-{folder}.pdf").read_bytes() == pdf_path(build_dir, folder).read_bytes()


def test_only_rebuilds_one_part_and_keeps_the_other(make_project):
    project = make_project()
    build = project / "build"
    assert run_cli("build", cwd=project).returncode == 0
    pdf_before, site_pdf_before = (build / "pdf/brochure-en.pdf").read_bytes(), (build / "site/pdf/brochure-en.pdf").read_bytes()
    write(project / "content/en/intro.md", EN["intro.md"].replace("bustling metropolis", "harbour city"))

    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "harbour city" in (build / "site/en/intro/index.html").read_text(encoding="utf-8")
    assert (build / "pdf/brochure-en.pdf").read_bytes() == pdf_before
    assert (build / "site/pdf/brochure-en.pdf").read_bytes() == site_pdf_before
    site_after = (build / "site/en/intro/index.html").read_bytes()

    result = run_cli("build", "--only", "pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "harbour city" in "".join(page_texts(build / "pdf/brochure-en.pdf"))
    assert (build / "site/pdf/brochure-en.pdf").read_bytes() == (build / "pdf/brochure-en.pdf").read_bytes()
    assert (build / "site/en/intro/index.html").read_bytes() == site_after
    assert (build / "site/sitemap.xml").is_file()


def test_fetcher_refuses_a_decoy_outside_the_publication(make_project, tmp_path):
    secret = b"DECOY-SECRET-7f3a9c"
    decoy = tmp_path / "decoy.png"
    decoy.write_bytes(secret)
    (tmp_path / "decoy.txt").write_bytes(secret)
    intro = f"""\
        ---
        title: Introduction
        order: 1
        ---

        ![Decoy image]({decoy.as_uri()})

        [Decoy attachment]({(tmp_path / "decoy.txt").as_uri()}){{: rel="attachment" }}

        ![Escaping path](../../../decoy.png)

        ![Remote image](https://example.org/figure.png)

        ![A figure](figure.png) and ![a dot](data:image/png;base64,{PNG_BASE64})
        """
    project = make_project(en={"intro.md": intro})
    (project / "content/en/figure.png").write_bytes(base64.b64decode(PNG_BASE64))

    result = run_cli("build", cwd=project)

    # Fail fast: the site's checks refuse the escaping image and the file: URLs before any PDF
    # is laid out; the fetcher's own refusals are read from the PDF stage in this process below.
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "[missing-image] image '../../../decoy.png'" in result.stderr and "[pdf-fetch]" not in result.stderr
    assert not (project / "build").exists()

    # The PDF itself, made in this process: the decoy is nowhere in it, the allowed images are.
    outputs = render_in_process(project)
    reader = PdfReader(io.BytesIO(outputs["pdf/brochure-en.pdf"]))
    assert not reader.attachments
    streams = [reader.get_object(number) for generation in reader.xref.values() for number in generation]
    assert [s for s in streams if hasattr(s, "get_data")]
    assert not [s for s in streams if hasattr(s, "get_data") and secret in s.get_data()]
    assert len(reader.pages[2].images) == 2


def render_in_process(project: Path) -> dict[str, bytes]:
    from hkai_publish.translation.catalogs import load_catalogs
    from hkai_publish.sources.config import load_config
    from hkai_publish.sources.content import load_documents, pair_documents
    from hkai_publish.editions.pdf import render_pdfs
    from hkai_publish.editions.site import make_pages

    config = load_config(project)
    catalogs = load_catalogs(config)
    pages = make_pages(config, pair_documents(config, load_documents(config)), catalogs)
    return {o.path: o.data for o in render_pdfs(config, pages, catalogs).outputs}


PNG_BASE64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_weasyprint_warnings_are_problems_at_the_stylesheet_line(make_project):
    project = make_project()
    css = project / "templates/assets/print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\np { colour: red; }\n", encoding="utf-8")
    line = css.read_text(encoding="utf-8").count("\n")

    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"templates/assets/print.css:{line}: [pdf-render] WeasyPrint: Ignored `colour: red`" in result.stderr
    assert "(warning)" in result.stderr
    assert run_cli("build", "--strict", cwd=project).returncode == 1


def test_a_character_drawn_from_a_fallback_font_is_a_warning(make_project):
    project = make_project(en={"intro.md": EN["intro.md"].replace("metropolis.", "metropolis ↩.")})
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"content/en/intro\.md:8: \[pdf-font\] '↩' \(U\+21A9 LEFTWARDS ARROW WITH HOOK\) drawn "
                     r"with the fallback font '[^']+', which is not one of the en-HK edition's fonts", result.stderr)


def test_the_footer_translation_may_reorder_and_quote(make_project):
    project = make_project()
    po = project / "locales/zh_Hant_HK/LC_MESSAGES/messages.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgid "%(page)s"\nmsgstr "%(page)s"', 'msgid "%(page)s"\n' + r'msgstr "「第 %(page)s」頁 \"\\\""')
    po.write_text(text, encoding="utf-8")
    assert run_cli("build", "--only", "pdf", cwd=project).returncode == 0
    pages = page_texts(project / "build/pdf/brochure-zh-hant.pdf")
    assert '「第 4」頁 "\\"' in pages[3]  # the first chapter's page


def test_css_content_escapes_every_literal():
    from hkai_publish.editions.pdf import css_content, css_counter

    value = Markup('Page {} of "x" \\ <\n'.format(css_counter("page")))
    assert css_content(value) == r'"Page " counter(page) " of \"x\" \\ \3c \a "'
    assert css_content(Markup("")) == '""'


def test_missing_fonts_name_the_debian_packages(make_project, tmp_path):
    project = make_project()
    empty = write(tmp_path / "fonts.conf", "<?xml version='1.0'?>\n<fontconfig></fontconfig>\n")
    result = run_cli("build", cwd=project, env={"FONTCONFIG_FILE": str(empty)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "fonts not installed: Noto Sans, Noto Sans CJK HK" in result.stderr
    assert "apt-get install fonts-noto-cjk fonts-noto-core" in result.stderr
    assert run_cli("build", "--only", "site", cwd=project, env={"FONTCONFIG_FILE": str(empty)}).returncode == 0


def test_a_missing_subsetter_names_its_debian_package(monkeypatch):
    from hkai_publish.editions import pdfguard
    from hkai_publish.errors import PdfError
    from hkai_publish.sources.locales import parse_locale

    monkeypatch.setattr(pdfguard, "_has_subsetter", lambda: False)
    with pytest.raises(PdfError, match="install the Debian package libharfbuzz-subset0"):
        pdfguard.check_environment((parse_locale("en-HK"),))


def test_the_cover_names_the_edition_by_its_language_alone(build_dir):
    """中文版, as Hong Kong publications say, not 繁體中文版; English edition in English."""
    zh_cover = page_texts(pdf_path(build_dir, "zh-hant"))[0]
    en_cover = page_texts(pdf_path(build_dir, "en"))[0]
    assert "中文版" in zh_cover and "繁體中文版" not in zh_cover, zh_cover
    assert "English edition" in en_cover, en_cover
