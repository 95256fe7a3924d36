"""Starting a publication: `hkai-publish new` (the package's theme, overridable file by file) and
`hkai-publish import` from Docusaurus, VitePress, MkDocs and Hugo projects (tests/data/import/,
and ../shared/corpora/kaia-docs laid back into its Docusaurus shape)."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import REPO, parse_html, run_cli

IMPORTS = REPO / "tests" / "data" / "import"
KAIA = REPO.parent / "shared" / "corpora" / "kaia-docs"


def _build(project, *args):
    result = run_cli("build", *args, "--project", str(project))
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_new_builds_strict_clean_from_the_package_theme(tmp_path):
    folder = tmp_path / "harbour-notes"
    result = run_cli("new", str(folder), "--title", "Harbour Notes")
    assert result.returncode == 0, result.stderr
    assert not (folder / "templates").exists(), "the theme stays in the package"
    assert (folder / ".gitignore").read_text().splitlines()[:2] == ["build/", "handoff/"]
    assert (folder / "babel.cfg").is_file() and (folder / "locales/zh_Hant_HK/LC_MESSAGES/messages.po").is_file()
    built = _build(folder, "--strict")
    assert built.returncode == 0, built.stderr
    zh = parse_html(folder / "build/site/zh-hant/index.html")
    assert zh.get("lang") == "zh-Hant-HK"
    # The UI in Chinese from the theme's translations, though the project's catalogue is empty.
    assert zh.xpath("//nav[@aria-label='語言']") or zh.xpath("//*[@aria-label='語言']")
    assert (folder / "build/pdf/harbour-notes-zh-hant.pdf").is_file()
    status = run_cli("status", "--no-diff", "--project", str(folder))
    assert "untracked" not in status.stdout + status.stderr and "outdated" not in status.stdout


def test_a_project_overrides_only_the_theme_files_it_has(tmp_path):
    folder = tmp_path / "site"
    assert run_cli("new", str(folder), "--languages", "en-HK,zh-Hant-HK").returncode == 0
    (folder / "templates/assets").mkdir(parents=True)
    page = (REPO / "templates/page.html").read_text(encoding="utf-8")
    (folder / "templates/page.html").write_text(page.replace("<main", '<main data-override="yes"', 1), encoding="utf-8")
    (folder / "templates/assets/style.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    assert _build(folder, "--only", "site").returncode == 0
    site = folder / "build/site"
    assert parse_html(site / "en/index.html").xpath("//main") and \
        not parse_html(site / "en/index.html").xpath("//main[@data-override]"), "index.html is the theme's"
    assert (site / "assets/style.css").read_text() == "body { color: #123456; }\n"
    assert (site / "assets/site.js").read_bytes() == (REPO / "templates/assets/site.js").read_bytes()
    # i18n extract reads the theme's templates the project does not override, and its own.
    assert run_cli("i18n", "extract", "--project", str(folder)).returncode == 0
    pot = (folder / "locales/messages.pot").read_text(encoding="utf-8")
    assert "#: templates/page.html:" in pot and "#: hkai_publish/theme/base.html:" in pot
    assert "hkai_publish/theme/page.html" not in pot


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run_cli("new", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the folder is not empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


EXPECTED = {
    # format: (pages in the site, report lines it must have, a page's text it must show)
    "docusaurus": (["en/intro/", "en/faq/", "en/guides/install/", "en/guides/refunds/", "zh-hant/intro/",
                    "zh-hant/guides/install/"],
                   ["en-HK: 4 page(s) from docs/", "zh-Hant-HK: 3 page(s) from i18n/zh-Hant/",
                    "no zh-Hant-HK counterpart (1; the edition shows the original): guides/refunds.md",
                    "i18n/zh-Hans/docusaurus-plugin-content-docs/current/intro.md (zh-Hans)",
                    "i18n/zh-Hant/docusaurus-plugin-content-docs/current/orphan.md (zh-Hant: no en-HK original)",
                    "zh-Hans is Simplified Chinese: never published as Traditional",
                    "1 _category_ file(s) kept", "static files: 1 from static/"],
                   ("zh-hant/guides/install/", "請先使用測試密鑰")),
    "vitepress": (["en/guide/getting-started/", "zh-hant/guide/getting-started/"],
                  ["en-HK: 2 page(s) from docs/ (en-US)", "zh-Hant-HK: 2 page(s) from docs/zh-HK/",
                   "left out (1): docs/zh-CN/index.md (zh-CN)", "static files: 1 from docs/public/"],
                  ("zh-hant/guide/getting-started/", "應用程式介面仍在測試階段")),
    "mkdocs": (["en/piers/", "en/fares/", "zh-hant/piers/"],
               ["zh-Hant-HK: 2 page(s) from docs/ (zh-TW)", "paired: 2 page(s)",
                "no zh-Hant-HK counterpart (1; the edition shows the original): fares.md",
                "zh-TW is published as zh-Hant-HK", "mkdocs.yml nav not mapped"],
               ("zh-hant/piers/", "中環五號碼頭往長洲")),
    "hugo": (["en/routes/", "en/routes/route-1/", "zh-hant/routes/route-1/"],
             ["en-HK: 3 page(s) from content/en/", "zh-Hant-HK: 3 page(s) from content/zh-hk/",
              "paired: 3 page(s)", "_index.md (a Hugo section's page) is imported as index.md",
              "static files: 1 from static/"],
             ("zh-hant/routes/route-1/", "一號線由中環開往山頂")),
}


@pytest.mark.parametrize("fmt", sorted(EXPECTED))
def test_import_lays_out_each_format_and_builds_with_no_error(fmt, tmp_path):
    out = tmp_path / "publication"
    source = tmp_path / fmt
    shutil.copytree(IMPORTS / fmt, source)
    before = {p: p.read_bytes() for p in source.rglob("*") if p.is_file()}
    result = run_cli("import", str(source), str(out))  # the format found from its files
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Imported the {fmt} project")
    pages, lines, (page, text) = EXPECTED[fmt]
    for line in lines:
        assert line in result.stdout, f"{line!r} not in\n{result.stdout}"
    assert {p: p.read_bytes() for p in source.rglob("*") if p.is_file()} == before, "the source is untouched"
    # The Markdown is copied byte for byte.
    for path in (out / "content").rglob("*.md*"):
        assert path.read_bytes() in before.values()
    assert not list((out / "content").glob("zh-hans*")) and "简" not in \
        "".join(p.read_text(encoding="utf-8") for p in (out / "content").rglob("*.md*"))
    built = _build(out)
    assert built.returncode == 0, built.stderr
    assert "(error)" not in built.stderr
    site = out / "build/site"
    for path in pages:
        assert (site / path / "index.html").is_file(), path
    assert text in parse_html(site / page / "index.html").text_content()
    assert list((out / "build/pdf").glob("*-zh-hant.pdf"))


def test_docusaurus_categories_name_and_place_their_folders(tmp_path):
    """_category_.json, copied as it is: its position puts Guides between the introduction
    (sidebar_position 1) and the FAQ (3), where its pages alone would put it first by name; its
    label names the folder in each language, the original's where a translation has none."""
    out = tmp_path / "out"
    assert run_cli("import", str(IMPORTS / "docusaurus"), str(out)).returncode == 0
    assert _build(out, "--only", "site").returncode == 0
    for folder, expected in (("en", ["Introduction", "Guides", "Installing the SDK", "Refunds", "FAQ"]),
                             ("zh-hant", ["簡介", "指南", "安裝軟件開發套件", "Refunds", "常見問題"])):
        main = parse_html(out / "build/site" / folder / "index.html").xpath("//main")[0]
        words = [w for w in (t.strip() for t in main.itertext()) if w]
        assert [w for w in words if w in expected] == expected, words


def test_a_bad_category_file_stops_the_build_at_its_line(tmp_path):
    out = tmp_path / "out"
    assert run_cli("import", str(IMPORTS / "docusaurus"), str(out)).returncode == 0
    (out / "content/en/guides/_category_.json").write_text('{\n  "label": "Guides",\n  "position": "two"\n}\n')
    result = _build(out, "--only", "site")
    assert result.returncode == 1
    assert "content/en/guides/_category_.json:3: position must be a number, got 'two'" in result.stderr
    (out / "content/en/guides/_category_.json").write_text('{\n  "label": "Guides",\n')
    result = _build(out, "--only", "site")
    assert result.returncode == 1 and "content/en/guides/_category_.json:3: cannot read the category" in result.stderr


def test_import_with_from_reads_that_format_and_refuses_a_project_of_none(tmp_path):
    result = run_cli("import", "--from", "mkdocs", str(IMPORTS / "mkdocs"), str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain/readme.md").write_text("# Notes\n")
    result = run_cli("import", str(tmp_path / "plain"), str(tmp_path / "out2"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not a Docusaurus, VitePress, MkDocs or Hugo project" in result.stderr
    assert not (tmp_path / "out2").exists()


@pytest.mark.skipif(not KAIA.is_dir(), reason="../shared/corpora/kaia-docs is not beside the checkout")
def test_kaia_docs_in_its_docusaurus_shape_imports_and_builds_with_no_error(tmp_path):
    source = tmp_path / "kaia-docs"
    shutil.copytree(KAIA / "en", source / "docs")
    shutil.copytree(KAIA / "zh-hant", source / "i18n/zh-TW/docusaurus-plugin-content-docs/current")
    (source / "docusaurus.config.js").write_text(
        "const config = {\n  title: 'Kaia Docs',\n  url: 'https://docs.kaia.io',\n  baseUrl: '/',\n"
        "  i18n: { defaultLocale: 'en', locales: ['en', 'zh-TW'] },\n};\nmodule.exports = config;\n")
    out = tmp_path / "publication"
    result = run_cli("import", str(source), str(out))
    assert result.returncode == 0, result.stderr
    pairs = len([p for p in (KAIA / "en").rglob("*.md*") if not p.relative_to(KAIA / "en").as_posix().startswith("_")])
    assert re.search(r"paired: (\d+) page\(s\)", result.stdout).group(1) == str(len(list((KAIA / "en").rglob("*.md*"))))
    assert "zh-TW is published as zh-Hant-HK" in result.stdout
    built = _build(out, "--only", "site")
    assert built.returncode == 0, built.stderr[-2000:]
    assert "(error)" not in built.stderr
    assert len(list((out / "build/site").rglob("index.html"))) >= 2 * pairs


def test_import_copies_no_file_that_links_out_of_the_project_and_no_unusable_base_url(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(IMPORTS / "docusaurus", source)
    secret = tmp_path / "secret.txt"
    secret.write_text("private key")
    (source / "static/img/key.txt").symlink_to(secret)
    (source / "docs/leak.md").symlink_to(secret)
    config = source / "docusaurus.config.js"
    config.write_text(config.read_text().replace("https://docs.harbourpay.example", "${process.env.SITE_URL}"))
    result = run_cli("import", str(source), str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "static/img/key.txt (a link to a file outside" in result.stdout
    assert "docs/leak.md (a link to a file outside" in result.stdout
    assert "private key" not in "".join(p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*")
                                        if p.is_file())
    assert "is not one this tool can use" in result.stdout
    assert 'base_url = "http://localhost:8000/"' in (tmp_path / "out/pyproject.toml").read_text()


def test_the_root_index_page_reads_first_as_the_home_page_it_was(tmp_path):
    # Hugo's content/_index.md (VitePress's and MkDocs's index.md): the site's home page there,
    # the first chapter here, before sections with a weight of 1.
    out = tmp_path / "out"
    assert run_cli("import", str(IMPORTS / "hugo"), str(out)).returncode == 0
    assert _build(out, "--only", "site").returncode == 0
    for folder, first in (("en", "Minibus Routes"), ("zh-hant", "小巴路線")):
        main = parse_html(out / "build/site" / folder / "index.html").xpath("//main")[0]
        titles = [a.text_content().strip() for a in main.iter("a")]
        assert first in titles[0], titles


@pytest.mark.parametrize("files, expected", [
    ({"mkdocs.yml": "site_name: [oops\n", "docs/index.md": "# Home\n"}, "mkdocs.yml:2: cannot read mkdocs.yml"),
    ({"hugo.toml": 'title = "x\n', "content/en/a.md": "# A\n"}, "hugo.toml:1: cannot read hugo.toml"),
    ({}, "no such folder"),
])
def test_a_bad_source_project_is_refused_at_its_line_and_nothing_written(tmp_path, files, expected):
    source = tmp_path / "src"
    for name, text in files.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    result = run_cli("import", str(source), str(tmp_path / "out"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr
    assert not (tmp_path / "out").exists()
