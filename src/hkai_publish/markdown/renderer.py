"""Markdown to HTML: Python-Markdown plus CJK line joining, shared heading anchors and link rewriting."""

from __future__ import annotations

import contextlib
import os
import re
from urllib.parse import unquote
import signal
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, TocTreeprocessor, slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from hkai_publish.errors import ContentError
from hkai_publish.sources.content import Document
from hkai_publish.markdown.containers import ContainerExtension, Labels
from hkai_publish.markdown.glossary import Glossary, GlossaryTreeprocessor
from hkai_publish.markdown.highlight import HighlightExtension
from hkai_publish.markdown.mdx import MdxExtension
from hkai_publish.markdown.inline import install_fast_inline
from hkai_publish.markdown.paragraphs import install_fast_paragraphs


TESTED_MARKDOWN = ("3.11",)
"""The Python-Markdown releases (major.minor) whose private methods the fast paths (inline.py,
paragraphs.py, the block-level table) override and whose output tests/markdown compares with
theirs; pyproject.toml pins the same. On any other release the fast paths stay off (the output is
Python-Markdown's own, only slower), and tests/markdown/test_markdown.py fails to say so."""


def fast_paths_tested(version: str = markdown.__version__) -> bool:
    """Whether `version` of Python-Markdown is one the fast paths were compared against."""
    return ".".join(version.split(".")[:2]) in TESTED_MARKDOWN


class LazyPattern:
    """A regular expression compiled when first used. Each class of CJK_CHARS costs Python's regex
    compiler most of a millisecond, and a build that renders only English pages needs few of them.
    All are compiled before the build forks its workers, though, or each would compile its own."""

    _made: list[LazyPattern] = []

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self.flags = pattern, flags
        self._compiled: re.Pattern | None = None
        LazyPattern._made.append(self)

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def __getattr__(self, name: str) -> Any:  # search, match, sub…
        return getattr(self.compiled(), name)

    @staticmethod
    def compile_all() -> None:
        for pattern in LazyPattern._made:
            pattern.compiled()


os.register_at_fork(before=LazyPattern.compile_all)  # the workers share the build's: see above


# Characters between which a source line break is no space: CJK ideographs, kana, full-width forms.
CJK_CHARS = r"\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_BREAK = LazyPattern(rf"(?<=[{CJK_CHARS}])[ \t]*\n[ \t]*(?=[{CJK_CHARS}])")
CJK_END = LazyPattern(rf"[{CJK_CHARS}][ \t]*\n[ \t]*$")
CJK_START = LazyPattern(rf"[{CJK_CHARS}]")
CJK_START_BREAK = LazyPattern(rf"[ \t]*\n[ \t]*[{CJK_CHARS}]")
CJK_END_CHAR = LazyPattern(rf"[{CJK_CHARS}]$")
HEADINGS = ("h2", "h3", "h4", "h5", "h6")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a page body: the in-page contents, PDF bookmarks and anchors."""

    level: int
    id: str
    text: str


class StoredText(Protocol):
    """Text kept elsewhere (in the build cache), read when first needed."""

    def text(self) -> str: ...


@dataclass(frozen=True, slots=True, eq=False)
class Rendered:
    """A document's body as HTML, with what the site, PDF and checks need to know about it."""

    body: str | StoredText
    """The HTML, or, for a rendering the build cache kept, where it is: see `html`."""
    headings: tuple[Heading, ...]
    links: tuple[str, ...]
    """Every href as written in the source."""
    images: tuple[tuple[str, str], ...]
    """(src as written, alt text) of every image."""
    anchors: tuple[str, ...] = ()
    """Every id a link's `#fragment` can name in the body: headings', `{#id}`s on any element,
    and, with raw HTML, `<a id>`, `<a name>` and `id=` on any tag."""
    title_id: str = ""
    """The id of the `# heading` the body opened with, which the page shows as its title (the
    heading itself is taken out of the body); '' where the body opens otherwise."""

    @property
    def html(self) -> str:
        """The HTML, read from the cache the first time it is asked for (a rebuild after an edit
        renders a few pages again, and the checks look at a few: the rest is never read)."""
        body = self.body
        if type(body) is not str:
            body = body.text()
            object.__setattr__(self, "body", body)
        return body

    def _fields(self) -> tuple:
        return self.html, self.headings, self.links, self.images, self.anchors, self.title_id

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rendered) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple:  # pickled with its HTML, never with a handle on the cache
        return Rendered, self._fields()


LinkResolver = Callable[[str], str | None]
"""Maps a link as written (`government.md#astri`) to its URL on the page, or None to leave it."""


def render_markdown(doc: Document, anchor_ids: Sequence[str] = (), resolve_link: LinkResolver | None = None,
                    allow_raw_html: bool = False, footnote_backlink: str = "Back to the text",
                    heading_ids: str = "python-markdown", title_id: str = "") -> Rendered:
    """Render one document. `anchor_ids` are the original's heading ids, given to a translation's
    headings in order so that `#ethics` works in every language (and `title_id` to its opening
    `# heading`)."""
    return MarkdownRenderer(allow_raw_html, footnote_backlink, heading_ids=heading_ids).render(
        doc, anchor_ids, resolve_link, title_id)


def github_slug(value: str, separator: str = "-", strip: bool = True) -> str:
    """A heading id as GitHub, Docusaurus and VitePress make it (github-slugger): lower case,
    punctuation dropped, each space a hyphen, so `A - B` is `a---b` (the text trimmed first
    unless not `strip`)."""
    return re.sub(r"[^\w\- ]", "", (value.strip() if strip else value).lower()).replace(" ", separator)


def github_slugger(text: str, occurrences: dict[str, int]) -> str:
    """The id github-slugger's `slug()` gives `text` (a heading's text as written, not trimmed:
    `Units of KAIA <a id>` is `units-of-kaia-`, as on a Docusaurus page), given the slugs it gave
    before on the page: a repeated one gets `-1`, `-2`…"""
    base = result = github_slug(text, strip=False)
    while result in occurrences:
        occurrences[base] += 1
        result = f"{base}-{occurrences[base]}"
    occurrences[result] = 0
    return result


MDX_STATEMENT = re.compile(r"^(?:import\s.+?\sfrom\s+['\"][^'\"]+['\"];?|import\s+['\"][^'\"]+['\"];?|"
                           r"export\s+(?:const|let|var|function|default)\b.*)[ \t]*$", re.M)
ID_ATTRIBUTE = re.compile(r"<[A-Za-z][^>]*?\sid\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))")
NAME_ATTRIBUTE = re.compile(r"<a\s[^>]*?\bname\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+))", re.I)
# `<a id="x"></a>`, `<a name="x"></a>`, GitBook's `<a href="#x" id="x"></a>`: an empty anchor.
EMPTY_ANCHOR = re.compile(r"<a(?:\s+[\w-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*?\s+(?:id|name)\s*=\s*[\"']([^\"']+)[\"']"
                          r"(?:\s+[\w-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(?:/>|>\s*</a>)\s*$", re.I)


def mdx_body(body: str) -> str:
    """An `.mdx` body with its top-level `import`/`export` lines blanked (line numbers kept):
    they load components for Docusaurus, and are no text (inside code fences they stay)."""
    if "import" not in body and "export" not in body:
        return body
    out, fence = [], None
    for line in body.split("\n"):
        opened = re.match(r"[ \t]{0,3}(`{3,}|~{3,})", line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
        elif opened:
            fence = opened.group(1)
        elif MDX_STATEMENT.match(line):
            line = ""
        out.append(line)
    return "\n".join(out)


def body_anchors(html: str) -> tuple[str, ...]:
    """The ids (and `<a name>`s) in rendered HTML, in order, once each."""
    found = [next(g for g in m.groups() if g is not None) for m in ID_ATTRIBUTE.finditer(html)]
    if "name" in html:
        found += [next(g for g in m.groups() if g is not None) for m in NAME_ATTRIBUTE.finditer(html)]
    return tuple(dict.fromkeys(found))


class MarkdownRenderer:
    """One Python-Markdown instance, reset between documents: building one costs as much as
    rendering a short page, and a build renders thousands."""

    def __init__(self, allow_raw_html: bool = False, footnote_backlink: str = "Back to the text",
                 fast_inline: bool = True, fast_blocks: bool = True, labels: Labels | None = None,
                 glossary: Glossary | None = None, heading_ids: str = "python-markdown"):
        """`labels`: the translations of the components' UI strings (containers.UI_STRINGS)."""
        self.pipeline = _Pipeline(_Collector((), None))
        self.slugify = github_slug if heading_ids == "github" else slugify_unicode
        fences = HighlightExtension()
        # Given as objects, not names: Python-Markdown looks a name up among every installed
        # package's entry points (importlib.metadata: a tenth of a one-page rebuild's start).
        self.md = markdown.Markdown(
            extensions=[AbbrExtension(), AttrListExtension(), DefListExtension(), MdxExtension(), fences,
                        MarkdownInHtmlExtension(), TableExtension(), SaneListExtension(), SmartyExtension(),
                        FootnoteExtension(BACKLINK_TITLE=footnote_backlink),
                        ContainerExtension(labels, fences.titles), self.pipeline,
                        _Toc(slugify=self.slugify, toc_depth="2-6")],
            output_format="html",
        )
        if glossary is not None:
            printer = GlossaryTreeprocessor(self.md)
            printer.glossary = glossary
            # After the inline pass (20), so the termbase's text is printed as it is, not as Markdown.
            self.md.treeprocessors.register(printer, "hkai_glossary", 7)
        if not allow_raw_html:
            self.md.preprocessors.deregister("html_block")
            self.md.inlinePatterns.deregister("html")
        if not fast_paths_tested():  # an untested release: its own code, not our overrides of it
            fast_inline = fast_blocks = False
        if fast_inline:
            install_fast_inline(self.md)
        if fast_blocks:
            install_fast_paragraphs(self.md)
            self.md.is_block_level = _block_level_test(self.md)

    def render(self, doc: Document, anchor_ids: Sequence[str] = (),
               resolve_link: LinkResolver | None = None, title_id: str = "") -> Rendered:
        check_limits(doc)
        collector = _Collector(anchor_ids, resolve_link, title_id, self.slugify)
        self.pipeline.collector = collector
        self.md.reset()
        body = mdx_body(doc.body) if doc.path.suffix == ".mdx" else doc.body
        try:
            with _time_limit(MAX_SECONDS):
                html = self.md.convert(body)
        except _TookTooLong:
            self.md.reset()
            raise ContentError(f"the page took more than {MAX_SECONDS} s to render (the limit per page): "
                               "simplify its Markdown or split it", doc.path, doc.body_line) from None
        except RecursionError:
            self.md.reset()
            raise ContentError("the page's Markdown is nested too deeply to render: simplify it",
                               doc.path, doc.body_line) from None
        headings = tuple(Heading(t["level"], t["id"], t["name"]) for t in _flatten(self.md.toc_tokens))
        anchors = body_anchors(html)
        if collector.title_id:
            anchors = (collector.title_id, *anchors)
        return Rendered(html, headings, tuple(collector.links), tuple(collector.images), anchors, collector.title_id)


MAX_LINE_LENGTH = 20_000
"""Characters on one line of a page."""
MAX_NESTING = 40
"""Levels of lists and quotes one inside another (a level of list is four columns of indent):
Python-Markdown recurses once a level, and from about 250 exhausts Python's stack."""
MAX_BRACKETS = 2_000
"""`[` in one paragraph: Python-Markdown's link patterns take time quadratic in them (5000 took 13 s)."""
MAX_RUN = 200
"""`*` or `_` one after another: emphasis recurses once a character."""
MAX_SECONDS = 20
"""Time to render one page (where the build runs on the main thread: the workers do): a page
normally takes milliseconds."""


def check_limits(doc: Document) -> None:
    """Refuse Markdown beyond the limits above, at the line that goes beyond them."""
    brackets = 0
    for number, line in enumerate(doc.body.split("\n"), doc.body_line):
        if len(line) > MAX_LINE_LENGTH:
            raise ContentError(f"line of {len(line)} characters: at most {MAX_LINE_LENGTH} (break it up)",
                               doc.path, number)
        indent = len(line) - len(line.lstrip(" \t>"))
        if indent:
            head = line[:indent]
            depth = head.count(">") + len(head.replace(">", "").expandtabs(4)) // 4
            if depth > MAX_NESTING:
                raise ContentError(f"lists or quotes nested {depth} levels deep: at most {MAX_NESTING}",
                                   doc.path, number)
        brackets = brackets + line.count("[") if line.strip() else 0
        if brackets > MAX_BRACKETS:
            raise ContentError(f"more than {MAX_BRACKETS} '[' in one paragraph: split it, or escape them as '\\['",
                               doc.path, number)
        if ("*" * MAX_RUN in line or "_" * MAX_RUN in line) and (run := LONG_RUN.search(line)):
            raise ContentError(f"{len(run.group())} '{run.group()[0]}' in a row: at most {MAX_RUN - 1}",
                               doc.path, number)


LONG_RUN = re.compile(rf"\*{{{MAX_RUN},}}|_{{{MAX_RUN},}}")


class _TookTooLong(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise _TookTooLong in the block after `seconds` (by SIGALRM: on the main thread only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise _TookTooLong

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _block_level_test(md: markdown.Markdown) -> Callable[[Any], bool]:
    """md.is_block_level, answered from a table: Python-Markdown looks each tag up in a list of
    some 50 names, and asks 170 times a page (5 % of the Markdown stage). The table is made again
    when the list changes (an extension registered later may add a name)."""
    names: frozenset[str] = frozenset()
    listed: tuple[list[str] | None, int] = (None, -1)  # the list and its length the table was made from
    known: dict[Any, bool] = {}

    def is_block_level(tag: Any) -> bool:
        nonlocal names, listed
        elements = md.block_level_elements
        if listed[0] is not elements or listed[1] != len(elements):  # extensions append or remove names
            listed, names = (elements, len(elements)), frozenset(elements)
            known.clear()
        try:
            return known[tag]
        except KeyError:
            found = known[tag] = isinstance(tag, str) and tag.lower().rstrip("/") in names
            return found
        except TypeError:  # not hashable: not a tag name
            return False

    return is_block_level


def _flatten(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(_flatten(token["children"]))
    return flat


class _Collector:
    def __init__(self, anchor_ids: Sequence[str], resolve_link: LinkResolver | None, title_id: str = "",
                 slugify: Callable[[str, str], str] = slugify_unicode):
        self.anchor_ids = list(anchor_ids)
        self.resolve_link = resolve_link
        self.given_title_id = title_id
        """The original's title id, for a translation's opening `# heading`."""
        self.title_id = ""
        self.slugify = slugify
        self.links: list[str] = []
        self.images: list[tuple[str, str]] = []
        self.raw_anchors: list[tuple] = []
        """(heading, the id of the empty `<a id>` it ends with, where that stands): see _RawAnchors."""


class _Pipeline(Extension):
    def __init__(self, collector: _Collector):
        super().__init__()
        self.collector = collector

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After attr_list (8), before toc (5): explicit ids win, then the original's, then toc's.
        md.treeprocessors.register(_AnchorIds(md, self), "hkai_anchors", 6)
        md.treeprocessors.register(_RawAnchors(md, self), "hkai_raw_anchors", 4.8)
        # Before toc: the title's heading, taken out, gives the body's headings no id to avoid.
        md.treeprocessors.register(_TitleHeading(md, self), "hkai_title", 5.5)
        md.treeprocessors.register(_CjkLineJoin(md), "hkai_cjk", 4)
        md.treeprocessors.register(_Links(md, self), "hkai_links", 3)


class _TocTreeprocessor(TocTreeprocessor):
    """toc's heading ids and list of headings, which pages use, and its HTML contents (`md.toc`),
    which they do not, made only where a page asks for it in its text (`[TOC]`). Made for every
    page, and sought by a walk that joins the text of every element, it cost a tenth of the
    rendering."""

    def run(self, doc: etree.Element) -> None:
        # Where any text is the marker, toc does all it does (it takes only some of those places).
        self.asked = bool(self.marker) and any((el.text or "").strip() == self.marker for el in doc.iter())
        super().run(doc)

    def build_toc_div(self, toc_list: list) -> etree.Element:
        return super().build_toc_div(toc_list) if self.asked else etree.Element("div")

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self.asked:
            super().replace_marker(root, elem)


class _Toc(TocExtension):
    TreeProcessorClass = _TocTreeprocessor


class _AnchorIds(Treeprocessor):
    def __init__(self, md, pipeline: _Pipeline):
        super().__init__(md)
        self.pipeline = pipeline

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag in HEADINGS or el.tag == "h1":
                self._take_raw_anchor(el)
        collector = self.pipeline.collector
        if collector.given_title_id and len(root) and root[0].tag == "h1":
            root[0].attrib.setdefault("id", collector.given_title_id)
        headings = [el for el in root.iter() if el.tag in HEADINGS]
        for el, anchor in zip(headings, collector.anchor_ids):
            el.attrib.setdefault("id", anchor)
        if collector.slugify is github_slug:
            self._github_ids(root)

    @staticmethod
    def _github_ids(root: etree.Element) -> None:
        """GitHub/Docusaurus ids for the headings without one, numbered as github-slugger numbers
        them (toc would add `_1`). The opening `# heading` counts but keeps no id: it becomes the
        page's title, whose id is only an explicit one."""
        occurrences: dict[str, int] = {}
        for el in root.iter():
            if (el.tag in HEADINGS or el.tag == "h1") and "id" not in el.attrib:
                text = STASHED.sub("", "".join(el.itertext()))
                slug = github_slugger(ESCAPED.sub(lambda m: chr(int(m.group(1))), text), occurrences)
                if not (el.tag == "h1" and len(root) and root[0] is el):
                    el.set("id", slug)

    def _take_raw_anchor(self, el: etree.Element) -> None:
        """Note `## Title <a id="x"></a>` (raw HTML, as GitBook and Docusaurus pages write
        anchors): once the heading has its id, the empty anchor goes if it holds the same one
        (see _RawAnchors); else both stay, as in those tools' pages, and both ids work."""
        holder, attr = (el[-1], "tail") if len(el) else (el, "text")
        text = getattr(holder, attr) or ""
        stash = self.md.htmlStash
        # The opening and closing tags are stashed apart: `<a id="x">`, `</a>`.
        match = re.search(r"(?:\x02wzxhzdk:\d+\x03\s*)+$", text)
        if not match:
            return
        numbers = [int(n) for n in re.findall(r"wzxhzdk:(\d+)", match.group())]
        if any(n >= len(stash.rawHtmlBlocks) for n in numbers):
            return
        raw = EMPTY_ANCHOR.match("".join(str(stash.rawHtmlBlocks[n]) for n in numbers).strip())
        if raw:  # the placeholders themselves: smarty may stash more text before them before it goes
            self.pipeline.collector.raw_anchors.append((el, raw.group(1), holder, attr, match.group().strip()))


STASHED = re.compile(r"\x02wzxhzdk:\d+\x03")
"""Raw HTML (and entities) held aside by Python-Markdown until the end."""
ESCAPED = re.compile(r"\x02(\d+)\x03")
"""A backslash-escaped character (`\\(`), as Python-Markdown holds it until the end."""


class _RawAnchors(Treeprocessor):
    """After toc: an empty `<a id>` at the end of a heading whose id it repeats is dropped."""

    def __init__(self, md, pipeline: _Pipeline):
        super().__init__(md)
        self.pipeline = pipeline

    def run(self, root: etree.Element) -> None:
        for el, anchor, holder, attr, placeholders in self.pipeline.collector.raw_anchors:
            text = (getattr(holder, attr) or "").rstrip()
            if el.get("id") == anchor and text.endswith(placeholders):
                setattr(holder, attr, text[:-len(placeholders)].rstrip())


class _TitleHeading(Treeprocessor):
    """A body that opens with a `# heading` gives the page its title there (Docusaurus, MkDocs
    and VitePress do the same): the heading leaves the body, and its id goes to the title."""

    def __init__(self, md, pipeline: _Pipeline):
        super().__init__(md)
        self.pipeline = pipeline

    def run(self, root: etree.Element) -> None:
        if len(root) and root[0].tag == "h1" and not (root.text or "").strip():
            heading = root[0]
            collector = self.pipeline.collector
            raw = next((anchor for el, anchor, *_ in collector.raw_anchors if el is heading), "")
            collector.title_id = heading.get("id") or raw  # an explicit id only: `{#x}`, `<a id="x">`
            root.remove(heading)


class _CjkLineJoin(Treeprocessor):
    """A line break between two CJK characters is not a space: drop it (CSS would render one),
    also where the break falls at the edge of inline markup (`和\n**創新**`)."""

    def run(self, root: etree.Element) -> None:
        slots = list(_text_slots(root))
        texts = [getattr(el, attr) or "" for el, attr in slots]
        for i, text in enumerate(texts):
            if "\n" not in text or text.isascii():
                continue  # no break, or no CJK character beside one
            text = CJK_BREAK.sub("", text)
            before = next((t for t in reversed(texts[:i]) if t), "")
            after = next((t for t in texts[i + 1:] if t), "")
            if CJK_END.search(text) and CJK_START.match(after):
                text = text.rstrip(" \t\n")
            if CJK_START_BREAK.match(text) and CJK_END_CHAR.search(before):
                text = text.lstrip(" \t\n")
            texts[i] = text
            setattr(slots[i][0], slots[i][1], text)


PREFORMATTED = frozenset({"pre", "code", "kbd", "samp", "script", "style", "textarea"})
"""Elements whose line breaks are the text's own: an indented code block's lines stay lines."""


def _text_slots(element: etree.Element):
    """(element, "text" | "tail") for every piece of prose text, in reading order: not the text
    inside code and other preformatted elements, nor text that Python-Markdown holds as atomic."""
    if element.tag in PREFORMATTED:
        return
    if not isinstance(element.text, AtomicString):
        yield element, "text"
    for child in element:
        yield from _text_slots(child)
        if not isinstance(child.tail, AtomicString):
            yield child, "tail"


class _Links(Treeprocessor):
    def __init__(self, md, pipeline: _Pipeline):
        super().__init__(md)
        self.pipeline = pipeline

    @property
    def collector(self) -> _Collector:
        return self.pipeline.collector

    def run(self, root: etree.Element) -> None:
        own = None
        for el in root.iter("a"):
            href = el.get("href")
            if href is None or href.startswith("#fn"):
                continue
            if href.startswith("#") and len(href) > 1:
                if own is None:
                    own = self._own_text_ids(root)
                fragment = unquote(href[1:])
                if fragment in own:  # a translation's link to its own heading's text: `#交易類型`
                    href = "#" + own[fragment]
                    el.set("href", href)
            self.collector.links.append(href)
            if self.collector.resolve_link:
                target = self.collector.resolve_link(href)
                if target is not None:
                    el.set("href", target)
        for el in root.iter("img"):
            src = el.get("src", "")
            self.collector.images.append((src, el.get("alt", "")))
            if src.startswith("/") and self.collector.resolve_link:  # /img/a.png: static_dir's
                target = self.collector.resolve_link(src)
                if target is not None:
                    el.set("src", target)

    def _own_text_ids(self, root: etree.Element) -> dict[str, str]:
        """Heading text slug -> id, for the headings whose id is not their own text's slug (a
        translation's, which carry the original's ids)."""
        ids = {el.get("id") for el in root.iter() if el.get("id")}
        found: dict[str, str] = {}
        for el in (el for el in root.iter() if el.tag in HEADINGS):
            text = "".join(el.itertext())
            text = re.sub(r"\x02wzxhzdk:\d+\x03", "", text)
            slug = self.collector.slugify(text, "-")
            if el.get("id") and slug and slug != el.get("id") and slug not in ids:
                found.setdefault(slug, el.get("id"))
        return found
