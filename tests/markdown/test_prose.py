"""The prose the word checks read: the quick blank_markup and figure reading must give exactly what
the plain versions (every pattern on every text, kept here as the reference) give."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO
from hkai_publish.checks import figures
from hkai_publish.markdown import prose

# blank_markup as it was before patterns were skipped by the strings their matches contain.
# (A backtick ends a URL: `http://localhost:3000` is code around it.)
_URL = (r"(?:https?|ftp)://[^\s<>()\[\]{}\"'`，。、；：！？「」『』（）《》]+"
        r"|\bwww\.[A-Za-z0-9-]+\.[^\s<>()\[\]{}\"'`，。、；：！？「」『』（）《》]+")
_DROP = [re.compile(p, flags) for p, flags in [
    (r"<!--.*?-->", re.S), (r"(`+)(?:(?!\1).)+?\1", re.S),
    (r"<(?:https?|ftp|mailto):[^>\s]*>|<[^@\s<>]+@[^@\s<>]+>", 0), (r"\[\^[^\]\s]+\]:?", 0),
    (r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M), (r"^\*\[[^\]\n]+\]:", re.M), (prose.ATTR_LIST.pattern, 0),
    (r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>", 0), (r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);", 0),
    (_URL, 0), (r"^[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|#{1,6}(?=[ \t]|$)|:[ \t]+)?", re.M),
    (r"[ \t]+#+[ \t]*$", re.M), (r"^[ \t]*([-*_=])(?:[ \t]*\1){2,}[ \t]*$", re.M),
    (r"\*{1,3}|~~|(?<!\w)_{1,3}|_{1,3}(?!\w)|\\(?=[!-/:-@\[-`{-~])", 0),
]]


def _spaces(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _sub_all(patterns, text: str) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda m: _spaces(m.group()), text)
    return text


def reference_blank_markup(body: str, drop_foreign: bool = False) -> str:
    text = "\n".join(line if kind == "text" else "" for kind, line in prose._classify(body))
    if drop_foreign:
        text = _sub_all([pattern for pattern, _ in prose._FOREIGN], text)
    text = _sub_all(_DROP[:2], text)
    text = prose._LINK.sub(lambda m: _spaces(m.group()[: m.start(1) - m.start()]) + m.group(1)
                           + _spaces(m.group()[m.end(1) - m.start():]), text)
    text = _sub_all(_DROP[2:10], text)
    text = _sub_all([pattern for pattern, _ in prose._COMPONENT_MARKS], text)
    return _sub_all(_DROP[10:], text)


PIECES = ["word", "Hong Kong", "香港", "創新", " ", "  ", "\t", "\n", "\n\n", "    ", "# ", "## ", " ##", "#",
          "- ", "1. ", "> ", ": ", "*", "**", "_", "__", "~~", "\\*", "\\", "`", "``", "<!--", "-->", "<b>",
          "</span>", '<span lang="zh">', "<https://x.org>", "<a@b.c>", "[", "]", "(", ")", "![", "[^1]",
          "[^1]: ", "[ref]: http://x.org", "*[HTML]: ", "{#id}", "{: .c}", "{lang=zh-Hant}", "*港*{lang=zh}",
          "&amp;", "&#35;", "http://example.org/a_b", "https://", "www.gov.hk", "ftp://f", "---", "***",
          "===", "```\n", "~~~\n", "1,000", "3.5", "二〇一七", "three", "Twenty-one", "million", "億", "％",
          "５０", "１. ", "_x_", "a_b", "\\_", "\\~", "~", "\\#", "- - -", " * * *", "  ___", "#  ", "= = =",
          ":::note", "::::", ":::tip[Title]", "!!! warning", "credit: ", "Credit:"]
MARKDOWN = st.lists(st.sampled_from(PIECES), max_size=50).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN, st.booleans())
def test_blank_markup_blanks_exactly_what_every_pattern_blanks(body, drop_foreign):
    assert prose.blank_markup(body, drop_foreign) == reference_blank_markup(body, drop_foreign)
    assert prose._blank_urls(body) == re.sub(_URL, lambda m: _spaces(m.group()), body)


def test_blank_markup_matches_the_reference_on_this_publication():
    sources = sorted((REPO / "content").rglob("*.md")) + sorted((REPO / "tests" / "data").rglob("*.md"))
    assert len(sources) > 10
    for path in sources:
        body = Path(path).read_text(encoding="utf-8", errors="replace")
        for drop_foreign in (False, True):
            assert prose.blank_markup(body, drop_foreign) == reference_blank_markup(body, drop_foreign), path


# Figures as they were read before one pass served both stated_figures and known_values.
_DIGITS = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?")
_EN_WORD = re.compile(r"\b(" + "|".join(sorted(figures.EN_WORDS, key=len, reverse=True)) + r")(?:-("
                      + "|".join(figures._UNITS[1:10]) + r"))?\b", re.I)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN, st.booleans())
def test_figures_are_read_as_before(text, chinese):
    quick = figures.read_figures(text, chinese)
    saved, figures.FULL_WIDTH = figures.FULL_WIDTH, re.compile("")  # always translated, as before
    try:
        assert figures.read_figures(text, chinese) == quick
    finally:
        figures.FULL_WIDTH = saved
    ascii_text = text.translate(figures._ASCII)
    for figure, _glued, plain in figures._digit_figures(text, chinese):
        assert plain == figures._decimal(figures.DIGITS.match(ascii_text, figure.offset).group())
    assert [m.span() for m in figures.EN_NUMBER_WORD.finditer(text)] == [m.span() for m in _EN_WORD.finditer(text)]
    assert [m.span() for m in figures.DIGITS.finditer(ascii_text)] == [m.span() for m in _DIGITS.finditer(ascii_text)]


def test_a_text_without_foreign_spans_is_blanked_once_for_both_readings():
    """Parity reads a document with its foreign spans, the English lint without: where it has
    none, the lint gets the very text parity made (the checks of a document run in a row)."""
    body = "Plain text with `code`, a [link](x.md) and 港."
    assert prose.blank_markup(body, drop_foreign=True) is prose.blank_markup(body)
    marked = "Text *香港*{lang=zh-Hant-HK} here."
    assert "香港" in prose.blank_markup(marked) and "香港" not in prose.blank_markup(marked, drop_foreign=True)


def reference_headings_and_tables(doc) -> tuple[list, list]:
    """heading_lines and table_shapes as they were before lines were filtered by their first
    character and read once for both."""
    lines = [(doc.body_line + n, line) for n, (kind, line) in enumerate(prose._classify(doc.body)) if kind == "text"]
    headings, previous = [], None
    for number, line in lines:
        atx, setext = prose.ATX.match(line), prose.SETEXT.match(line)
        if atx:
            headings.append((number, len(atx.group(1)), prose.ATTR_LIST.sub("", atx.group(2)).strip()))
        elif setext and previous and previous[0] == number - 1 and previous[1].strip() \
                and not prose.LIST_ITEM.match(previous[1]) and not prose.ATX.match(previous[1]):
            headings.append((previous[0], 1 if setext.group(1)[0] == "=" else 2, previous[1].strip()))
        previous = (number, line)
    tables = []
    for index, (number, line) in enumerate(lines):
        if index and prose.TABLE_RULE.match(line) and "|" in lines[index - 1][1]:
            rows = 1
            for later, row in lines[index + 1:]:
                if not row.strip() or "|" not in row or later != number + rows:
                    break
                rows += 1
            tables.append((lines[index - 1][0], rows, len(line.strip().strip("|").split("|"))))
    return headings, tables


TABLE_PIECES = ["|", " | ", "---", ":--", "--:", "a", "\n", "# ", "## ", "Title\n", "===", "\n---", " ", "   ",
                "    ", "```\n", "- ", "\t", "港"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES + TABLE_PIECES), max_size=50).map("".join), st.integers(1, 30))
@example("a | b\n---|---\n1 | 2\n\n| x |\n|:--|\nTitle\n---\n## Two ##\n", 3)
def test_headings_and_tables_are_read_as_every_line_read_by_every_pattern(body, body_line):
    from hkai_publish.sources.content import Document
    from hkai_publish.sources.locales import parse_locale

    doc = Document(Path("x.md"), "x", parse_locale("en-HK"), {"title": "x"}, body, body_line, "0")
    assert (prose.heading_lines(doc), prose.table_shapes(doc)) == reference_headings_and_tables(doc)


def test_a_code_fence_at_any_indent_is_code():
    # kaia-docs (zh-TW): a fence indented inside an MDX component, and one in a nested list item;
    # its info string (`focus=12:18`) is not prose, so parity reads no figures 12 and 18 in it.
    body = ("  <CH.Code>\n    ```js value-transfer.js focus=12:18\n    const a = 1;\n    ```\n  </CH.Code>\n\n"
            "- Step\n    - Nested\n\n          ```bash\n          npm install 42\n          ```\n\n文字 7 個。\n")
    text = prose.blank_markup(body)
    assert "focus" not in text and "12" not in text and "const" not in text and "42" not in text
    assert "文字 7 個。" in text and "Nested" in text
