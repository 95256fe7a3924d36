"""UI string catalogues through the real CLI: extract → init → update → compile, and the checks."""

from __future__ import annotations

import gettext
import json
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po

from conftest import REPO, run_cli, write
from hkai_publish.translation.catalogs import unsafe_translation

PO = "locales/zh_Hant_HK/LC_MESSAGES/messages.po"

EXTRA_TEMPLATE = """\
{# Translators: shown under the contents; %(count)s is a number of pages. #}
<p>{% trans count=pages|length %}{{ count }} page{% pluralize %}{{ count }} pages{% endtrans %}</p>
<p>{{ pgettext("button", "Open") }}</p>
<p>{{ _("Download the PDF edition") }}</p>
<p>{{ _("Brochure") }}</p>
"""


def read(project, name=PO):
    with (project / name).open("rb") as handle:
        return read_po(handle)


def set_translations(project, strings: dict[str, str], name=PO) -> None:
    """Edit a PO file as a translator's tool would (by rewriting msgstr lines)."""
    path = project / name
    text = path.read_text(encoding="utf-8")
    for msgid, msgstr in strings.items():
        text = text.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def fresh(make_project):
    """A project with an extra template and no catalogue yet."""
    project = make_project()
    shutil.rmtree(project / "locales")
    write(project / "templates/extra.html", EXTRA_TEMPLATE)
    return project


def test_extract_collects_templates_settings_and_code_deterministically(fresh, monkeypatch):
    result = run_cli("i18n", "extract", "--project", str(fresh))
    assert result.returncode == 0, result.stderr
    pot = read(fresh, "locales/messages.pot")
    contents = pot.get("Contents")
    base = (fresh / "templates/base.html").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(base, 1) if '_("Contents")' in text)
    assert ("templates/base.html", line) in contents.locations
    title = pot.get("Hong Kong’s Evolving Landscape in Artificial Intelligence")
    assert title.locations == [("pyproject.toml", 2)] and "title" in title.auto_comments[0]
    assert pot.get("Back to the text").locations[0][0] == "hkai_publish/editions/pages.py"
    plural = pot.get(("%(count)s page", "%(count)s pages"))
    assert plural.pluralizable and "python-format" in plural.flags
    assert any("%(count)s is a number of pages" in c for c in plural.auto_comments)
    assert pot.get("Open", context="button") is not None
    ids = [m.id for m in pot if m.id]
    assert ids == sorted(ids, key=lambda i: i if isinstance(i, str) else i[0])
    before = (fresh / "locales/messages.pot").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")
    again = run_cli("i18n", "extract", "--project", str(fresh))
    assert "(unchanged)" in again.stderr
    assert (fresh / "locales/messages.pot").read_bytes() == before


def test_init_update_compile_round_trip(fresh):
    assert run_cli("i18n", "extract", "--project", str(fresh)).returncode == 0
    result = run_cli("i18n", "init", "zh-Hant-HK", "--project", str(fresh))
    assert result.returncode == 0, result.stderr
    po = read(fresh)
    assert po.locale_identifier == "zh_Hant_HK" and po.num_plurals == 1
    assert run_cli("i18n", "init", "zh-Hant-HK", "--project", str(fresh)).returncode == 1
    set_translations(fresh, {"Download the PDF edition": "下載 PDF 版本", "Brochure": "小冊子", "Contents": "目錄"})

    # The template changes: one string reworded, one removed.
    extra = (fresh / "templates/extra.html").read_text()
    extra = extra.replace("Download the PDF edition", "Download the PDF edition now")
    write(fresh / "templates/extra.html", extra.replace('<p>{{ _("Brochure") }}</p>\n', ""))
    for name in ("index.html", "print.html"):
        text = (fresh / "templates" / name).read_text().replace('{{ _("Brochure") }}', "")
        write(fresh / "templates" / name, text)
    assert run_cli("i18n", "extract", "--project", str(fresh)).returncode == 0
    result = run_cli("i18n", "update", "--project", str(fresh))
    assert result.returncode == 0, result.stderr

    po = read(fresh)
    reworded = po.get("Download the PDF edition now")
    assert reworded.fuzzy and reworded.string == "下載 PDF 版本"
    assert "Brochure" in po.obsolete
    text = (fresh / PO).read_text(encoding="utf-8")
    assert '#~ msgid "Brochure"' in text
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(fresh / PO)]).returncode == 0
    assert run_cli("i18n", "update", "--project", str(fresh)).stderr.endswith("(unchanged)\n")

    result = run_cli("i18n", "compile", "--project", str(fresh))
    assert result.returncode == 0, result.stderr
    assert "[fuzzy]" in result.stderr and "[untranslated]" in result.stderr
    assert run_cli("i18n", "compile", "--strict", "--project", str(fresh)).returncode == 1
    with (fresh / PO).with_suffix(".mo").open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    assert translations.gettext("Contents") == "目錄"
    assert translations.gettext("Download the PDF edition now") == "Download the PDF edition now"  # fuzzy: unused


@pytest.mark.parametrize("msgid, msgstr, problem", [
    ("Contents", "目錄<script>alert(1)</script>", "HTML markup differs"),
    ("Section %(number)s", "第 %(num)s 章", "placeholders differ"),
    ("Contents", r"<a href=\"javascript:alert(1)\">目錄</a>", "javascript: URL"),
])
def test_compile_refuses_unsafe_translations(make_project, msgid, msgstr, problem):
    """`msgstr` as written in the PO file (quotes escaped)."""
    project = make_project()
    path = project / PO
    lines = path.read_text(encoding="utf-8").splitlines()
    line = lines.index(f'msgid "{msgid}"') + 1
    lines[line] = f'msgstr "{msgstr}"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_cli("i18n", "compile", "--project", str(project))

    assert result.returncode == 1
    assert f"messages.po:{line}: [unsafe-translation] translation" in result.stderr and problem in result.stderr
    assert "Traceback" not in result.stderr
    assert not path.with_suffix(".mo").exists()
    assert run_cli("build", "--project", str(project)).returncode == 1


def test_markup_attributes_and_plural_placeholders():
    link = 'Read <a href="%(url)s">the original</a>'
    assert unsafe_translation(link, '閱讀<a href="%(url)s">原文</a>') is None
    assert "tags or attributes" in unsafe_translation(link, '閱讀<a href="https://evil.example">原文</a>')
    assert "tags or attributes" in unsafe_translation(link, '閱讀<a href="%(url)s" onclick="x()">原文</a>')
    plural = ("One page", "%(count)s pages")
    assert unsafe_translation(plural, ("%(count)s 頁",)) is None
    assert unsafe_translation(plural, ("%(total)s 頁",)) is not None
    assert unsafe_translation("Updated %(date)s", "更新") is not None


def test_stats_json_counts_against_a_fresh_extract(make_project):
    project = make_project()
    write(project / "templates/extra.html", '<p>{{ _("A brand new string") }}</p>\n')
    result = run_cli("i18n", "stats", "--format", "json", "--project", str(project))
    assert result.returncode == 0, result.stderr
    [stats] = json.loads(result.stdout)
    assert stats["language"] == "zh-Hant-HK"
    assert stats["untranslated"] == 1 and stats["fuzzy"] == 0
    assert stats["translated"] == stats["total"] - 1


def test_the_publication_catalogue_is_complete_and_gettext_clean():
    """Every UI string readers see in this repository is translated, and msgfmt agrees."""
    result = run_cli("i18n", "stats", "--format", "json", "--project", str(REPO))
    [stats] = json.loads(result.stdout)
    assert stats["untranslated"] == 0 and stats["fuzzy"] == 0, stats
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(REPO / PO)]).returncode == 0
