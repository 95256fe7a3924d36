"""The Markdown stage on its own: CJK line joining, shared anchors, link rewriting, raw HTML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from hkai_publish.sources.content import Document
from hkai_publish.sources.locales import parse_locale
from hkai_publish.markdown.inline import _search
from hkai_publish.markdown.renderer import MarkdownRenderer, render_markdown

ZH = parse_locale("zh-Hant-HK")
EN = parse_locale("en-HK")


def doc(body: str, locale=ZH) -> Document:
    return Document(Path("x.md"), "x", locale, {"title": "x"}, body, 5, "0")


@pytest.mark.parametrize("source, expected", [
    ("第一行\n第二行", "<p>第一行第二行</p>"),
    ("句子，\n續句。", "<p>句子，續句。</p>"),
    ("研究院和\n**創新基金**等", "<p>研究院和<strong>創新基金</strong>等</p>"),
    ("**創新基金**\n等措施", "<p><strong>創新基金</strong>等措施</p>"),
    ("人工智能 AI\nand more", "<p>人工智能 AI\nand more</p>"),
    ("English\n中文", "<p>English\n中文</p>"),
])
def test_line_breaks_between_cjk_characters_are_dropped(source, expected):
    assert render_markdown(doc(source)).html == expected


@pytest.mark.parametrize("source, code", [
    ("    第一行\n    第二行\n", "第一行\n第二行\n"),  # an indented code block
    (">     第一行\n>     第二行\n", "第一行\n第二行\n"),  # one in a quote
    ("- 項目\n\n        第一行\n        第二行\n", "第一行\n第二行\n"),  # one in a list item
    ("文字 `代碼\n一` 文字", "代碼\n一"),  # a code span keeps what it holds
])
def test_code_keeps_its_line_breaks_between_chinese_lines(source, code):
    html = render_markdown(doc(source)).html
    assert code in html, html


def test_translation_headings_take_the_original_anchors_in_order():
    rendered = render_markdown(doc("## 數據私隱\n\n文字\n\n## 自訂 {#own}\n\n## 第三"), ["data-privacy", "x", "third"])
    assert [h.id for h in rendered.headings] == ["data-privacy", "own", "third"]


def test_links_to_markdown_files_are_resolved_and_recorded():
    rendered = render_markdown(doc("見[這裏](other.md#a)及[外部](https://example.org)。"),
                               resolve_link=lambda href: "../other/#a" if href.startswith("other.md") else None)
    assert 'href="../other/#a"' in rendered.html and 'href="https://example.org"' in rendered.html
    assert rendered.links == ("other.md#a", "https://example.org")


def test_raw_html_is_escaped_unless_allowed():
    body = "<div class=\"x\">hi</div>\n\nText <b>bold</b>."
    assert "<div" not in render_markdown(doc(body)).html
    assert "&lt;b&gt;" in render_markdown(doc(body)).html
    allowed = render_markdown(doc(body), allow_raw_html=True).html
    assert '<div class="x">' in allowed and "<b>bold</b>" in allowed


# The fast inline pass must change nothing: compare it with Python-Markdown's own, on text made of
# every character an inline pattern looks for, and with one renderer reused across documents.
PIECES = ["word", "Hong Kong's", "港", "人工智能", " ", "\n", "\n\n", "'", '"', "*", "**", "_", "`", "``",
          "[", "]", "(", ")", "![", "<", ">", "&", "&amp;", "\\", "--", "---", "...", "#", "## ", "- ", "1. ",
          "[^1]", "[^1]: note\n", "{#id}", "http://x.org", "<b>", "</b>", "[a](b.md#c)", "|", "  \n", "    ",
          "*[HTML]: Hyper\n", "HTML", "> ", "```\n", "Term\n: Definition\n", "'80s", "<<", ">>",
          # what smarty's quote patterns look at around a quote
          "&nbsp;", "&mdash;", "&#8211;", "–", "—", "----", "....", "'s", "s", "9", ".", ",", "{", "\t"]
stock = MarkdownRenderer(fast_inline=False, fast_blocks=False)
fast = MarkdownRenderer()
fast_raw = MarkdownRenderer(allow_raw_html=True)
stock_blocks = MarkdownRenderer(fast_blocks=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.booleans())
def test_the_fast_inline_pass_renders_exactly_as_python_markdown(pieces, raw):
    document = doc("".join(pieces))
    expected = MarkdownRenderer(raw, fast_inline=False, fast_blocks=False).render(document, ["a", "b"],
                                                                                   lambda h: f"/{h}")
    assert (fast_raw if raw else fast).render(document, ["a", "b"], lambda h: f"/{h}") == expected


# The same for the block parser's shortcut: documents made of lines that each block processor
# looks for (and plain ones), joined within blocks and between them.
LINES = ["Plain words here", "港人 AI", "## Heading", "# Top", "===", "---", "***", "___", "- item", "+ item",
         "* item", "1. one", "2) two", "> quote", ": definition", "Term", "[^1]: note", "[ref]: http://x.org",
         "*[HTML]: Hyper Text", "0. zero", '<div markdown="1">', "| a | b |", "|---|---|", "a | b", "    code", "  indented", "```", "~~~",
         "<div>", "</div>", "<https://x.org>", "1999 was", "-1 below", "=equal", "\\# not", "text :", "   ",
         "***bold***", "[link](x.md)", "_under_", "x"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(LINES), st.sampled_from(["\n", "\n\n", "\n\n\n"])), max_size=25),
       st.booleans())
def test_the_block_shortcut_renders_exactly_as_python_markdown(lines, raw):
    document = doc("".join(line + sep for line, sep in lines))
    expected = MarkdownRenderer(raw, fast_blocks=False).render(document)
    assert (fast_raw if raw else fast).render(document) == expected


def test_the_block_shortcut_renders_every_pair_of_lines_as_python_markdown():
    """Each line under each other line, in one block: a table's head under its first row, a
    setext underline under a heading's text, a list item under a paragraph's line…"""
    stock_raw = MarkdownRenderer(allow_raw_html=True, fast_blocks=False)
    for first in LINES:
        for second in LINES:  # each a document of its own: a fence would hide what follows it
            document = doc(f"{first}\n{second}\n\n{first}")
            assert fast.render(document) == stock_blocks.render(document), document.body
            assert fast_raw.render(document) == stock_raw.render(document), document.body
    for digit in "0123456789":  # an ordered list may start with any of them
        document = doc(f"{digit}. item\n\n{digit}) item")
        assert fast.render(document) == stock_blocks.render(document), document.body


class _Admonition:
    """A block processor the shortcut knows nothing of: `!!! text` becomes <div class="adm">."""

    @staticmethod
    def make(parser):
        from markdown.blockprocessors import BlockProcessor

        class Admonition(BlockProcessor):
            def test(self, parent, block):
                return block.startswith("!!!")

            def run(self, parent, blocks):
                div = etree.SubElement(parent, "div", {"class": "adm"})
                div.text = blocks.pop(0)[3:].strip()

        return Admonition(parser)


def test_the_block_shortcut_is_taken_only_with_the_processors_it_knows():
    assert fast.md.parser.parseBlocks.__name__ == "parse_blocks"
    assert stock.md.parser.parseBlocks.__func__ is type(stock.md.parser).parseBlocks
    from hkai_publish.markdown.paragraphs import plain

    document = doc("Intro.\n\n!!! careful now\n\n* a list")
    for registered_after in (False, True):  # before the renderer's fast paths, and after them
        other = MarkdownRenderer(fast_blocks=registered_after)
        other.md.parser.blockprocessors.register(_Admonition.make(other.md.parser), "admonition", 105)
        if not registered_after:
            from hkai_publish.markdown.paragraphs import install_fast_paragraphs
            install_fast_paragraphs(other.md)
        assert '<div class="adm">careful now</div>' in other.render(document).html, registered_after
    assert plain("Hong Kong\nis a city") and not plain("Hong Kong\n- a list") and not plain("text\n===")


def test_an_inline_pattern_registered_after_the_renderer_is_made_is_applied():
    from markdown.inlinepatterns import SimpleTagInlineProcessor
    from markdown.extensions.smarty import SubstituteTextPattern

    document = doc("Keep ==this== and (c) 2026.")
    for renderer in (MarkdownRenderer(), MarkdownRenderer(fast_inline=False)):
        assert "<mark>" not in renderer.render(document).html  # rendered once before: the passes are set up
        renderer.md.inlinePatterns.register(SimpleTagInlineProcessor(r"()==(.+?)==", "mark"), "mark", 65)
        smarty = renderer.md.treeprocessors["smarty"].inlinePatterns
        smarty.register(SubstituteTextPattern(r"\(c\)", ("&copy;",), renderer.md), "copyright", 5)
        html = renderer.render(document).html
        assert "<mark>this</mark>" in html and "&copy; 2026" in html, html


def test_a_block_level_tag_added_after_the_renderer_is_made_is_block_level():
    for renderer in (MarkdownRenderer(allow_raw_html=True), MarkdownRenderer(allow_raw_html=True, fast_blocks=False)):
        assert renderer.md.is_block_level("x-callout") is False
        renderer.md.block_level_elements.append("x-callout")
        assert renderer.md.is_block_level("x-callout") is True
        html = renderer.render(doc("<x-callout>\n*not emphasis*\n</x-callout>\n\nAfter.")).html
        assert "<em>" not in html and "<x-callout>" in html, html


def test_the_block_level_table_answers_as_python_markdown():
    from xml.etree.ElementTree import Comment

    tags = [*stock.md.block_level_elements, "DIV", "p/", "Table", "span", "a", "", "x-div", Comment, None, 3]
    assert fast.md.is_block_level.__name__ == "is_block_level" and "is_block_level" not in vars(stock.md)
    for tag in tags * 2:  # asked again: answered from the table
        assert fast.md.is_block_level(tag) == stock.md.is_block_level(tag), tag
        assert fast_raw.md.is_block_level(tag) == stock.md.is_block_level(tag), tag
    assert fast.md.is_block_level(["div"]) is False  # unhashable: no tag


def test_the_fast_inline_passes_are_in_use():
    kinds = [type(fast.md.treeprocessors[name]).__name__ for name in ("inline", "smarty")]
    assert kinds == ["_FastInline", "_Typographer"]
    assert type(stock.md.treeprocessors["inline"]).__name__ == type(stock.md.treeprocessors["smarty"]).__name__ \
        == "InlineProcessor"
    assert fast.render(doc("It's -- \"quoted\"...")).html == stock.render(doc("It's -- \"quoted\"...")).html \
        == "<p>It&rsquo;s &ndash; &ldquo;quoted&rdquo;&hellip;</p>"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="'\"-. .s9aé\t\n\x02\x03&;#nbsp", max_size=30), st.integers(0, 5))
def test_the_typographer_finds_what_a_plain_search_finds(text, pos):
    """It tries only the starts near a quote, dash or dot: the same first match, from any position."""
    for regex, _, anchor in fast.md.treeprocessors["smarty"].patterns:
        expected, found = regex.search(text, pos), _search(regex, text, pos, anchor)
        assert (expected and expected.span()) == (found and found.span()), regex.pattern



@pytest.mark.parametrize("body", [
    "Intro.\n\n[TOC]\n\n## First\n\nText.\n\n### Inner\n\n## Second",
    "- [TOC]\n\n## First",  # the marker as the whole text of another element
    "## [TOC]\n\nA heading is no place for it.\n\n## Next",
    "## First\n\nNo marker here, [TOC] only within a sentence.",
])
def test_a_contents_list_is_made_where_toc_would_make_one(body):
    """The HTML contents are built only where a text is `[TOC]`; the output is toc's own."""
    from markdown.extensions.toc import TocTreeprocessor

    theirs = MarkdownRenderer()
    toc = theirs.md.treeprocessors["toc"]
    stock_toc = TocTreeprocessor.__new__(TocTreeprocessor)
    stock_toc.__dict__.update(vars(toc))
    theirs.md.treeprocessors.register(stock_toc, "toc", 5)
    expected = theirs.render(doc(body, parse_locale("en-HK")))
    assert fast.render(doc(body, parse_locale("en-HK"))) == expected
    if "\n[TOC]\n" in body:
        assert '<div class="toc">\n<ul>\n<li><a href="#first">First</a><ul>\n<li><a href="#inner">Inner</a>' \
            in expected.html


def test_python_markdown_is_a_release_the_fast_paths_were_tested_against():
    """The fast paths override private methods of Python-Markdown: on a release they were not
    compared against they switch themselves off, and this test says why it fails."""
    import markdown

    from hkai_publish.markdown.renderer import TESTED_MARKDOWN, fast_paths_tested

    assert fast_paths_tested(), (
        f"Python-Markdown {markdown.__version__} is not among the releases the fast paths were tested "
        f"against ({', '.join(TESTED_MARKDOWN)}): the build uses Python-Markdown's own code, slower. Run "
        "tests/markdown with the new release and, where every comparison passes, add it to TESTED_MARKDOWN "
        "and to the pin in pyproject.toml.")
    assert not fast_paths_tested("3.12.0") and not fast_paths_tested("4.0")
    pin = re.search(r'"markdown>=([\d.]+),<([\d.]+)"', (REPO / "pyproject.toml").read_text()).groups()
    assert pin == (TESTED_MARKDOWN[0], "3.12"), "pyproject.toml's pin and TESTED_MARKDOWN disagree"


def test_on_an_untested_release_the_renderer_uses_python_markdown_as_it_is(monkeypatch):
    import markdown

    monkeypatch.setattr(markdown, "__version__", "3.99.0")
    from hkai_publish.markdown import renderer as renderer_module

    monkeypatch.setattr(renderer_module.fast_paths_tested, "__defaults__", ("3.99.0",))
    plain = renderer_module.MarkdownRenderer()
    assert plain.md.parser.parseBlocks.__func__ is type(plain.md.parser).parseBlocks
    assert type(plain.md.treeprocessors["inline"]).__name__ == "InlineProcessor"
    assert plain.render(doc("Hello *world*.")).html == fast.render(doc("Hello *world*.")).html


def _github_ids(body: str, anchor_ids=()) -> list[str]:
    rendered = MarkdownRenderer(allow_raw_html=True, heading_ids="github").render(doc(body, EN), anchor_ids)
    return [h.id for h in rendered.headings]


def test_github_ids_number_repeats_as_github_slugger_does():
    # github-slugger: slug('foo') 'foo', again 'foo-1'; after a literal 'foo-1', 'foo' is 'foo-2'.
    assert _github_ids("## Foo\n\n## Foo\n\n## Foo") == ["foo", "foo-1", "foo-2"]
    assert _github_ids("## Foo 1\n\n## Foo\n\n## Foo") == ["foo-1", "foo", "foo-2"]
    assert _github_ids("## A - B\n\n## RLP Encoding \\(Example\\)\n\n## `eth_call` & more") == [
        "a---b", "rlp-encoding-example", "eth_call--more"]


def test_github_ids_keep_the_space_before_a_raw_anchor_as_docusaurus_does():
    # docs.kaia.io: `## Units of KAIA <a id="units-of-klay"></a>` has id units-of-kaia- and the anchor.
    rendered = MarkdownRenderer(allow_raw_html=True, heading_ids="github").render(
        doc('## Units of KAIA <a id="units-of-klay"></a>\n\n## Same <a id="same"></a>', EN))
    assert [h.id for h in rendered.headings] == ["units-of-kaia-", "same-"]
    assert {"units-of-kaia-", "units-of-klay", "same"} <= set(rendered.anchors)


def test_github_ids_leave_explicit_and_original_ids():
    assert _github_ids("## Foo {#own}\n\n## Foo") == ["own", "foo"]
    assert _github_ids("## 甲\n\n## 乙", ["first", "second"]) == ["first", "second"]


@pytest.mark.parametrize("heading_ids", ["python-markdown", "github"])
def test_a_raw_anchor_after_smart_quotes_leaves_the_heading_whole(heading_ids):
    import html

    # kaia-docs: `#### Get the EN's KNI <a id="get-the-ens-kni"></a>` came out as "Get the EN\x02wzxhzd":
    # the anchor was cut at an offset taken before smarty stashed the apostrophe.
    renderer = MarkdownRenderer(allow_raw_html=True, heading_ids=heading_ids)
    for body, text in (("#### Get the EN's KNI <a id=\"get-the-ens-kni\"></a>", "Get the EN’s KNI"),
                       ('#### 建議的 "Azure "規格<a id="recommended-specification-for-azure"></a>', "建議的 “Azure “規格")):  # smarty reads the second as opening
        rendered = renderer.render(doc("Intro.\n\n" + body, EN))
        assert "\x02" not in rendered.html and "wzxhzdk" not in rendered.html
        assert [html.unescape(h.text) for h in rendered.headings] == [text]
