"""The PDF editions: one print HTML document per language, laid out by WeasyPrint. No disk writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import posixpath
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from lxml import html as lxml_html
from markupsafe import Markup

from hkai_publish.machinery.cache import CacheView
from hkai_publish.machinery.digests import file_fingerprint, installed_version, template_fingerprint
from hkai_publish.translation.catalogs import LoadedCatalog
from hkai_publish.sources.config import Config
from hkai_publish.errors import PdfError, Problem
from hkai_publish.sources.content import folder_labels, read_categories
from hkai_publish.sources.locales import Locale
from hkai_publish.markdown.highlight import stylesheet as code_stylesheet
from hkai_publish.markdown.renderer import Heading
from hkai_publish.editions.edition import EMOJI, MONO, Edition, OtherTitle, Resource, Section, with_symbols  # noqa: F401 (re-exported)
from hkai_publish.editions.pages import TreeNode, nest, place_in_tree, static_files
from hkai_publish.editions.site import PRINT_COVER, PRINT_STYLESHEET, Page, _render, make_environment
from hkai_publish.machinery.files import Output
from hkai_publish.machinery.workers import run_tasks

if TYPE_CHECKING:
    import weasyprint

    from hkai_publish.editions.pdfguard import ProjectFetcher

log = logging.getLogger(__name__)

TEMPLATE = "print.html"
STYLESHEET = Path(PRINT_STYLESHEET)
# PDF/UA-1: tagged structure, /Lang, DisplayDocTitle and XMP identification, all from WeasyPrint.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_identifier": True}
@dataclass(frozen=True, slots=True)
class RenderedPdfs:
    outputs: tuple[Output, ...]
    problems: tuple[Problem, ...]
    page_count: int


def render_pdfs(config: Config, pages: list[Page], catalogs: Mapping[str, LoadedCatalog],
                cache: CacheView | None = None, jobs: int = 1) -> RenderedPdfs:
    """One PDF per language, with the problems found making them (refused files, missing glyphs,
    WeasyPrint's warnings). Raises PdfError when the fonts or the subsetter are not installed.
    An edition whose inputs are unchanged since the last build is reused; the others are laid
    out at the same time, one per core."""
    editions = [dataclasses.replace(make_edition(config, pages, locale), others=other_titles(config, locale, catalogs))
                for locale in config.locales]
    keys = [edition_key(config, e, catalogs[e.locale.tag], cache) if cache else None for e in editions]
    made: dict[int, tuple[bytes, list[Problem], int]] = {}
    for index, (edition, key) in enumerate(zip(editions, keys)):
        data = cache.reuse(edition.path, key) if key else None  # also records the key for the next build
        found = cache.cache.lookup("pdf", key) if data is not None else None
        if found is not None:
            made[index] = (data, list(found[0]), found[1])
    todo = [index for index in range(len(editions)) if index not in made]
    if todo:
        check_pdf_environment(config)
        for index, result in zip(todo, run_tasks(_render_edition, (config, editions, catalogs), todo, jobs)):
            made[index] = result
            if keys[index]:
                cache.cache.store("pdf", keys[index], (tuple(result[1]), result[2]))
    results = [made[index] for index in range(len(editions))]
    return RenderedPdfs(tuple(Output(e.path, data) for e, (data, _, _) in zip(editions, results)),
                        tuple(p for _, found, _ in results for p in found), sum(count for _, _, count in results))


def other_titles(config: Config, locale: Locale, catalogs: Mapping[str, LoadedCatalog]) -> tuple[OtherTitle, ...]:
    """The title and subtitle in each other language, through that language's catalogue."""
    found = []
    for other in config.locales:
        if other != locale and other.tag in catalogs:
            gettext = catalogs[other.tag].translations.gettext
            found.append(OtherTitle(other.tag, gettext(config.title), gettext(config.subtitle) if config.subtitle else ""))
    return tuple(found)


DEFAULT_COVER = Path(PRINT_COVER)
"""The cover art when the publication names none: Victoria Harbour's skyline, in templates/."""


def web_url(config: Config, locale: Locale) -> str:
    """Where the edition's language is on the web: the site's home page for it."""
    return f"{config.base_url}{locale.folder}/"


def qr_data_uri(url: str) -> str:
    """A QR code for `url`, as a vector SVG data: URI (segno)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#0e3f52", omitsize=False)


def check_pdf_environment(config: Config) -> None:
    # WeasyPrint takes 0.4 s to import: only a build that makes PDFs pays for it.
    try:
        from hkai_publish.editions.pdfguard import check_environment
    except OSError as exc:  # WeasyPrint loads Pango with cffi when imported
        raise PdfError(f"WeasyPrint cannot load its text layout library ({exc}); install the Debian "
                       "packages libpango-1.0-0 libpangoft2-1.0-0") from None
    check_environment(config.locales)


def _render_edition(state: tuple[Config, list[Edition], Mapping[str, LoadedCatalog]],
                    index: int) -> tuple[bytes, list[Problem], int]:
    config, editions, catalogs = state
    edition = editions[index]
    started = time.perf_counter()
    result = render_edition(config, edition, catalogs[edition.locale.tag])
    log.info("%s: %d pages in %.2f s", edition.path, result[2], time.perf_counter() - started)
    return result


FONT_PLACES = ("/usr/share/fonts", "/usr/local/share/fonts", "/var/cache/fontconfig", "~/.fonts",
               "~/.local/share/fonts", "~/.cache/fontconfig")
"""Where installing or removing a font leaves a trace (fontconfig rewrites its cache when fonts change)."""


def edition_key(config: Config, edition: Edition, catalog: LoadedCatalog, cache: CacheView) -> str:
    """What an edition's PDF is made from: its chapters as rendered, the config and pyproject.toml,
    the print template with what it includes, the edition's catalogue, every file in
    templates/assets/ and static_dir and every file but the Markdown in content/ (stylesheet, images), the
    installed fonts, WeasyPrint's version and SOURCE_DATE_EPOCH."""
    assets, content = str(config.templates_dir / "assets") + os.sep, str(config.content_dir) + os.sep
    static = str(config.static_path) + os.sep
    files = sorted((path, sha) for path, (_, sha) in cache.cache.files.items()
                   if path.startswith((assets, static)) or path.startswith(content) and not path.endswith(".md"))
    fonts = tuple((place, os.stat(os.path.expanduser(place)).st_mtime_ns) for place in FONT_PLACES
                  if os.path.isdir(os.path.expanduser(place)))
    versions = tuple(_version(name) for name in ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2"))
    template = template_fingerprint(make_environment(config, catalog), TEMPLATE, cache)
    return cache.key("pdf", edition, config, file_fingerprint(config.config_file), template,
                     file_fingerprint(catalog.path), files, fonts, versions, os.environ.get("SOURCE_DATE_EPOCH", ""))


def _version(distribution: str) -> str:
    return f"{distribution}={installed_version(distribution)}"


@dataclass(frozen=True, slots=True)
class ChapterEntry:
    """What an edition knows of a page's entry. Not the other languages' documents: an edition
    is made from its own language alone, so editing one edition's pages leaves the other's PDF
    as it was (and cached; see edition_key)."""

    key: str
    slug: str
    order: tuple[int, str]
    trail: tuple[str, ...] = ()
    """The folders above its chapter in the contents (see pages.place_in_tree)."""
    folder: str = ""
    """The folder its chapter stands for, if it is an index page."""


def make_edition(config: Config, pages: list[Page], locale: Locale) -> Edition:
    chapters = [dataclasses.replace(p, entry=ChapterEntry(p.entry.key, p.entry.slug, p.entry.order,
                                                          *place_in_tree(p.entry)))
                for p in pages if p.locale == locale]
    anchors = {p.path: p.entry.slug for p in chapters}
    static = static_files(config)  # once for the edition, not once a chapter
    sections = tuple(make_section(config, page, number, anchors, static) for number, page in enumerate(chapters, 1))
    dates = [d for p in chapters for d in (p.document.date, p.document.updated) if d]
    return Edition(locale, sections, f"pdf/{config.pdf_name}-{locale.folder}.pdf", max(dates, default=None))


def make_section(config: Config, page: Page, number: int, anchors: Mapping[str, str],
                 static: frozenset[str] = frozenset()) -> Section:
    """The page's body for print. Heading ids are shared across pages and languages, so each
    gets its chapter's anchor as a prefix to stay unique in the edition."""
    anchor = page.entry.slug
    root = lxml_html.fragment_fromstring(page.rendered.html or "<p></p>", create_parent="div")
    for element in root.iter():
        if element.get("id"):
            element.set("id", f"{anchor}:{element.get('id')}")
    remote = tuple(_replace_remote_image(img) for img in list(root.iter("img")) if _is_remote(img.get("src", "")))
    resources = []
    for element in list(root.iter("img", "a")):
        attribute = "src" if element.tag == "img" else "href"
        written = element.get(attribute)
        if not written:
            continue
        if element.tag == "img" or "attachment" in (element.get("rel") or "").split():
            # WeasyPrint fetches these: relative to the Markdown file (or in static_dir), through the fetcher.
            site_path = posixpath.normpath(posixpath.join(page.path, unquote(urlsplit(written).path)))
            url = ((config.static_path / site_path).resolve().as_uri() if site_path in static
                   else source_url(page, written))
            if element.tag == "img" and url.startswith("file:") and not Path(url2pathname(urlsplit(url).path)).is_file():
                _replace_missing_image(element)  # the site's checks report it (missing-image)
                continue
            element.set(attribute, url)
            resources.append(Resource(element.get(attribute), written, element.tag == "img"))
        else:
            element.set(attribute, print_href(config, page, written, anchors))
    body = (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    headings = tuple(Heading(h.level, f"{anchor}:{h.id}", h.text) for h in page.headings)
    return Section(page, anchor, number, Markup(body), headings, tuple(resources), remote)


def _is_remote(src: str) -> bool:
    return src.startswith(("http://", "https://", "//"))


def _replace_remote_image(image) -> str:
    """An image on the web, which the build never downloads: in the PDF, its alt text (or its
    address) as a link to it. Gives the src as written."""
    src = image.get("src", "")
    link = lxml_html.Element("a", {"href": "https:" + src if src.startswith("//") else src, "class": "remote-image"})
    link.text = (image.get("alt") or "").strip() or src
    link.tail = image.tail
    image.getparent().replace(image, link)
    return src


def _replace_missing_image(image) -> None:
    """An image the project does not have (a warning under broken_links = "warning"): its alt text."""
    text = lxml_html.Element("span", {"class": "missing-image"})
    text.text = (image.get("alt") or "").strip() or image.get("src", "")
    text.tail = image.tail
    image.getparent().replace(image, text)


def remote_image_problems(edition: Edition) -> list[Problem]:
    """A `[pdf-remote-image]` warning for each image on the web, at its source line."""
    return [Problem(section.page.document.path, section.page.document.line_of(src), "pdf-remote-image",
                    f"image {src!r} is on the web and the build never downloads: the PDF shows its alt text "
                    "with a link to it (copy the image into content/ to print it)", "warning")
            for section in edition.sections if not section.page.is_fallback for src in section.remote_images]


def print_href(config: Config, page: Page, href: str, anchors: Mapping[str, str]) -> str:
    """A link as the PDF needs it: to another page of the edition, its chapter inside the PDF;
    to anything else on the site, the published URL."""
    if "://" in href or href.startswith(("mailto:", "tel:", "data:")):
        return href
    if href.startswith("#"):
        return f"#{anchors[page.path]}:{href[1:]}" if len(href) > 1 else href
    target, _, fragment = href.partition("#")
    if href.startswith("/"):
        return config.base_url + href.lstrip("/")
    path = posixpath.normpath(posixpath.join(page.path, target))
    chapter = anchors.get(path.rstrip("/") + "/")
    if chapter is not None:
        return f"#{chapter}:{fragment}" if fragment else f"#{chapter}"
    if path.startswith(".."):
        return href  # leaves the site: nothing to point at; the fetcher never reads links
    return config.base_url + path + ("/" if target.endswith("/") else "") + (f"#{fragment}" if fragment else "")


def source_url(page: Page, src: str) -> str:
    """An image or attachment as WeasyPrint must fetch it: relative to its Markdown file."""
    if "://" in src or src.startswith(("data:", "file:")):
        return src
    return (page.document.path.parent / url2pathname(urlsplit(src).path)).as_uri()


def render_edition(config: Config, edition: Edition, catalog: LoadedCatalog) -> tuple[bytes, list[Problem], int]:
    """The edition's PDF bytes, its problems and its page count."""
    import weasyprint

    from hkai_publish.editions import linesetting, pdftags
    from hkai_publish.editions.pdfguard import (ProjectFetcher, Sources, captured_log, check_glyphs,
                                       problems_from_log)

    template = config.template_file(TEMPLATE)
    html = print_html(config, edition, catalog)
    problems = remote_image_problems(edition)
    if EMOJI not in installed_families():
        html, spelt = spell_out_emoji(html)
        problems += [Problem(template, None, "pdf-emoji",
                             f"{len(spelt)} emoji ({' '.join(sorted(spelt))}) printed as their names: the font "
                             f"{EMOJI!r} is not installed (Debian package fonts-noto-color-emoji)", "warning")] if spelt else []
    sources = Sources.for_edition(config, edition, catalog)
    fetcher = ProjectFetcher(config, sources)
    with captured_log() as records:
        stylesheet = load_stylesheet(config, fetcher)
    problems += problems_from_log(records, config.template_file(STYLESHEET), fetcher, css_lines=True)
    with captured_log() as records:
        parsed = weasyprint.HTML(string=html, base_url=str(template.parent) + os.sep, url_fetcher=fetcher)
        if (hook := linesetting.problem()) is None:
            # Chinese lines set after clreq; may lay the document out again (short last lines).
            document, _ = linesetting.render(parsed, stylesheets=stylesheet, **PDF_OPTIONS)
        else:
            document = parsed.render(stylesheets=stylesheet, **PDF_OPTIONS)
            if edition.locale.is_cjk:
                problems.append(Problem(template, None, "pdf-linesetting", hook, "warning"))
        data = document.write_pdf(**PDF_OPTIONS)
    finished = pdftags.finish(data, pdftags.top_level_languages(document, edition.locale.tag))
    data = finished.data
    if finished.unmatched:
        problems.append(Problem(template, None, "pdf-tags", "could not match the PDF's structure to the "
                                "chapters: a chapter in another language is not tagged with its /Lang", "warning"))
    chapters = frozenset(section.anchor for section in edition.sections)
    unique = list({(r.levelno, r.getMessage()): r for r in records}.values())  # a layout again repeats them
    problems += fetcher.problems + problems_from_log(unique, template, fetcher, chapters=chapters)
    problems += check_glyphs(edition.locale, document, sources)
    return data, problems, len(document.pages)


def load_stylesheet(config: Config, fetcher: ProjectFetcher) -> list[weasyprint.CSS]:
    """templates/assets/print.css, parsed on its own so that its warnings name it."""
    import weasyprint

    path = config.template_file(STYLESHEET)
    code = weasyprint.CSS(string=code_stylesheet(), url_fetcher=fetcher)  # print.css may restyle it
    if not path.is_file():
        return [code]
    return [code, weasyprint.CSS(filename=str(path), url_fetcher=fetcher)]


def print_html(config: Config, edition: Edition, catalog: LoadedCatalog) -> str:
    """The edition as one HTML document, from templates/print.html."""
    env = make_environment(config, catalog)
    env.filters["css_content"] = css_content
    env.filters["css_string"] = lambda text: Markup(css_string(str(text)))  # safe inside <style>
    env.globals["css_counter"] = css_counter
    gettext = catalog.translations.gettext
    context = {
        "config": config,
        # The edition's faces, then symbols and emoji before the generic family (see with_symbols).
        "locale": dataclasses.replace(edition.locale, serif=with_symbols(edition.locale.serif),
                                      sans=with_symbols(edition.locale.sans)),
        "edition": edition,
        "sections": edition.sections,
        "contents": contents_tree(edition, folder_labels(config, edition.locale, read_categories(config))),
        "title": gettext(config.title),
        "subtitle": gettext(config.subtitle) if config.subtitle else "",
        "author": gettext(config.author) if config.author else "",
        "publisher": gettext(config.publisher) if config.publisher else "",
        "copyright": gettext(config.copyright) if config.copyright else "",
        "license": gettext(config.license) if config.license else "",
        "disclaimer": gettext(config.disclaimer) if config.disclaimer else "",
        "web_url": web_url(config, edition.locale),
        "qr": qr_data_uri(web_url(config, edition.locale)),
        "cover_url": ((config.project_dir / config.cover_image).resolve().as_uri() if config.cover_image
                      else config.template_file(DEFAULT_COVER).resolve().as_uri()),
        "subject": gettext(config.description or config.subtitle or config.title),
        "keywords": [gettext(k) for k in config.keywords],
        "created": creation_time().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "date": edition.date,
        "mono": with_symbols(MONO),
    }
    return _render(env, TEMPLATE, edition.path, context).data.decode("utf-8")


EMOJI_CHARS = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF]\uFE0F?|\uFE0F")


def spell_out_emoji(html: str) -> tuple[str, set[str]]:
    """Each emoji as its name in brackets (`[DOLPHIN]`), for a machine without an emoji font:
    a clear word rather than an empty box. Gives the HTML and the emoji replaced."""
    found: set[str] = set()

    def name(match: re.Match) -> str:
        char = match.group().rstrip("\uFE0F")
        if not char:
            return ""
        found.add(char)
        return f"[{unicodedata.name(char, 'symbol').lower()}]"

    return EMOJI_CHARS.sub(name, html), found


def installed_families() -> frozenset[str]:
    from hkai_publish.editions.pdfguard import installed_families as families
    return families()


def contents_tree(edition: Edition, categories: Mapping[str, str] = MappingProxyType({})) -> list[TreeNode]:
    """The edition's chapters nested as the content's folders are, for the contents page;
    `categories`: folder labels from `_category_` files, for folders without an index page."""
    labels = {**categories,
              **{s.page.entry.folder: s.page.document.nav_title for s in edition.sections if s.page.entry.folder}}
    return nest([(s, s.page.document.title, s.page.entry.trail, s.page.entry.folder) for s in edition.sections],
                labels)


def creation_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so the same sources give byte-identical PDFs."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# A translated string becomes a CSS `content` value: `_("Page %(page)s of %(pages)s",
# page=css_counter("page"), …) | css_content` gives `"Page " counter(page) " of " counter(pages)`,
# with the translator's wording and order. The NUL marks survive gettext's %-formatting.
_MARK = "\x00"


COUNTER = re.compile(r"counter\([a-z][a-z-]*\)")
"""The only CSS a marked part may be: the catalogues refuse control characters (catalogs.py), and
even a NUL that reached a translation could then mark nothing but a counter."""


def css_counter(name: str) -> Markup:
    if not COUNTER.fullmatch(f"counter({name})"):
        raise ValueError(f"not a CSS counter name: {name!r}")
    return Markup(f"{_MARK}counter({name}){_MARK}")


def css_content(value: str) -> Markup:
    parts = str(value).split(_MARK)
    tokens = [part if index % 2 and COUNTER.fullmatch(part) else css_string(part)
              for index, part in enumerate(parts) if part or index % 2]
    return Markup(" ".join(tokens) or '""')


def css_string(text: str) -> str:
    """A CSS string literal for any text, safe inside an HTML <style> element."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char in "<>&" or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'

