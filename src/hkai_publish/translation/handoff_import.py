"""`handoff import`: translated XLIFF back into content/<language>/ Markdown, in the original's
structure and marked up to date with the version that was handed off; a returned PO back into
locales/. Everything is read and checked first; nothing is written if anything is wrong."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection

import yaml
from babel.messages.pofile import PoFileError, read_po
from lxml import etree

from hkai_publish.translation.segments import join_body, one_line, rewrite_body, split_body
from hkai_publish.translation.catalogs import po_path, read_catalog
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import Document, Entry, load_documents, pair_documents
from hkai_publish.errors import CatalogError, ContentError, Problem
from hkai_publish.machinery.files import decode_text, write_if_changed
from hkai_publish.translation.handoff import SKELETON_FORMAT, XLIFF_NS, Xliff12File, markup_digest
from hkai_publish.translation.i18n import check_catalog, serialize, translated_locales
from hkai_publish.sources.locales import Locale
from hkai_publish.translation.status import set_front_matter


UNTRANSLATED_STATES = ("new", "needs-translation")
SIGNED_STATES = ("final", "signed-off")
"""States that say a target identical to its source is meant (a name, a code)."""
NOT_PROSE = re.compile(r"`[^`]*`|\]\([^)]*\)|<[^>]*>|https?://\S+|\{[^}]*\}|^(?::::+|!!!)[\w-]*")
"""Code, link targets, tags, URLs, attributes and container fences (`:::note`): what is left
without lower-case letters (`AI`, `GPT-4`, `2026`) has nothing to translate."""
SENTENCE = re.compile(r"[^.!?]*[A-Za-z][^.!?]*[.!?]")
BOM = b"\xef\xbb\xbf"


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
    previous = entry.documents.get(locale.tag)
    published = set() if previous is None else \
        {s.text for s in split_body(previous.body).segments} | {str(previous.meta.get(k, "")) for k in ("title", "summary")}
    targets, sources = {}, {}
    for unit_id, unit in units:
        sources[unit_id] = unit.source
        text = one_line((unit.target or "").strip().splitlines())
        node = unit.xmlelement.find(f"{{{XLIFF_NS}}}target")
        if reason := untranslated(unit.source, text, node.get("state", "") if node is not None else "", published):
            line = (node if node is not None else unit.xmlelement).sourceline
            problems.append(Problem(path, line, "untranslated", f"unit {unit_id} {reason}"))
        targets[unit_id] = text
    # The title is a unit of its own where the original has one in front matter (else its `# heading`).
    needed = {str(part) for part in skeleton["skeleton"] if isinstance(part, int)} | \
        ({"title"} if entry.original.meta.get("title") else set())
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
    # The translation's own file (legacy.mdx stays .mdx), or a new one named as the original is.
    target = previous.path if previous is not None else \
        config.content_dir / locale.folder / f"{entry.key}{entry.original.path.suffix}"
    if previous is not None:
        data = _rewrite(previous, skeleton, targets)
    else:
        data = (_front_matter(entry, locale, targets, skeleton["source_hash"]) + body).encode("utf-8")
    return Import(target, data, path, entry.original.hash.startswith(skeleton["source_hash"]))


def untranslated(source: str, target: str, state: str, published: Collection[str] = ()) -> str | None:
    """Why a returned unit is not translated yet, if it is not: no target, a state that says so,
    the source itself (what CAT tools write for a segment left untranslated; unless the unit is
    signed off as it is, has no lower-case letters to translate, or the published translation
    already keeps the text as it is: `published`), or a sentence of the source left in."""
    source = one_line(source.strip().splitlines())
    if not target:
        return f"has no translation: {source[:60]!r}"
    if state in UNTRANSLATED_STATES:
        return f"is marked state={state!r}, not translated yet: {source[:60]!r}"
    if target == source:
        if state in SIGNED_STATES or target in published or not any(c.islower() for c in NOT_PROSE.sub("", source)):
            return None
        return (f"is still the original text (a CAT tool returns a segment left untranslated as its source; "
                f"mark the target state=\"final\" if it is meant to stay so): {source[:60]!r}")
    for sentence in SENTENCE.findall(source):
        sentence = sentence.strip()
        if len(sentence.split()) >= 5 and sentence in target:
            return f"still has a sentence of the original, untranslated: {sentence[:60]!r}"
    return None


def _rewrite(previous: Document, skeleton: dict[str, Any], targets: dict[str, str]) -> bytes:
    """The translation's file with the returned units in place: only the blocks whose translation
    changed are written again; its own line breaks, markup, front matter, BOM and line endings stay."""
    data = previous.path.read_bytes()
    text = decode_text(data, previous.path, ContentError)
    body = previous.body
    front = text[:len(text) - len(body)]
    known = frozenset(skeleton["base_markup"]) if "base_markup" in skeleton else None
    base = None if known is None else (lambda line: markup_digest(line) in known)
    body = rewrite_body(body, split_body(body), skeleton["skeleton"], targets, base)
    for key in ("title", "summary"):
        if key in targets and str(previous.meta.get(key, "")) != targets[key]:
            front = _set_value(front, key, targets[key])
    text = set_front_matter(front, "source_hash", skeleton["source_hash"]) + body
    if b"\r\n" in data:
        text = text.replace("\n", "\r\n")
    return (BOM if data.startswith(BOM) else b"") + text.encode("utf-8")


def _set_value(front: str, key: str, value: str) -> str:
    """Front matter with `key` set to `value` in place (or added last), the rest as it is."""
    line = yaml.safe_dump({key: value}, allow_unicode=True, width=10**6)
    pattern = re.compile(rf"^{re.escape(key)}:.*\n(?:[ \t]+\S.*\n)*", re.M)
    if pattern.search(front):
        return pattern.sub(lambda _: line, front, count=1)
    end = front.rstrip("\n").rfind("\n") + 1  # the closing ---
    return front[:end] + line + front[end:]


def _front_matter(entry: Entry, locale: Locale, targets: dict[str, str], source_hash: str) -> str:
    """The original's front matter with the translated title and summary, the previous
    translation's keywords, and the version translated."""
    meta: dict[str, Any] = {"title": targets["title"]} if "title" in targets else {}
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
    problems.extend(_lost_translations(po_path(config, locale), path, catalog, locale))
    if not any(p.severity == "error" for p in found):
        imports.append(Import(po_path(config, locale), serialize(catalog), path))


def _lost_translations(current: Path, path: Path, returned, locale: Locale) -> list[Problem]:
    """A warning for each string the project's catalogue translates and the returned one does not
    (OmegaT, segmenting by sentence, empties a msgstr of several sentences)."""
    if not current.is_file():
        return []
    try:
        before = read_catalog(current, locale)
    except CatalogError:
        return []
    problems = []
    for message in before:
        if not message.id or message.fuzzy or not _translated(message):
            continue
        now = returned.get(message.id, message.context)
        if now is None or not _translated(now):
            label = message.id if isinstance(message.id, str) else message.id[0]
            old = message.string if isinstance(message.string, str) else message.string[0]
            where = "has no translation for" if now is not None else "leaves out"
            problems.append(Problem(path, now.lineno if now is not None else 1, "lost-translation",
                                    f"the returned catalogue {where} {label!r}, translated as {old!r} in "
                                    f"{current.name}: importing it would lose that translation", "warning"))
    return problems


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)
