"""The docs-style pages (tests/data/docs-components/) built for real: components in the site (lxml)
and in the PDF (pdftotext, pdffonts), and the warnings the build gives about them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lxml import html

from conftest import run_cli
from docs_components import write_docs_project


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> tuple[Path, str]:
    """(build folder, the build's output) of the docs project."""
    project = write_docs_project(tmp_path_factory.mktemp("docs-components"))
    result = run_cli("build", "--project", str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "build", result.stdout + result.stderr


def page(build: Path, path: str) -> html.HtmlElement:
    return html.parse(str(build / "site" / path / "index.html")).getroot()


def pdf_text(build: Path, folder: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(build / "pdf" / f"docs-{folder}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_site_callouts_have_roles_and_translated_labels(docs):
    build, _ = docs
    en = page(build, "en/getting-started/install")
    zh = page(build, "zh-hant/getting-started/install")
    labels = lambda root: [(c.get("aria-label"), c.findtext('p[@class="callout-title"]'))
                           for c in root.xpath('//main//*[@role="note"]')]
    assert labels(en) == [("Note", "Note"), ("Tip", "Faster installs"), ("Warning", "Keep your key secret"),
                          ("Danger", "Danger"), ("Caution", "Caution")]
    assert labels(zh) == [("注意", "注意"), ("提示", "更快安裝"), ("警告", "切勿洩露私鑰"), ("危險", "危險"), ("小心", "小心")]


def test_site_code_is_highlighted_with_its_stylesheet(docs):
    build, _ = docs
    root = page(build, "en/getting-started/install")
    assert root.xpath('//link[@rel="stylesheet"]/@href')[-1].endswith("assets/code.css")
    css = (build / "site" / "assets" / "code.css").read_text()
    assert ".highlight .c1" in css and "xcode" in css
    assert root.xpath('//p[@class="code-title"]/text()') == ["check.py", "send.js"]
    assert "# installs the SDK and its command-line tool" in root.xpath('//span[@class="c1"]/text()')
    assert len(root.xpath('//span[@class="hll"]')) == 2 and root.xpath('//span[@class="linenos"]/text()') == ["1", "2", "3"]
    assert not root.xpath("//main//article//h1[contains(., 'installs')]")


def test_site_tabs_and_unknown_components(docs):
    build, _ = docs
    root = page(build, "zh-hant/getting-started/configure")
    tab_sets = root.xpath('//div[@class="tabs"]')
    assert [[label.text for label in t.findall("label")] for t in tab_sets] == [
        ["主網", "測試網"], ["wallet.config.ts", "wallet.config.json"]]
    assert root.xpath('//div[@data-language="bash"]//p[@class="code-title"]/text()') == ["reset.sh"]
    text = root.find(".//main").text_content()
    assert "DocCardList" not in text and "import Tabs" not in text and "延伸閱讀" in text


def test_site_editorial_components_and_remote_images(docs):
    build, _ = docs
    root = page(build, "en/guides/reports")
    assert [s.text for s in root.xpath('//section[@class="keyfacts"]//li/strong')] == [
        "1.2 million", "35%", "HK$48 million"]
    assert root.findtext('.//figure[@class="pullquote"]/figcaption') == "Chair of the Foundation, 2025"
    figure = root.find('.//figure[@class="figure"]')
    assert figure.find("img").get("src") == "harbour.svg" and (build / "site/en/guides/reports/harbour.svg").is_file()
    assert figure.xpath('.//p[@class="figure-credit"]/text()') == ["Illustration: the Foundation’s design team"]
    assert set(root.xpath("//main//img/@src")) >= {"https://maps.example.org/merchants.png",
                                                    "https://cdn.example.org/logo.png"}  # left on the web
    assert root.xpath('//details[contains(@class, "callout")]/summary/text()') == ["Where the figures come from"]


def test_the_build_warns_once_per_problem(docs):
    _, output = docs
    assert output.count("[unknown-component] <DocCardList>") == 2  # once per language
    assert "content/en/getting-started/configure.md:48: [unknown-component]" in output
    for check_id in ("remote-image", "pdf-remote-image"):
        found = re.findall(rf"(content/\S+): \[{check_id}\] image '(\S+)'", output)
        assert sorted(found) == sorted((f"content/{lang}/guides/reports.md:{line}", url)
                                       for lang in ("en", "zh-hant") for line, url in
                                       ((41, "https://maps.example.org/merchants.png"), (43, "https://cdn.example.org/logo.png")))
    assert "[pdf-glyphs]" not in output and "[pdf-font]" not in output and "[parity-" not in output
    assert "zh-punctuation" not in output  # `:::` and `credit:` are no prose


@pytest.mark.parametrize("folder, words", [
    ("en", ["NOTE", "FASTER INSTALLS", "KEEP YOUR KEY SECRET", "Mainnet", "Testnet", "wallet.config.ts",
            "THE YEAR IN FIGURES", "Payments should be as easy as taking the Star Ferry.", "Chair of the Foundation",
            "Illustration: the Foundation’s design team", "Map of merchants", "The Foundation's logo", "reset.sh",
            "BEFORE YOU PUBLISH FIGURES", "Where the figures come from", "🐬", "✅", "⭐", "⚠"]),
    ("zh-hant", ["注意", "更快安裝", "切勿洩露私鑰", "主網", "測試網", "全年數字", "付款應該像乘搭天星小輪一樣簡單。",
                 "插圖：基金會設計團隊", "商戶地圖", "基金會標誌", "🐬", "✅", "⭐"]),
])
def test_pdf_shows_every_component(docs, folder, words):
    text = pdf_text(docs[0], folder)
    assert [word for word in words if word not in text] == []
    assert "DocCardList" not in text and ":::" not in text and "import Tabs" not in text


def test_pdf_remote_images_are_links_and_long_code_lines_wrap(docs):
    build, _ = docs
    from pypdf import PdfReader
    reader = PdfReader(build / "pdf" / "docs-en.pdf")
    uris = {a.get_object()["/A"].get("/URI") for p in reader.pages for a in p.get("/Annots", []) or []
            if a.get_object().get("/A")}
    assert {"https://maps.example.org/merchants.png", "https://cdn.example.org/logo.png"} <= uris
    lines = pdf_text(build, "en").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("// a line long enough"))
    assert not lines[start].endswith("keep it on one line")  # wrapped, not cut off at the margin
    assert " ".join(lines[start:start + 3]).startswith(
        "// a line long enough to wrap on paper and to scroll on a phone, which the page itself never does: "
        "keep it on one line")


def test_pdf_draws_emoji_from_the_emoji_font(docs):
    listing = subprocess.run(["pdffonts", str(docs[0] / "pdf" / "docs-en.pdf")], capture_output=True, text=True,
                             check=True).stdout
    assert "Noto-Color-Emoji" in listing
    assert "DejaVu" not in listing


def test_pages_pass_the_nu_html_checker(docs):
    from editions.test_standards import nu_errors
    files = sorted((docs[0] / "site").rglob("*.html"))
    assert len(files) >= 8
    assert nu_errors(files) == []
