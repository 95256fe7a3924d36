"""Gettext catalogues: each locale's PO file, checked and compiled in memory (no stale .mo files)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel.support import NullTranslations, Translations

from hkai_publish.sources.config import Config
from hkai_publish.errors import CatalogError
from hkai_publish.machinery.files import decode_text, digest, read_bytes
from hkai_publish.sources.locales import Locale

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from hkai_publish.machinery.memo import Memo

DOMAIN = "messages"
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w:-]*)([^>]*)>")
# A PO line is blank, a comment, a keyword and a string, or a continued string. Babel's reader
# accepts an unterminated string silently, so each line is checked before it reads the file.
PO_LINE = re.compile(r'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*")?\s*')
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Characters no catalogue line may hold (a NUL in a msgstr could end the print stylesheet's marks)."""
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w*\}")


@dataclass(frozen=True, slots=True)
class LoadedCatalog:
    """One locale's UI strings, ready for Jinja."""

    locale: Locale
    translations: NullTranslations
    path: Path | None
    """The PO file, or None where the locale has none (its UI falls back to the source strings)."""


def po_path(config: Config, locale: Locale) -> Path:
    return config.locales_dir / locale.babel_id / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogs(config: Config, memo: Memo | None = None) -> dict[str, LoadedCatalog]:
    """Locale tag -> compiled catalogue, for every configured language. What a project's own
    catalogue leaves untranslated (or all, without one) comes from the theme's translations in
    this package (hkai_publish/locales), as its templates do."""
    catalogs = {loc.tag: load_catalog(po_path(config, loc), loc, memo) for loc in config.locales}
    if THEME_LOCALES.is_dir() and THEME_LOCALES.resolve() != config.locales_dir.resolve():
        for loc in config.locales:
            theme = THEME_LOCALES / loc.babel_id / "LC_MESSAGES" / f"{DOMAIN}.po"
            if theme.is_file():
                fallback = load_catalog(theme, loc, memo).translations
                own = catalogs[loc.tag]
                if own.path is None:
                    catalogs[loc.tag] = LoadedCatalog(loc, fallback, None)
                else:
                    own.translations.add_fallback(fallback)
    return catalogs


THEME_LOCALES = Path(__file__).resolve().parent.parent / "locales"
"""The theme's translations (in this repository, a link to its locales/)."""


def load_catalog(path: Path, locale: Locale, memo: Memo | None = None) -> LoadedCatalog:
    """The PO file checked and compiled, or (given `memo`, the build cache) compiled as an earlier
    build compiled the same bytes: reading a catalogue, and loading Babel's reader to do it, cost
    a rebuild after a one-page edit about 12 ms."""
    if not path.is_file():
        return LoadedCatalog(locale, NullTranslations(), None)
    data = read_bytes(path, CatalogError)
    key = ("mo", digest(data), locale.babel_id)
    compiled = memo.lookup("catalogs", key) if memo is not None else None
    if compiled is None:
        compiled = compile_catalog(path, locale, data)
        if memo is not None:
            memo.store("catalogs", key, compiled)
    return LoadedCatalog(locale, Translations(io.BytesIO(compiled), domain=DOMAIN), path)


def compile_catalog(path: Path, locale: Locale, data: bytes) -> bytes:
    """The PO file (its bytes, `data`) as MO bytes, once every translation in it is found safe
    (unsafe_translation)."""
    from babel.messages.mofile import write_mo  # here: a rebuild finds its catalogues compiled

    catalog = read_catalog(path, locale, data)
    for message in catalog:
        if message.id and message.string and not message.fuzzy:
            problem = unsafe_translation(message.id, message.string)
            if problem:
                raise CatalogError(problem, path, message.lineno)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def read_catalog(path: Path, locale: Locale, data: bytes | None = None) -> Catalog:
    """Parse a PO file (read from `path` unless its bytes, `data`, are given) strictly: a syntax
    error is a `file:line` error, not a skipped entry."""
    from babel.messages.pofile import PoFileError, read_po  # here: see load_catalog

    data = read_bytes(path, CatalogError) if data is None else data
    text = decode_text(data, path, CatalogError)
    # Split on line feeds alone: str.splitlines also splits on the control characters refused here.
    for number, line in enumerate(text.split("\n"), 1):
        if control := CONTROL.search(line):
            raise CatalogError(f"control character U+{ord(control.group()):04X} in the catalogue: a translation "
                               "may hold text, tabs and newlines (\\n) only", path, number)
        if not PO_LINE.fullmatch(line):
            raise CatalogError(f"PO syntax error: {_describe(line)}", path, number)
    try:
        catalog = read_po(io.BytesIO(data), locale=locale.babel_id, domain=DOMAIN, abort_invalid=True)
    except PoFileError as exc:
        message = re.sub(r"\s+on \d+$", "", str(exc))
        raise CatalogError(f"PO syntax error: {message}", path, exc.lineno) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(f"cannot read catalogue: {exc}", path, 1) from None
    _check_plural_forms(text, path)
    return catalog


def _check_plural_forms(text: str, path: Path) -> None:
    """A Plural-Forms header gettext can evaluate: Python's gettext raises on a bad one when the
    compiled catalogue is loaded, and a bad one would pick no form at all in other tools."""
    import gettext

    # As written: Babel's catalogue gives its own idea of the header back, not the file's.
    found = next(((n, m) for n, each in enumerate(text.split("\n"), 1)
                  if (m := re.fullmatch(r'\s*(?:msgstr\s+)?"Plural-Forms:\s*(.*?)(?:\\n)?"\s*', each, re.I))), None)
    if found is None:
        return
    line, value = found[0], found[1].group(1)
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+);?\s*", value)
    problem = None if match else "write it as `nplurals=N; plural=EXPRESSION;`"
    if match and not 1 <= int(match.group(1)) <= 6:
        problem = f"nplurals must be 1 to 6, got {match.group(1)}"
    elif match and len(match.group(2)) > 200:
        problem = "the plural expression is too long"
    elif match:
        try:
            plural = gettext.c2py(match.group(2))
            plural(1)
        except (ValueError, RecursionError, OverflowError, ZeroDivisionError) as exc:
            problem = f"the plural expression is not valid C: {exc}"
    if problem:
        raise CatalogError(f"malformed Plural-Forms header {value!r}: {problem}", path, line)


def _describe(line: str) -> str:
    if line.count('"') % 2:
        return f"unterminated string: {line.strip()}"
    return f"not a PO keyword, string or comment: {line.strip()}"


def unsafe_translation(msgid: str | tuple, msgstr: str | tuple) -> str | None:
    """Why a translation must not reach a page, or None. Jinja marks translations safe, so a
    msgstr may carry only the markup (tags with the same attributes) and placeholders its msgid
    has. A plural msgstr may leave out a placeholder (Chinese has one form for "1 page" and "%(n)s
    pages"); any other must keep them all, or the page loses its number or date."""
    ids = msgid if isinstance(msgid, tuple) else (msgid,)
    strings = msgstr if isinstance(msgstr, tuple) else (msgstr,)
    source_tags = sorted(TAG.findall(" ".join(ids)))
    source_placeholders = set(PLACEHOLDER.findall(" ".join(ids)))
    for string in strings:
        if not string:
            continue
        if "javascript:" in string.lower().replace(" ", ""):
            return "translation contains a javascript: URL"
        if sorted(TAG.findall(string)) != source_tags:
            return (f"translation's HTML markup differs from the original's: "
                    f"{string!r} for {ids[0]!r} (translations may not add or change tags or attributes)")
        placeholders = set(PLACEHOLDER.findall(string))
        if not placeholders <= source_placeholders or (len(ids) == 1 and placeholders != source_placeholders):
            return (f"translation's placeholders differ from the original's: "
                    f"{string!r} for {ids[0]!r}")
    return None
