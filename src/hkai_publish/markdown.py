"""Markdown to HTML: Python-Markdown plus CJK line joining, shared heading anchors and link rewriting."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable, Sequence

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor

from hkai_publish.content import Document

# Characters between which a source line break is no space: CJK ideographs, kana, full-width forms.
CJK_CHARS = r"\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_BREAK = re.compile(rf"(?<=[{CJK_CHARS}])[ \t]*\n[ \t]*(?=[{CJK_CHARS}])")
CJK_END = re.compile(rf"[{CJK_CHARS}][ \t]*\n[ \t]*$")
CJK_START = re.compile(rf"[{CJK_CHARS}]")
CJK_START_BREAK = re.compile(rf"[ \t]*\n[ \t]*[{CJK_CHARS}]")
CJK_END_CHAR = re.compile(rf"[{CJK_CHARS}]$")
HEADINGS = ("h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a page body: the in-page contents, PDF bookmarks and anchors."""

    level: int
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """A document's body as HTML, with what the site, PDF and checks need to know about it."""

    html: str
    headings: tuple[Heading, ...]
    links: tuple[str, ...]
    """Every href as written in the source."""
    images: tuple[tuple[str, str], ...]
    """(src as written, alt text) of every image."""


LinkResolver = Callable[[str], str | None]
"""Maps a link as written (`government.md#astri`) to its URL on the page, or None to leave it."""


def render_markdown(doc: Document, anchor_ids: Sequence[str] = (), resolve_link: LinkResolver | None = None,
                    allow_raw_html: bool = False, footnote_backlink: str = "Back to the text") -> Rendered:
    """Render one document. `anchor_ids` are the original's heading ids, given to a translation's
    headings in order so that `#ethics` works in every language."""
    collector = _Collector(anchor_ids, resolve_link)
    md = markdown.Markdown(
        extensions=["abbr", "attr_list", "def_list", "fenced_code", "md_in_html", "tables", "sane_lists",
                    "smarty", "footnotes", _Pipeline(collector), TocExtension(slugify=slugify_unicode, toc_depth="2-6")],
        extension_configs={"footnotes": {"BACKLINK_TITLE": footnote_backlink}},
        output_format="html",
    )
    if not allow_raw_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    html = md.convert(doc.body)
    headings = tuple(Heading(t["level"], t["id"], t["name"]) for t in _flatten(md.toc_tokens))
    return Rendered(html, headings, tuple(collector.links), tuple(collector.images))


def _flatten(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(_flatten(token["children"]))
    return flat


class _Collector:
    def __init__(self, anchor_ids: Sequence[str], resolve_link: LinkResolver | None):
        self.anchor_ids = list(anchor_ids)
        self.resolve_link = resolve_link
        self.links: list[str] = []
        self.images: list[tuple[str, str]] = []


class _Pipeline(Extension):
    def __init__(self, collector: _Collector):
        super().__init__()
        self.collector = collector

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After attr_list (8), before toc (5): explicit ids win, then the original's, then toc's.
        md.treeprocessors.register(_AnchorIds(md, self.collector), "hkai_anchors", 6)
        md.treeprocessors.register(_CjkLineJoin(md), "hkai_cjk", 4)
        md.treeprocessors.register(_Links(md, self.collector), "hkai_links", 3)


class _AnchorIds(Treeprocessor):
    def __init__(self, md, collector: _Collector):
        super().__init__(md)
        self.ids = collector.anchor_ids

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in HEADINGS]
        for el, anchor in zip(headings, self.ids):
            el.attrib.setdefault("id", anchor)


class _CjkLineJoin(Treeprocessor):
    """A line break between two CJK characters is not a space: drop it (CSS would render one),
    also where the break falls at the edge of inline markup (`和\n**創新**`)."""

    def run(self, root: etree.Element) -> None:
        slots = list(_text_slots(root))
        texts = [getattr(el, attr) or "" for el, attr in slots]
        for i, text in enumerate(texts):
            if "\n" not in text:
                continue
            text = CJK_BREAK.sub("", text)
            before = next((t for t in reversed(texts[:i]) if t), "")
            after = next((t for t in texts[i + 1:] if t), "")
            if CJK_END.search(text) and CJK_START.match(after):
                text = text.rstrip(" \t\n")
            if CJK_START_BREAK.match(text) and CJK_END_CHAR.search(before):
                text = text.lstrip(" \t\n")
            texts[i] = text
            setattr(slots[i][0], slots[i][1], text)


def _text_slots(element: etree.Element):
    """(element, "text" | "tail") for every piece of text, in reading order."""
    yield element, "text"
    for child in element:
        yield from _text_slots(child)
        yield child, "tail"


class _Links(Treeprocessor):
    def __init__(self, md, collector: _Collector):
        super().__init__(md)
        self.collector = collector

    def run(self, root: etree.Element) -> None:
        for el in root.iter("a"):
            href = el.get("href")
            if href is None or href.startswith("#fn"):
                continue
            self.collector.links.append(href)
            if self.collector.resolve_link:
                target = self.collector.resolve_link(href)
                if target is not None:
                    el.set("href", target)
        for el in root.iter("img"):
            self.collector.images.append((el.get("src", ""), el.get("alt", "")))
