"""Pages: every entry's Markdown rendered in every language, with its URL. The site and the PDF
editions are both made from these. Renderings come from the build cache where nothing they
depend on changed, and the rest are spread over the cores."""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import unquote

from hkai_publish.machinery.cache import BuildCache, CacheDamaged
from hkai_publish.translation.catalogs import LoadedCatalog
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import EXTENSIONS, Document, Entry, TranslationState, translation_state
from hkai_publish.errors import display_path
from hkai_publish.sources.locales import Locale
from hkai_publish.markdown.containers import UI_STRINGS
from hkai_publish.editions.glossary import make_glossaries
from hkai_publish.markdown.glossary import MARKER as GLOSSARY_MARKER, Glossary
from hkai_publish.markdown.renderer import Heading, MarkdownRenderer, Rendered, StoredText
from hkai_publish.translation.terms import Termbase
from hkai_publish.machinery.workers import run_tasks

SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
"""A URL with a scheme (`javascript:`, `file:`) names no page."""

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


def static_files(config: Config) -> frozenset[str]:
    """The files of static_dir as the site's paths (`img/a.png`): they are published at its root.
    Hidden files and what leaves the project through a link are not."""
    root = config.static_path
    if not root.is_dir():
        return frozenset()
    project = config.project_dir.resolve()
    return frozenset(path.relative_to(root).as_posix() for path in root.rglob("*")
                     if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
                     and path.resolve().is_relative_to(project))


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Where links to pages go: every entry's URL path by its key, built once per build. A page
    is linked by its file (`other.md`, `other.mdx`), its file without extension (`other`,
    `../dir/other#x`), its folder (`dir/`, for the folder's index page), or its published URL
    (`/slug`, `/en/slug/`, or the whole URL under base_url), as Docusaurus, MkDocs and Hugo
    users write them."""

    slugs: Mapping[str, str]
    """Entry key -> slug."""
    by_slug: Mapping[str, str] = field(default_factory=dict)
    """Slug (lower case) -> entry key."""
    indexes: Mapping[str, str] = field(default_factory=dict)
    """Folder -> the key of its index page."""
    base_path: str = "/"
    """The path of base_url: a root-absolute link may start with it."""
    base_url: str = ""
    folders: tuple[str, ...] = ()
    """The languages' content folders (`en`, `zh-hant`), which may start a published URL."""
    static: frozenset[str] = frozenset()
    """static_dir's files, as site paths: `/img/a.png` names `img/a.png` at the site's root."""

    @classmethod
    def of(cls, entries: list[Entry], config: Config | None = None) -> LinkTable:
        indexes = {e.key.rpartition("/")[0]: e.key for e in entries if e.original and e.original.is_index}
        base_url = config.base_url if config else ""
        base_path = "/" + base_url.split("://", 1)[1].partition("/")[2] if base_url else "/"
        return cls({e.key: e.slug for e in entries}, {e.slug.lower(): e.key for e in entries}, indexes,
                   base_path, base_url, tuple(loc.folder for loc in config.locales) if config else (),
                   static_files(config) if config else frozenset())

    def static_file(self, href: str) -> str | None:
        """The site path of the static file a root-absolute `href` names (with or without
        base_url's path), or None."""
        if not href.startswith("/") or href.startswith("//") or not self.static:
            return None
        path = unquote(href.partition("#")[0].partition("?")[0])
        candidates = [path[len(self.base_path):]] if self.base_path != "/" and path.startswith(self.base_path) else []
        return next((c.lstrip("/") for c in candidates + [path] if c.lstrip("/") in self.static), None)

    def target(self, entry: Entry, href: str) -> str | None:
        """The key of the entry `href` (written in `entry`) links to, or None if it names no page
        (a file, a missing page, or a place outside the publication)."""
        found = self.page_target(entry, href)
        return found if found in self.slugs else None

    def page_target(self, entry: Entry, href: str) -> str | None:
        """The key `href` names as a page, whether or not that page exists: None for a link that
        is not to a page (a file with an extension, another site)."""
        if href.startswith(("#", "mailto:", "tel:")):
            return None
        target = href.partition("#")[0].partition("?")[0]
        if self.base_url and target.startswith(self.base_url):
            target = "/" + target[len(self.base_url):]
        elif "://" in target or target.startswith("//") or SCHEME.match(target):
            return None
        if not target:
            return None
        if target.startswith("/"):
            return self._published(target)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(entry.key), target))
        name = path.rpartition("/")[2]
        if target.endswith(EXTENSIONS):
            return path.rpartition(".")[0]
        if "." in name and not target.endswith("/"):
            return None  # a file: report.pdf, image.png
        for key in (path, self.indexes.get(path), self.by_slug.get(path.lower())):
            if key in self.slugs:
                return key
        # Written as the page's URL, relative to this page's own URL (Docusaurus's links).
        here = self.slugs.get(entry.key, entry.key)
        by_url = posixpath.normpath(posixpath.join(posixpath.dirname(here), target.rstrip("/")))
        return self.by_slug.get(by_url.lower(), path)

    def _published(self, target: str) -> str | None:
        """The key of the page at a root-absolute URL path: `/slug`, `/<lang>/slug/`, with or
        without base_url's path in front."""
        path = target
        if self.base_path != "/" and path.startswith(self.base_path):
            path = "/" + path[len(self.base_path):]
        path = path.strip("/")
        first, _, rest = path.partition("/")
        for candidate in ((rest,) if first in self.folders else ()) + (path,):
            key = self.by_slug.get(candidate.lower()) or self.by_slug.get(candidate.rpartition(".")[0].lower())
            if key:
                return key
        return None

    def resolve(self, locale: Locale, entry: Entry, href: str) -> str | None:
        """A link to a page, written in `entry`, as a URL relative to its page; None to leave it."""
        key = self.target(entry, href)
        fragment = href.partition("#")[2]
        if key is None:
            static = self.static_file(href)
            return None if static is None else relative_url(static + (f"#{fragment}" if fragment else ""),
                                                            page_path(locale, entry))
        return relative_url(f"{locale.folder}/{self.slugs[key]}/" + (f"#{fragment}" if fragment else ""),
                            page_path(locale, entry))

    def resolver(self, locale: Locale, entry: Entry):
        """The function Markdown calls for each link in `entry`'s page in `locale`."""
        return lambda href: self.resolve(locale, entry, href)


def link_resolver(config: Config, entries: list[Entry], locale: Locale, entry: Entry):
    """The function Markdown calls for each link: `other.md#x` becomes that page's relative URL."""
    return LinkTable.of(entries, config).resolver(locale, entry)


Resolutions = tuple[tuple[str, "str | None"], ...]
"""(href, the URL it became or None) of each link of a rendering: the rendering stays valid while
every link still resolves so (the pages it names keep their slugs, a missing page stays missing)."""


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
                                                          glossary=self.glossaries.get(locale.tag),
                                                          heading_ids=self.config.heading_ids)
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
    job = _Job(config, entries, LinkTable.of(entries, config), backlinks, labels, glossaries)
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
        title_id = "" if doc is entry.original else renderings[0][0].title_id
        resolve = job.links.resolver(locale, entry)
        rendered = job.renderer(locale).render(doc, anchor_ids, resolve, title_id)
        resolved = dict.fromkeys([*rendered.links, *(src for src, _ in rendered.images if src.startswith("/"))])
        renderings.append((rendered, tuple((href, resolve(href)) for href in resolved)))
    return renderings


def _cached_entry(job: _Job, cache: BuildCache, entry: Entry) -> list[tuple[Rendered, Resolutions]] | None:
    """An entry's renderings from the cache, if every language's is there and still valid."""
    renderings: list[tuple[Rendered, Resolutions]] = []
    for locale in job.config.locales:
        key = _markdown_key(job, cache, entry, locale, renderings)
        found = cache.lookup("markdown", key)
        resolve = job.links.resolver(locale, entry)
        if found is None or not all(resolve(href) == url for href, url in found[1]):
            return None
        renderings.append((_from_tuple(found[0], _StoredHtml(cache, key)), found[1]))
        cache.digester.seed(renderings[-1][0], cache.key(key, found[1]))
    return renderings


def _as_tuple(rendered: Rendered) -> tuple:
    """A rendering as plain tuples, which the cache stores and loads many times faster; its HTML
    is kept in a table of its own (see _StoredHtml)."""
    return (tuple((h.level, h.id, h.text) for h in rendered.headings), rendered.links, rendered.images,
            rendered.anchors, rendered.title_id)


def _from_tuple(value: tuple, html: str | StoredText) -> Rendered:
    headings, links, images, anchors, title_id = value
    return Rendered(html, tuple(Heading(*h) for h in headings), links, images, anchors, title_id)


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
    title_id = "" if doc is entry.original else renderings[0][0].title_id
    return cache.key("markdown", doc, anchor_ids, title_id, page_path(locale, entry), entry.key,
                     job.config.allow_raw_html, job.config.heading_ids, job.backlinks[locale.tag],
                     job.labels[locale.tag], job.glossary(doc, locale))


@dataclass(slots=True)
class TreeNode:
    """A place in the folder tree as contents and navigation show it: a page (its folder's index
    page holds the folder's other pages as children), or a folder without an index page."""

    label: str
    value: object = None
    """What the node shows (a navigation link, a page, a PDF section); None for a bare folder."""
    children: list[TreeNode] = field(default_factory=list)


def folder_label(folder: str, labels: Mapping[str, str]) -> str:
    """A folder's name in contents: its index page's navigation title, else its name in words."""
    return labels.get(folder) or folder.rpartition("/")[2].replace("-", " ").replace("_", " ").capitalize()


def place_in_tree(entry: Entry) -> tuple[tuple[str, ...], str]:
    """(the folders above the page's node, outermost first; the folder the page stands for, if it
    is an index page)."""
    folders = entry.folders
    if entry.original is not None and entry.original.is_index and folders:
        return folders[:-1], folders[-1]
    return folders, ""


def nest(items: list[tuple[object, str, tuple[str, ...], str]], labels: Mapping[str, str]) -> list[TreeNode]:
    """Items in reading order, as (value, label, folders above it, folder it stands for), as a
    tree; a folder whose index page is not among them becomes a bare node with its label."""
    root: list[TreeNode] = []
    stack: list[tuple[str, list[TreeNode]]] = []
    for value, label, trail, folder in items:
        common = 0
        while common < len(stack) and common < len(trail) and stack[common][0] == trail[common]:
            common += 1
        del stack[common:]
        for name in trail[common:]:
            node = TreeNode(folder_label(name, labels))
            (stack[-1][1] if stack else root).append(node)
            stack.append((name, node.children))
        node = TreeNode(label, value)
        (stack[-1][1] if stack else root).append(node)
        if folder:
            stack.append((folder, node.children))
    return root
