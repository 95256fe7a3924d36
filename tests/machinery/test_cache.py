"""The build cache and parallel rendering: a warm build writes exactly what a cold one would,
whatever changed; a parallel build writes exactly what a serial one would."""

from __future__ import annotations

import os
import posixpath
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import parse_html, write
from hkai_publish.machinery import cache as cache_module, files as files_module, memo as memo_module
from hkai_publish.sources import locales as locales_module
from hkai_publish.translation import catalogs as catalogs_module
from hkai_publish.build import BuildOptions, build
from hkai_publish.machinery.digests import Digester
from hkai_publish.sources.config import load_config
from hkai_publish.errors import ContentError, TemplateError
from hkai_publish.machinery.memo import compute_everywhere, remembered
from hkai_publish.markdown.renderer import Heading
from hkai_publish.editions.pages import _relpath
from hkai_publish.editions.site import NAV_LIMIT


def run(project: Path, out: Path, **options) -> dict[str, bytes]:
    """Build (the site only, unless `only` says otherwise: PDFs have tests of their own below)."""
    result = build(load_config(project), BuildOptions(out, **{"only": "site", **options}))
    assert result.written, [str(p) for p in result.problems]
    return tree(out)


def tree(out: Path) -> dict[str, bytes]:
    """Every file of a build but the cache, by path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(out).parts}


def cold(project: Path, tmp_path: Path, **options) -> dict[str, bytes]:
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    return run(project, out, cache=False, jobs=1, **options)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


CHANGES = {
    "page body": lambda p: edit(p / "content/en/ethics.md", "Privacy first.", "Privacy always first."),
    "page title (other pages' navigation)": lambda p: edit(p / "content/en/intro.md", "title: Introduction",
                                                           "title: Overview"),
    "original's headings (translation's anchors)": lambda p: edit(p / "content/en/ethics.md", "## Algorithmic bias",
                                                                  "## Bias in algorithms"),
    "slug of a linked page": lambda p: edit(p / "content/en/ethics.md", "order: 2", "order: 2\nslug: ethics-and-law"),
    "counterpart page": lambda p: edit(p / "content/zh-hant/ethics.md", "私隱優先。", "私隱至上。"),
    "page template": lambda p: edit(p / "templates/page.html", '<div class="prose">', '<div class="prose" id="text">'),
    "included template": lambda p: edit(p / "templates/base.html", '<footer class="site-footer">',
                                        '<footer class="site-footer" id="end">'),
    "catalogue string": lambda p: edit(p / "locales/zh_Hant_HK/LC_MESSAGES/messages.po", 'msgstr "目錄"',
                                       'msgstr "目次"'),
    "config": lambda p: edit(p / "pyproject.toml", 'subtitle = "Navigating Innovation"',
                             'subtitle = "Charting Innovation"'),
    "asset": lambda p: (p / "templates/assets/style.css").write_text("body { color: black; }\n"),
    # What only the pages made from all pages show: the home page, the 404 page, the language
    # choice and the sitemap.
    "page summary (home page's contents)": lambda p: edit(p / "content/zh-hant/intro.md", "summary: 香港的現況。",
                                                          "summary: 香港的最新現況。"),
    "page update date (sitemap)": lambda p: edit(p / "content/en/ethics.md", "updated: 2026-11-30",
                                                 "updated: 2026-12-01"),
    "home page template": lambda p: edit(p / "templates/index.html", '<section class="cover">',
                                         '<section class="cover" id="cover">'),
    "404 template": lambda p: edit(p / "templates/404.html", "{% block main %}", "{% block main %}<hr>"),
    "language choice template": lambda p: edit(p / "templates/root.html", "</body>", "<hr></body>"),
    "new page": lambda p: write(p / "content/en/extra.md", "---\ntitle: Extra\norder: 3\n---\n\nMore.\n"),
    "deleted page": lambda p: (p / "content/zh-hant/ethics.md").unlink(),
    "image": lambda p: (p / "content/en/chart.png").write_bytes(b"\x89PNG another"),
}


@pytest.mark.parametrize("stats", ["hashed", "trusted"])
@pytest.mark.parametrize("change", CHANGES)
def test_every_kind_of_input_change_reaches_a_warm_build(change, stats, make_project, tmp_path, monkeypatch):
    """Also where each source's digest is the last build's unless its file's inode, size or times
    changed ("trusted"): files written a moment ago are otherwise always hashed (RACY_NS)."""
    if stats == "trusted":
        monkeypatch.setattr(cache_module, "RACY_NS", 0)
    project = make_project(en={"intro.md": """\
        ---
        title: Introduction
        order: 1
        ---

        See [the ethics section](ethics.md#data-privacy).

        ![A chart](chart.png)
        """})
    write(project / "content/en/chart.png", "PNG")
    out = tmp_path / "out"
    before = run(project, out)
    assert run(project, out) == before  # a warm build of the same sources changes nothing

    CHANGES[change](project)
    warm = run(project, out)

    assert warm != before, "the change should show in the output"
    assert warm == cold(project, tmp_path)


def test_a_rebuild_hashes_only_the_sources_changed_since_the_last_build_read_them(make_project, tmp_path,
                                                                                 monkeypatch):
    project, out = make_project(), tmp_path / "out"
    sources = [p for p in project.rglob("*") if p.is_file() and p.name != "pyproject.toml"]
    hashed: list[bytes] = []
    real_digest = cache_module.digest
    monkeypatch.setattr(cache_module, "digest", lambda data: (hashed.append(data), real_digest(data))[1])
    run(project, out)
    assert len(hashed) == len(sources)
    hashed.clear()
    edit(project / "content/en/ethics.md", "Privacy first.", "Privacy always first.")
    run(project, out)
    # Every file was written a moment before the last build read it: it might have changed again
    # within the same tick of the file system's clock, unseen. All are hashed again.
    assert len(hashed) == len(sources)

    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # as if they had been written long before
    hashed.clear()
    opened: list[str] = []
    monkeypatch.setattr(cache_module, "open", lambda path, *args, **kwargs: (opened.append(path), open(path, *args, **kwargs))[1],
                        raising=False)
    edit(project / "content/en/ethics.md", "Privacy always first.", "Privacy first, always.")
    warm = run(project, out)
    assert hashed == [(project / "content/en/ethics.md").read_bytes()]
    sources_read = [path for path in map(Path, opened) if path.is_relative_to(project)]
    assert sources_read == [project / "content/en/ethics.md"]  # the others are not even read
    assert warm == cold(project, tmp_path)

    # Same size, modification time set back: the change time, which cannot be set, tells.
    page = project / "content/zh-hant/ethics.md"
    before = page.stat()
    edit(page, "私隱優先。", "私隱至上。")
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (page.stat().st_size, page.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    hashed.clear()
    warm = run(project, out)
    assert hashed == [page.read_bytes()] and "私隱至上" in warm["site/zh-hant/ethics/index.html"].decode()
    assert warm == cold(project, tmp_path)


def test_a_page_left_unread_is_read_when_its_translation_must_be_rendered_again(make_project, tmp_path,
                                                                                monkeypatch):
    """An unchanged source is not read, but its body is there when needed: here the translation of
    a page whose headings changed, whose anchors follow the original's."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    project, out = make_project(), tmp_path / "out"
    run(project, out)
    edit(project / "content/en/ethics.md", "## Algorithmic bias", "## Bias in algorithms")
    warm = run(project, out)
    assert warm == cold(project, tmp_path)
    headings = parse_html(out / "site/zh-hant/ethics/index.html").xpath("//h2/@id")
    assert "bias-in-algorithms" in headings and "algorithmic-bias" not in headings


def test_a_page_changed_after_the_build_looked_at_it_stops_the_build(make_project, tmp_path, monkeypatch):
    """The build is made from the sources as it found them: a file it left unread that changes
    before it needs the file's text is an error to build again after, not a mixed build."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    project, out = make_project(), tmp_path / "out"
    before = run(project, out)
    fingerprint = cache_module.BuildCache.fingerprint_sources

    def then_edited(self, *args):
        found = fingerprint(self, *args)
        edit(project / "content/zh-hant/ethics.md", "私隱優先。", "私隱至上。")
        return found

    monkeypatch.setattr(cache_module.BuildCache, "fingerprint_sources", then_edited)
    edit(project / "content/en/ethics.md", "## Algorithmic bias", "## Bias in algorithms")
    with pytest.raises(ContentError, match="the file changed while the build ran; build again") as error:
        build(load_config(project), BuildOptions(out, only="site"))
    assert error.value.path == project / "content/zh-hant/ethics.md"
    assert tree(out) == before  # the last good build stays


def test_a_rebuild_reads_the_pages_html_only_where_it_renders_pages_again(make_project, tmp_path, monkeypatch):
    """The HTML of every page's Markdown is kept in a file of its own, read only by a build that
    renders pages again from it (a template edit), never by one that renders only what changed."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)
    project, out = make_project(), tmp_path / "out"
    for folder in ("en", "zh-hant"):  # enough pages that one edit leaves most of the tables in use
        text = (project / f"content/{folder}/ethics.md").read_text(encoding="utf-8").replace("order: 2", "order: 9")
        for n in range(12):
            write(project / f"content/{folder}/more-{n}.md", text)
    run(project, out)
    run(project, out)
    tables = out / ".cache/tables.pickle"
    written = tables.stat().st_mtime_ns
    read: list[str] = []
    real = cache_module.BuildCache._read
    monkeypatch.setattr(cache_module.BuildCache, "_read", lambda self, name: (read.append(name), real(self, name))[1])

    edit(project / "content/en/ethics.md", "Privacy first.", "Privacy always first.")
    assert run(project, out) == cold(project, tmp_path)
    assert "tables.pickle" in read and "tables.markdown-html.pickle" not in read
    # The first edit after a full build adds to the tables; it does not write them again.
    assert tables.stat().st_mtime_ns == written and (out / ".cache/tables.added").is_file()

    read.clear()
    CHANGES["page template"](project)
    assert run(project, out) == cold(project, tmp_path)
    assert "tables.markdown-html.pickle" in read


def test_a_build_whose_cache_lost_the_pages_html_builds_without_it(make_project, tmp_path, caplog):
    project, out = make_project(), tmp_path / "out"
    run(project, out)
    (out / ".cache/tables.markdown-html.pickle").unlink()
    CHANGES["page template"](project)  # every page is rendered again, from its Markdown's HTML
    assert run(project, out) == cold(project, tmp_path)
    assert "the build cache cannot be used" in caplog.text and "building without it" in caplog.text
    assert not (out / ".cache/tables.pickle").exists(), "the damaged cache is dropped"
    caplog.clear()
    CHANGES["page body"](project)
    assert run(project, out) == cold(project, tmp_path)
    assert not caplog.text and (out / ".cache/tables.markdown-html.pickle").is_file()


def test_a_rebuild_in_place_keeps_its_pages_flat_while_they_wait(make_project, tmp_path, monkeypatch):
    """A rebuild that replaces pages where they are makes no folder per page for them to wait in
    (a template edit renders every page again): each waits at the top of its spool."""
    project, out = make_project(), tmp_path / "out"
    run(project, out)
    kept: list[Path] = []
    real = files_module.Spool.keep
    monkeypatch.setattr(files_module.Spool, "keep", lambda self, path, data: kept.append(real(self, path, data)) or kept[-1])
    CHANGES["included template"](project)
    warm = run(project, out, jobs=1)
    assert len(kept) >= 8 and {p.parent for p in kept} == {p.parent for p in kept[:1]}
    assert kept[0].parent.name.startswith(".out.render-")
    assert warm == cold(project, tmp_path)


def test_a_rebuild_that_cannot_write_in_place_after_all_gives_its_flat_spool_the_folders_shape(
        make_project, tmp_path, monkeypatch):
    """Another build wrote the output folder while this one rendered into a flat spool: this one
    writes the whole folder afresh instead, every file where it belongs."""
    project, out = make_project(), tmp_path / "out"
    run(project, out)
    monkeypatch.setattr(cache_module.BuildCache, "still_intact", lambda self: False)
    CHANGES["included template"](project)
    assert run(project, out) == cold(project, tmp_path)
    assert [p.name for p in tmp_path.glob(".out.*")] == [".out.lock"], "no spool or staging folder is left behind"


def test_a_template_edit_checks_every_page_again_on_every_core(make_project, tmp_path, monkeypatch):
    """Whether a rebuild's checks are worth spreading over the cores is judged from the first
    findings looked up (memo.SAMPLE): those of the HTML outputs, all of which a template changes."""
    sections = {f"s{i:02d}.md": f"---\ntitle: Section {i}\norder: {i}\n---\n\nText {i}.\n" for i in range(70)}
    project, out = make_project(en=sections), tmp_path / "out"
    run(project, out, jobs=2)
    monkeypatch.setattr(memo_module, "SAMPLE", 16)
    spread: list[int] = []
    real = memo_module.run_tasks
    monkeypatch.setattr(memo_module, "run_tasks", lambda task, state, items, jobs, least: (
        spread.append(len(items)), real(task, state, items, jobs, least))[1])
    CHANGES["included template"](project)
    assert run(project, out, jobs=2) == cold(project, tmp_path)
    assert spread and spread[0] >= 70


def test_a_rebuild_compiles_only_a_catalogue_that_changed(make_project, tmp_path, monkeypatch):
    compiled: list[Path] = []
    real = catalogs_module.compile_catalog
    monkeypatch.setattr(catalogs_module, "compile_catalog",
                        lambda path, *args: (compiled.append(path), real(path, *args))[1])
    project, out = make_project(), tmp_path / "out"
    po = project / "locales/zh_Hant_HK/LC_MESSAGES/messages.po"
    run(project, out)
    assert po in compiled
    compiled.clear()
    edit(project / "content/en/ethics.md", "Privacy first.", "Privacy always first.")
    run(project, out)
    assert compiled == []
    edit(po, 'msgstr "目錄"', 'msgstr "目次"')
    warm = run(project, out)
    assert compiled == [po] and warm == cold(project, tmp_path)
    assert "目次" in parse_html(out / "site/zh-hant/ethics/index.html").text_content()


def test_a_rebuild_takes_dates_and_language_names_from_the_cache_not_from_babel(make_project, tmp_path,
                                                                                monkeypatch):
    import babel.localedata

    project, out = make_project(), tmp_path / "out"
    run(project, out, jobs=1)  # answers found in worker processes are not kept
    monkeypatch.setattr(locales_module, "_known", {})  # as in a new process
    loaded: list[str] = []
    real = babel.localedata.load
    monkeypatch.setattr(babel.localedata, "load", lambda name, *args: (loaded.append(name), real(name, *args))[1])
    edit(project / "content/en/ethics.md", "Privacy first.", "Privacy always first.")
    warm = run(project, out)
    assert loaded == []
    assert warm == cold(project, tmp_path)
    page = parse_html(out / "site/zh-hant/ethics/index.html")
    assert "2026年11月30日" in page.xpath("string(//p[@class='dates'])")
    assert [a.text_content().strip() for a in page.xpath("//a[@hreflang]")] == ["English", "繁體中文"]


def test_successive_edits_are_added_to_the_cache_then_compacted(make_project, tmp_path):
    sections = {f"s{i:02d}.md": f"---\ntitle: Section {i}\norder: {i}\n---\n\nText {i}.\n" for i in range(30)}
    project, out = make_project(en=sections), tmp_path / "out"
    run(project, out)
    seen = set()
    for i in range(12):
        edit(project / f"content/en/s{i:02d}.md", f"Text {i}.", f"Text {i}, edited.")
        assert run(project, out) == cold(project, tmp_path)
        seen.add((out / ".cache/tables.added").exists())
    assert seen == {True, False}  # entries were appended, and the tables later rewritten without stale ones


def problems(project: Path, out: Path, **options) -> list[str]:
    result = build(load_config(project), BuildOptions(out, only="site", **options))
    return [f"{p} ({p.severity})" for p in result.problems]


def test_a_warm_build_finds_the_problems_a_cold_build_finds(make_project, tmp_path):
    project, out = make_project(zh={"intro.md": """\
        ---
        title: 引言
        order: 1
        ---

        香港是一個繁華的國際都會,「人工智能」發展迅速。

        見[倫理一節](ethics.md#data-privacy)。
        """}), tmp_path / "out"
    first = problems(project, out)
    assert any("zh-punctuation" in p for p in first) and any("parity-headings" in p for p in first)
    assert problems(project, out) == first
    edit(project / "content/zh-hant/intro.md", "都會,", "都會，")  # one problem fixed…
    edit(project / "content/zh-hant/ethics.md", "私隱優先。", "“私隱”優先,")  # …others made, in another page
    edit(project / "content/en/ethics.md", "Privacy first.", "Privacy first (私隱).")
    warm = problems(project, out)
    assert warm != first and warm == problems(project, tmp_path / "cold", cache=False)
    assert any("zh-quotes" in p for p in warm) and any("en-cjk" in p for p in warm)
    edit(project / "templates/page.html", '<div class="prose">', '<div class="prose"><a href="gone.css">x</a>')
    warm = problems(project, out)
    assert warm == problems(project, tmp_path / "cold", cache=False) and any("missing-asset" in p for p in warm)


def test_a_build_without_the_cache_leaves_none_behind_to_mislead_the_next(make_project, tmp_path):
    project, out = make_project(), tmp_path / "out"
    run(project, out)
    edit(project / "content/en/intro.md", "bustling", "busy")
    run(project, out, cache=False)
    assert not (out / ".cache").exists()
    edit(project / "content/en/intro.md", "busy", "lively")
    assert run(project, out) == cold(project, tmp_path)


TAMPERING = {
    "edited": lambda out: (out / "site/en/ethics/index.html").write_text("tampered"),
    "added": lambda out: (out / "site/en/stray.html").write_text("not ours"),
    "deleted": lambda out: (out / "site/zh-hant/index.html").unlink(),
}


@pytest.mark.parametrize("tampering", TAMPERING)
def test_a_warm_build_repairs_what_was_changed_in_the_output_folder(tampering, make_project, tmp_path):
    project, out = make_project(), tmp_path / "out"
    good = run(project, out)
    TAMPERING[tampering](out)
    assert run(project, out) == good  # sources unchanged
    TAMPERING[tampering](out)
    edit(project / "content/en/intro.md", "bustling", "busy")
    assert run(project, out) == cold(project, tmp_path)  # sources changed too


def test_a_parallel_build_writes_what_a_serial_build_writes(make_project, tmp_path):
    sections = {f"s{i:02d}.md": f"---\ntitle: Section {i}\norder: {i}\n---\n\n## Part {i}\n\n"
                                f"See [next](s{(i + 1) % 45:02d}.md#part-{(i + 1) % 45}) and \"quotes\" -- dashes...\n"
                                + ("In Chinese, 香港.\n" if i % 7 == 0 else "")
                for i in range(45)}
    translations = {name: text.replace("Section", "第").replace("See", "見,") for name, text in list(sections.items())[:30]}
    project = make_project(en=sections, zh=translations)
    serial = run(project, tmp_path / "serial", cache=False, jobs=1)
    parallel = run(project, tmp_path / "parallel", cache=False, jobs=2)
    assert parallel == serial
    found = problems(project, tmp_path / "p1", cache=False, jobs=1)  # checks too, their findings made by workers
    assert found == problems(project, tmp_path / "p2", jobs=2)
    assert {"zh-punctuation", "en-cjk", "parity-missing"} <= {p.split("[")[1].split("]")[0] for p in found}
    assert len([p for p in serial if p.endswith("index.html")]) > 64  # enough to use the workers


def test_a_parallel_build_stops_at_the_error_a_serial_build_stops_at(make_project, tmp_path):
    sections = {f"s{i:02d}.md": f"---\ntitle: Section {i}\norder: {i}\n---\n\nText {i}.\n" for i in range(45)}
    project = make_project(en=sections)
    edit(project / "templates/page.html", "{% block main %}",
         '{% block main %}{% if page.entry.key in ("s40", "s20") %}{{ page.no_such_thing }}{% endif %}')
    errors = []
    for jobs in (1, 2):
        with pytest.raises(TemplateError) as caught:
            build(load_config(project), BuildOptions(tmp_path / f"out{jobs}", cache=False, jobs=jobs))
        errors.append((str(caught.value), caught.value.line))
    assert errors[0] == errors[1] and "en/s20/index.html" in errors[0][0]


@given(st.lists(st.sampled_from(["a", "b", "ab", "c", "x.html", ".", "..", ""]), max_size=4),
       st.lists(st.sampled_from(["a", "b", "ab", "c", "x.html", ".", "..", ""]), max_size=4))
def test_the_fast_relative_path_agrees_with_posixpath(target, base):
    target, base = "/".join(target).strip("/") or ".", "/".join(base).strip("/") or "."
    assert _relpath(target, base) == posixpath.relpath(target, base)


def test_a_long_publication_lists_the_sections_around_the_page(make_project, tmp_path):
    sections = {f"s{i:02d}.md": f"---\ntitle: Section {i}\nweight: {100 - i}\n---\n\nText.\n" for i in range(40)}
    project = make_project(en={"intro.md": None, "ethics.md": None, **sections}, zh={"intro.md": None, "ethics.md": None})
    out = tmp_path / "out"
    run(project, out)
    in_order = [f"Section {39 - i}" for i in range(40)]  # by weight, as Hugo orders them
    nav = parse_html(out / "site/en/s05/index.html").xpath('//nav[@class="sections"]/ol')[0]
    start = int(nav.get("start"))
    assert [a.text_content() for a in nav.xpath("li/a")] == in_order[start - 1:start - 1 + NAV_LIMIT]
    assert start - 1 + NAV_LIMIT == len(in_order)  # near the end the window stops at the last section
    assert nav.xpath('li/a[@aria-current="page"]')[0].text_content() == "Section 5"
    first = parse_html(out / "site/en/s39/index.html").xpath('//nav[@class="sections"]/ol')[0]
    assert first.get("start") is None and len(first) == NAV_LIMIT


def test_a_renamed_section_reaches_the_navigation_of_the_pages_around_it(make_project, tmp_path):
    sections = {f"s{i:02d}.md": f"---\ntitle: Section {i}\nweight: {i}\n---\n\nText.\n" for i in range(60)}
    project = make_project(en={"intro.md": None, "ethics.md": None, **sections}, zh={"intro.md": None, "ethics.md": None})
    out = tmp_path / "out"
    before = run(project, out)
    edit(project / "content/en/s30.md", "title: Section 30", "title: Section Thirty")
    warm = run(project, out)
    assert warm == cold(project, tmp_path)
    # The search index (site/<folder>/pagefind/) is made again whole when a page of its edition
    # changes, its files named by their contents: the pages are what this test is about.
    pages = lambda files: {path: data for path, data in files.items() if "/pagefind/" not in path}  # noqa: E731
    warm, before = pages(warm), pages(before)
    assert set(warm) == set(before)
    changed = {path for path in warm if warm[path] != before[path]}
    # Exactly the files that showed the old title: the section's own pages, those whose window of
    # NAV_LIMIT sections held it (in both editions) and the contents pages.
    showed = {path for path, data in before.items() if b"Section 30<" in data}
    assert changed == showed
    assert 2 * NAV_LIMIT <= len(showed) < sum(path.endswith("index.html") for path in before)


def test_digests_tell_values_apart_and_refuse_what_they_cannot_see():
    from markupsafe import Markup

    digest = Digester().hexdigest
    assert digest("a", 1) == digest("a", 1)
    assert len({digest("a<b"), digest(Markup("a<b")), digest(("a<b",)), digest(["a", "<b"]), digest(b"a<b")}) == 5
    with pytest.raises(TypeError):
        digest(object())
    # Table keys too, made from other digesters (other builds): text as itself, the rest by digest.
    key = Digester().table_key
    assert key("a", Path("b"), (1, "c")) == Digester().table_key("a", Path("b"), (1, "c"))
    assert len({key("a<b"), key(Markup("a<b")), key(("a<b",)), key(b"a<b"), key(digest("a<b"))}) == 5
    heading = Heading(2, "why", "Why")
    assert key("parity", heading) == Digester().table_key("parity", Heading(2, "why", "Why"))
    assert key("parity", heading) != key("parity", Heading(2, "why", "Why?"))


PDF_CHANGES = {
    "a Chinese page": (lambda p: edit(p / "content/zh-hant/ethics.md", "私隱優先。", "私隱至上。"), {"zh-Hant-HK"}),
    "the print stylesheet": (lambda p: edit(p / "templates/assets/print.css", "@page", "@page :blank { }\n@page"),
                             {"en-HK", "zh-Hant-HK"}),
    "nothing the editions show (the site's template)": (
        lambda p: edit(p / "templates/page.html", '<div class="prose">', '<div class="prose" id="text">'), set()),
}


@pytest.mark.parametrize("change", PDF_CHANGES)
def test_only_the_editions_whose_inputs_changed_are_laid_out_again(change, make_project, tmp_path, monkeypatch):
    from hkai_publish.editions import pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    laid_out = []
    render_edition = pdf.render_edition
    monkeypatch.setattr(pdf, "render_edition", lambda config, edition, catalog: (
        laid_out.append(edition.locale.tag), render_edition(config, edition, catalog))[1])
    project, out = make_project(), tmp_path / "out"
    run(project, out, only=None, jobs=1)
    assert sorted(laid_out) == ["en-HK", "zh-Hant-HK"]
    laid_out.clear()
    change_files, expected = PDF_CHANGES[change]
    change_files(project)
    warm = run(project, out, only=None, jobs=1)
    assert set(laid_out) == expected
    assert warm == cold(project, tmp_path, only=None)


def test_the_editions_laid_out_in_parallel_are_those_laid_out_one_by_one(make_project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795996800")
    project = make_project()
    serial = run(project, tmp_path / "serial", only="pdf", cache=False, jobs=1)
    parallel = run(project, tmp_path / "parallel", only="pdf", cache=False, jobs=2)
    assert parallel == serial and any(path.endswith(".pdf") for path in serial)


def test_a_reused_page_changed_by_another_build_stops_the_write(tmp_path):
    """Reused pages stay in the last build's folder, known by digest, until written afresh: if
    another build replaced one meanwhile, this build refuses to copy bytes it did not make."""
    from hkai_publish.build import write_outputs
    from hkai_publish.errors import PublishError
    from hkai_publish.machinery.files import digest
    from hkai_publish.machinery.files import Output

    out = tmp_path / "build"
    page = out / "site" / "en" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(b"<p>made by another build</p>")
    made = b"<p>made by this build</p>"
    reused = Output("site/en/index.html", None, page, digest(made), len(made))
    with pytest.raises(PublishError, match="changed by another build"):
        write_outputs(out, [reused])
    assert page.read_bytes() == b"<p>made by another build</p>"
    page.write_bytes(made)  # as the last build left it: copied into the new build folder
    write_outputs(out, [reused])
    assert page.read_bytes() == made


class _DictMemo:
    """A memo in a dict, counting what it stores."""

    def __init__(self):
        self.table: dict = {}

    def table_key(self, *values) -> str:
        return repr(values)

    def lookup(self, table, key):
        return self.table.get((table, key))

    def store(self, table, key, value) -> None:
        self.table[(table, key)] = value


def _two_checks(memo) -> list:
    """Two checks over three documents, check by check, as run_checks reads them."""
    return [remembered(memo, check, (doc,), lambda d, c=check: [f"{c}:{d}"], doc, near=doc)
            for check in ("parity", "lint") for doc in ("x", "y", "z")]


def test_work_on_one_document_is_computed_together_and_the_same_as_in_order():
    from hkai_publish.machinery.memo import _Deferred

    deferred = _Deferred(_DictMemo())
    _two_checks(deferred)
    assert [args for _, (_, args) in deferred.ordered_work()] == [("x",), ("x",), ("y",), ("y",), ("z",), ("z",)]
    memo = _DictMemo()
    compute_everywhere(memo, _two_checks, jobs=2, min_items=2)
    assert len(memo.table) == 6
    assert _two_checks(memo) == _two_checks(None) == [(f"{c}:{d}",) for c in ("parity", "lint") for d in "xyz"]


def test_the_versions_in_the_package_fingerprint_are_importlib_metadata_s():
    """Read from the names of the metadata folders, as cheaply as a rebuild needs them."""
    import importlib.metadata

    from hkai_publish.machinery.digests import LIBRARIES, installed_version

    for name in (*LIBRARIES, "weasyprint", "pytest", "no-such-distribution"):
        try:
            expected = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            expected = "?"
        assert installed_version(name) == expected, name
