"""The prose of a Markdown source, for the checks that read words: its text with code, URLs and
markup blanked to spaces, kept at the same line and column so a finding maps to `path:line`.
Also the source lines of its headings, tables and footnotes, which parity compares."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

from hkai_publish.sources.content import Document

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")  # at any indent: in a list item or a component too
LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$|^[ \t]*\|[ \t]*:?-+:?[ \t]*\|[ \t]*$")
FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
# A backtick ends a URL: `http://localhost:3000` is code around a URL, not part of it.
URL = re.compile(r"(?=[fhw])(?:(?:https?|ftp)://[^\s<>()\[\]{}\"'`，。、；：！？「」『』（）《》]+"
                 r"|\bwww\.[A-Za-z0-9-]+\.[^\s<>()\[\]{}\"'`，。、；：！？「」『』（）《》]+)")
ATTR_LIST = re.compile(r"\{:?[ \t]*(?:[#.][\w-]|[\w-]+=)[^{}\n]*\}")
LANG_VALUE = r"""["']?(?:zh|ja|ko|yue)\b"""

# Spans removed whole: code, comments, autolinks, footnote marks, link definitions, URLs, tags. Each
# with the strings one of which all its matches contain, so that a text without them is not searched
# (a lookahead on a pattern's possible first characters does the same inside a text, and on a line's
# first character spares the empty match at the start of every line).
_DROP = [(re.compile(p, flags), needles) for p, flags, needles in [
    (r"<!--.*?-->", re.S, ("<!--",)),
    (r"(`+)(?:(?!\1).)+?\1", re.S, ("`",)),
    (r"<(?:https?|ftp|mailto):[^>\s]*>|<[^@\s<>]+@[^@\s<>]+>", 0, ("<",)),
    (r"\[\^[^\]\s]+\]:?", 0, ("[^",)),
    (r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S+.*$", re.M, ("]:",)),
    (r"^\*\[[^\]\n]+\]:", re.M, ("]:",)),
    (ATTR_LIST.pattern, 0, ("{",)),
    (r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>", 0, ("<",)),
    (r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);", 0, ("&",)),
    (URL.pattern, 0, ("://", "www.")),
    (r"^(?=[ \t>*+\-#:]|\d)[ \t]*(?:>[ \t]?)*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+|#{1,6}(?=[ \t]|$)|:[ \t]+)?", re.M, ("",)),
    (r"#+[ \t]*$", re.M, ("#",)),  # closing hashes: see _blank_closing_hashes
    (r"^(?=[ \t\-*_=])[ \t]*([-*_=])(?:[ \t]*\1){2,}[ \t]*$", re.M, ("",)),
    (r"(?=[*~_\\])(?:\*{1,3}|~~|(?<!\w)_{1,3}|_{1,3}(?!\w)|\\(?=[!-/:-@\[-`{-~]))", 0, ("",)),
]]
# The marks of components (markdown/containers.py): `:::note`, `!!! warning`, a figure's `credit:`.
_COMPONENT_MARKS = [(re.compile(p, flags), needles) for p, flags, needles in [
    (r"^[ \t]*:{3,}[ \t]*[\w-]*", re.M, (":::",)),
    (r"^[ \t]*!!![ \t]*[\w-]+(?:[ \t]+[\w-]+)*", re.M, ("!!!",)),
    (r"^[ \t]*(?:credit|source|photo)[ \t]*:", re.M | re.I, ("redit", "ource", "hoto", "REDIT", "OURCE", "HOTO")),
]]
CLOSING_HASHES = _DROP[11][0]
LINE_MARKS, RULES, EMPHASIS = _DROP[10][0], _DROP[12][0], _DROP[13][0]
_LINE_MARK_STARTS, _RULE_STARTS = frozenset(" \t>*+-#:"), frozenset(" \t-*_=")
# EMPHASIS but its first alternative, `\*{1,3}`: see _blank_emphasis.
_EMPHASIS_BUT_STARS = re.compile(r"(?=[~_\\])(?:~~|(?<!\w)_{1,3}|_{1,3}(?!\w)|\\(?=[!-/:-@\[-`{-~]))")
# Links and images keep their text and lose their target: `[text](url "title")`, `[text][ref]`.
_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\](?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)|\[[^\[\]\n]*\])")
# Explicitly foreign spans (`*香港*{lang=zh-Hant-HK}`, `<span lang="zh-Hant">…</span>`), which the
# English lint leaves alone.
_FOREIGN_NEEDLE = "lang="
_FOREIGN = [(pattern, (_FOREIGN_NEEDLE,)) for pattern in [
    re.compile(rf"(\*{{1,2}}|_{{1,2}})[^\n]+?\1\{{:?[^{{}}\n]*\blang={LANG_VALUE}[^{{}}\n]*\}}"),
    re.compile(rf"\[[^\[\]]*\]\([^()\n]*\)\{{:?[^{{}}\n]*\blang={LANG_VALUE}[^{{}}\n]*\}}"),
    re.compile(rf"<([A-Za-z]+)\b[^<>]*\blang={LANG_VALUE}[^<>]*>.*?</\1\s*>", re.S),
]]


@dataclass(frozen=True, slots=True)
class Prose:
    """A stretch of readable text from one source file."""

    line: int
    """File line of the text's first character."""
    text: str
    """The text, markup blanked; it keeps the source's line breaks."""
    where: str = "body"
    """"title", "summary" or "body"."""

    def line_at(self, offset: int) -> int:
        return self.line + self.text.count("\n", 0, offset)


def document_prose(doc: Document, drop_foreign: bool = False) -> list[Prose]:
    """The title, the summary and the body of a document, as readable text."""
    prose = [Prose(doc.line_of_key(key), _blank_urls(str(doc.meta[key])), key)
             for key in ("title", "summary") if isinstance(doc.meta.get(key), str)]
    return prose + [Prose(doc.body_line, blank_markup(doc.body, drop_foreign))]


def blank_markup(body: str, drop_foreign: bool = False) -> str:
    """Markdown source with everything but its words blanked out, line structure kept; without
    the spans marked as in another language if `drop_foreign`."""
    if drop_foreign and _FOREIGN_NEEDLE not in body:
        drop_foreign = False  # no span to drop: the same text, which parity has just made
    return _blank_markup(body, drop_foreign)


@functools.lru_cache(maxsize=16)
def _blank_markup(body: str, drop_foreign: bool) -> str:
    """blank_markup's work. The last few are kept: checks read a document several times in a
    row (parity both sides, the English lint, the Chinese lint and its quotes)."""
    text = "\n".join(line if kind == "text" else "" for kind, line in _classify(body)) if _may_hold_code(body) \
        else body
    if drop_foreign:
        text = _sub_all(_FOREIGN, text)
    text = _sub_all(_DROP[:2], text)
    if "[" in text:
        text = _LINK.sub(lambda m: _spaces(m.group()[: m.start(1) - m.start()]) + m.group(1)
                         + _spaces(m.group()[m.end(1) - m.start():]), text)
    return _blank_emphasis(_blank_lines(_sub_all(_COMPONENT_MARKS, _sub_all(_DROP[2:10], text))))


def _blank_lines(text: str) -> str:
    """As _sub_all(_DROP[10:13], text): list and quote marks, closing hashes and rules, which are
    each within a line, a line at a time. Their patterns start with `^`, which the regex engine
    tries at every character of the text (a third of the blanking)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        first = line[:1]
        if first in _LINE_MARK_STARTS or first.isdecimal():
            mark = LINE_MARKS.match(line)
            if mark and mark.end():
                line = " " * mark.end() + line[mark.end():]
        if "#" in line:
            line = _blank_closing_hashes(line)
        if line[:1] in _RULE_STARTS and RULES.match(line):
            line = " " * len(line)
        lines[index] = line
    return "\n".join(lines)


def _blank_emphasis(text: str) -> str:
    """As EMPHASIS.sub(_blank, text). Every "*" is blanked (it starts a match of the first
    alternative, and no other alternative takes one), so the others are matched in the text as
    it is, and then the stars replaced: most texts have none of the others' characters."""
    if "~" in text or "_" in text or "\\" in text:
        text = _EMPHASIS_BUT_STARS.sub(_blank, text)
    return text.replace("*", " ")


def _blank_urls(text: str) -> str:
    return URL.sub(_blank, text)


def _sub_all(patterns: list[tuple[re.Pattern, tuple[str, ...]]], text: str) -> str:
    for pattern, needles in patterns:
        if pattern is CLOSING_HASHES:
            text = _blank_closing_hashes(text)
        elif any(needle in text for needle in needles):
            text = pattern.sub(_blank, text)
    return text


def _blank_closing_hashes(text: str) -> str:
    """As re.sub(r"[ \t]+#+[ \t]*$", blanks, text, flags=re.M), the closing #s of headings, but
    searching for the #s first: the regex tries every space of the text."""
    if "#" not in text:
        return text
    pieces, done = [], 0
    for match in CLOSING_HASHES.finditer(text):
        start = match.start()
        while start > done and text[start - 1] in " \t":
            start -= 1
        if start < match.start():
            pieces += [text[done:start], " " * (match.end() - start)]
            done = match.end()
    return "".join(pieces) + text[done:] if pieces else text


def _blank(match: re.Match) -> str:
    return _spaces(match.group())


def _spaces(text: str) -> str:
    return " " * len(text) if "\n" not in text else re.sub(r"[^\n]", " ", text)


def _may_hold_code(body: str) -> bool:
    """Whether _classify may find code: only after a fence, or on an indented line."""
    return "```" in body or "~~~" in body or "\n    " in body or "\n\t" in body or body.startswith(("    ", "\t"))


def _classify(body: str) -> Iterator[tuple[str, str]]:
    """("text" | "code", line) for every body line: fenced and indented code are code."""
    if not _may_hold_code(body):
        yield from (("text", line) for line in body.split("\n"))
        return
    fence = ""
    in_list = in_code = after_blank = False
    for line in body.split("\n"):
        opening = FENCE.match(line)
        if fence or opening:
            closes = fence and opening and opening.group(1)[0] == fence[0] \
                and len(opening.group(1)) >= len(fence) and not line.strip().strip(fence[0])
            fence = "" if closes else fence or opening.group(1)
            yield "code", line
            continue
        blank = not line.strip()
        indented = line.startswith(("    ", "\t"))
        # An indented block after a blank line is code, unless it continues a list item.
        if not blank and not (indented and (in_code or after_blank and not in_list)):
            in_code = False
        elif indented and not blank and after_blank and not in_list:
            in_code = True
        if not in_code and not blank:
            in_list = bool(LIST_ITEM.match(line)) or (in_list and indented)
        after_blank = blank
        yield ("code" if in_code and not blank else "text"), line


def source_lines(doc: Document) -> Iterator[tuple[int, str]]:
    """(file line, text) of every body line outside code."""
    start = doc.body_line
    return ((start + index, line) for index, line in _text_lines(doc.body))


@functools.lru_cache(maxsize=16)
def _text_lines(body: str) -> tuple[tuple[int, str], ...]:
    """(index, text) of every body line outside code. The last few are kept: parity reads a
    document's lines for its headings, tables and footnotes in a row."""
    return tuple((index, line) for index, (kind, line) in enumerate(_classify(body)) if kind == "text")


def heading_lines(doc: Document) -> list[tuple[int, int, str]]:
    """(file line, level, text) of each heading in the source, ATX and setext, in order."""
    return [(doc.body_line + index, level, text) for index, level, text in _headings(doc.body)]


@functools.lru_cache(maxsize=16)
def _headings(body: str) -> tuple[tuple[int, int, str], ...]:
    headings = []
    previous: tuple[int, str] | None = None
    for index, line in _text_lines(body):
        # Only a line whose first character (after spaces) is #, = or - may be a heading or an
        # underline: the patterns are tried on those alone.
        first = line.lstrip(" ")[:1]
        atx = ATX.match(line) if first == "#" else None
        setext = SETEXT.match(line) if first in ("=", "-") else None
        if atx:
            headings.append((index, len(atx.group(1)), ATTR_LIST.sub("", atx.group(2)).strip()))
        elif setext and previous and previous[0] == index - 1 and previous[1].strip() \
                and not LIST_ITEM.match(previous[1]) and not ATX.match(previous[1]):
            headings.append((previous[0], 1 if setext.group(1)[0] == "=" else 2, previous[1].strip()))
        previous = (index, line)
    return tuple(headings)


def table_shapes(doc: Document) -> list[tuple[int, int, int]]:
    """(file line, rows, columns) of each pipe table in the source, its header row counted."""
    if "|" not in doc.body:
        return []
    lines = list(source_lines(doc))
    tables = []
    for index, (number, line) in enumerate(lines):
        if index and "|" in line and "-" in line and TABLE_RULE.match(line) and "|" in lines[index - 1][1]:
            columns = len(line.strip().strip("|").split("|"))
            rows = 1
            for later, row in lines[index + 1:]:
                if not row.strip() or "|" not in row or later != number + rows:
                    break
                rows += 1
            tables.append((lines[index - 1][0], rows, columns))
    return tables


def footnote_labels(doc: Document) -> dict[str, int]:
    """Footnote label -> file line of its definition."""
    labels: dict[str, int] = {}
    if "[^" not in doc.body:
        return labels
    for number, line in source_lines(doc):
        match = FOOTNOTE_DEF.match(line)
        if match:
            labels.setdefault(match.group(1), number)
    return labels
