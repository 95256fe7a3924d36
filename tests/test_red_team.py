"""Hostile input found by a red-team pass on 2026-12-03 (beyond tests/data/bad/ and the issue's
list): each builds, or fails with a `file:line: message`, exit 1, never a traceback or a hang.
What a case expects: None, a build; else the start of the first line printed."""

from __future__ import annotations

import pytest

from conftest import CONFIG, run_cli, write_project

FM = "---\ntitle: {t}\norder: 1\n{extra}---\n\n{body}\n"
def page(body="Text.", t="Intro", extra=""): return FM.format(t=t, extra=extra, body=body)
CASES = {
 "title-100k": dict(en={"intro.md": page(t="T" * 100_000)}),
 "order-inf": dict(en={"intro.md": "---\ntitle: Intro\norder: 1e309\n---\n\nText.\n"}),
 "date-year-1": dict(en={"intro.md": page(extra="date: 0001-01-01\n")}),
 "date-year-9999": dict(en={"intro.md": page(extra="date: 9999-12-31\n")}),
 "slug-dotdot": dict(en={"intro.md": page(extra="slug: ..\n")}),
 "slug-root": dict(en={"intro.md": page(extra="slug: /\n")}),
 "slug-percent": dict(en={"intro.md": page(extra="slug: '%2e%2e/x'\n")}),
 "link-angle-passwd": dict(en={"intro.md": page("[x](<../../../etc/passwd>)")}),
 "image-file-url": dict(en={"intro.md": page("![a](file:///etc/passwd)")}),
 "heading-id-empty": dict(en={"intro.md": page("## A {#}\n\n## B {#a b}")}),
 "footnote-self": dict(en={"intro.md": page("Text[^1].\n\n[^1]: Note[^1].")}),
 "alias-escape": dict(en={"intro.md": page(extra="aliases: ['../../x', '/']\n")}),
 "index-and-readme": dict(en={"guide/index.md": page(t="G1"), "guide/README.md": page(t="G2")}),
 "yaml-bomb": dict(en={"intro.md": "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\ntitle: Intro\n---\n\nText.\n"}),
 "keywords-dict": dict(en={"intro.md": page(extra="keywords: {a: b}\n")}),
 "tabs-unclosed": dict(en={"intro.md": page('<Tabs>\n<TabItem label="A">\n\nText\n')}),
 "container-unclosed": dict(en={"intro.md": page(":::note\n\nText")}),
 "container-deep": dict(en={"intro.md": page("".join(f"{':' * (3 + i)}note\n" for i in range(300)) + "x\n")}),
 "languages-empty": dict(config=CONFIG + "languages = []\n"),
 "pdf-name-empty": dict(config=CONFIG.replace('pdf_name = "brochure"', 'pdf_name = ""')),
 "cover-escape": dict(config=CONFIG + 'cover_image = "../../../etc/passwd"\n'),
 "static-abs": dict(config=CONFIG + 'cover_image = "/etc/passwd"\n'),
 "title-bidi": dict(en={"intro.md": page(t="'\u202eevil\u202c'")}),
 "html-comment-unclosed": dict(en={"intro.md": page("<!-- never closed\n\nText")}),
 "table-10k-cols": dict(en={"intro.md": page("|" + "a|" * 10000 + "\n|" + "-|" * 10000)}),
 "link-ref-loop": dict(en={"intro.md": page("[a][b]\n\n[b]: [a]\n[a]: [b]")}),
 "emoji-title": dict(en={"intro.md": page(t="🐬✅")}),
 "zero-width-slug": dict(en={"intro.md": page(extra="slug: \"\u200b\"\n")}),
 "front-matter-only-dashes": dict(en={"intro.md": "---\n---\n"}),
 "crlf-front-matter": dict(en={"intro.md": "---\r\ntitle: Intro\r\norder: 1\r\n---\r\n\r\nText.\r\n"}),
 "cr-only": dict(en={"intro.md": "---\rtitle: Intro\rorder: 1\r---\r\rText.\r"}),
 "utf16-bom": dict(),
 "md-directory": dict(),
 "template-include-etc": dict(),
}

EXPECTED = {
    'title-100k': None,
    'order-inf': "content/en/intro.md:3: front matter 'order' must be a non-empty",
    'date-year-1': None,
    'date-year-9999': None,
    'slug-dotdot': "content/en/intro.md:4: slug '..' must be a URL path of letters,",
    'slug-root': "content/en/intro.md:4: slug '/' is the language's contents page",
    'slug-percent': "content/en/intro.md:4: slug '%2e%2e/x' must be a URL path of le",
    'link-angle-passwd': "content/en/intro.md:6: [broken-link] link to missing page '../.",
    'image-file-url': "content/en/intro.md:6: [unsafe-html] URL 'file:///etc/passwd' i",
    'heading-id-empty': None,
    'footnote-self': None,
    'alias-escape': "content/en/intro.md:4: alias '../../x' must be a URL path of le",
    'index-and-readme': "content/en/guide/index.md:1: slug 'guide' is already the URL of conte",
    'yaml-bomb': None,
    'keywords-dict': "content/en/intro.md:4: front matter 'keywords' must be a non-em",
    'tabs-unclosed': None,
    'container-unclosed': None,
    'container-deep': None,
    'languages-empty': 'pyproject.toml:7: languages is empty',
    'pdf-name-empty': 'pyproject.toml:5: pdf_name must be a plain file name, got ',
    'cover-escape': 'pyproject.toml:7: cover_image must be in content/ or templ',
    'static-abs': 'pyproject.toml:7: cover_image must be in content/ or templ',
    'title-bidi': None,
    'html-comment-unclosed': None,
    'table-10k-cols': 'content/en/intro.md:6: line of 20001 characters: at most 20000 ',
    'link-ref-loop': "content/en/intro.md:6: [broken-link] link to missing page '[a]'",
    'emoji-title': None,
    'zero-width-slug': "content/en/intro.md:4: slug '\\u200b' must be a URL path of lett",
    'front-matter-only-dashes': 'content/en/intro.md:1: no title: give the page a `# heading`, o',
    'crlf-front-matter': None,
    'cr-only': 'content/en/intro.md:1: no title: start the page with a `# headi',
    'utf16-bom': 'content/en/intro.md:1: invalid UTF-8 (byte 0xff); save the file',
    'md-directory': 'content/en/dir.md:1: cannot read the file: Is a directory',
    'template-include-etc': "templates/page.html:49: template '../../../../etc/passwd' not fo",
}


def _special(name: str, project) -> None:
    if name == "utf16-bom":
        (project / "content/en/intro.md").write_bytes("---\ntitle: Intro\n---\n\nText.\n".encode("utf-16"))
    elif name == "md-directory":
        (project / "content/en/dir.md").mkdir()
    elif name == "template-include-etc":
        template = project / "templates/page.html"
        template.write_text(template.read_text() + '{% include "../../../../etc/passwd" %}')


WITH_PDF = {"cover-escape", "static-abs", "emoji-title", "pdf-name-empty"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_red_team_input_builds_or_fails_clearly(name, tmp_path):
    project = write_project(tmp_path, **CASES[name])
    _special(name, project)
    result = run_cli("build", *([] if name in WITH_PDF else ["--only", "site"]), cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    expected = EXPECTED[name]
    if expected is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode == 1
        assert result.stderr.startswith(expected), result.stderr
