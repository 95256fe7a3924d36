"""Page translation status, `status mark`, and the notices the site shows for it."""

from __future__ import annotations

import json
from urllib.parse import urljoin

from conftest import commit_all, git, parse_html, run_cli, write

BASE = "https://example.org/hkai/"


def status_json(project, *args):
    result = run_cli("status", "--format", "json", "--project", str(project), *args)
    assert result.returncode == 0, result.stderr
    [language] = json.loads(result.stdout)["languages"]
    return {page["key"]: page for page in language["pages"]["list"]}, language


def mark(project, *names):
    paths = [str(project / "content/zh-hant" / name) for name in names]
    result = run_cli("status", "mark", *paths, "--project", str(project))
    assert result.returncode == 0, result.stderr
    return result


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_marking_records_the_original_version_and_changes_nothing_else(make_project):
    project = make_project()
    pages, _ = status_json(project)
    assert {p["state"] for p in pages.values()} == {"untracked"}
    before = (project / "content/zh-hant/ethics.md").read_text(encoding="utf-8")

    mark(project, "ethics.md", "intro.md")

    after = (project / "content/zh-hant/ethics.md").read_text(encoding="utf-8")
    pages, language = status_json(project)
    recorded = pages["ethics"]["original_hash"]
    assert len(recorded) == 12
    assert after == before.replace("updated: 2026-11-30\n", f'updated: 2026-11-30\nsource_hash: "{recorded}"\n')
    assert language["pages"]["up-to-date"] == 2 and language["pages"]["percent"] == 100.0
    assert "0 of 2 page(s)" in mark(project, "ethics.md", "intro.md").stderr  # already up to date


def test_editing_the_english_makes_the_translation_outdated_with_a_diff(make_project):
    project = make_project()
    commit_all(project, "First edition")
    mark(project, "ethics.md", "intro.md")
    commit_all(project, "Translations checked")
    english = project / "content/en/ethics.md"
    edit(english, "Privacy first.\n", "Privacy comes first,\nand always will.\n")
    commit_all(project, "Reword the privacy section")

    table = run_cli("status", "--project", str(project))
    pages, language = status_json(project)

    assert table.returncode == 0
    assert "outdated    content/zh-hant/ethics.md" in table.stdout.replace(str(project) + "/", "")
    assert "-Privacy first.\n+Privacy comes first,\n+and always will.\n" in table.stdout
    ethics = pages["ethics"]
    assert ethics["state"] == "outdated" and pages["intro"]["state"] == "up-to-date"
    first_commit = git(project, "rev-list", "--max-parents=0", "HEAD").strip()
    assert ethics["translated_from"]["commit"] == first_commit
    assert "-Privacy first." in ethics["diff"] and "+and always will." in ethics["diff"]
    assert language["pages"]["percent"] == 50.0
    assert run_cli("status", "--fail-under", "60", "--project", str(project)).returncode == 1

    mark(project, "ethics.md")  # re-translated
    pages, _ = status_json(project)
    assert pages["ethics"]["state"] == "up-to-date" and pages["ethics"]["diff"] is None


def test_typography_alone_leaves_the_translation_up_to_date_and_a_word_does_not(make_project):
    english = {"ethics.md": """\
        ---
        title: Ethical Considerations
        summary: The city's "hard" questions -- and what it does about them...
        order: 2
        ---

        Issues -- privacy, 'bias' -- demand careful attention.

        ## Data privacy

        Privacy first.
        """}
    project = make_project(en=english)
    commit_all(project, "First edition")
    mark(project, "ethics.md")
    commit_all(project, "Translation checked")
    path = project / "content/en/ethics.md"
    edit(path, """The city's "hard" questions -- and what it does about them...""",
         "The city\u2019s \u201chard\u201d questions \u2013 and what it does about them\u2026")
    edit(path, "Issues -- privacy, 'bias' -- demand careful attention.",
         "Issues\u00a0\u2014 privacy, \u2018bias\u2019 \u2014 demand\ncareful   attention.")
    commit_all(project, "Typography")
    pages, _ = status_json(project)
    assert pages["ethics"]["state"] == "up-to-date"  # quotes, dashes, ellipsis, spaces, wrapping

    edit(path, "careful   attention.", "close attention.")
    ethics = status_json(project)[0]["ethics"]
    assert ethics["state"] == "outdated"
    # The version it matches is the newest one with the same words, so the diff shows the word only.
    assert ethics["translated_from"]["commit"] == git(project, "rev-parse", "HEAD").strip()
    changed = [line for line in ethics["diff"].splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["-careful   attention.", "+close attention."]

    edit(path, "\nPrivacy first.\n", "\nPrivacy first.\n\nAlways.\n")  # a new paragraph is new text
    assert status_json(project)[0]["ethics"]["state"] == "outdated"
    edit(path, "close attention.", "careful attention.")
    edit(path, "\nPrivacy first.\n\nAlways.\n", "\nPrivacy\nfirst.\n")
    assert status_json(project)[0]["ethics"]["state"] == "up-to-date"


def test_without_git_status_still_knows_but_shows_no_diff(make_project):
    project = make_project()
    mark(project, "ethics.md", "intro.md")
    edit(project / "content/en/ethics.md", "title: Ethical Considerations", "title: Ethics")

    pages, _ = status_json(project)
    table = run_cli("status", "--project", str(project))

    assert pages["ethics"]["state"] == "outdated"  # the title is translated too
    assert pages["ethics"]["diff"] is None and pages["ethics"]["translated_from"] is None
    assert "changed since version " + pages["ethics"]["source_hash"] in table.stdout
    assert "Traceback" not in table.stderr


def test_missing_pages_and_the_fail_under_gate(make_project):
    project = make_project(zh={"ethics.md": None})
    mark(project, "intro.md")
    pages, language = status_json(project)
    assert pages["ethics"]["state"] == "missing" and pages["ethics"]["translation"] is None
    assert language["pages"]["missing"] == 1 and language["pages"]["percent"] == 50.0
    assert language["ui_strings"]["untranslated"] == 0
    assert run_cli("status", "--fail-under", "50", "--project", str(project)).returncode == 0
    failed = run_cli("status", "--fail-under", "75", "--project", str(project))
    assert failed.returncode == 1 and "under --fail-under 75%" in failed.stderr


def test_mark_refuses_an_original(make_project):
    project = make_project()
    result = run_cli("status", "mark", str(project / "content/en/intro.md"), "--project", str(project))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{project / 'content/en/intro.md'}:1: this is an original; mark its "
                                    "translation instead (content/zh-hant/intro.md)")


def test_built_pages_show_fallback_and_outdated_notices(make_project):
    project = make_project(zh={"intro.md": None})
    mark(project, "ethics.md")
    edit(project / "content/en/ethics.md", "Bias second.", "Bias is second.")
    assert run_cli("build", "--project", str(project)).returncode == 0
    site = project / "build/site"

    outdated = parse_html(site / "zh-hant/ethics/index.html")
    [notice] = outdated.xpath('//p[contains(@class, "notice-outdated")]')
    assert "本頁的英文原文在翻譯後已有更新" in notice.text_content()
    [link] = notice.xpath(".//a")
    assert link.text_content() == "閱讀英文原文" and link.get("hreflang") == "en-HK"
    assert urljoin(BASE + "zh-hant/ethics/", link.get("href")) == BASE + "en/ethics/"
    assert outdated.xpath("//article/@lang") == []  # the content is still the translation
    assert "zh-Hant-HK" in {a.get("hreflang") for a in outdated.xpath('//link[@rel="alternate"]')}

    fallback = parse_html(site / "zh-hant/intro/index.html")
    assert "本頁尚未有中文版本" in fallback.xpath('string(//p[@class="notice"])')
    assert fallback.xpath("//article/@lang") == ["en-HK"]
    assert not fallback.xpath('//p[contains(@class, "notice-outdated")]')
    assert "zh-Hant-HK" not in {a.get("hreflang") for a in fallback.xpath('//link[@rel="alternate"]')}

    mark(project, "ethics.md")
    assert run_cli("build", "--project", str(project)).returncode == 0
    assert not parse_html(site / "zh-hant/ethics/index.html").xpath('//p[contains(@class, "notice")]')


def test_status_json_lists_every_language_and_page(make_project):
    project = make_project()
    write(project / "content/en/extra.md", "---\ntitle: Extra\norder: 3\n---\n\nMore.\n")
    pages, language = status_json(project)
    assert language["language"] == "zh-Hant-HK"
    assert set(pages) == {"intro", "ethics", "extra"}
    assert pages["extra"] == {"key": "extra", "state": "missing", "original": "content/en/extra.md",
                              "original_hash": pages["extra"]["original_hash"], "translation": None,
                              "source_hash": None, "translated_from": None, "diff": None}
