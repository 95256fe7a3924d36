"""How the checks read HTML quickly: lxml for check_html_outputs, a regex for check_unsafe_markup
where the markup is plain. Each must find exactly what the pure-Python html.parser (Html) finds."""

from __future__ import annotations

import posixpath
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from hkai_publish.checks.runner import _resolve_on_page, _resolve_ref, _site_path
from hkai_publish.checks.markup import PLAIN_MARKUP, Html, markup_attributes, scan_html
from hkai_publish.sources.content import Document
from hkai_publish.sources.locales import parse_locale
from hkai_publish.markdown.renderer import MarkdownRenderer

VALUES = st.lists(st.sampled_from(["a", "Z", "1", "-", "#", "/", ".", "..", "?", "=", " ", "&amp;", "&lt;",
                                  "&#35;", "&quot;", "'", "港", "x.md", "https://", "mailto:", "data:"]),
                  max_size=6).map("".join)
ATTRIBUTES = st.dictionaries(st.sampled_from(["id", "href", "src", "class", "alt", "title", "lang", "xlink:href"]),
                             VALUES, max_size=3)
TEXT = st.sampled_from(["", "words", "港口", " &amp; ", "&lt;a href=x&gt;", "\n", "1 &lt; 2"])


def _element(tag: str, attributes: dict[str, str], inner: str) -> str:
    attrs = "".join(f' {name}="{value}"' for name, value in attributes.items())
    return f"<{tag}{attrs}>" if tag in ("img", "br", "hr") else f"<{tag}{attrs}>{inner}</{tag}>"


def _tree(depth: int):
    tags = ["div", "p", "a", "span", "section", "nav", "li", "img", "br", "h2", "figure", "code", "svg"]
    leaf = st.builds(lambda t: t, TEXT)
    if depth == 0:
        return leaf
    child = st.builds(_element, st.sampled_from(tags), ATTRIBUTES,
                      st.lists(_tree(depth - 1), max_size=3).map("".join))
    return st.one_of(leaf, child)


DOCUMENTS = st.builds(
    lambda title, html_attrs, body, script: (
        f"<!DOCTYPE html>\n{_element('html', html_attrs, '')[:-7]}<head><meta charset=\"utf-8\">"
        + (f"<title>{title}</title>" if title is not None else "")
        + f"</head><body>{body}{script}</body></html>"),
    st.one_of(st.none(), TEXT), ATTRIBUTES, st.lists(_tree(3), max_size=4).map("".join),
    st.sampled_from(["", "<script>var a = '<a href=\"x\" id=\"y\">';</script>", "<style>a[id=x]{}</style>",
                     "<!-- <a href='gone'> -->", "<svg><title>Chart</title><use href=\"#c\"/></svg>"]))


def _old_scan(text: str) -> tuple:
    html = Html(text)
    return html.title, dict(html.ids), [value for _tag, value in html.refs if value]


def _new_scan(text: str) -> tuple:
    title, ids, refs = scan_html(text)
    return title, ids, [value for value in refs if value]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_lxml_finds_the_title_ids_and_urls_that_html_parser_finds(document):
    assert _new_scan(document) == _old_scan(document)
    assert scan_html(document.encode("utf-8")) == scan_html(document), "a page's bytes read as its text"


def test_lxml_and_html_parser_agree_on_every_page_of_a_real_build(make_project):
    project = make_project()
    assert run_cli("build", "--only", "site", cwd=project).returncode == 0
    pages = sorted((project / "build" / "site").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert _new_scan(text) == _old_scan(text), page
        assert scan_html(text)[0] and scan_html(text)[2]


def test_documents_lxml_refuses_or_finds_empty_are_scanned_too():
    assert scan_html("") == (None, {}, [])
    declared = '<?xml version="1.0" encoding="utf-8"?><html><title>T</title><a id="a" href="x.html">'
    assert scan_html(declared) == ("T", {"a": 1}, ["x.html"])
    # Bytes are UTF-8 whatever the page declares, and bytes that are not UTF-8 are U+FFFD as
    # decoding with "replace" makes them (lxml makes one of each byte of a cut-off character).
    for page in ('<?xml version="1.0" encoding="latin-1"?><html><title>港</title><a id="港">'.encode(),
                 '<meta charset="iso-8859-1"><title>港</title><a id="港">'.encode(),
                 b'<title>\xff\xfe bad</title><a id="\xe6\xb8">'):
        assert scan_html(page) == _old_scan(page.decode("utf-8", "replace")), page


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["..", ".", "a", "b.html", "?q", "#f", "/", "x/", "?", "#", "港"]), min_size=1,
                max_size=5).map("".join).filter(lambda url: not url.startswith("/")),
       st.sampled_from(["index.html", "en/index.html", "en/doc/index.html", "en/", "", "a.html"]))
def test_urls_resolve_as_site_path_resolves_them(url, page):
    target, _, fragment = url.partition("#")
    resolved = _site_path(page, target.partition("?")[0]) if target else None
    index = resolved and posixpath.join(resolved, "index.html")
    base = page if page.endswith("/") else posixpath.dirname(page)
    assert _resolve_ref(base, url) == (url, resolved, index, fragment)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["../", "..", ".", "a", "b.html", "?q", "#f", "/", "x/", "#", "港"]), min_size=1,
                max_size=5).map("".join).filter(lambda url: not url.startswith("/")),
       st.sampled_from(["", "en", "en/doc", "en/doc/more", "a.b/c", "en/.", "en/..", "../en", "en//doc", "./en"]))
def test_urls_that_leave_the_folder_resolve_as_from_the_page_itself(url, base):
    assert _resolve_on_page(base, url) == _resolve_ref(base, url)


# check_unsafe_markup reads a page body's attributes by regex where the markup is as Python-Markdown
# writes it, else with html.parser: both must read the same, on Markdown built to smuggle script in.
ATTACKS = ["word ", "\n\n", "[link](x.md)", "![img](a.png)", "{onclick=alert(1)}", "{: style=\"color:red\"}",
           "{: #id .cls}", "{ OnMouseOver='x' }", "{data=javascript:x}", "{href=\"&#106;avascript:x\"}",
           "[x](javascript:alert(1))", "[x](JaVa\tScRiPt:1)", "![a](data:image/png;base64,xx)",
           "<script>alert(1)</script>", "<b onclick=x>", "&amp;", "&lt;a href=x&gt;", "`<i>`", "## Head {#h}\n",
           "[^1]\n\n[^1]: note\n", "*[HTML]: Hyper\n", "HTML", "> quote\n", "```\n<a href=x>\n```\n", "\n- item",
           "<!-- c -->", "[t](u \"ti\"tle\")", "\n|a|b|\n|-|-|\n|1|2|\n"]
renderer = MarkdownRenderer()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ATTACKS), max_size=12).map("".join))
def test_markdown_bodies_attributes_are_read_as_html_parser_reads_them(markdown):
    html = renderer.render(Document(Path("x.md"), "x", parse_locale("en-HK"), {"title": "x"}, markdown, 1, "0")).html
    assert markup_attributes(html) == Html(html).attributes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_any_markup_attributes_are_read_as_html_parser_reads_them(document):
    assert markup_attributes(document) == Html(document).attributes


def test_markup_the_regex_cannot_vouch_for_goes_to_html_parser():
    for html in ['<p><SCRIPT>x = "<a href=\'javascript:1\'>"</SCRIPT></p>', "<a href='javascript:1'>x</a>",
                 '<a onclick=x href="y">', "<!-- <a href=\"x\" onclick=\"y\"> -->", '<a href="x"\nonclick="y">']:
        assert not PLAIN_MARKUP.fullmatch(html)
        assert markup_attributes(html) == Html(html).attributes
    assert markup_attributes('<p><a HREF="&#106;avascript:x" OnClick="y">t</a><br /></p>') == \
        [("a", "href", "javascript:x"), ("a", "onclick", "y")]


def test_markup_that_is_not_plain_is_told_at_once():
    # Without possessive repeats, the regex tried every split of the text: 30 characters took seconds.
    for html in ["word " * 20000 + "<!", "<p>word <b>bold</b> </p>" * 5000 + "<", '<a href="x"' * 5000 + " onclick=y>"]:
        assert not PLAIN_MARKUP.fullmatch(html)
