"""The bilingual static site: pages planned from entries, rendered through Jinja. No disk writes."""

from __future__ import annotations

import contextlib
import posixpath
import traceback
from dataclasses import dataclass
# XML text too (sitemap.xml): xml.sax.saxutils.escape, the same, would load urllib.request and ssl.
from html import escape as html_escape
from pathlib import Path
from typing import Any, Mapping

import jinja2

from hkai_publish.machinery.cache import CacheView
from hkai_publish.machinery.digests import Digester, file_fingerprint, template_fingerprint
from hkai_publish.translation.catalogs import LoadedCatalog
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import alias_path, folder_labels, read_categories
from hkai_publish.errors import TemplateError
from hkai_publish.machinery.files import Output, Spool, digest
from hkai_publish.sources.locales import Locale
from hkai_publish.markdown.highlight import stylesheet as code_stylesheet
from hkai_publish.editions.search import BUNDLE as SEARCH_BUNDLE
from hkai_publish.editions.pages import (Page, folder_label, link_resolver, make_pages, nest, static_files,  # noqa: F401 (re-exported)
                                        page_path, place_in_tree, relative_url)
from hkai_publish.machinery.workers import run_tasks


@dataclass(frozen=True, slots=True)
class Link:
    """A link as a template shows it: text, relative href, whether it is the current page."""

    text: str
    href: str
    current: bool = False
    lang: str = ""
    hreflang: str = ""


def make_environment(config: Config, catalog: LoadedCatalog,
                     bytecode: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """A Jinja environment for one locale: autoescape, StrictUndefined, that locale's translations."""
    env = jinja2.Environment(
        bytecode_cache=bytecode,
        loader=jinja2.FileSystemLoader([str(folder) for folder in config.template_dirs]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # As babel.cfg's `trimmed = true`: {% trans %} blocks are looked up as they were extracted.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(catalog.translations, newstyle=True)
    # `_()` marks its result safe and %-formats it: right for template literals, wrong for data.
    # Config strings go through `| translate`: looked up in the catalogue, then autoescaped.
    env.filters["translate"] = lambda text: catalog.translations.gettext(str(text)) if text else ""
    locale = catalog.locale
    env.filters["format_date"] = lambda value, fmt="long": locale.format_date(value, fmt)
    return env


NAV_LIMIT = 30
"""Sections a page's navigation lists: all of them up to this many, else this many around the
current page (the contents page lists them all). Every section on every page would make a
thousand-page site grow with the square of its size."""

SEARCH_PAGE = "search.html"
"""In each edition's folder, beside 404.html: no section's slug can take it (theirs end in /)."""

MIN_PARALLEL = 64
"""Pages to render before forking workers pays for itself."""


@dataclass(frozen=True, slots=True)
class NavItem:
    """A page as other pages' navigation shows it."""

    title: str
    path: str
    lang: str = ""
    """The language of its text where that differs from the edition's (a fallback page)."""
    trail: tuple[str, ...] = ()
    """The folders above it in the tree (see pages.place_in_tree)."""
    folder: str = ""
    """The folder it stands for, if it is an index page."""


@dataclass(frozen=True, slots=True)
class NavWindow:
    """The sections a page's navigation lists (see NAV_LIMIT), numbered from `start`."""

    items: tuple[NavItem, ...]
    start: int
    labels: tuple[tuple[str, str], ...] = ()
    """(folder, label) of the folders above its items."""


@dataclass(frozen=True, slots=True)
class PageInputs:
    """Everything page.html sees of one page. Its context is made from this alone, so the digest
    of this (with the templates and catalogue) is the page's cache key."""

    config: Config
    page: Page
    nav: NavWindow
    section_number: int
    previous: NavItem | None
    next: NavItem | None
    alternates: tuple[tuple[str, str], ...]


class _Book:
    """The pages of each language in order, and each entry's real language versions: computed
    once, not once per page (which made a build quadratic in its size)."""

    def __init__(self, config: Config, pages: list[Page], digester: Digester | None = None):
        self.config = config
        self.digester = digester
        self.by_locale: dict[str, list[Page]] = {loc.tag: [] for loc in config.locales}
        self.versions: dict[str, list[Page]] = {}
        for page in pages:
            self.by_locale[page.locale.tag].append(page)
            if not page.is_fallback:
                self.versions.setdefault(page.entry.key, []).append(page)
        self.items = {tag: [NavItem(p.document.nav_title, p.path, p.document.locale.tag if p.is_fallback else "",
                                    *place_in_tree(p.entry)) for p in same] for tag, same in self.by_locale.items()}
        categories = read_categories(config)
        self.labels = {loc.tag: {**folder_labels(config, loc, categories),
                                 **{item.folder: item.title for item in self.items[loc.tag] if item.folder}}
                       for loc in config.locales}
        # Each page's window shares all but one item with its neighbour's: its digest is made from
        # its items' digests, each computed once, rather than by visiting 30 items per page.
        self.digests = {tag: [digester.digest(item) for item in items] for tag, items in self.items.items()} \
            if digester else {}

    def nav(self, locale: Locale, index: int = 0) -> NavWindow:
        """The navigation around the page at `index` of its language."""
        items = self.items[locale.tag]
        start = max(0, min(index - NAV_LIMIT // 2, len(items) - NAV_LIMIT))
        shown = tuple(items[start:start + NAV_LIMIT])
        labels = self.labels[locale.tag]
        above = sorted({f for item in shown for f in item.trail})
        window = NavWindow(shown, start + 1, tuple((f, folder_label(f, labels)) for f in above))
        if self.digester:
            self.digester.seed(window, digest(b"%d:" % window.start + b"".join(
                self.digests[locale.tag][start:start + NAV_LIMIT]) + repr(window.labels).encode()))
        return window

    def inputs(self, index: int, page: Page) -> PageInputs:
        items = self.items[page.locale.tag]
        return PageInputs(self.config, page, self.nav(page.locale, index), index + 1,
                          items[index - 1] if index > 0 else None,
                          items[index + 1] if index + 1 < len(items) else None,
                          tuple(alternates(self.config, self.versions.get(page.entry.key, []), page)))


def render_site(config: Config, pages: list[Page], catalogs: Mapping[str, LoadedCatalog],
                cache: CacheView | None = None, jobs: int = 1, spool: Spool | None = None) -> list[Output]:
    """Every file of build/site: pages, home pages, language choice, 404s, sitemap, robots, assets.
    `cache` (scoped to site/) supplies pages whose inputs are unchanged since the last build;
    pages rendered anew wait in `spool` (scoped to site/), if given, rather than in memory."""
    bytecode = cache.bytecode if cache else None
    envs = {loc.tag: make_environment(config, catalogs[loc.tag], bytecode) for loc in config.locales}
    default_env = envs[config.default_locale.tag]
    book = _Book(config, pages, cache.digester if cache else None)
    inputs = [book.inputs(i, p) for same in book.by_locale.values() for i, p in enumerate(same)]
    outputs = _render_pages(envs, catalogs, inputs, cache, jobs, spool)
    for locale in config.locales:
        home = page_path(locale)
        context = _common_context(config, book, locale, home, None)
        context["sections"] = book.by_locale[locale.tag]
        context["contents"] = nest([(p, item.title, item.trail, item.folder) for p, item in
                                    zip(book.by_locale[locale.tag], book.items[locale.tag])], book.labels[locale.tag])
        context["alternates"] = home_alternates(config)  # each edition's home has the others'
        outputs.append(_render(envs[locale.tag], "index.html", home + "index.html", context))
        not_found = _common_context(config, book, locale, home + "404.html", None, absolute=True)
        not_found["canonical"] = None  # served at any URL that is not there: no page's address
        outputs.append(_render(envs[locale.tag], "404.html", home + "404.html", not_found))
        if "search.html" in envs[locale.tag].list_templates():  # the page the search box stands for
            search = _common_context(config, book, locale, home + SEARCH_PAGE, None)
            outputs.append(_render(envs[locale.tag], "search.html", home + SEARCH_PAGE, search))
    root = _common_context(config, book, config.default_locale, "", None)
    root["editions"] = [_edition(config, catalogs[loc.tag]) for loc in config.locales]
    outputs.append(_render(default_env, "root.html", "index.html", root))
    outputs.extend(redirects(config, pages))
    outputs.append(Output("sitemap.xml", sitemap(config, pages).encode("utf-8")))
    if at_host_root(config):  # crawlers read /robots.txt only: below a path, nobody reads it
        outputs.append(Output("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n".encode()))
    outputs.extend(_assets(config, pages))
    return outputs


def _render_pages(envs: Mapping[str, jinja2.Environment], catalogs: Mapping[str, LoadedCatalog],
                  inputs: list[PageInputs], cache: CacheView | None, jobs: int, spool: Spool | None) -> list[Output]:
    """page.html for every page: reused where its key is unchanged, the rest across `jobs` cores."""
    outputs: list[Output | None] = [None] * len(inputs)
    if cache is not None:
        fingerprints = {tag: (template_fingerprint(env, "page.html", cache), file_fingerprint(catalogs[tag].path))
                        for tag, env in envs.items()}
        for i, each in enumerate(inputs):
            key = cache.key("page.html", fingerprints[each.page.locale.tag], each)
            found = cache.reuse_file(each.page.output_path, key)
            outputs[i] = Output(each.page.output_path, None, *found) if found else None
    todo = [i for i, output in enumerate(outputs) if output is None]
    if todo:  # compiled here, once, not in every worker
        for env in envs.values():
            with contextlib.suppress(jinja2.TemplateError):  # reported by the page that needs it
                env.get_template("page.html")
    for i, output in zip(todo, run_tasks(_render_page, (envs, inputs, spool), todo, jobs, MIN_PARALLEL)):
        outputs[i] = output
    return outputs  # type: ignore[return-value]


def _render_page(state: tuple[Mapping[str, jinja2.Environment], list[PageInputs], Spool | None], index: int) -> Output:
    envs, inputs, spool = state
    page = inputs[index].page
    output = _render(envs[page.locale.tag], "page.html", page.output_path, _page_context(inputs[index]))
    return Output.spooled(spool, output.path, output.data) if spool else output


def _edition(config: Config, catalog: LoadedCatalog) -> dict[str, Any]:
    """One language's entry on the language-choice page, in that language."""
    gettext = catalog.translations.gettext
    return {"locale": catalog.locale, "href": page_path(catalog.locale),
            "title": gettext(config.title), "subtitle": gettext(config.subtitle) if config.subtitle else "",
            "choose": gettext("Choose a language")}


def _render(env: jinja2.Environment, name: str, path: str, context: dict[str, Any]) -> Output:
    try:
        html = env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}", exc.filename or name, exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        filename, line = _template_frame(exc, env)
        where = "templates/ or the package's theme" if len(env.loader.searchpath) > 1 else "templates/"
        raise TemplateError(f"template {exc.name!r} not found in {where}", filename or env.loader.searchpath[0] + "/" + name,
                            line) from None
    except (jinja2.UndefinedError, TypeError, ValueError) as exc:
        filename, line = _template_frame(exc, env)
        raise TemplateError(f"while rendering {path}: {exc}", filename or name, line) from None
    return Output(path, html.encode("utf-8"))


def _template_frame(exc: BaseException, env: jinja2.Environment) -> tuple[str | None, int | None]:
    """The innermost template file and line in a rendering error's traceback."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt")) and Path(frame.filename).exists():
            found = (frame.filename, frame.lineno)
    return found


def _common_context(config: Config, book: _Book | None, locale: Locale, here: str, current: Page | None,
                    absolute: bool = False, nav: NavWindow | None = None) -> dict[str, Any]:
    root_path = base_path(config) if absolute else relative_url("", here) if here else ""

    def url(target: str) -> str:
        return root_path + target if absolute else (relative_url(target, here) if here else target or "./")

    nav = nav if nav is not None else book.nav(locale)
    current_path = current.path if current else None
    return {
        "config": config,
        "locale": locale,
        "locales": config.locales,
        "nav": [Link(item.title, url(item.path), item.path == current_path, lang=item.lang) for item in nav.items],
        "nav_tree": nest([(Link(item.title, url(item.path), item.path == current_path, lang=item.lang), item.title,
                           item.trail, item.folder) for item in nav.items], dict(nav.labels)),
        "nav_start": nav.start,
        "url": url,
        "home": url(page_path(locale)),
        "assets": url("assets/"),
        "page": current,
        "switcher": _switcher(config, locale, current, url),
        "alternates": [],
        "canonical": config.base_url + (here if here.endswith("/") or not here else here),
        "pdf": Link(config.pdf_name, url(f"pdf/{config.pdf_name}-{locale.folder}.pdf")),
        # The edition's search page, and its Pagefind index (editions/search.py writes it there).
        "search": {"page": url(page_path(locale) + SEARCH_PAGE), "bundle": url(page_path(locale) + SEARCH_BUNDLE)},
    }


def redirects(config: Config, pages: list[Page]) -> list[Output]:
    """A small page at each of a page's `aliases` (its old URLs) that sends the reader on to it,
    in every language; robots are told not to index it, and the page is its canonical URL."""
    outputs = []
    for page in pages:
        for alias in page.entry.original.aliases if page.entry.original else ():
            where = f"{page.locale.folder}/{alias_path(page.entry.key, alias)}/"
            href = html_escape(relative_url(page.path, where))
            outputs.append(Output(where + "index.html", (
                f'<!DOCTYPE html>\n<html lang="{page.locale.tag}">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{html_escape(page.document.title)}</title>\n"
                f'<meta name="robots" content="noindex">\n'
                f'<link rel="canonical" href="{html_escape(config.base_url + page.path)}">\n'
                f'<meta http-equiv="refresh" content="0; url={href}">\n</head>\n'
                f'<body>\n<p><a href="{href}">{html_escape(page.document.title)}</a></p>\n</body>\n</html>\n'
            ).encode("utf-8")))
    return outputs


def at_host_root(config: Config) -> bool:
    """Whether the site is published at its host's root (`https://example.org/`), where
    robots.txt is read."""
    return base_path(config) == "/"


def home_alternates(config: Config) -> list[tuple[str, str]]:
    """(hreflang, URL) of every edition's home, then the language choice as x-default."""
    return [(loc.tag, config.base_url + page_path(loc)) for loc in config.locales] + [("x-default", config.base_url)]


def base_path(config: Config) -> str:
    """The path part of base_url: 404 pages are served from any URL, so they link from the root."""
    return "/" + config.base_url.split("://", 1)[1].partition("/")[2]


def _switcher(config: Config, locale: Locale, current: Page | None, url) -> list[Link]:
    links = []
    for other in config.locales:
        target = page_path(other, current.entry) if current else page_path(other)
        links.append(Link(other.name, url(target), other == locale, lang=other.tag, hreflang=other.tag))
    return links


def _page_context(inputs: PageInputs) -> dict[str, Any]:
    """page.html's context, from the page's inputs alone (see PageInputs)."""
    page = inputs.page
    context = _common_context(inputs.config, None, page.locale, page.path, page, nav=inputs.nav)
    context["section_number"] = inputs.section_number
    context["previous"] = _link(inputs.previous, context["url"])
    context["next"] = _link(inputs.next, context["url"])
    context["alternates"] = list(inputs.alternates)
    if page.is_fallback:
        context["canonical"] = inputs.config.base_url + page_path(inputs.config.default_locale, page.entry)
    context["content_lang"] = page.document.locale.tag
    context["original"] = _original_link(inputs.config, page, context["url"])
    return context


def _original_link(config: Config, page: Page, url) -> Link:
    """The original of a translated page: its URL, and its language named in the page's language
    ("英文") for the outdated notice."""
    original = config.default_locale
    return Link(original.name_in(page.locale), url(page_path(original, page.entry)), lang=original.tag,
                hreflang=original.tag)


def _link(item: NavItem | None, url) -> Link | None:
    return Link(item.title, url(item.path), lang=item.lang) if item else None


def alternates(config: Config, versions: list[Page], page: Page) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of every real language version of the page, then x-default.
    `versions` are the entry's pages; a fallback page (the original shown in place of a missing
    translation) is no alternate."""
    if page.is_fallback:
        return []  # the original under another edition's address: its canonical is the original
    versions = [p for p in versions if p.entry.key == page.entry.key and not p.is_fallback]
    links = [(p.locale.tag, config.base_url + p.path) for p in versions]
    default = next((p for p in versions if p.locale == config.default_locale), None)
    if default:
        links.append(("x-default", config.base_url + default.path))
    return links


def sitemap(config: Config, pages: list[Page]) -> str:
    """sitemap.xml with xhtml:link alternates for every real language version of each page."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    homes = home_alternates(config)
    groups = [(href, homes, None) for _, href in homes[:-1]]
    versions: dict[str, list[Page]] = {}
    for page in pages:
        versions.setdefault(page.entry.key, []).append(page)
    for page in pages:
        if not page.is_fallback:
            updated = page.document.updated or page.document.date
            groups.append((config.base_url + page.path, alternates(config, versions[page.entry.key], page), updated))
    for loc, links, lastmod in groups:
        lines.append("  <url>")
        lines.append(f"    <loc>{html_escape(loc, quote=False)}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
        for hreflang, href in links:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{hreflang}" href="{html_escape(href, quote=False)}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


CODE_CSS = "assets/code.css"
PRINT_STYLESHEET = "assets/print.css"
"""The PDF editions' stylesheet, in templates/ (editions/pdf.py): no page of the site uses it."""
PRINT_COVER = "assets/cover-harbour.svg"
"""The PDF's cover art when the publication names none (editions/pdf.py), likewise."""


def asset_files(config: Config) -> dict[str, Path]:
    """templates/assets/ as the site publishes it: name below assets/ -> the project's file, or
    the theme's where the project has none. A project file that leads out of the project is not."""
    project, found = config.project_dir.resolve(), {}
    for folder in reversed(config.template_dirs):
        assets = folder / "assets"
        own = folder == config.templates_dir
        for path in sorted(assets.rglob("*")) if assets.is_dir() else ():
            if path.is_file() and (not own or path.resolve().is_relative_to(project)):
                found[path.relative_to(assets).as_posix()] = path
    return found


def _assets(config: Config, pages: list[Page]) -> list[Output]:
    """templates/assets/ to assets/ (with code.css, made from the Pygments style), and each
    page's local images beside it."""
    outputs = [Output(CODE_CSS, code_stylesheet().encode("utf-8"))]
    print_only = {config.template_file(PRINT_STYLESHEET), config.template_file(PRINT_COVER)}
    if config.cover_image:
        print_only.add(config.project_dir / config.cover_image)
    print_only = {path.resolve() for path in print_only}
    for name, path in asset_files(config).items():
        if path.resolve() not in print_only:
            outputs.append(Output("assets/" + name, path.read_bytes()))
    outputs += [Output(name, (config.static_path / name).read_bytes()) for name in static_files(config)]
    seen = set()
    for page in pages:
        for src, _alt in page.rendered.images:
            if "://" in src or src.startswith(("/", "data:")):
                continue
            source = (page.document.path.parent / src).resolve()
            target = posixpath.normpath(posixpath.join(page.path, src))
            if (target in seen or target.startswith("..") or not source.is_file()
                    or not source.is_relative_to(config.content_dir.resolve())):
                continue  # checks.py reports missing or escaping images
            seen.add(target)
            outputs.append(Output(target, source.read_bytes()))
    return outputs
