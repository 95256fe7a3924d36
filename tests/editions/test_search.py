"""The search index: one Pagefind bundle per edition, made from its section pages, reused while
they are unchanged. What a reader finds with it is in tests/browser/test_search.py."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from conftest import parse_html, run_cli
from hkai_publish.editions.search import UNUSED

GLOSSARY_EN = """\
    ---
    title: Glossary
    order: 3
    ---

    Terms not yet translated: machine learning.
    """


def index_files(site: Path, folder: str) -> dict[str, int]:
    bundle = site / folder / "pagefind"
    return {p.relative_to(bundle).as_posix(): p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()}


def counting_pagefind(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose Pagefind is the real one behind a script that logs each run's site."""
    from hkai_publish.editions.search import pagefind_binary

    log = tmp_path / "pagefind-runs.log"
    script = tmp_path / "pagefind"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{pagefind_binary()}" "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PAGEFIND_BINARY_PATH": str(script)}, log


def runs(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_each_edition_has_its_own_index_of_its_section_pages(make_project):
    project = make_project(en={"glossary.md": GLOSSARY_EN})
    result = run_cli("build", "--project", str(project), "--only", "site")
    assert result.returncode == 0, result.stderr
    site = project / "build/site"
    for folder, language, pages in (("en", "en-hk", 3), ("zh-hant", "zh-hant-hk", 3)):
        entry = json.loads((site / folder / "pagefind/pagefind-entry.json").read_text())
        # Only this edition's language, and only its sections (the glossary shown untranslated in
        # Chinese included): not the contents, search or 404 pages.
        assert list(entry["languages"]) == [language]
        assert entry["languages"][language]["page_count"] == pages
        files = index_files(site, folder)
        assert "pagefind.js" in files and "pagefind-worker.js" in files
        assert any(name.startswith("fragment/") for name in files)
        assert any(name.startswith("index/") for name in files)
        assert not set(files) & UNUSED
    assert not (site / "pagefind").exists()


def test_pages_mark_what_is_indexed_and_link_the_search_page(make_project):
    project = make_project(en={"glossary.md": GLOSSARY_EN})
    assert run_cli("build", "--project", str(project), "--only", "site").returncode == 0
    site = project / "build/site"
    page = parse_html(site / "zh-hant/glossary/index.html")
    article = page.xpath("//article")[0]
    assert "data-pagefind-body" in article.attrib and article.get("lang") == "en-HK"
    assert article.get("data-pagefind-meta") == "original_language:en-HK"
    for repeated in page.xpath("//p[contains(@class, 'kicker') or contains(@class, 'dates') or "
                               "contains(@class, 'notice')] | //nav[@class='toc']"):
        assert "data-pagefind-ignore" in repeated.attrib
    translated = parse_html(site / "zh-hant/intro/index.html").xpath("//article")[0]
    assert "data-pagefind-meta" not in translated.attrib and translated.get("lang") is None
    # Without JavaScript: a link in the header to the search page, which says what search needs.
    link = page.xpath("//header//a[@class='search-link']")[0]
    assert link.get("href") == "../search.html" and link.text == "搜尋"
    form = page.xpath("//header//form[@role='search']")[0]
    assert "hidden" in form.attrib and form.get("data-search") == "../pagefind/"
    search = parse_html(site / "zh-hant/search.html")
    assert "需要 JavaScript" in search.xpath("string(//p[@class='search-needs-script'])")
    assert search.xpath("//p[@class='search-needs-script']/a/@href") == ["./"]
    assert parse_html(site / "en/search.html").xpath("//form[@role='search']/label")[0].text == "Search this edition"
    # The search pages are no sections: out of the sitemap.
    assert b"search.html" not in (site / "sitemap.xml").read_bytes()


def test_an_index_is_made_again_only_when_its_editions_pages_change(make_project, tmp_path):
    project = make_project()
    env, log = counting_pagefind(tmp_path)
    build = lambda: run_cli("build", "--project", str(project), "--only", "site", env=env)  # noqa: E731
    assert build().returncode == 0
    site = project / "build/site"
    assert len(runs(log)) == 2  # one per edition
    before = {folder: index_files(site, folder) for folder in ("en", "zh-hant")}

    assert build().returncode == 0  # nothing changed
    assert len(runs(log)) == 2
    assert {folder: index_files(site, folder) for folder in ("en", "zh-hant")} == before

    # A stylesheet edit renders no page again: no index is made again either.
    style = project / "templates/assets/style.css"
    style.write_text(style.read_text() + "\n/* edited */\n")
    assert build().returncode == 0
    assert len(runs(log)) == 2

    # One English page edited: the English index only, and its new words are in it.
    intro = project / "content/en/intro.md"
    intro.write_text(intro.read_text().replace("bustling metropolis", "bustling zebracrossing metropolis"))
    assert build().returncode == 0
    assert len(runs(log)) == 3
    after = {folder: index_files(site, folder) for folder in ("en", "zh-hant")}
    assert after["zh-hant"] == before["zh-hant"]
    # The English index's metadata is named by its content: the old file is gone, the new one there.
    stale = set(before["en"]) - set(after["en"])
    assert any(name.endswith(".pf_meta") for name in stale)
    for name in stale:
        assert not (site / "en/pagefind" / name).exists()


def test_a_pagefind_failure_is_a_clear_error_and_leaves_the_last_build(make_project, tmp_path):
    project = make_project()
    assert run_cli("build", "--project", str(project), "--only", "site").returncode == 0
    page = project / "build/site/en/intro/index.html"
    before = page.read_bytes()
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: something went wrong' >&2\nexit 3\n")
    broken.chmod(0o755)
    intro = project / "content/en/intro.md"
    intro.write_text(intro.read_text().replace("bustling", "busy"))
    result = run_cli("build", "--project", str(project), "--only", "site", env={"PAGEFIND_BINARY_PATH": str(broken)})
    assert result.returncode == 1
    assert "search: Pagefind could not index the English edition: Error: something went wrong (exit 3)" in result.stderr
    assert "Traceback" not in result.stderr
    assert page.read_bytes() == before


def numbered_pages(count: int, word: str = "page") -> dict[str, str]:
    return {f"topic-{n:02}.md": f"---\ntitle: Topic {n}\norder: {n + 10}\n---\n\nA {word} about topic{n}word.\n"
            for n in range(count)}


def test_a_large_edition_is_indexed_in_shards_and_an_edit_indexes_one_again(make_project, tmp_path):
    from hkai_publish.sources.config import load_config
    from conftest import CONFIG

    # 2 + 14 English pages at 4 a shard: four shards; the Chinese edition's 2 + 14 (14 of them
    # fallbacks, which are indexed too) likewise.
    project = make_project(en=numbered_pages(14), config=CONFIG + "search_shard_pages = 4\n")
    assert load_config(project).search_shard_pages == 4
    env, log = counting_pagefind(tmp_path)
    build = lambda: run_cli("build", "--project", str(project), "--only", "site", env=env)  # noqa: E731
    result = build()
    assert result.returncode == 0, result.stderr
    site = project / "build/site"
    assert len(runs(log)) == 8
    for folder, language in (("en", "en-hk"), ("zh-hant", "zh-hant-hk")):
        bundle = site / folder / "pagefind"
        listed = json.loads((bundle / "shards.json").read_text())
        assert listed == ["shard-1/", "shard-2/", "shard-3/"]
        counts = [json.loads((bundle / shard / "pagefind-entry.json").read_text())["languages"][language]["page_count"]
                  for shard in ["", *listed]]
        assert sum(counts) == 16 and all(counts)
        for shard in listed:  # the first shard's script and worker load the others
            files = {p.name for p in (bundle / shard).iterdir()}
            assert "pagefind.js" not in files and "pagefind-worker.js" not in files
            assert any(name.startswith("wasm.") for name in files)
        assert (bundle / "pagefind.js").exists()
    before = {folder: index_files(site, folder) for folder in ("en", "zh-hant")}

    # One English page edited: its shard only is indexed again in each edition (the Chinese one
    # shows it as a fallback); the other shards are the files they were.
    page = project / "content/en/topic-03.md"
    page.write_text(page.read_text().replace("A page", "A zebracrossing page"))
    assert build().returncode == 0
    assert len(runs(log)) == 10
    after = {folder: index_files(site, folder) for folder in ("en", "zh-hant")}
    for folder in ("en", "zh-hant"):
        changed = {name.split("/")[0] if name.startswith("shard-") else "first"
                   for name, _ in set(after[folder].items()) ^ set(before[folder].items())}
        assert len(changed) == 1, (folder, changed)

    # Fewer pages than a shard holds: one bundle again, the shards' folders gone.
    config = project / "pyproject.toml"
    config.write_text(config.read_text().replace("search_shard_pages = 4", "search_shard_pages = 500"))
    assert build().returncode == 0
    assert json.loads((site / "en/pagefind/shards.json").read_text()) == []
    assert not list((site / "en/pagefind").glob("shard-*"))
    entry = json.loads((site / "en/pagefind/pagefind-entry.json").read_text())
    assert entry["languages"]["en-hk"]["page_count"] == 16


def test_search_shard_pages_is_checked(tmp_path):
    from conftest import CONFIG, write_project

    for value, message in (("0", "from 1 to 1000000"), ("true", "must be a whole number, got bool"),
                           ('"4"', "must be a whole number, got str")):
        project = write_project(tmp_path / value.strip('"'), config=CONFIG + f"search_shard_pages = {value}\n")
        result = run_cli("build", "--project", str(project), "--only", "site")
        assert result.returncode == 1
        assert "pyproject.toml:7: " in result.stderr and message in result.stderr, result.stderr
