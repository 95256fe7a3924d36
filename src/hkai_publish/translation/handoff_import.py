"""`handoff import`: translated XLIFF back into content/<language>/ Markdown, in the original's
structure and marked up to date with the version that was handed off; a returned PO back into
locales/. Everything is read and checked first; nothing is written if anything is wrong."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import PoFileError, read_po
from lxml import etree

from hkai_publish.translation.segments import join_body, one_line, split_body
from hkai_publish.translation.catalogs import po_path
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import Entry, load_documents, pair_documents
from hkai_publish.errors import Problem
from hkai_publish.machinery.files import write_if_changed
from hkai_publish.translation.handoff import SKELETON_FORMAT, XLIFF_NS, Xliff12File
from hkai_publish.translation.i18n import check_catalog, serialize, translated_locales
from hkai_publish.sources.locales import Locale
from hkai_publish.translation.status import set_front_matter


@dataclass(frozen=True, slots=True)
class Import:
    """One file to write back into the project."""

    target: Path
    data: bytes
    source: Path
    """The returned file it comes from."""
    current: bool = True
    """False where the original changed after the hand-off: the page is then still outdated."""


def plan_imports(config: Config, paths: list[Path]) -> tuple[list[Import], list[Problem]]:
    """What importing `paths` would write, and every problem found on the way."""
    entries = {e.key: e for e in pair_documents(config, load_documents(config))}
    locales = {loc.tag: loc for loc in translated_locales(config)}
    imports: list[Import] = []
    problems: list[Problem] = []
    for path in paths:
        if path.suffix == ".po":
            _plan_po(config, path, locales, imports, problems)
        else:
            _plan_xliff(config, path, entries, locales, imports, problems)
    return imports, problems


def write_imports(imports: list[Import]) -> list[tuple[Import, bool]]:
    return [(item, write_if_changed(item.target, item.data)) for item in imports]


def _plan_xliff(config: Config, path: Path, entries: dict[str, Entry], locales: dict[str, Locale],
                imports: list[Import], problems: list[Problem]) -> None:
    data = path.read_bytes()
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(path, exc.lineno, "xliff", f"not well-formed XML: {exc.msg}"))
        return
    if etree.QName(root).localname != "xliff" or not root.get("version", "").startswith("1."):
        problems.append(Problem(path, root.sourceline, "xliff", "not an XLIFF 1.x file: return the .xlf "
                                "files `hkai-publish handoff` wrote (XLIFF 1.2)"))
        return
    try:
        store = Xliff12File.parsestring(data)
    except (ValueError, AssertionError, StopIteration) as exc:
        problems.append(Problem(path, 1, "xliff", f"cannot read the XLIFF: {exc}"))
        return
    units = {}
    for unit in store.units:
        original, _, unit_id = unit.getid().rpartition("\x04")
        units.setdefault(original, []).append((unit_id, unit))
    for filenode in store.document.getroot().iterchildren(f"{{{XLIFF_NS}}}file"):
        page = _plan_page(config, path, filenode, units.get(filenode.get("original"), []), entries, locales,
                          problems)
        if page:
            imports.append(page)


def _plan_page(config: Config, path: Path, filenode, units: list, entries: dict[str, Entry], locales: dict[str, Locale],
               problems: list[Problem]) -> Import | None:
    line = filenode.sourceline
    internal = filenode.find(f"{{{XLIFF_NS}}}header/{{{XLIFF_NS}}}skl/{{{XLIFF_NS}}}internal-file")
    try:
        skeleton = json.loads(internal.text)
        assert skeleton["format"] == SKELETON_FORMAT
    except (AttributeError, TypeError, ValueError, KeyError, AssertionError):
        problems.append(Problem(path, line, "xliff", "the hand-off skeleton (<header><skl>) is missing or damaged: "
                                "return the file as `hkai-publish handoff` wrote it, with its header"))
        return None
    locale = locales.get(filenode.get("target-language", ""))
    entry = entries.get(skeleton["key"])
    if locale is None or entry is None:
        what = f"language {filenode.get('target-language')!r}" if locale is None else f"page {skeleton['key']!r}"
        problems.append(Problem(path, line, "xliff", f"{what} is not in this publication"))
        return None
    targets, sources = {}, {}
    for unit_id, unit in units:
        sources[unit_id] = unit.source
        text = one_line((unit.target or "").strip().splitlines())
        if not text:
            problems.append(Problem(path, unit.xmlelement.sourceline, "untranslated",
                                    f"unit {unit_id} has no translation: {unit.source[:60]!r}"))
        targets[unit_id] = text
    needed = {str(part) for part in skeleton["skeleton"] if isinstance(part, int)} | {"title"}
    if missing := sorted(needed - targets.keys()):
        problems.append(Problem(path, line, "xliff", f"unit(s) {', '.join(missing)} are missing from the file"))
    if any(p.path == path for p in problems):
        return None
    body = join_body(skeleton["skeleton"], targets)
    kinds = [s.kind for s in split_body(body).segments]
    if kinds != [s.kind for s in split_body(join_body(skeleton["skeleton"], sources)).segments]:
        problems.append(Problem(path, line, "structure", "the translation changes the page's structure "
                                "(a unit starts a heading, list or table of its own): keep each unit one block"))
        return None
    text = _front_matter(entry, locale, targets, skeleton["source_hash"]) + body
    target = config.content_dir / locale.folder / f"{entry.key}.md"
    return Import(target, text.encode("utf-8"), path, entry.original.hash.startswith(skeleton["source_hash"]))


def _front_matter(entry: Entry, locale: Locale, targets: dict[str, str], source_hash: str) -> str:
    """The original's front matter with the translated title and summary, the previous
    translation's keywords, and the version translated."""
    meta: dict[str, Any] = {"title": targets["title"]}
    if "summary" in targets:
        meta["summary"] = targets["summary"]
    previous = entry.documents.get(locale.tag)
    for key, value in entry.original.meta.items():
        if key not in ("title", "summary", "source_hash"):
            meta[key] = previous.meta.get(key, value) if previous and key == "keywords" else value
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10**6) + "---\n"
    return set_front_matter(text, "source_hash", source_hash)


def _plan_po(config: Config, path: Path, locales: dict[str, Locale], imports: list[Import],
             problems: list[Problem]) -> None:
    try:
        with path.open("rb") as handle:
            identifier = read_po(handle).locale_identifier
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, getattr(exc, "lineno", 1), "po", f"cannot read catalogue: {exc}"))
        return
    locale = next((loc for loc in locales.values() if loc.babel_id == identifier), None)
    if locale is None:
        problems.append(Problem(path, 1, "po", f"the catalogue's Language {identifier!r} is not translated here"))
        return
    catalog, found = check_catalog(path, locale)
    problems.extend(p for p in found if p.severity == "error")
    if not any(p.severity == "error" for p in found):
        imports.append(Import(po_path(config, locale), serialize(catalog), path))
