"""Content, front matter, config and translations are untrusted for HTML purposes; nothing is
written outside the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONFIG, parse_html, run_cli, snapshot
from hkai_publish.build import write_outputs
from hkai_publish.errors import PublishError
from hkai_publish.machinery.files import Output

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'


def injected(site: Path) -> list[str]:
    """Everything in the built site that could run script: inline scripts, event handlers, script URLs."""
    found = []
    for page in sorted(site.rglob("*.html")):
        doc = parse_html(page)
        found += [f"{page}: inline <script>" for s in doc.iter("script") if not s.get("src")]
        found += [f"{page}: <{el.tag} {name}>" for el in doc.iter() if isinstance(el.tag, str)
                  for name in el.attrib if name.startswith("on")]
        found += [f"{page}: {value}" for value in doc.xpath("//@href | //@src") if value.strip().lower().startswith("javascript:")]
    return found


def test_front_matter_values_are_escaped_everywhere(built):
    title, summary = f"{SCRIPT} Intro & more", f"Summary {IMG} 100%"
    site = built(en={"intro.md": f"""\
        ---
        title: '{title}'
        summary: '{summary}'
        order: 1
        ---

        Text.

        ## Why it matters

        See [the ethics section](ethics.md#data-privacy).
        """}) / "site"
    assert injected(site) == []
    page, contents = parse_html(site / "en/intro/index.html"), parse_html(site / "en/index.html")
    assert page.findtext(".//title").startswith(title)                       # <title>
    assert page.xpath("string(//h1)") == title                                # heading
    assert title in page.xpath('string(//nav[@class="sections"])')            # navigation
    assert page.xpath('string(//p[@class="summary"])') == summary             # summary
    assert title in parse_html(site / "en/ethics/index.html").xpath('string(//a[@rel="prev"])')  # pager
    assert contents.xpath('string(//span[@class="card-summary"])') == summary  # contents cards
    assert SCRIPT not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_config_strings_are_escaped_and_may_hold_percent_signs(built):
    config = CONFIG.replace('subtitle = "Navigating Innovation"', f'subtitle = "{SCRIPT} 100% safe"')
    site = built(config=config.replace("title = ", 'publisher = "R&D <b>team</b>"\ntitle = ', 1)) / "site"
    assert injected(site) == []
    for name in ("index.html", "en/index.html", "zh-hant/index.html"):
        text = parse_html(site / name).text_content()
        assert f"{SCRIPT} 100% safe" in text, name
    footer = parse_html(site / "en/intro/index.html").xpath('string(//footer)')
    assert "R&D <b>team</b>" in footer


@pytest.mark.parametrize("built_before", [False, True])
def test_a_script_in_a_translation_is_refused(make_project, built_before):
    """Also by a rebuild, whose cache holds the catalogue compiled from its earlier, safe bytes."""
    project = make_project()
    if built_before:
        assert run_cli("build", "--only", "site", cwd=project).returncode == 0
    before = snapshot(project / "build") if built_before else None
    po = project / "locales/zh_Hant_HK/LC_MESSAGES/messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "下一章"', f'msgstr "下一章{SCRIPT}"'),
                  encoding="utf-8")
    result = run_cli("build", "--only", "site", cwd=project)
    assert result.returncode == 1 and "translation's HTML markup differs" in result.stderr
    if built_before:
        assert snapshot(project / "build") == before  # the last good build stays
    else:
        assert not (project / "build").exists()


RAW = """\
    ---
    title: Introduction
    order: 1
    ---

    Text with <span class="highlight">raw HTML</span>.

    <div class="box">A block.</div>

    ## Why it matters

    See [the ethics section](ethics.md#data-privacy).
    """


@pytest.mark.parametrize("allowed", [False, True])
def test_raw_html_reaches_the_page_only_when_configured(built, allowed):
    config = CONFIG + f"allow_raw_html = {str(allowed).lower()}\n"
    page = parse_html(built(config=config, en={"intro.md": RAW}) / "site/en/intro/index.html")
    prose = page.xpath('//div[@class="prose"]')[0]
    assert bool(prose.xpath('.//span[@class="highlight"]')) == allowed
    assert bool(prose.xpath('.//div[@class="box"]')) == allowed
    assert ('raw HTML</span>' in prose.text_content()) == (not allowed)


def test_event_handlers_from_attribute_lists_pass_only_with_raw_html(make_project):
    body = RAW.replace("## Why it matters", '## Why it matters {onclick="alert(1)"}')
    refused = run_cli("build", cwd=make_project(en={"intro.md": body}))
    assert refused.returncode == 1 and "[unsafe-html] attribute onclick=" in refused.stderr


@pytest.mark.parametrize("path", ["../evil.txt", "site/../../evil.txt", "/tmp/evil.txt", "", "."])
def test_nothing_is_written_outside_the_output_folder(tmp_path, path):
    out = tmp_path / "deep" / "build"
    out.mkdir(parents=True)
    (out / "site").mkdir()
    (out / "site/keep.html").write_text("previous")
    with pytest.raises(PublishError, match="outside the output folder"):
        write_outputs(out, [Output("site/index.html", b"ok"), Output(path, b"evil")])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == \
        ["deep", "deep/.build.lock", "deep/build", "deep/build/site", "deep/build/site/keep.html"]
    assert not Path("/tmp/evil.txt").exists()


def test_two_outputs_at_one_path_are_refused(tmp_path):
    with pytest.raises(PublishError, match="two outputs claim the same path: site/a.html"):
        write_outputs(tmp_path / "build", [Output("site/a.html", b"1"), Output("site/a.html", b"2")])
    assert not (tmp_path / "build").exists()
