"""Python-Markdown's block parser, made faster with the same output: a plain block of text goes
straight to the paragraph processor, without asking each of the sixteen processors before it
whether the block is theirs. Most blocks of prose are plain, and the asking was a sixth of the
rendering. Tests compare the output with the stock parser's."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.blockprocessors import (BlockQuoteProcessor, CodeBlockProcessor, EmptyBlockProcessor,
                                      HashHeaderProcessor, HRProcessor, ListIndentProcessor, OListProcessor,
                                      ParagraphProcessor, ReferenceProcessor, SetextHeaderProcessor,
                                      UListProcessor)
from markdown.extensions.abbr import AbbrBlockprocessor
from markdown.extensions.def_list import DefListIndentProcessor, DefListProcessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.md_in_html import MarkdownInHtmlProcessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.extensions.tables import TableProcessor

KNOWN = frozenset({MarkdownInHtmlProcessor, EmptyBlockProcessor, ListIndentProcessor, DefListIndentProcessor,
                   CodeBlockProcessor, TableProcessor, HashHeaderProcessor, SetextHeaderProcessor, HRProcessor,
                   OListProcessor, UListProcessor, SaneOListProcessor, SaneUListProcessor, DefListProcessor,
                   BlockQuoteProcessor, FootnoteBlockProcessor, AbbrBlockprocessor, ReferenceProcessor})
"""The processors that `plain` is known to keep from a block (exactly these classes: a subclass
may take other blocks): each takes only a block that starts with a space, a tab or a line break
(empty, indented, code), or has a line that starts, after up to three spaces, with one of
LINE_STARTS: headings, setext underlines, rules, lists, quotes, definitions, footnotes,
abbreviations, references, stashed HTML, and the row under a table's head (`---|---`, `|:--|`)."""

LINE_STARTS = frozenset("-_*+>:[#|=0123456789\x02")


def plain(block: str) -> bool:
    """Whether none of the KNOWN processors would take `block`, by the signs listed there (plain
    may say no to a block they would not take either: then they are asked)."""
    if not block or block[0] in " \t\n":
        return False
    for line in block.split("\n"):
        first = line.lstrip(" ")[:1]
        if not first or first in LINE_STARTS:
            return False
    return True


def install_fast_paragraphs(md: markdown.Markdown) -> None:
    """Give plain blocks to the paragraph processor directly while every processor before it is
    one of KNOWN; otherwise (a processor registered later included) run the stock loop."""
    parser = md.parser
    seen: list = []
    shortcut: list = [None]  # the paragraph processor, where the shortcut holds

    def paragraph_shortcut() -> ParagraphProcessor | None:
        processors = list(parser.blockprocessors)  # as registered now, sorted by priority
        if processors != seen:
            seen[:] = processors
            paragraph = next((p for p in processors if type(p) is ParagraphProcessor), None)
            known = paragraph is not None and all(type(p) in KNOWN for p in processors[:processors.index(paragraph)])
            shortcut[0] = paragraph if known else None
        return shortcut[0]

    parse_document = parser.parseDocument

    def parse_document_checked(lines: list[str]):
        paragraph_shortcut()  # once a document: nothing registers a processor while one is parsed
        return parse_document(lines)

    def parse_blocks(parent: etree.Element, blocks: list[str]) -> None:
        # BlockParser.parseBlocks, but for the shortcut; processors call it for nested blocks too.
        paragraph = shortcut[0]
        while blocks:
            if paragraph is not None and plain(blocks[0]):
                paragraph.run(parent, blocks)
                continue
            for processor in parser.blockprocessors:
                if processor.test(parent, blocks[0]) and processor.run(parent, blocks) is not False:
                    break

    paragraph_shortcut()
    parser.parseDocument, parser.parseBlocks = parse_document_checked, parse_blocks
