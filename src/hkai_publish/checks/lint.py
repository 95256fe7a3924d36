"""Language lint: the Chinese edition is Hong Kong Traditional Chinese with full-width punctuation
and one quote style; the English edition has no stray CJK text. Findings are warnings."""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

import opencc

from hkai_publish.translation.catalogs import PLACEHOLDER, TAG, po_path, read_catalog
from hkai_publish.sources.config import Config
from hkai_publish.errors import Problem
from hkai_publish.machinery.files import digest
from hkai_publish.sources.locales import Locale
from hkai_publish.markdown.renderer import CJK_CHARS, LazyPattern
from hkai_publish.machinery.memo import remembered
from hkai_publish.markdown.prose import Prose, document_prose
from hkai_publish.editions.pages import Page
from hkai_publish.machinery.files import Output

CJK = LazyPattern(f"[{CJK_CHARS}]")
CJK_WORD = LazyPattern(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN = LazyPattern(f"[{CJK_CHARS}]+(?:[ \t]+[{CJK_CHARS}]+)*")
HALF_WIDTH = re.compile(r"\.{2,}|[,.:;!?()]")
FULL_WIDTH = {",": "，", ".": "。", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
CORNER_QUOTES, CURLY_QUOTES = "「」『』", "“”"
QUOTES = re.compile(f'[{CORNER_QUOTES}{CURLY_QUOTES}"]')
# Characters OpenCC maps from Simplified, that Hong Kong writes too: 恒生, Cantonese 晒, 雇主, 菜肴…
HK_ALSO = set("恒晒栖羡肴凄雇霉洒痒瓮炖沄昵虱")
# Characters that are valid Traditional too (价 "servant", 后 "queen") but almost always a
# Simplified slip in Hong Kong text: flagged where OpenCC's phrase conversion changes them in context.
IN_CONTEXT = set("万价极种确胜据党后")


def check_chinese(config: Config, pages: list[Page], outputs: list[Output], memo=None) -> Iterable[Problem]:
    """Simplified characters in a Traditional edition, half-width punctuation, mixed quotes. `memo`
    (see memo.remembered) keeps each document's findings and quotes until it changes."""
    for locale in config.locales:
        if not _is_chinese(locale):
            continue
        uses = []
        for page in pages:
            if page.locale == locale and not page.is_fallback:
                # One document's two readings in a row: the second finds its prose still at hand.
                yield from remembered(memo, "zh-lint", (page.document, locale), _lint_document, page.document, locale,
                                      near=page.entry.key)
                uses += remembered(memo, "zh-quotes", (page.document,), _quote_uses, page.document, near=page.entry.key)
        yield from _mixed_quotes(uses)


def _lint_document(doc, locale: Locale) -> Iterator[Problem]:
    for prose in document_prose(doc):
        for line, check_id, message in _lint_chinese(prose, locale, doc.body if prose.where == "body" else None):
            yield Problem(doc.path, line, check_id, message, "warning")


def check_catalog_chinese(config: Config, pages: list[Page], outputs: list[Output], memo=None) -> Iterable[Problem]:
    """The same Chinese lint over the UI strings in each Chinese catalogue."""
    for locale in config.locales:
        path = po_path(config, locale)
        if _is_chinese(locale) and path.is_file():
            yield from remembered(memo, "catalog-lint", (str(path), digest(path.read_bytes()), locale),
                                  _lint_catalog, path, locale)


def _lint_catalog(path: Path, locale: Locale) -> Iterator[Problem]:
    for message in read_catalog(path, locale):
        if not message.id:
            continue  # the header (Language-Team: 繁體中文 <zh-Hant-HK>…): metadata, not text readers see
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in filter(None, strings):
            text = TAG.sub(lambda m: " " * len(m.group()), PLACEHOLDER.sub(lambda m: " " * len(m.group()), string))
            for _line, check_id, text_message in _lint_chinese(Prose(message.lineno, text), locale):
                yield Problem(path, message.lineno, check_id, text_message, "warning")


def check_english(config: Config, pages: list[Page], outputs: list[Output], memo=None) -> Iterable[Problem]:
    """CJK text in a non-CJK edition, unless marked as foreign or listed in allow_cjk_in_english."""
    allowed = sorted(config.allow_cjk_in_english, key=len, reverse=True)
    for page in pages:
        if page.locale.is_cjk or page.is_fallback:
            continue
        # Near parity's reading of the same document, whose prose (without foreign spans, where
        # it has none) is this one.
        yield from remembered(memo, "en-lint", (page.document, tuple(allowed)), _lint_english, page, allowed,
                              near=page.entry.key)


def _lint_english(page: Page, allowed: list[str]) -> Iterator[Problem]:
    for prose in document_prose(page.document, drop_foreign=True):
        text = prose.text
        for phrase in allowed:
            text = text.replace(phrase, " " * len(phrase))
        for line, runs in _by_line(prose, CJK_RUN.finditer(text)):
            shown = "、".join(f"「{m.group()}」" for m in runs)
            yield Problem(page.document.path, line, "en-cjk",
                          f"CJK text {shown} in the {page.locale.tag} edition: mark it as Chinese "
                          "(*…*{lang=zh-Hant-HK}) or list it in allow_cjk_in_english", "warning")


def _is_chinese(locale: Locale) -> bool:
    return locale.tag.split("-")[0] == "zh"


def _lint_chinese(prose: Prose, locale: Locale, source: str | None = None) -> Iterator[tuple[int, str, str]]:
    if "Hant" in locale.tag:
        for line, found in _by_line(prose, simplified_characters(prose.text)):
            shown = "; ".join(f"'{char}' in 「{context}」 (write {suggestion})" for _, char, context, suggestion in found)
            yield line, "zh-simplified", f"Simplified Chinese: {shown}"
    for line, found in _by_line(prose, half_width_punctuation(prose.text, source)):
        shown = ", ".join(f"'{mark}' in 「{context}」" for _, mark, context in found)
        wanted = "".join(dict.fromkeys(FULL_WIDTH.get(mark[0], "…") for _, mark, _ in found))
        yield line, "zh-punctuation", f"half-width punctuation in Chinese text: {shown}; use {wanted}"


def _by_line(prose: Prose, found: Iterable) -> Iterator[tuple[int, list]]:
    """Findings (each starting with its offset, or a regex match) grouped by source line."""
    lines: dict[int, list] = {}
    for item in found:
        offset = item.start() if isinstance(item, re.Match) else item[0]
        lines.setdefault(prose.line_at(offset), []).append(item)
    yield from lines.items()


def simplified_characters(text: str) -> Iterator[tuple[int, str, str, str]]:
    """(offset, character, context, Hong Kong form) of each Simplified-only character."""
    simplified, candidates = opencc_tables()
    if simplified.isdisjoint(text) and not any(char in text for char in IN_CONTEXT):
        return  # most text: decided at C speed
    suspects = [i for i, char in enumerate(text) if char in simplified or char in IN_CONTEXT]
    if not suspects:
        return
    converted = _to_hong_kong(text)
    for i in suspects:
        char, hk = text[i], converted[i] if converted else ""
        if char in IN_CONTEXT and (not hk or hk == char):
            continue
        suggestion = hk if hk and hk != char else candidates[char][0]
        others = [c for c in candidates.get(char, ()) if c not in (suggestion, char)]
        yield i, char, _context(text, i), suggestion + (f", or {'/'.join(others)} by meaning" if others else "")


def _to_hong_kong(text: str) -> str | None:
    """The text as OpenCC writes it in Hong Kong forms, phrase by phrase, character for character
    (None where a phrase changed length). Line breaks inside a paragraph do not cut phrases."""
    joined = text.replace("\n", "")
    converted = _converter("s2hk").convert(_converter("t2s").convert(joined))
    if len(converted) != len(joined):
        return None
    it = iter(converted)
    return "".join("\n" if char == "\n" else next(it) for char in text)


# A Markdown line that starts a block of its own (a list item, a table row, a heading): the text
# before it is another block, so a mark is not beside the words across that line break.
BLOCK_START = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)|[|#])", re.M)
# A function written in prose, getEthUsdtPrice() or _ccipReceive(...): its brackets are code.
CALL = re.compile(r"(?<=[A-Za-z0-9_])\([\x20-\x7e]{0,40}?\)")


def half_width_punctuation(text: str, source: str | None = None) -> Iterator[tuple[int, str, str]]:
    """(offset, mark, context) of each half-width mark that touches Chinese text. `source`: the
    Markdown that `text` blanks (prose.blank_markup, line for line), whose list items and table
    rows are blocks of their own."""
    if not HALF_WIDTH.search(text):
        return
    walls = _block_walls(text, source) if source else frozenset()
    calls = {i for m in CALL.finditer(text) for i in (m.start(), m.end() - 1)} if "(" in text else ()
    for match in HALF_WIDTH.finditer(text):
        i, mark = match.start(), match.group()
        if i in calls or (mark == "." and text[i + 1:i + 2].isascii() and text[i + 1:i + 2].isalnum()):
            continue  # getEthUsdtPrice(), .env, node.js: code and file names, not punctuation
        before, after = _neighbour(text, i - 1, -1, walls), _neighbour(text, match.end(), 1, walls)
        if mark in ".,:" and text[i - 1:i].isdigit() and text[match.end():match.end() + 1].isdigit():
            continue  # 3.5, 10,000, 10:30
        # The mark's own side may be any CJK character (「香港」,); across it only a Chinese word
        # counts, so a Latin aside closing inside full-width brackets, (2020)）, is left alone.
        if mark == "(":
            touches = CJK.match(after) or CJK_WORD.match(before)
        else:
            touches = CJK.match(before) or (not mark.startswith(".") and CJK_WORD.match(after))
        if touches:
            yield i, mark, _context(text, i)


def _block_walls(text: str, source: str) -> frozenset[int]:
    """Offsets in `text` of the line breaks before a line that starts a block in `source`."""
    if not BLOCK_START.search(source):
        return frozenset()
    lines = source.split("\n")
    starts = {k for k, line in enumerate(lines) if k and BLOCK_START.match(line)}
    starts |= {k + 1 for k, line in enumerate(lines) if line.lstrip(" \t>").startswith("#")}  # a heading ends too
    breaks = [m.start() for m in re.finditer("\n", text)]
    return frozenset(breaks[k - 1] for k in starts if 0 < k <= len(breaks))


def _neighbour(text: str, i: int, step: int, walls: frozenset[int] = frozenset()) -> str:
    """The nearest character from i in direction step, past spaces and at most one line break
    (none of the `walls`, the offsets of line breaks that end a block)."""
    breaks = 0
    while 0 <= i < len(text) and text[i] in " \t\n":
        breaks += text[i] == "\n"
        if breaks > 1 or i in walls:
            return ""
        i += step
    return text[i] if 0 <= i < len(text) else ""


def _context(text: str, i: int, width: int = 4) -> str:
    """A few characters either side of offset i, on its line."""
    start = max(i - width, text.rfind("\n", 0, i) + 1)
    end = text.find("\n", i)
    return text[start: min(i + width + 1, end if end >= 0 else len(text))].strip()


def _quote_uses(doc) -> Iterator[tuple]:
    """(path, line, style) of each quote mark in a document's prose: "corner" 「」 or "curly" “”."""
    for prose in document_prose(doc):
        for match in QUOTES.finditer(prose.text):
            i, char = match.start(), match.group()
            style = "corner" if char in CORNER_QUOTES else "curly" if char in CURLY_QUOTES or (
                char == '"' and (CJK.match(_neighbour(prose.text, i - 1, -1)) or CJK.match(_neighbour(prose.text, i + 1, 1)))) else ""
            if style:
                yield doc.path, prose.line_at(i), style


def _mixed_quotes(uses: list) -> Iterator[Problem]:
    """One quote style per edition: the less used of 「」 and “” is reported where it appears."""
    counts = Counter(style for _, _, style in uses)
    if len(counts) < 2:
        return
    minority = "curly" if counts["curly"] <= counts["corner"] else "corner"
    majority, names = {"curly": "corner", "corner": "curly"}[minority], {"corner": "「」", "curly": "“”"}
    pairs = {style: (count + 1) // 2 for style, count in counts.items()}
    for path, line in dict.fromkeys((path, line) for path, line, style in uses if style == minority):
        yield Problem(path, line, "zh-quotes", f"{names[minority]} quotes in an edition that mostly uses "
                      f"{names[majority]} ({pairs[majority]} pairs against {pairs[minority]}): use one style",
                      "warning")


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@functools.cache
def opencc_tables() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """(Simplified-only characters, Simplified character -> Traditional candidates), from OpenCC's
    dictionaries. A character is Simplified-only if OpenCC converts it to Traditional and it is not
    itself valid Traditional: not one of its own candidates (干 → 幹/乾/干), not a Traditional form of
    another character, and not a Hong Kong or Taiwan variant form (温, 着, 裡)."""
    folder = importlib.resources.files("opencc") / "dictionary"
    st = _read_dictionary(folder / "STCharacters.txt")
    valid = set(_read_dictionary(folder / "TSCharacters.txt")) | HK_ALSO
    for table in (st, _read_dictionary(folder / "HKVariants.txt"), _read_dictionary(folder / "TWVariants.txt")):
        valid.update(char for values in table.values() for char in values)
    simplified = frozenset(char for char in st if len(char) == 1 and char not in valid)
    return simplified, st


def _read_dictionary(path) -> dict[str, tuple[str, ...]]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if values:
            entries[key] = tuple(values.split())
    return entries
