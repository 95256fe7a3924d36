"""Robust and reproducible: random input gives a build or a clear error, never a traceback; the
same sources give the same bytes; two builds at once leave one whole build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import ZH, snapshot, write_project
from hkai_publish.build import BuildOptions, build
from hkai_publish.sources.config import load_config
from hkai_publish.sources.content import load_document, load_documents
from hkai_publish.errors import PublishError
from hkai_publish.machinery.files import Spool
from hkai_publish.sources.locales import parse_locale
from hkai_publish.markdown.renderer import render_markdown

EN_HK, ZH_HK = parse_locale("en-HK"), parse_locale("zh-Hant-HK")
# Pieces of Markdown that exercise every extension and check, to be shuffled into random bodies.
FRAGMENTS = ["# ", "## ", "### Title {#id}", "{: .x}", "*", "**", "_", "`", "```", "~~~", "    ", "> ", "- ",
             "1. ", "| a | b |\n|---|---|\n| 1 | 2 |", "[^1]", "[^1]: note", "[x](other.md#a)", "[y](#b)",
             "![alt](img.png)", "![](https://x.org/i.png)", "<span>", "</div>", "<!--", "-->", "&amp;", "\\",
             "https://example.org/a,b", "2017", "HK$1.5 billion", "15億", "三十五", "35%", "「", "」", "“", "\"",
             "，", ",", "(", ")", ".", ":", "香港", "发展", "\n", "\n\n", " ", "\t", "{onclick=x}",
             "[z](javascript:alert(1))", "*[HTML]: Hyper", "Term\n: Definition", "---", "===", "\x00", "\ufeff"]
bodies = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
                    st.dates(), st.lists(st.text(max_size=5), max_size=3))
front_matters = st.dictionaries(st.sampled_from(["title", "summary", "order", "date", "updated", "slug", "keywords",
                                                 "sumary", "x"]), scalars, max_size=6)
# HYPOTHESIS_EXAMPLES=1000 for a longer hunt than CI's.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "60"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def write_page(folder: Path, name: str, meta, body: str) -> Path:
    path = folder / name
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body, encoding="utf-8")
    return path


@SETTINGS
@given(meta=front_matters, body=bodies)
def test_any_document_loads_and_renders_or_fails_clearly(meta, body):
    with tempfile.TemporaryDirectory() as folder:
        path = write_page(Path(folder), "page.md", meta, body)
        try:
            doc = load_document(path, Path(folder), ZH_HK)
        except PublishError as error:
            assert error.path == path and error.line and error.line >= 1
            return
        rendered = render_markdown(doc, ["a", "b"], lambda href: None)
        assert isinstance(rendered.html, str)


@SETTINGS
@given(data=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8")),
                      bodies.map(lambda b: ("---\ntitle: T\n---\n" + b).encode("utf-8"))))
def test_any_file_bytes_load_or_fail_clearly(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.md"
        path.write_bytes(data)
        try:
            load_document(path, Path(folder), EN_HK)
        except PublishError as error:
            assert error.path == path and error.line


@SETTINGS
@given(names=st.lists(st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "\x00" not in s
                                                                  and s not in (".", "..")), max_size=4))
def test_any_file_names_load_or_fail_clearly(names):
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "content/en").mkdir(parents=True)
        for name in names:
            try:
                (project / "content/en" / f"{name}.md").write_text("---\ntitle: T\n---\n\nText.\n", encoding="utf-8")
            except OSError:
                return  # a name the file system refuses (too long in bytes) is no input at all
        try:
            load_documents(load_config(project))
        except PublishError as error:
            assert error.path is not None


@settings(max_examples=EXAMPLES * 2 // 3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(en=bodies, zh=bodies, meta=st.one_of(st.just({}), st.just({"summary": "摘要"}), front_matters))
def test_any_project_builds_or_fails_clearly(tmp_path_factory, en, zh, meta):
    """The whole site pipeline, checks included, on random bodies in both languages."""
    build_randomly(tmp_path_factory, en, zh, meta, only="site")


@settings(max_examples=max(3, EXAMPLES // 10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(en=bodies, zh=bodies)
def test_any_project_renders_its_pdfs_or_fails_clearly(tmp_path_factory, en, zh):
    """The same through WeasyPrint, fewer times: a PDF takes a while."""
    build_randomly(tmp_path_factory, en, zh, {}, only=None)


def build_randomly(tmp_path_factory, en: str, zh: str, meta: dict, only: str | None) -> None:
    project = write_project(tmp_path_factory.mktemp("random"))
    write_page(project / "content/en", "intro.md", {"title": "Introduction", "order": 1}, en)
    write_page(project / "content/zh-hant", "intro.md", {"title": "引言", **meta}, zh)
    try:
        result = build(load_config(project), BuildOptions(project / "build", write=False, only=only))
    except PublishError as error:
        event("error")
        assert str(error)
        return
    event("built")
    assert all(str(problem) for problem in result.problems)


def cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "hkai_publish", *args], env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_same_sources_give_byte_identical_builds(tmp_path):
    """Two copies of one project in different folders, built separately with SOURCE_DATE_EPOCH:
    no absolute path, time or ordering accident reaches the output."""
    first = write_project(tmp_path / "one")
    second = tmp_path / "two" / "elsewhere"
    shutil.copytree(first, second)
    for project in (first, second):
        process = cli("build", "--project", str(project), env={"SOURCE_DATE_EPOCH": "1700000000"})
        assert process.wait(timeout=300) == 0, process.stderr.read()
    assert snapshot(first / "build", cache=False) == snapshot(second / "build", cache=False)
    assert {"pdf/brochure-en.pdf", "pdf/brochure-zh-hant.pdf", "site/en/intro/index.html"} <= set(snapshot(first / "build"))


def test_two_builds_at_once_leave_one_whole_build(tmp_path):
    """Two different publications built into one folder at the same time (site only, keeping the
    PDFs already there): the folder ends up holding exactly one of them, whole, and all succeed."""
    projects = [write_project(tmp_path / "a"),
                write_project(tmp_path / "b", zh={"intro.md": ZH["intro.md"].replace("繁華", "熱鬧")})]
    out = tmp_path / "shared" / "build"
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}
    assert cli("build", "--project", str(projects[0]), "--out", str(out), env=epoch).wait(timeout=300) == 0
    expected = []
    for project in projects:
        assert cli("build", "--only", "site", "--project", str(project), "--out", str(out)).wait(timeout=300) == 0
        expected.append(snapshot(out, cache=False))
    assert expected[0] != expected[1] and all("pdf/brochure-en.pdf" in e for e in expected)
    for _ in range(3):
        processes = [cli("build", "--only", "site", "--project", str(p), "--out", str(out)) for p in projects * 2]
        assert [p.wait(timeout=300) for p in processes] == [0] * 4, [p.stderr.read() for p in processes]
        assert snapshot(out, cache=False) in expected
        assert sorted(p.name for p in out.parent.iterdir()) == [".build.lock", "build"]


def test_pages_waiting_on_disk_are_cleared_after_failed_and_killed_builds(tmp_path):
    """A build's pages wait in a folder beside build/ until it is written: a failed build removes
    it, and one left by a killed build is removed by the next, never one a running build holds."""
    project = write_project(tmp_path / "p")
    dead = project / ".build.render-killed"
    (dead / "site").mkdir(parents=True)
    (dead / "site" / "index.html").write_text("half a build", encoding="utf-8")
    running = Spool(project / "build")
    try:
        assert cli("build", "--only", "site", "--project", str(project)).wait(timeout=300) == 0
        assert not dead.exists() and running.folder.is_dir()
    finally:
        running.discard()
    good = snapshot(project / "build")
    (project / "templates" / "page.html").write_text("{% if %}", encoding="utf-8")
    failed = cli("build", "--only", "site", "--project", str(project))
    assert failed.wait(timeout=300) == 1 and "page.html" in failed.stderr.read()
    assert snapshot(project / "build") == good
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".build")) == [".build.lock"]


# Pieces of PO files, good and bad, to be shuffled into random catalogues.
PO_FRAGMENTS = ['msgid ""\n', 'msgstr ""\n', '"Content-Type: text/plain; charset=UTF-8\\n"\n',
                '"Plural-Forms: nplurals=1; plural=0;\\n"\n', '"Plural-Forms: nplurals=2; plural=(n>1;\\n"\n',
                '"Plural-Forms: nplurals=x; plural=n;\\n"\n', 'msgid "Contents"\n', 'msgstr "目錄"\n',
                'msgid_plural "%(n)s pages"\n', 'msgstr[0] "%(n)s 頁"\n', 'msgstr[1] ""\n', 'msgctxt "x"\n',
                "#, fuzzy\n", "#: templates/base.html:3\n", "#~ msgid \"old\"\n", 'msgstr "<script>x</script>"\n',
                'msgstr "%(name)s %s"\n', 'msgstr "\\x00"\n', '"\\"\n', '"unterminated\n', "msgid\n", "\n",
                'msgstr "第 \\u0000 頁"\n', 'msgstr "javascript:alert(1)"\n', "\ufeff", "\x00", "\x1b"]
catalogues = st.lists(st.one_of(st.sampled_from(PO_FRAGMENTS), st.text(max_size=10)), max_size=30).map("".join)


@SETTINGS
@given(text=catalogues)
def test_any_catalogue_compiles_or_fails_clearly(text):
    from hkai_publish.translation.catalogs import compile_catalog

    path = Path("locales/zh_Hant_HK/LC_MESSAGES/messages.po")
    try:
        compiled = compile_catalog(path, ZH_HK, text.encode("utf-8"))
    except PublishError as exc:
        assert str(exc).startswith(str(path) + ":"), str(exc)
        event("refused")
    else:  # and what compiles, gettext reads and uses, plurals included
        import gettext
        import io

        translations = gettext.GNUTranslations(io.BytesIO(compiled))
        translations.gettext("Contents")
        translations.ngettext("%(n)s page", "%(n)s pages", 3)
        event("compiled")
