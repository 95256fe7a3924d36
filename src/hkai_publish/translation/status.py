"""Translation status: each page per language up to date, outdated, untracked or missing (with what
changed in the original where git remembers), UI string completeness, and marking pages done."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hkai_publish.sources.config import Config
from hkai_publish.sources.content import FRONT_MATTER, Document, Entry, TranslationState, load_documents, \
    pair_documents, translatable_text, translation_state
from hkai_publish.errors import ContentError, display_path
from hkai_publish.machinery.files import encode_like, read_text, write_if_changed
from hkai_publish.translation.history import Revision, find_revision
from hkai_publish.translation.i18n import CatalogStats, catalog_stats, translated_locales
from hkai_publish.sources.locales import Locale


@dataclass(frozen=True, slots=True)
class PageStatus:
    """One page in one translated language."""

    entry: Entry
    state: TranslationState
    translation: Document | None
    revision: Revision | None = None
    """For an outdated page: the original's commit the translation was made from, if git knows it."""

    diff: str | None = None
    """What changed in the original since that commit, as a unified diff."""

    @property
    def original(self) -> Document:
        return self.entry.original


@dataclass(frozen=True, slots=True)
class LanguageStatus:
    locale: Locale
    pages: tuple[PageStatus, ...]
    strings: CatalogStats

    def count(self, state: TranslationState) -> int:
        return sum(1 for page in self.pages if page.state is state)

    @property
    def percent(self) -> float:
        """Share of pages whose translation is known to match the current original."""
        return 100.0 * self.count(TranslationState.CURRENT) / len(self.pages) if self.pages else 100.0


def collect_status(config: Config, history: bool = True) -> list[LanguageStatus]:
    """The status of every translated language; `history` looks up outdated pages in git."""
    entries = pair_documents(config, load_documents(config))
    stats = {s.locale.tag: s for s in catalog_stats(config)}
    return [LanguageStatus(locale, tuple(page_status(config, entry, locale, history) for entry in entries),
                           stats[locale.tag]) for locale in translated_locales(config)]


def page_status(config: Config, entry: Entry, locale: Locale, history: bool = True) -> PageStatus:
    translation = entry.documents.get(locale.tag)
    state = translation_state(entry.original, translation)
    if state is not TranslationState.OUTDATED or not history:
        return PageStatus(entry, state, translation)
    revision = find_revision(entry.original.path, translation.source_hash)
    if revision is None:
        return PageStatus(entry, state, translation)
    name = relative(entry.original.path, config.project_dir)
    now = translatable_text(entry.original.meta, entry.original.body)
    lines = difflib.unified_diff(revision.text.splitlines(keepends=True), now.splitlines(keepends=True),
                                 f"{name} @ {revision.commit[:12]} ({revision.date})", f"{name} (now)", n=1)
    diff = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return PageStatus(entry, state, translation, revision, diff)


def relative(path: Path, project_dir: Path) -> str:
    """A source path as the project names it: `content/zh-hant/ethics.md`."""
    try:
        return path.resolve().relative_to(project_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def to_json(config: Config, statuses: list[LanguageStatus]) -> dict[str, Any]:
    """Status for machines: stable keys, project-relative paths."""
    def page(p: PageStatus) -> dict[str, Any]:
        return {"key": p.entry.key, "state": str(p.state),
                "original": relative(p.original.path, config.project_dir), "original_hash": p.original.short_hash,
                "translation": relative(p.translation.path, config.project_dir) if p.translation else None,
                "source_hash": p.translation.source_hash if p.translation else None,
                "translated_from": {"commit": p.revision.commit, "date": p.revision.date} if p.revision else None,
                "diff": p.diff}

    return {"default_language": config.default_locale.tag, "languages": [{
        "language": s.locale.tag,
        "pages": {"total": len(s.pages), **{str(state): s.count(state) for state in TranslationState},
                  "percent": round(s.percent, 1), "list": [page(p) for p in s.pages]},
        "ui_strings": {"catalogue": relative(s.strings.path, config.project_dir) if s.strings.path else None,
                       "total": s.strings.total, "translated": s.strings.translated, "fuzzy": s.strings.fuzzy,
                       "untranslated": s.strings.untranslated, "percent": round(s.strings.percent, 1)},
    } for s in statuses]}


def format_table(config: Config, statuses: list[LanguageStatus], diffs: bool = True) -> str:
    """Status for people: one line per page, then what changed in each outdated original."""
    lines: list[str] = []
    for status in statuses:
        current = status.count(TranslationState.CURRENT)
        strings = status.strings
        lines.append(f"{status.locale.name} ({status.locale.tag}): {current} of {len(status.pages)} pages "
                     f"up to date ({status.percent:.0f}%), UI strings {strings.translated} of {strings.total} "
                     f"({strings.percent:.0f}%)")
        for page in status.pages:
            lines.append(f"  {page.state:<11} {_describe(page)}")
        catalogue = display_path(strings.path) if strings.path else "no catalogue (run `hkai-publish i18n init`)"
        lines.append(f"  UI strings: {strings.translated} translated, {strings.fuzzy} fuzzy, "
                     f"{strings.untranslated} untranslated: {catalogue}")
        for page in status.pages:
            if diffs and page.diff:
                lines += ["", f"What changed in {display_path(page.original.path)} since "
                              f"{display_path(page.translation.path)} was translated:", page.diff.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _describe(page: PageStatus) -> str:
    original = display_path(page.original.path)
    if page.state is TranslationState.MISSING:
        return f"{page.entry.key}: no translation of {original}"
    where = display_path(page.translation.path)
    if page.state is TranslationState.UNTRACKED:
        return f"{where}: records no source_hash; check it, then `hkai-publish status mark {where}`"
    if page.state is TranslationState.OUTDATED:
        since = (f"commit {page.revision.commit[:12]} ({page.revision.date})" if page.revision
                 else f"version {page.translation.source_hash}")
        return f"{where}: {original} changed since {since}"
    return where


def mark_translated(config: Config, paths: list[Path], every_untracked: bool = False) -> list[tuple[Document, str]]:
    """Record in each translation's front matter the hash of its original as it is now: the page
    is up to date. With `every_untracked`, every translation that records none yet (the step that
    starts tracking an existing translation). Returns (translation, hash) for each page whose
    file changed; each file keeps its BOM and line ends."""
    documents = {doc.path.resolve(): doc for doc in load_documents(config)}
    entries = {entry.key: entry for entry in pair_documents(config, list(documents.values()))}
    if every_untracked:
        paths = [*paths, *(doc.path for entry in entries.values() for doc in entry.documents.values()
                           if doc is not None and doc is not entry.original
                           and translation_state(entry.original, doc) is TranslationState.UNTRACKED)]
    targets = []
    for path in dict.fromkeys(paths):
        doc = documents.get(path.resolve())
        if doc is None:
            raise ContentError("not a page of this publication (expected content/<language>/….md)", path, None)
        if doc.locale == config.default_locale:
            examples = ", ".join(f"content/{loc.folder}/{doc.key}{doc.path.suffix}" for loc in translated_locales(config))
            raise ContentError(f"this is an original; mark its translation instead ({examples})", path, 1)
        targets.append((doc, entries[doc.key].original.short_hash))
    changed = []
    for doc, value in targets:
        original = doc.path.read_bytes()
        text = set_front_matter(read_text(doc.path, ContentError), "source_hash", value)
        if write_if_changed(doc.path, encode_like(text, original)):
            changed.append((doc, value))
    return changed


def set_front_matter(text: str, key: str, value: str) -> str:
    """`text` with `key: "value"` in its front matter, replacing the key's line or added last;
    the rest of the file is left byte for byte."""
    match = FRONT_MATTER.match(text)
    if match is None:  # a page titled by its `# heading` alone: front matter of one line
        return f'---\n{key}: "{value}"\n---\n' + text
    start = text.index("\n") + 1
    front = match.group(1) or ""
    line = f'{key}: "{value}"\n'
    pattern = re.compile(rf"^{re.escape(key)}:.*\n", re.M)
    front = pattern.sub(lambda _: line, front, count=1) if pattern.search(front) else front + line
    return text[:start] + front + text[start + len(match.group(1) or ""):]
