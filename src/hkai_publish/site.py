"""The bilingual static site: pages planned from entries, rendered through Jinja. No disk writes."""

from __future__ import annotations

import posixpath
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from xml.sax.saxutils import escape as xml_escape

import jinja2

from hkai_publish.catalogs import LoadedCatalog
from hkai_publish.config import Config
from hkai_publish.content import Document, Entry, TranslationState, translation_state
from hkai_publish.errors import TemplateError
from hkai_publish.locales import Locale
from hkai_publish.markdown import Heading, Rendered, render_markdown


@dataclass(frozen=True, slots=True)
class Output:
    """One file of the build: its path relative to the output folder, and its bytes."""

    path: str
    data: bytes


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


@dataclass(frozen=True, slots=True)
class Link:
    """A link as a template shows it: text, relative href, whether it is the current page."""

    text: str
    href: str
    current: bool = False
    lang: str = ""
    hreflang: str = ""


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
    rel = posixpath.relpath(target.rstrip("/") or ".", base or ".")
    if target.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel + fragment


def link_resolver(config: Config, entries: list[Entry], locale: Locale, entry: Entry):
    """The function Markdown calls for each link: `other.md#x` becomes that page's relative URL."""
    by_key = {e.key: e for e in entries}
    source = page_path(locale, entry)

    def resolve(href: str) -> str | None:
        if "://" in href or href.startswith(("/", "#", "mailto:")):
            return None
        target, _, fragment = href.partition("#")
        if not target.endswith(".md"):
            return None
        key = posixpath.normpath(posixpath.join(posixpath.dirname(entry.key), target[:-3]))
        other = by_key.get(key)
        if other is None:
            return None
        return relative_url(page_path(locale, other) + (f"#{fragment}" if fragment else ""), source)

    return resolve


def make_environment(config: Config, catalog: LoadedCatalog) -> jinja2.Environment:
    """A Jinja environment for one locale: autoescape, StrictUndefined, that locale's translations."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.templates_dir),
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


def render_site(config: Config, pages: list[Page], catalogs: Mapping[str, LoadedCatalog]) -> list[Output]:
    """Every file of build/site: pages, home pages, language choice, 404s, sitemap, robots, assets."""
    envs = {loc.tag: make_environment(config, catalogs[loc.tag]) for loc in config.locales}
    default_env = envs[config.default_locale.tag]
    outputs = []
    for page in pages:
        outputs.append(_render(envs[page.locale.tag], "page.html", page.output_path,
                               _page_context(config, pages, page)))
    for locale in config.locales:
        home = page_path(locale)
        context = _common_context(config, pages, locale, home, None)
        context["sections"] = [p for p in pages if p.locale == locale]
        outputs.append(_render(envs[locale.tag], "index.html", home + "index.html", context))
        not_found = _common_context(config, pages, locale, home + "404.html", None, absolute=True)
        outputs.append(_render(envs[locale.tag], "404.html", home + "404.html", not_found))
    root = _common_context(config, pages, config.default_locale, "", None)
    root["editions"] = [_edition(config, catalogs[loc.tag]) for loc in config.locales]
    outputs.append(_render(default_env, "root.html", "index.html", root))
    outputs.append(Output("sitemap.xml", sitemap(config, pages).encode("utf-8")))
    outputs.append(Output("robots.txt", f"User-agent: *\nAllow: /\nSitemap: {config.base_url}sitemap.xml\n".encode()))
    outputs.extend(_assets(config, pages))
    return outputs


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
        raise TemplateError(f"template {exc.name!r} not found in templates/", filename or env.loader.searchpath[0] + "/" + name,
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


def _common_context(config: Config, pages: list[Page], locale: Locale, here: str, current: Page | None,
                    absolute: bool = False) -> dict[str, Any]:
    root_path = base_path(config) if absolute else relative_url("", here) if here else ""

    def url(target: str) -> str:
        return root_path + target if absolute else (relative_url(target, here) if here else target or "./")

    nav = [Link(p.document.title, url(p.path), p is current, lang=p.document.locale.tag if p.is_fallback else "")
           for p in pages if p.locale == locale]
    return {
        "config": config,
        "locale": locale,
        "locales": config.locales,
        "nav": nav,
        "url": url,
        "home": url(page_path(locale)),
        "assets": url("assets/"),
        "page": current,
        "switcher": _switcher(config, pages, locale, current, url),
        "alternates": [],
        "canonical": config.base_url + (here if here.endswith("/") or not here else here),
        "pdf": Link(config.pdf_name, url(f"pdf/{config.pdf_name}-{locale.folder}.pdf")),
    }


def base_path(config: Config) -> str:
    """The path part of base_url: 404 pages are served from any URL, so they link from the root."""
    return "/" + config.base_url.split("://", 1)[1].partition("/")[2]


def _switcher(config: Config, pages: list[Page], locale: Locale, current: Page | None, url) -> list[Link]:
    links = []
    for other in config.locales:
        target = page_path(other, current.entry) if current else page_path(other)
        links.append(Link(other.name, url(target), other == locale, lang=other.tag, hreflang=other.tag))
    return links


def _page_context(config: Config, pages: list[Page], page: Page) -> dict[str, Any]:
    context = _common_context(config, pages, page.locale, page.path, page)
    same_language = [p for p in pages if p.locale == page.locale]
    index = same_language.index(page)
    context["section_number"] = index + 1
    context["previous"] = _neighbour(same_language, index - 1, context["url"])
    context["next"] = _neighbour(same_language, index + 1, context["url"])
    context["alternates"] = alternates(config, pages, page)
    context["content_lang"] = page.document.locale.tag
    context["original"] = _original_link(config, page, context["url"])
    return context


def _original_link(config: Config, page: Page, url) -> Link:
    """The original of a translated page: its URL, and its language named in the page's language
    ("英文") for the outdated notice."""
    original = config.default_locale
    name = original.babel.get_language_name(page.locale.babel_id) or original.name
    return Link(name, url(page_path(original, page.entry)), lang=original.tag, hreflang=original.tag)


def _neighbour(pages: list[Page], index: int, url) -> Link | None:
    if 0 <= index < len(pages):
        page = pages[index]
        return Link(page.document.title, url(page.path), lang=page.document.locale.tag if page.is_fallback else "")
    return None


def alternates(config: Config, pages: list[Page], page: Page) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of every real language version of the page, then x-default.
    A fallback page (the original shown in place of a missing translation) is no alternate."""
    versions = [p for p in pages if p.entry.key == page.entry.key and not p.is_fallback]
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
    homes = [(loc.tag, config.base_url + page_path(loc)) for loc in config.locales]
    groups = [(href, homes + [("x-default", config.base_url)], None) for _, href in homes]
    for page in pages:
        if not page.is_fallback:
            updated = page.document.updated or page.document.date
            groups.append((config.base_url + page.path, alternates(config, pages, page), updated))
    for loc, links, lastmod in groups:
        lines.append("  <url>")
        lines.append(f"    <loc>{xml_escape(loc)}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
        for hreflang, href in links:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{hreflang}" href="{xml_escape(href)}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _assets(config: Config, pages: list[Page]) -> list[Output]:
    """templates/assets/ to assets/, and each page's local images beside it."""
    outputs = []
    assets = config.templates_dir / "assets"
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file() and path.resolve().is_relative_to(config.project_dir.resolve()):
                outputs.append(Output("assets/" + path.relative_to(assets).as_posix(), path.read_bytes()))
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


def make_pages(config: Config, entries: list[Entry], catalogs: Mapping[str, LoadedCatalog]) -> list[Page]:
    """Render every entry's Markdown in every language; the original first, since its heading
    ids become the translation's anchors."""
    pages = []
    for entry in entries:
        original = entry.original
        for locale in config.locales:
            doc = entry.documents.get(locale.tag) or original
            gettext = catalogs[locale.tag].translations.gettext
            anchor_ids = () if doc is original else [h.id for h in _original_headings(pages, entry)]
            rendered = render_markdown(doc, anchor_ids, link_resolver(config, entries, locale, entry),
                                       config.allow_raw_html, gettext("Back to the text"))
            outdated = doc is not original and translation_state(original, doc) is TranslationState.OUTDATED
            pages.append(Page(entry, locale, doc, rendered, page_path(locale, entry),
                              is_fallback=doc is original and locale != config.default_locale,
                              is_outdated=outdated))
    return sorted(pages, key=lambda p: (config.locales.index(p.locale), p.entry.order))


def _original_headings(pages: list[Page], entry: Entry) -> tuple[Heading, ...]:
    return next(p.headings for p in reversed(pages) if p.entry is entry and p.document is entry.original)
