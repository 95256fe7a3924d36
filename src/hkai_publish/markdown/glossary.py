"""The `[GLOSSARY]` marker: a paragraph of that text alone becomes the publication's bilingual
glossary, a table of term, translation(s) and definition, in the site and the PDF alike (the
PDF reuses the pages' bodies). The table's content is made by the editions from the termbase
and given to the renderer as plain values, so this stage needs nothing above it."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown.treeprocessors import Treeprocessor

MARKER = "[GLOSSARY]"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    lang: str = ""
    """Set where the text is not in the page's language."""


@dataclass(frozen=True, slots=True)
class Glossary:
    """What the marker prints: a header row and a row per concept, the first cell of each row
    being the term (a row header)."""

    headers: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]


class GlossaryTreeprocessor(Treeprocessor):
    """Replaces each marker paragraph with the glossary table, where the renderer has one."""

    glossary: Glossary | None = None

    def run(self, root: etree.Element) -> None:
        if self.glossary is None:
            return
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "p" and len(child) == 0 and (child.text or "").strip() == MARKER:
                    table = glossary_table(self.glossary)
                    table.tail = child.tail
                    parent.remove(child)
                    parent.insert(index, table)


def glossary_table(glossary: Glossary) -> etree.Element:
    table = etree.Element("table", {"class": "glossary"})
    head = etree.SubElement(etree.SubElement(table, "thead"), "tr")
    for cell in glossary.headers:
        _cell(head, "th", cell, scope="col")
    body = etree.SubElement(table, "tbody")
    for row in glossary.rows:
        tr = etree.SubElement(body, "tr")
        for number, cell in enumerate(row):
            _cell(tr, "th" if number == 0 else "td", cell, **({"scope": "row"} if number == 0 else {}))
    return table


def _cell(row: etree.Element, tag: str, cell: Cell, **attributes: str) -> None:
    element = etree.SubElement(row, tag, attributes)
    if cell.lang:
        element.set("lang", cell.lang)
    element.text = cell.text
