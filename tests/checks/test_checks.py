"""`hkai-publish check` and `build --strict`: every problem at once, a count, the right exit code;
and the site integrity checks on real builds."""

from __future__ import annotations

from conftest import parse_html, run_cli, snapshot

BROKEN = """\
    ---
    title: Introduction
    order: 1
    sumary: Misspelt key.
    ---

    See [nowhere](nowhere.md) and [a bad anchor](ethics.md#nope).

    ![](chart.png)

    ## Why it matters

    See [the ethics section](ethics.md#data-privacy).
    """


def test_check_reports_every_problem_and_a_count_and_writes_nothing(make_project):
    project = make_project(en={"intro.md": BROKEN})
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    # Once each: the PDF stage, whose link to the missing heading WeasyPrint also finds, stays quiet.
    assert result.stderr.splitlines() == [
        "content/en/intro.md:7: [broken-anchor] link 'ethics.md#nope': no heading or anchor with id 'nope'",
        "content/en/intro.md:7: [broken-link] link to missing page 'nowhere.md'",
        "content/en/intro.md:9: [missing-image] image 'chart.png' not found (or outside content/)",
        "content/en/intro.md:4: [front-matter] unknown front matter key 'sumary' (did you mean 'summary'? If the key "
        "is meant, list it in front_matter_keys in [tool.hkai-publish]) (warning)",
        "content/en/intro.md:9: [image-alt] image 'chart.png' has no alt text (warning)",
        # Before the first heading in the original: reported where the translation's text begins.
        "content/zh-hant/intro.md:7: [parity-images] image 'chart.png' (content/en/intro.md:9) is missing here (warning)",
        "content/zh-hant/intro.md:7: [parity-links] link to 'ethics.md#nope' (content/en/intro.md:7) is missing here (warning)",
        "content/zh-hant/intro.md:7: [parity-links] link to 'nowhere.md' (content/en/intro.md:7) is missing here (warning)",
        # Fail fast: the site's errors stop the check before any PDF is laid out, as in `build`.
        "PDF checks not run (pdf-fetch, pdf-glyphs, pdf-font, pdf-render): the site's checks failed first, "
        "and `build` stops there too, before laying out the PDFs.",
        "Aborted with 3 errors and 5 warnings.",
    ]
    assert not (project / "build").exists()


def test_a_broken_anchor_the_print_template_makes_is_the_pdf_stages_to_report(make_project):
    project = make_project()
    template = project / "templates/print.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("</body>", '<p><a href="#colophon">Colophon</a></p>\n</body>'), encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert result.returncode == 1
    assert "templates/print.html: [pdf-render] WeasyPrint: No anchor #colophon for internal URI reference" \
        in result.stderr.splitlines()


def test_warnings_fail_only_under_strict(make_project):
    project = make_project(en={"intro.md": BROKEN.replace("See [nowhere](nowhere.md) and [a bad anchor](ethics.md#nope).", "")
                               .replace("![](chart.png)", "")})
    relaxed = run_cli("check", cwd=project)
    assert relaxed.returncode == 0, relaxed.stderr
    assert relaxed.stderr.splitlines()[-1] == "1 warning (use --strict to fail on them)."
    strict = run_cli("check", "--strict", cwd=project)
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1] == "Aborted with 1 warning in strict mode!"

    assert run_cli("build", cwd=project).returncode == 0
    before = snapshot(project / "build")
    (project / "content/en/ethics.md").write_text((project / "content/en/ethics.md").read_text() + "\nNew text.\n")
    result = run_cli("build", "--strict", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == ("Aborted with 1 warning in strict mode! "
                                              "The previous build was left in place.")
    assert snapshot(project / "build") == before


def test_a_clean_project_passes_strict(make_project):
    result = run_cli("check", "--strict", cwd=make_project())
    assert result.returncode == 0 and result.stderr == ("No problems in 7 pages; PDF checks run on both PDF "
                                                        "editions: pdf-fetch, pdf-glyphs, pdf-font, pdf-render.\n")


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_images_beside_the_source_are_published_and_pass(make_project):
    en = BROKEN.replace("See [nowhere](nowhere.md) and [a bad anchor](ethics.md#nope).", "") \
        .replace("    sumary: Misspelt key.\n", "").replace("![](chart.png)", "![A chart](img/chart.png)")
    zh = en.replace("title: Introduction", "title: 引言").replace("A chart", "圖表") \
        .replace("## Why it matters", "## 為何重要").replace("See [the ethics section](ethics.md#data-privacy).", "見[倫理一節](ethics.md#data-privacy)。")
    project = make_project(en={"intro.md": en}, zh={"intro.md": zh})
    for folder in ("en", "zh-hant"):
        (project / f"content/{folder}/img").mkdir()
        (project / f"content/{folder}/img/chart.png").write_bytes(PNG)
    result = run_cli("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr
    for folder in ("en", "zh-hant"):
        page = project / f"build/site/{folder}/intro/index.html"
        src = parse_html(page).xpath('//div[@class="prose"]//img/@src')
        assert src == ["img/chart.png"] and (page.parent / src[0]).read_bytes() == PNG


def test_a_template_link_to_a_missing_anchor_is_found(make_project):
    project = make_project()
    base = project / "templates/base.html"
    base.write_text(base.read_text(encoding="utf-8").replace('href="#main"', 'href="#mian"'), encoding="utf-8")
    result = run_cli("check", cwd=project)
    line = next(n for n, text in enumerate(base.read_text(encoding="utf-8").splitlines(), 1) if "#mian" in text)
    assert result.stderr.startswith(f"templates/base.html:{line}: [missing-asset] '#mian' in "
                                    "site/en/intro/index.html (and 9 more) is not in the build")


def test_a_link_written_twice_is_reported_at_each_line(make_project):
    body = BROKEN.replace("See [nowhere](nowhere.md) and [a bad anchor](ethics.md#nope).",
                          "See [nowhere](nowhere.md).\n\n    Again [nowhere](nowhere.md).").replace("![](chart.png)", "")
    result = run_cli("check", cwd=make_project(en={"intro.md": body}))
    broken = [line.split(": [")[0] for line in result.stderr.splitlines() if "[broken-link]" in line]
    assert broken == ["content/en/intro.md:7", "content/en/intro.md:9"]
