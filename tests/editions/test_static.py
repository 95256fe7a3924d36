"""static_dir (Docusaurus's and Hugo's static/, VitePress's public/): files published at the
site's root, named from Markdown by a path from `/`; and broken_links, which decides whether a
missing page, anchor or image stops the build (MkDocs's way by default: a warning)."""

from __future__ import annotations

import io
import subprocess
from urllib.parse import urljoin

from PIL import Image
from pypdf import PdfReader

from conftest import CONFIG, parse_html, run_cli, write, write_project

DOCS_CONFIG = CONFIG.replace('broken_links = "error"\n', "")  # the default: warnings

PAGE = """\
    ---
    title: Introduction
    order: 1
    ---

    Hong Kong is a bustling metropolis.

    ![Harbour chart](/img/harbour.png)

    Download [the data](/files/data.csv).

    ![Lost figure](/img/lost.png)
    """


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _project(tmp_path, config=DOCS_CONFIG):
    project = write_project(tmp_path, en={"intro.md": PAGE}, zh={"intro.md": PAGE.replace("Introduction", "引言")
                                                                   .replace("Hong Kong is a bustling metropolis.",
                                                                            "香港是一個繁華的大都會。")},
                            config=config)
    (project / "static/img").mkdir(parents=True)
    (project / "static/img/harbour.png").write_bytes(_png())
    write(project / "static/files/data.csv", "year,count\n2024,1\n")
    write(project / "static/.DS_Store", "editor litter")
    return project


def test_static_files_are_published_at_the_site_root_and_linked_from_a_path_under_base_url(tmp_path):
    project = _project(tmp_path)
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "build/site"
    assert (site / "img/harbour.png").read_bytes() == (project / "static/img/harbour.png").read_bytes()
    assert (site / "files/data.csv").is_file() and not (site / ".DS_Store").exists()
    page_url = "https://example.org/hkai/en/intro/"
    page = parse_html(site / "en/intro/index.html")
    [image] = [img for img in page.iter("img") if img.get("alt") == "Harbour chart"]
    # base_url's path is /hkai/: the site's root there, not the host's, holds the file.
    assert urljoin(page_url, image.get("src")) == "https://example.org/hkai/img/harbour.png"
    [link] = [a for a in page.iter("a") if a.text == "the data"]
    assert urljoin(page_url, link.get("href")) == "https://example.org/hkai/files/data.csv"
    # The one image static/ lacks is a warning at its line, and the site still builds.
    assert ("content/en/intro.md:12: [missing-image] image '/img/lost.png' is not in static/" in result.stderr
            and "(warning)" in result.stderr.split("/img/lost.png")[1].splitlines()[0])
    assert "harbour.png" not in result.stderr


def test_the_pdf_prints_a_static_image_and_the_alt_text_of_a_missing_one(tmp_path):
    project = _project(tmp_path)
    result = run_cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "[pdf-fetch]" not in result.stderr
    pdf = project / "build/pdf/brochure-en.pdf"
    images = [name for page in PdfReader(pdf).pages for name in page.images]
    assert images, "the static image is not in the PDF"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Lost figure" in text


def test_broken_links_are_warnings_by_default_errors_under_strict_or_the_setting(tmp_path):
    broken = {"intro.md": PAGE + "\n    See [nowhere](nowhere.md) and [a gap](ethics.md#nope).\n"}
    project = write_project(tmp_path / "warn", en=broken, config=DOCS_CONFIG)
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 0, result.stderr
    for code in ("[broken-link] link to missing page 'nowhere.md' (warning)",
                 "[broken-anchor] link 'ethics.md#nope': no heading or anchor with id 'nope' (warning)",
                 "[missing-image] image '/img/harbour.png' is not in static/"):
        assert code in result.stderr
    assert run_cli("build", "--only", "site", "--strict", cwd=project).returncode == 1
    strict = write_project(tmp_path / "error", en=broken, config=DOCS_CONFIG + 'broken_links = "error"\n')
    result = run_cli("build", "--only", "site", cwd=strict)
    assert result.returncode == 1
    assert "content/en/intro.md:14: [broken-link] link to missing page 'nowhere.md'" in result.stderr.splitlines()


def test_an_image_outside_content_is_an_error_whatever_broken_links_says(tmp_path):
    write(tmp_path / "decoy.png", "not yours")
    project = write_project(tmp_path, en={"intro.md": PAGE.replace("/img/harbour.png", "../../../decoy.png")},
                            config=DOCS_CONFIG)
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 1
    assert "[missing-image] image '../../../decoy.png' not found (or outside content/)\n" in result.stderr


def test_static_dir_must_be_a_folder_of_its_own_inside_the_project(tmp_path):
    for number, value in enumerate(("../elsewhere", "content", ".", "templates/assets")):
        project = write_project(tmp_path / str(number),
                                config=DOCS_CONFIG + f'static_dir = "{value}"\n')
        result = run_cli("build", "--only", "site", cwd=project)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"pyproject.toml:6: static_dir must be a folder of its own inside the project, got '{value}'" \
            in result.stderr
