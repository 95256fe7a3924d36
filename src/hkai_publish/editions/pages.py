"""Pages: every entry's Markdown rendered in every language, with its URL. The site and the PDF
editions are both made from these. Renderings come from the build cache where nothing they
depend on changed, and the rest are spread over the cores."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from typing import Mapping

from hkai_publish.machinery.cache import BuildCache, CacheDamaged
from hkai_publish.translation.catalogs import LoadedCatalog
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import Document, Entry, TranslationState, translation_state
from hkai_publish.errors import display_path
from hkai_publish.sources.locales import Locale
from hkai_publish.markdown.containers import UI_STRINGS
from hkai_publish.editions.glossary import make_glossaries
from hkai_publish.markdown.glossary import MARKER as GLOSSARY_MARKER, Glossary
from hkai_publish.markdown.renderer import Heading, MarkdownRenderer, Rendered, StoredText
from hkai_publish.translation.terms import Termbase
from hkai_publish.machinery.workers import run_tasks

MIN_PARALLEL = 16
"""Entries to render before forking workers pays for itself."""


@dataclass(frozen=True, slots=True)
class Page:
    """One entry in one language, as the site shows it."""

    entry: Entry
    locale: Locale
    document: Document
    """What the page shows: the translation, or the original where there is none yet."""
    rendered: Rendered
    path: str
    """URL path relative to the site root, ending in '/': `zh-hant/government/`."""
    is_fallback: bool = False
    """True where the page shows the original because the translation is missing."""
    is_outdated: bool = False
    """True where the original changed since the version this translation records (`source_hash`)."""

    @property
    def output_path(self) -> str:
        return self.path + "index.html"

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self.rendered.headings


def page_path(locale: Locale, entry: Entry | None = None) -> str:
    """The URL path of an entry (or of the language's home page) relative to the site root."""
    return f"{locale.folder}/" + (f"{entry.slug}/" if entry else "")


def relative_url(target: str, source: str) -> str:
    """A relative href from the page at URL path `source` to URL path `target` (both from the root)."""
    base = posixpath.dirname(source) if not source.endswith("/") else source.rstrip("/") or "."
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    if not target:
        return fragment
    rel = _relpath(target.rstrip("/") or ".", base or ".")
    if target.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + fragment


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath for clean relative paths, without its getcwd() and normpath() per call:
    a site makes this call for every link on every page. A target outside the base's folder is
    one step up from its parent folder, and that answer is kept: every page of an edition is in
    the same folder and links to the same pages."""
    parent, slash, name = base.rpartition("/")
    # Only between clean relative paths: no "." or ".." segments (relpath reads the cwd for
    # those), no empty ones, no leading "/".
    both = f"/{target}/{base}"
    if (parent and name and "/." not in both and "//" not in both and target != base
            and not target.startswith(base + "/")):
        up = _relpath_from(target, parent)
        return ".." if up == "." else "../" + up
    return _compute_relpath(target, base)


@functools.lru_cache(maxsize=4096)
def _relpath_from(target: str, folder: str) -> str:
    return _compute_relpath(target, folder)


def _compute_relpath(target: str, base: str) -> str:
    parts, base_parts = _segments(target), _segments(base)
    if parts is None or base_parts is None:
        return posixpath.relpath(target, base)
    common = 0
    for a, b in zip(parts, base_parts):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + parts[common:]) or "."


def _segments(path: str) -> list[str] | None:
    """A relative path's segments, or None where it needs posixpath's full treatment."""
    if path.startswith("/") or ".." in path:
        return None
    return [s for s in path.split("/") if s and s != "."]


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Where `other.md` links go: every entry's URL path by its key, built once per build."""

    slugs: Mapping[str, str]
    """Entry key -> slug."""

    @classmethod
    def of(cls, entries: list[Entry]) -> LinkTable:
        return cls({e.key: e.slug for e in entries})

    def target(self, entry: Entry, href: str) -> str | None:
        """The key of the entry `href` (written in `entry`) links to, if it is a link to a `.md` file."""
        if "://" in href or href.startswith(("/", "#", "mailto:")):
            return None
        target = href.partition("#")[0]
        if not target.endswith(".md"):
            return None
        return posixpath.normpath(posixpath.join(posixpath.dirname(entry.key), target[:-3]))

    def resolve(self, locale: Locale, entry: Entry, href: str) -> str | None:
        """`other.md#x`, written in `entry`, as a URL relative to its page; None to leave it."""
        key = self.target(entry, href)
        if key is None:
            return None
        fragment = href.partition("#")[2]
        slug = self.slugs.get(key)
        if slug is None:
            return None
        return relative_url(f"{locale.folder}/{slug}/" + (f"#{fragment}" if fragment else ""),
                            page_path(locale, entry))

    def resolver(self, locale: Locale, entry: Entry):
        """The function Markdown calls for each link in `entry`'s page in `locale`."""
        return lambda href: self.resolve(locale, entry, href)


def link_resolver(config: Config, entries: list[Entry], locale: Locale, entry: Entry):
    """The function Markdown calls for each link: `other.md#x` becomes that page's relative URL."""
    return LinkTable.of(entries).resolver(locale, entry)


Resolutions = tuple[tuple[str, "str | None"], ...]
"""(entry key, slug or None) of each page a rendering's `.md` links point to: the rendering stays
valid while those pages keep those slugs (or stay missing)."""


@dataclass(slots=True)
class _Job:
    """What rendering an entry needs; workers inherit it by fork."""

    config: Config
    entries: list[Entry]
    links: LinkTable
    backlinks: Mapping[str, str]
    """Locale tag -> the footnote back-link title in that language."""
    labels: Mapping[str, tuple[tuple[str, str], ...]]
    """Locale tag -> (UI string, translation) of each label the components show (callout titles…)."""
    glossaries: Mapping[str, Glossary] = field(default_factory=dict)
    """Locale tag -> what `[GLOSSARY]` prints in that edition."""
    renderers: dict[str, MarkdownRenderer] = field(default_factory=dict)

    def renderer(self, locale: Locale) -> MarkdownRenderer:
        if locale.tag not in self.renderers:
            self.renderers[locale.tag] = MarkdownRenderer(self.config.allow_raw_html, self.backlinks[locale.tag],
                                                          labels=dict(self.labels[locale.tag]),
                                                          glossary=self.glossaries.get(locale.tag))
        return self.renderers[locale.tag]

    def glossary(self, doc: Document, locale: Locale) -> Glossary | None:
        """The glossary a document prints, if it has the marker: part of its rendering's key."""
        return self.glossaries.get(locale.tag) if GLOSSARY_MARKER in doc.body else None


def make_pages(config: Config, entries: list[Entry], catalogs: Mapping[str, LoadedCatalog],
               cache: BuildCache | None = None, jobs: int = 1, termbase: Termbase | None = None) -> list[Page]:
    """Render every entry's Markdown in every language; the original first, since its heading
    ids become the translation's anchors. `termbase` is what `[GLOSSARY]` prints."""
    backlinks = {loc.tag: catalogs[loc.tag].translations.gettext("Back to the text") for loc in config.locales}
    labels = {loc.tag: tuple((message, catalogs[loc.tag].translations.gettext(message)) for message in UI_STRINGS)
              for loc in config.locales}
    glossaries = make_glossaries(config, termbase, catalogs) if termbase is not None else {}
    job = _Job(config, entries, LinkTable.of(entries), backlinks, labels, glossaries)
    found = [_cached_entry(job, cache, entry) if cache else None for entry in entries]
    todo = [i for i, renderings in enumerate(found) if renderings is None]
    if todo:  # made here, once, not in every worker
        for locale in config.locales:
            job.renderer(locale)
    for i, renderings in zip(todo, run_tasks(_render_entry, job, todo, jobs, MIN_PARALLEL)):
        found[i] = renderings
        if cache:
            for locale, (rendered, resolutions) in zip(config.locales, renderings):
                key = _markdown_key(job, cache, entries[i], locale, renderings)
                cache.store("markdown", key, (_as_tuple(rendered), resolutions))
                cache.store("markdown-html", key, rendered.html)
                # A rendering is a function of its key and resolutions: pages digest those, not its HTML.
                cache.digester.seed(rendered, cache.key(key, resolutions))
    pages = []
    for entry, renderings in zip(entries, found):
        for locale, (rendered, _) in zip(config.locales, renderings):
            doc = entry.documents.get(locale.tag) or entry.original
            outdated = doc is not entry.original and translation_state(entry.original, doc) is TranslationState.OUTDATED
            pages.append(Page(entry, locale, doc, rendered, page_path(locale, entry),
                              is_fallback=doc is entry.original and locale != config.default_locale,
                              is_outdated=outdated))
    return sorted(pages, key=lambda p: (config.locales.index(p.locale), p.entry.order))


def _render_entry(job: _Job, index: int) -> list[tuple[Rendered, Resolutions]]:
    """One entry in every language (the default first): its renderings and their link resolutions."""
    entry = job.entries[index]
    renderings: list[tuple[Rendered, Resolutions]] = []
    for locale in job.config.locales:
        doc = entry.documents.get(locale.tag) or entry.original
        anchor_ids = () if doc is entry.original else [h.id for h in renderings[0][0].headings]
        resolve = job.links.resolver(locale, entry)
        rendered = job.renderer(locale).render(doc, anchor_ids, resolve)
        targets = dict.fromkeys(job.links.target(entry, href) for href in rendered.links)
        renderings.append((rendered, tuple((key, job.links.slugs.get(key)) for key in targets if key is not None)))
    return renderings


def _cached_entry(job: _Job, cache: BuildCache, entry: Entry) -> list[tuple[Rendered, Resolutions]] | None:
    """An entry's renderings from the cache, if every language's is there and still valid."""
    renderings: list[tuple[Rendered, Resolutions]] = []
    for locale in job.config.locales:
        key = _markdown_key(job, cache, entry, locale, renderings)
        found = cache.lookup("markdown", key)
        if found is None or not all(job.links.slugs.get(target) == slug for target, slug in found[1]):
            return None
        renderings.append((_from_tuple(found[0], _StoredHtml(cache, key)), found[1]))
        cache.digester.seed(renderings[-1][0], cache.key(key, found[1]))
    return renderings


def _as_tuple(rendered: Rendered) -> tuple:
    """A rendering as plain tuples, which the cache stores and loads many times faster; its HTML
    is kept in a table of its own (see _StoredHtml)."""
    return (tuple((h.level, h.id, h.text) for h in rendered.headings), rendered.links, rendered.images)


def _from_tuple(value: tuple, html: str | StoredText) -> Rendered:
    headings, links, images = value
    return Rendered(html, tuple(Heading(*h) for h in headings), links, images)


@dataclass(frozen=True, slots=True)
class _StoredHtml:
    """A cached rendering's HTML, in the cache's "markdown-html" table (loaded only if a page
    asks for it)."""

    cache: BuildCache
    key: str

    def text(self) -> str:
        html = self.cache.lookup("markdown-html", self.key)
        if html is None:
            raise CacheDamaged(f"{display_path(self.cache.folder)} lacks the HTML of a page it has")
        return html


def _markdown_key(job: _Job, cache: BuildCache, entry: Entry, locale: Locale,
                  renderings: list[tuple[Rendered, Resolutions]]) -> str:
    """What a rendering depends on, but the slugs of the pages it links to (checked on reuse):
    its document, the original's anchors, and where its page is (links are relative to it)."""
    doc = entry.documents.get(locale.tag) or entry.original
    anchor_ids = () if doc is entry.original else tuple(h.id for h in renderings[0][0].headings)
    return cache.key("markdown", doc, anchor_ids, page_path(locale, entry), entry.key, job.config.allow_raw_html,
                     job.backlinks[locale.tag], job.labels[locale.tag],
                     job.glossary(doc, locale))
