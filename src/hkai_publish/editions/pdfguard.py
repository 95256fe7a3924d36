"""Guards around WeasyPrint: the fonts and subsetter it needs, a fetcher that reads only the
publication, its log records turned into problems, and glyph coverage of what it drew."""

from __future__ import annotations

import contextlib
import ctypes.util
import functools
import logging
import mimetypes
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse, iri_to_uri

from hkai_publish.translation.catalogs import LoadedCatalog
from hkai_publish.sources.config import Config
from hkai_publish.errors import PdfError, Problem
from hkai_publish.machinery.files import read_text
from hkai_publish.sources.locales import Locale
from hkai_publish.editions.edition import FALLBACKS, MONO, Edition

# The faces the print editions are set in, and the Debian package of each.
FONT_PACKAGES = {"Noto Serif": "fonts-noto-core", "Noto Sans": "fonts-noto-core",
                 "Noto Serif CJK HK": "fonts-noto-cjk", "Noto Sans CJK HK": "fonts-noto-cjk",
                 "Noto Sans Mono CJK HK": "fonts-noto-cjk"}
SUBSET_PACKAGE = "libharfbuzz-subset0"


def font_families(stack: str) -> list[str]:
    """The family names of a CSS font-family stack, generic families left out."""
    names = [name.strip().strip("'\"") for name in stack.split(",")]
    return [n for n in names if n and n not in {"serif", "sans-serif", "monospace", "system-ui"}]


def check_environment(locales: tuple[Locale, ...]) -> None:
    """Stop before a slow or wrong PDF: the HarfBuzz subsetter and the editions' Noto faces must be
    installed. Without them WeasyPrint falls back to slow subsetting or to another font, silently."""
    if not _has_subsetter():
        raise PdfError(f"the HarfBuzz subsetter is not installed, so the PDF fonts cannot be embedded "
                       f"quickly; install the Debian package {SUBSET_PACKAGE} (apt-get install {SUBSET_PACKAGE})")
    wanted = {f for loc in locales for f in font_families(loc.serif + "," + loc.sans + "," + MONO)
              if f in FONT_PACKAGES}
    missing = sorted(wanted - installed_families())
    if missing:
        packages = sorted({FONT_PACKAGES[f] for f in missing})
        raise PdfError(f"fonts not installed: {', '.join(missing)}; the PDF editions need them "
                       f"(apt-get install {' '.join(packages)})")


def _has_subsetter() -> bool:
    """Whether WeasyPrint will subset with HarfBuzz; without it, it falls back to fontTools, which
    takes minutes over a CJK face. Asks WeasyPrint itself, which loads the library its own way."""
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except ImportError:  # WeasyPrint moved its internals: ask the dynamic linker instead
        return ctypes.util.find_library("harfbuzz-subset") is not None
    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@functools.cache
def installed_families() -> frozenset[str]:
    """Every font family fontconfig knows (fontconfig is a dependency of Pango, hence of WeasyPrint)."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{family}\n"], capture_output=True,
                                 text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise PdfError(f"cannot list the installed fonts with fc-list ({exc}); install the Debian "
                       "package fontconfig") from None
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(","))


@dataclass(frozen=True)
class Sources:
    """Where an edition's URLs and characters come from, for `file:line` messages."""

    default: Path
    """Where a problem with no better location is reported: the print template."""
    urls: dict[str, tuple[Path, int, str]] = field(default_factory=dict)
    """URL as WeasyPrint asks for it -> Markdown file, line, and the URL as written there."""
    checked: frozenset[str] = frozenset()
    """URLs of local images that checks.py already reports when missing."""
    text_files: tuple[Path, ...] = ()
    """Files whose characters the edition prints, searched in order to locate a character."""
    texts: dict[Path, str] = field(default_factory=dict, compare=False)
    """The text_files (and styles) read so far."""
    styles: tuple[Path, ...] = ()
    """The print template and the stylesheets beside it, where a URL not in Markdown was written."""

    @classmethod
    def for_edition(cls, config: Config, edition: Edition, catalog: LoadedCatalog) -> "Sources":
        urls, checked = {}, set()
        for section in edition.sections:
            doc = section.page.document
            for resource in section.resources:
                url = iri_to_uri(resource.url)
                urls.setdefault(url, (doc.path, doc.line_of(resource.written), resource.written))
                if resource.is_image and "://" not in resource.written and not resource.written.startswith("data:"):
                    checked.add(url)
        template = config.template_file("print.html")
        files = [s.page.document.path for s in edition.sections]
        files += [p for p in (catalog.path, config.config_file, template) if p]
        from hkai_publish.editions.site import asset_files

        styles = sorted(path for name, path in asset_files(config).items() if name.endswith(".css"))
        return cls(template, urls, frozenset(checked), tuple(files), styles=(template, *styles))

    def url_location(self, url: str) -> tuple[Path, int | None, str]:
        """Where a URL was written, and how: in Markdown; else the line of the print template or
        a stylesheet that has it (`url(file:…)`, `@import`), or its file name; else the template
        and the URL itself."""
        for candidate in (url, url.split("#")[0], url.split("?")[0]):
            if candidate in self.urls:
                return self.urls[candidate]
        parts = urlsplit(url)
        name = parts.path.rsplit("/", 1)[-1]
        for needle in (url, parts.path if parts.scheme == "file" else "", name if len(name) > 3 else ""):
            for path in self.styles if needle else ():
                text = self._text(path)
                if needle in text:
                    return path, text[: text.index(needle)].count("\n") + 1, url
        return self.default, None, url

    def _text(self, path: Path) -> str:
        if path not in self.texts:
            self.texts[path] = read_text(path) if path.is_file() else ""
        return self.texts[path]

    def char_location(self, char: str) -> tuple[Path, int | None]:
        """The first file and line that has `char`; the template where none does."""
        for path in self.text_files:
            text = self._text(path)
            if char in text:
                return path, text[: text.index(char)].count("\n") + 1
        return self.default, None



class ProjectFetcher(URLFetcher):
    """Reads files inside content/, templates/assets/ and static_dir, and data: URIs; refuses the rest
    (another local file, the network, a path that escapes) and records each refusal."""

    def __init__(self, config: Config, sources: Sources):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = (config.content_dir.resolve(), config.static_path.resolve(),
                      *((folder / "assets").resolve() for folder in config.template_dirs))
        self.sources = sources
        self.problems: list[Problem] = []
        self.refused: set[str] = set()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self._refuse(url, "the PDF edition reads no network resources; put the file in content/")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            self._refuse(url, "outside the publication; the PDF edition reads only content/, "
                              "templates/assets/ and static_dir")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def _refuse(self, url: str, reason: str) -> None:
        if url not in self.refused:
            self.refused.add(url)
            path, line, written = self.sources.url_location(url)
            shown = written if len(written) < 120 else written[:117] + "..."
            self.problems.append(Problem(path, line, "pdf-fetch", f"refused to read {shown!r}: {reason}"))
        raise PermissionError(f"refused: {url}")


@contextlib.contextmanager
def captured_log() -> Iterator[list[logging.LogRecord]]:
    """WeasyPrint's warnings and errors, kept for problems instead of printed."""
    logger = logging.getLogger("weasyprint")
    records: list[logging.LogRecord] = []
    handler = _ListHandler(records)
    saved = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate, logger.level = False, logging.WARNING
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate, logger.level = saved


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]):
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


LOAD_FAILURE = re.compile(r"Failed to load (\w+)(?: at)? '?([^' ]+)'?")
CSS_POSITION = re.compile(r" at (\d+):(\d+)")
NO_ANCHOR = re.compile(r"No anchor #([^:\s]+):")


def problems_from_log(records: list[logging.LogRecord], default: Path, fetcher: ProjectFetcher,
                      css_lines: bool = False, chapters: frozenset[str] = frozenset()) -> list[Problem]:
    """One problem per WeasyPrint record, placed where its URL came from, else at `default`.
    With `css_lines` the records come from parsing `default`, a stylesheet: "at 12:3" is its line.
    `chapters` are the edition's chapter anchors, which prefix the ids of their pages' text."""
    problems = []
    for record in records:
        message = record.getMessage()
        if message.startswith(".notdef glyph"):
            continue  # check_glyphs reports these with the character's source line
        anchor = NO_ANCHOR.match(message)
        if anchor and anchor.group(1) in chapters:
            continue  # a link in a page's text to an id it lacks: check_links reports it at its line
        if any(url in message for url in fetcher.refused):
            continue  # the fetcher reported the refusal
        path, line = default, None
        failure = LOAD_FAILURE.search(message)
        if failure and failure.group(2) in fetcher.sources.urls:
            if failure.group(2) in fetcher.sources.checked:
                continue  # checks.py reports a missing image with the same line
            path, line, _ = fetcher.sources.url_location(failure.group(2))
        elif css_lines and (position := CSS_POSITION.search(message)):
            line = int(position.group(1))
        severity = "error" if record.levelno >= logging.ERROR else "warning"
        problems.append(Problem(path, line, "pdf-render", f"WeasyPrint: {message}", severity))
    return problems


def check_glyphs(locale: Locale, document, sources: Sources) -> list[Problem]:
    """Every character drawn must come from a font embedded in the PDF (no tofu), and from the
    edition's own faces rather than whatever fontconfig found (a warning)."""
    fonts = list(document.fonts.values())
    missing = {chr(cp) for font in fonts for cp in font.missing}
    problems = _located(missing, sources, "pdf-glyphs", "error",
                        "no font embedded in the PDF has a glyph for {}; they would print as "
                        "empty boxes (remove them or install a font that covers them)")
    own = set(font_families(locale.serif + "," + locale.sans + "," + MONO + "," + FALLBACKS))
    for font in fonts:
        if font.family not in own:
            drawn = {c for text in font.to_unicode.values() for c in text if c not in missing}
            drawn = {c for c in drawn if not c.isspace()}
            problems += _located(drawn, sources, "pdf-font", "warning",
                                 "{} drawn with the fallback font " + repr(font.family) +
                                 f", which is not one of the {locale.tag} edition's fonts")
    return problems


def _located(chars: set[str], sources: Sources, check_id: str, severity: str, message: str) -> list[Problem]:
    """One problem per source file, at the first line of those characters found first in it;
    `message` has one `{}` for the list of characters."""
    places = sorted(((sources.char_location(c), c) for c in chars), key=lambda p: (str(p[0][0]), p[0][1] or 0, p[1]))
    by_file: dict[Path, tuple[int | None, list[str]]] = {}
    for (path, line), char in places:
        by_file.setdefault(path, (line, []))[1].append(char)
    return [Problem(path, line, check_id, message.replace("{}", ", ".join(map(_describe, found)), 1), severity)
            for path, (line, found) in by_file.items()]


def _describe(char: str) -> str:
    name = unicodedata.name(char, "unassigned or private use")
    return f"{char!r} (U+{ord(char):04X} {name})"
