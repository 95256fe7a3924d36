"""The value types of a PDF edition: what pdf.py makes and the guard (pdfguard.py) reads, below both."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from hkai_publish.editions.pages import Page
from hkai_publish.markdown.renderer import Heading
from hkai_publish.sources.locales import Locale

MONO = '"Noto Sans Mono CJK HK", monospace'
"""Code in both editions: one face with Latin and Hong Kong CJK glyphs."""
EMOJI = "Noto Color Emoji"
"""Emoji (🐬 ✅ ⭐) in the PDF, from Debian's fonts-noto-color-emoji; without it they are spelt out.
Pango takes emoji from it by itself; in a font stack it would also draw digits and spaces (it has
glyphs for them, for keycaps), so it is left out of the stacks and only accepted by the guard."""
SYMBOLS = '"Noto Sans Symbols2", "Noto Sans Symbols"'
"""After each edition's own faces, before the generic family: symbols (☑ ▸ ♻) from fonts-noto-core."""
FALLBACKS = f'{SYMBOLS}, "{EMOJI}"'
"""The faces a PDF edition may draw with besides its own (see pdfguard.check_glyphs)."""


def with_symbols(stack: str) -> str:
    """A font stack with SYMBOLS before its generic family (`serif`, `monospace`), so that a
    symbol the text faces lack comes from them, not from whatever fontconfig finds."""
    head, comma, generic = stack.rpartition(",")
    if generic.strip() in ("serif", "sans-serif", "monospace") and comma:
        return f"{head}, {SYMBOLS},{generic}"
    return f"{stack}, {SYMBOLS}"


@dataclass(frozen=True, slots=True)
class Resource:
    """A file the PDF embeds, as WeasyPrint asks for it and as the Markdown wrote it."""

    url: str
    """As the print HTML has it; WeasyPrint asks the fetcher for it IRI-encoded."""
    written: str
    is_image: bool


@dataclass(frozen=True, slots=True)
class Section:
    """One page of the publication as a chapter of a PDF edition."""

    page: Page
    anchor: str
    """The chapter's id in the edition; its headings' ids are `<anchor>:<id>`."""
    number: int
    html: Markup
    """The page's rendered body with ids prefixed and links between pages pointing inside the PDF."""
    headings: tuple[Heading, ...]
    resources: tuple[Resource, ...] = ()
    """Images and attachments WeasyPrint will fetch for this chapter."""
    remote_images: tuple[str, ...] = ()
    """Images on the web (src as written): the PDF shows their alt text with a link instead."""

    @property
    def lang(self) -> str:
        """The language the chapter is written in: the original's where the translation is missing."""
        return self.page.document.locale.tag


@dataclass(frozen=True, slots=True)
class OtherTitle:
    """The publication's title in another of its languages, for a bilingual cover."""

    lang: str
    title: str
    subtitle: str


@dataclass(frozen=True, slots=True)
class Edition:
    """One PDF: a language's chapters in reading order, and where the PDF goes."""

    locale: Locale
    sections: tuple[Section, ...]
    path: str
    """Relative to the build folder: `pdf/<pdf_name>-<folder>.pdf`."""
    date: dt.date | None
    """The newest date or update of its chapters: the date on the cover."""
    others: tuple[OtherTitle, ...] = ()
    """The title in the publication's other languages, smaller on the cover."""
