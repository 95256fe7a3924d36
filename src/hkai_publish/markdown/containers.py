"""Fenced containers (`:::note Title` … `:::`, as Docusaurus, VitePress and markdown-it-container
write them; an outer one may use more colons, `::::`) and Python-Markdown's `!!! note "Title"`
admonitions, rendered as callouts, editorial components (key facts, pull quote, figure) and tabs.
The Markdown inside is parsed as any other: lists, code, links, other containers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Callable, Mapping

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.admonition import AdmonitionProcessor
from markdown.treeprocessors import Treeprocessor

from hkai_publish.markdown.mdx import TAG, prose_lines


def N_(message: str) -> str:
    """Marks a UI string for `i18n extract`; it is translated where it is shown."""
    return message


CALLOUTS: dict[str, str] = {
    "note": N_("Note"), "tip": N_("Tip"), "info": N_("Info"), "warning": N_("Warning"),
    "danger": N_("Danger"), "caution": N_("Caution"), "important": N_("Important"),
}
"""Callout kinds and their default titles (translated through the catalogue)."""
ALIASES = {"attention": "warning", "error": "danger", "hint": "tip", "success": "tip", "abstract": "info",
           "summary": "info", "question": "info", "example": "info", "bug": "danger", "failure": "danger",
           "quote": "note", "seealso": "info", "todo": "note", "secondary": "note"}
"""MkDocs-Material and reStructuredText admonition names, drawn as the nearest callout."""
KEYFACTS_LABEL = N_("Key facts")
UI_STRINGS = (*CALLOUTS.values(), KEYFACTS_LABEL)
"""What the components show in the reader's language: the renderer is given their translations."""
EDITORIAL = ("keyfacts", "pullquote", "figure")
TABS = ("tabs", "tab", "code-group")
KNOWN = frozenset((*CALLOUTS, *ALIASES, *EDITORIAL, *TABS, "details"))

FENCE = re.compile(r"^[ ]{0,3}(?P<colons>:{3,})[ \t]*(?P<name>[A-Za-z][\w-]*)?(?P<rest>.*)$")
CLOSER = re.compile(r"^[ ]{0,3}(:{3,})[ \t]*$")
CREDIT = re.compile(r"^(?:credit|source|photo)[ \t]*:[ \t]*", re.I)
ATTRIBUTION = re.compile(r"^(?:--|—|―|–)[ \t]*")


@dataclass(frozen=True, slots=True)
class Opening:
    """A container's first line."""

    colons: int
    name: str
    title: str


def opening(line: str) -> Opening | None:
    """`:::note`, `::: tip Title`, `:::info[Title]`, `:::warning\\[Title\\]` (escaped by an
    editor), `:::note[標題］` (a translation's full-width bracket): the kind and the title."""
    found = FENCE.match(line)
    if not found or not found.group("name"):
        return None
    rest = found.group("rest").strip()
    if bracket := re.fullmatch(r"\\?[\[［](.*?)\\?[\]］]\s*(?:\{[^}]*\})?", rest):
        rest = bracket.group(1)
    return Opening(len(found.group("colons")), found.group("name").lower(), rest.strip().strip('"'))


def closing(line: str) -> int:
    """The number of colons of a closing fence, or 0."""
    found = CLOSER.match(line)
    return len(found.group(1)) if found else 0


def kind_of(name: str) -> str:
    """What a container is drawn as: a callout kind, an editorial component, tabs, or "unknown"."""
    name = ALIASES.get(name, name)
    return name if name in KNOWN else "unknown"


ADMONITION = re.compile(r"^[ ]*!!![ \t]*([\w-]+)")


@dataclass(frozen=True, slots=True)
class Placed:
    """A component as written in a page: what it is and its body line (from 1)."""

    kind: str
    """A callout kind, keyfacts, pullquote, figure, details, tabs, tab, code-group, or the name
    of a container this tool does not know."""
    line: int
    written: str
    """Its opening as written: `:::note`, `!!! tip`, `<TabItem>`."""


def components_of(body: str) -> list[Placed]:
    """The containers, admonitions and tabs of a Markdown body, in order (what parity compares)."""
    found = []
    for number, line in prose_lines(body.split("\n")):
        if (opened := opening(line)) is not None:
            kind = kind_of(opened.name)
            found.append(Placed(opened.name if kind == "unknown" else kind, number, ":::" + opened.name))
        elif admonition := ADMONITION.match(line):
            found.append(Placed(kind_of(admonition.group(1).lower()), number, "!!! " + admonition.group(1)))
        elif "<Tab" in line:
            for tag in TAG.finditer(line):
                if tag.group(2) in ("Tabs", "TabItem") and not tag.group(1):
                    found.append(Placed("tabs" if tag.group(2) == "Tabs" else "tab", number, f"<{tag.group(2)}>"))
    return found


class ContainerProcessor(BlockProcessor):
    """Takes a block that opens a container and the blocks up to its closing fence (a closer
    closes the innermost open container with as many colons or fewer), and parses those inside
    a `div` that ContainerTree draws."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return block.lstrip(" ")[:3] == ":::" and (opening(block.split("\n", 1)[0]) is not None
                                                 or closing(block.split("\n", 1)[0]) > 0)

    def run(self, parent: etree.Element, blocks: list[str]) -> bool | None:
        lines = blocks.pop(0).split("\n")
        first = opening(lines[0])
        if first is None:  # a closer with nothing open: drop it, keep what follows
            if rest := "\n".join(lines[1:]).strip("\n"):
                blocks.insert(0, rest)
            return None
        inner, open_colons, current = [], [first.colons], lines[1:]
        while True:
            for index, line in enumerate(current):
                if (nested := opening(line)) is not None:
                    open_colons.append(nested.colons)
                elif (colons := closing(line)) and colons >= open_colons[-1]:
                    open_colons.pop()
                    if not open_colons:
                        inner.append("\n".join(current[:index]))
                        if rest := "\n".join(current[index + 1:]).strip("\n"):
                            blocks.insert(0, rest)
                        break
            else:
                inner.append("\n".join(current))
                if blocks:
                    current = blocks.pop(0).split("\n")
                    continue
            break
        element = etree.SubElement(parent, "div", {"data-container": first.name, "data-title": first.title})
        self.parser.parseBlocks(element, [block for block in inner if block.strip()])
        return None


Labels = Mapping[str, str]
"""A UI string (CALLOUTS' titles, KEYFACTS_LABEL) -> its translation in the page's language."""


class ContainerTree(Treeprocessor):
    """Draws each marked container as its component's HTML. Runs before the inline patterns, so
    titles and captions are still Markdown text and get their links and emphasis."""

    def __init__(self, md: markdown.Markdown, labels: Labels, titles: Callable[[], Mapping[str, str]]):
        super().__init__(md)
        self.labels = labels
        self.titles = titles

    def run(self, root: etree.Element) -> None:
        # Innermost first, so that a component sees its children already drawn.
        for element in reversed(list(root.iter("div"))):
            if element.get("class", "").startswith("admonition "):
                _mark_admonition(element)
            name = element.attrib.pop("data-container", None)
            if name is None:
                continue
            title = element.attrib.pop("data-title", "")
            kind = kind_of(name)
            draw = getattr(self, "_" + kind.replace("-", "_"), None)
            if kind in CALLOUTS:
                self._callout(element, kind, title)
            elif draw is not None:
                draw(element, title)
            else:
                element.set("class", f"container container-{_css_name(name)}")
        for number, tabs in enumerate((e for e in root.iter("div") if e.get("class") == "tabs"), 1):
            for child in tabs:  # numbered in reading order, for ids unique in the page
                for attribute in ("name", "id", "for"):
                    if child.get(attribute):
                        child.set(attribute, re.sub(r"^tabs-\d+", f"tabs-{number}", child.get(attribute)))

    def _label(self, message: str) -> str:
        return self.labels.get(message, message)

    def _callout(self, element: etree.Element, kind: str, title: str) -> None:
        label = self._label(CALLOUTS[kind])
        element.attrib.update({"class": f"callout callout-{kind}", "role": "note", "aria-label": label})
        heading = etree.Element("p", {"class": "callout-title"})
        heading.text = title or label
        element.insert(0, heading)

    def _details(self, element: etree.Element, title: str) -> None:
        element.tag = "details"
        element.set("class", "callout callout-details")
        summary = etree.Element("summary")
        summary.text = title or self._label(CALLOUTS["info"])
        element.insert(0, summary)

    def _keyfacts(self, element: etree.Element, title: str) -> None:
        label = self._label(KEYFACTS_LABEL)
        element.tag = "section"
        element.attrib.update({"class": "keyfacts", "aria-label": title or label})
        heading = etree.Element("p", {"class": "keyfacts-title"})
        heading.text = title or label
        element.insert(0, heading)

    def _pullquote(self, element: etree.Element, title: str) -> None:
        """The text as a quotation; its attribution from the opening line or a last paragraph
        that starts with a dash (`— Chief Executive`)."""
        attribution = title
        last = element[-1] if len(element) else None
        if last is not None and last.tag == "p" and len(last) == 0:
            text, _, final = (last.text or "").rpartition("\n")
            if ATTRIBUTION.match(final):  # the quotation's last line: `— Chief Executive`
                attribution = ATTRIBUTION.sub("", final, count=1)
                if text.strip():
                    last.text = text
                else:
                    element.remove(last)
        element.tag = "figure"
        element.set("class", "pullquote")
        quote = etree.Element("blockquote")
        quote.extend(list(element))
        for child in list(element):
            element.remove(child)
        element.append(quote)
        if attribution:
            caption = etree.SubElement(element, "figcaption")
            caption.text = attribution

    def _figure(self, element: etree.Element, title: str) -> None:
        """Drawn by FigureTree, once the images are images (after the inline patterns)."""
        element.tag = "figure"
        element.set("class", "figure")
        if title:
            element.set("data-title", title)

    def _tabs(self, element: etree.Element, title: str) -> None:
        """Radio buttons and labels, one per tab, then its panel: keyboard accessible (arrow keys)
        and readable without JavaScript; the print stylesheet shows every panel under its label."""
        group = f"tabs-{id(element)}"  # numbered in reading order by run()
        panels = [child for child in element if child.get("class") == "tab-panel"]
        others = [child for child in element if child.get("class") != "tab-panel"]
        for child in list(element):
            element.remove(child)
        element.attrib.update({"class": "tabs", "role": "group"})
        if title:
            element.set("aria-label", title)
        chosen = next((i for i, panel in enumerate(panels) if panel.get("data-default") is not None), 0)
        for number, panel in enumerate(panels, 1):
            label_text = panel.attrib.pop("data-label", "") or str(number)
            panel.attrib.pop("data-default", None)
            ident = f"{group}-{number}"
            radio = etree.SubElement(element, "input", {"type": "radio", "name": group, "id": ident,
                                                        "class": "tab-input"})
            if number - 1 == chosen:
                radio.set("checked", "checked")
            label = etree.SubElement(element, "label", {"for": ident, "class": "tab-label"})
            label.text = label_text
            panel.set("class", "tab-panel")
            element.append(panel)
        element.extend(others)

    def _tab(self, element: etree.Element, title: str) -> None:
        element.set("class", "tab-panel")
        label, default = re.subn(r"\s*\{default\}\s*$", "", title)
        element.set("data-label", label)
        if default:
            element.set("data-default", "")

    def _code_group(self, element: etree.Element, title: str) -> None:
        """VitePress: each code block is a tab, labelled by its `[title]`."""
        titles = self.titles()
        for number, child in enumerate(list(element), 1):
            placeholder = (child.text or "").strip() if child.tag == "p" else ""
            index = list(element).index(child)
            element.remove(child)
            panel = etree.Element("div")
            panel.append(child)
            self._tab(panel, titles.get(placeholder, "") or str(number))
            element.insert(index, panel)
        self._tabs(element, title)
        element.set("data-code-group", "")  # the tabs say the code's titles: CSS hides them below


class FigureTree(Treeprocessor):
    """A figure's images first, then its caption: the other paragraphs, and `credit:` as the credit."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter("figure"):
            if element.get("class") == "figure":
                _arrange_figure(element, element.attrib.pop("data-title", ""))


def _arrange_figure(element: etree.Element, title: str) -> None:
    media, caption, credit = [], [], None
    for child in list(element):
        element.remove(child)
        images = [c for c in child if c.tag == "img"] if child.tag == "p" else []
        if images and not (child.text or "").strip() and all(not (c.tail or "").strip() for c in child):
            media.extend(images)
        elif child.tag == "p" and CREDIT.match(child.text or ""):
            credit = child
        else:
            caption.append(child)
    for image in media:
        image.tail = None
        element.append(image)
    if title or caption or credit is not None:
        figcaption = etree.SubElement(element, "figcaption")
        if title:
            etree.SubElement(figcaption, "p", {"class": "figure-caption"}).text = title
        for paragraph in caption:
            paragraph.set("class", "figure-caption")
            figcaption.append(paragraph)
        if credit is not None:
            credit.set("class", "figure-credit")
            credit.text = CREDIT.sub("", credit.text, count=1)
            figcaption.append(credit)


def _mark_admonition(element: etree.Element) -> None:
    """Python-Markdown's admonition (`!!! note "Title"`) marked as a `:::note Title` container.
    Its default title (the kind, capitalised) is left to the callout, which translates it."""
    name = element.get("class", "").split()[1]
    title = ""
    if len(element) and element[0].tag == "p" and element[0].get("class") == "admonition-title":
        title = element[0].text or ""
        element.remove(element[0])
        title = "" if title == name.capitalize() else title
    element.attrib = {"data-container": name, "data-title": title}


def _css_name(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", name.lower())


class ContainerExtension(Extension):
    def __init__(self, labels: Labels | None = None, titles: Callable[[], Mapping[str, str]] = dict):
        super().__init__()
        self.labels = labels or {}
        self.titles = titles

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Before code blocks (80) and paragraphs: a container's lines are its own.
        md.parser.blockprocessors.register(ContainerProcessor(md.parser), "hkai_containers", 85)
        md.parser.blockprocessors.register(AdmonitionProcessor(md.parser), "admonition", 105)
        # After the block parse, before inline patterns (20): titles stay Markdown for them.
        md.treeprocessors.register(ContainerTree(md, self.labels, self.titles), "hkai_containers", 25)
        md.treeprocessors.register(FigureTree(md), "hkai_figures", 19)
