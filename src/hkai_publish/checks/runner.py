"""Checks over the rendered publication: each returns Problems; one runner collects them all.

Severity: an *error* fails every build (the site would be broken or unsafe); a *warning* fails
only `--strict` (the editions disagree, or the language is off). By check id (broken-link,
broken-anchor and missing-image are what the `broken_links` setting says, warnings unless set to
"error", but always errors for a link or image that leaves the publication):

| error                          | warning                                                     |
| ------------------------------ | ----------------------------------------------------------- |
| broken-link, broken-anchor     | image-alt, duplicate-title, front-matter                    |
| missing-image, missing-asset   | parity-missing, parity-headings, parity-links, parity-images |
| duplicate-id, no-title         | parity-footnotes, parity-tables, parity-figures, parity-urls |
| output-clash, unsafe-html,     | zh-simplified, zh-punctuation, zh-quotes, en-cjk            |
| unsafe-svg                     | term-missing, term-forbidden, term-first-use, zh-regional   |
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
import sys
from html import unescape as html_unescape
from urllib.parse import unquote
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from hkai_publish.sources.config import Config
from hkai_publish.sources.content import ECOSYSTEM_KEYS, FIELDS, Document
from hkai_publish.errors import Problem
from hkai_publish.checks.lint import check_catalog_chinese, check_chinese, check_english
from hkai_publish.markdown.renderer import Rendered, github_slug
from hkai_publish.checks.markup import markup_attributes, scan_html
from hkai_publish.machinery.memo import Memo, compute_everywhere, remembered
from hkai_publish.checks.components import check_components
from hkai_publish.checks.parity import check_parity
from hkai_publish.checks.terms import check_catalog_terms, check_terms
from hkai_publish.editions.pages import LinkTable, Page
from hkai_publish.checks.svg import check_svg_images
from hkai_publish.machinery.files import Output

Check = Callable[[Config, list[Page], list[Output]], Iterable[Problem]]


SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href"}


def check_images(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """Local images must exist inside content/ and carry alt text."""
    written = {o.path for o in outputs}
    content = config.content_dir.resolve()
    static = LinkTable.of([], config)  # where a path from / goes: static_dir's files
    for page in _sources(pages):
        doc = page.document
        lines = _occurrence_lines(doc, [src for src, _ in page.rendered.images])
        for (src, alt), line in zip(page.rendered.images, lines):
            if not alt.strip():
                yield Problem(doc.path, line, "image-alt", f"image {src!r} has no alt text", "warning")
            if _is_external(src) or src.startswith("data:"):
                continue
            if src.startswith("/"):
                if static.static_file(src) is None:
                    yield Problem(doc.path, line, "missing-image", f"image {src!r} is not in {config.static_dir}/ "
                                  "(a path from / names a file of static_dir, published at the site's root)",
                                  config.broken_links)
            elif _site_path(page.path, src) not in written:
                inside = (doc.path.parent / unquote(src.partition("?")[0])).resolve().is_relative_to(content)
                yield Problem(doc.path, line, "missing-image", f"image {src!r} not found (or outside content/)",
                              config.broken_links if inside else "error")


def check_links(config: Config, pages: list[Page], outputs: list[Output], memo: Memo | None = None) -> Iterable[Problem]:
    """Links to other pages must name a page that exists, and an anchor that page has; links to
    other files must name a file the build publishes."""
    by_key = {(p.locale.tag, p.entry.key): p for p in pages}
    anchors = {place: {h.id for h in p.headings} | set(p.rendered.anchors) for place, p in by_key.items()}
    written = {o.path for o in outputs}
    table = LinkTable.of(list({p.entry.key: p.entry for p in pages}.values()), config)
    for page in _sources(pages):
        doc = page.document
        for line, href, kind, target, fragment in remembered(memo, "links", (doc, page.rendered), _local_links,
                                                             page, table):
            written_as = href.partition("#")[0].partition("?")[0]
            # A link to a file out of the publication is an error whatever broken_links says; a
            # page's URL with more `..` than it has folders is the site's root's in a browser.
            severity = "error" if target.startswith("site/..") else config.broken_links
            if kind == "file":
                if not _published(target, written):
                    yield Problem(doc.path, line, "broken-link",
                                  f"link to {written_as!r}, which the build does not publish "
                                  "(link pages by their file, with or without .md; images and templates/assets/ "
                                  "are published)", severity)
                continue
            known = anchors.get((page.locale.tag, target))
            if known is None:
                yield Problem(doc.path, line, "broken-link", f"link to missing page {written_as!r}", severity)
            elif fragment and unquote(fragment) not in known and not fragment.startswith(("fn:", "fnref:")):
                yield Problem(doc.path, line, "broken-anchor", f"link {href!r}: no heading or anchor with id "
                              f"{unquote(fragment)!r}" + _anchor_hint(config, unquote(fragment), known,
                                                                      by_key[(page.locale.tag, target)]),
                              config.broken_links)


def _anchor_hint(config: Config, fragment: str, known: set[str], target: Page) -> str:
    """What the author probably meant: the id GitHub-style ids would give, or the nearest id."""
    if config.heading_ids != "github" and any(github_slug(h.text) == fragment for h in target.headings):
        return ' (a GitHub-style id: set heading_ids = "github" in [tool.hkai-publish])'
    near = difflib.get_close_matches(fragment, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {'#' + near[0]!r}?)" if near else ""


URL_IGNORED = re.compile(r"[\t\n\r]")
"""What a browser drops from anywhere in a URL before reading it (the WHATWG URL standard)."""


def _local_links(page: Page, table: LinkTable | None = None) -> Iterable[tuple[int, str, str, str, str]]:
    """(source line, href, "page" or "file", the entry key or output path it names, fragment) of
    each link in a page that stays within the publication; a link within the page names its own entry."""
    for href, line in zip(page.rendered.links, _occurrence_lines(page.document, page.rendered.links)):
        if "&" in href:  # as a browser reads it: `&#106;avascript:` is a javascript: URL, not a page "&"
            href = URL_IGNORED.sub("", html_unescape(href))  # and `java&#x09;script:` too
        target, _, fragment = href.partition("#")
        target = target.partition("?")[0]
        if not target:
            yield line, href, "page", page.entry.key, fragment
            continue
        key = table.page_target(page.entry, href) if table else None
        if key is not None:
            yield line, href, "page", key, fragment
        elif not (_is_external(href) or href.startswith("/")):
            yield line, href, "file", _site_path(page.path, target), fragment


def check_unsafe_markup(config: Config, pages: list[Page], outputs: list[Output],
                        memo: Memo | None = None) -> Iterable[Problem]:
    """Without allow_raw_html, Markdown may not smuggle in script: no event handlers or styles from
    attribute lists, no javascript: (or other non-web) URLs."""
    if config.allow_raw_html:
        return
    for page in _sources(pages):
        yield from remembered(memo, "unsafe-markup", (page.document, page.rendered), _unsafe_markup, page)


def _unsafe_markup(page: Page) -> Iterable[Problem]:
    doc = page.document
    for tag, name, value in markup_attributes(page.rendered.html):
        if name.startswith("on") or name in ("style", "srcdoc"):
            yield Problem(doc.path, doc.line_of(name), "unsafe-html",
                          f"attribute {name}= on <{tag}> is refused: scripts and styles in content need "
                          "allow_raw_html = true")
        elif name in URL_ATTRIBUTES and not _safe_url(tag, value):
            yield Problem(doc.path, doc.line_of(value[:40]), "unsafe-html",
                          f"URL {value[:40]!r} in <{tag} {name}> is refused: only http(s), mailto and tel links")


def check_html_outputs(config: Config, pages: list[Page], outputs: list[Output],
                       memo: Memo | None = None) -> Iterable[Problem]:
    """Every HTML file: a title, unique ids, and local links and assets that exist (the pages'
    own Markdown links are check_links' job, reported at their source line)."""
    parsed = {o.path: _parsed(memo, o) for o in outputs if o.path.endswith(".html")}
    written = {o.path for o in outputs}
    # What a URL may name: a file, or a folder with an index.html (written with or without "/").
    published = written | {folder for path in written if path.endswith("/index.html")
                           for folder in (path[:-10], path[:-11])}
    by_output = {"site/" + p.output_path: p for p in pages}
    missing: dict[str, list[str]] = {}
    for output in outputs:
        html = parsed.get(output.path)
        if html is None:
            continue
        path, page = output.path, by_output.get(output.path)
        if not (html.title or "").strip():
            yield Problem(*_template_location(config, "<title>", path), "no-title", f"{path} has no <title>")
        for anchor, count in html.ids.items():
            if count > 1:
                in_body = page is not None and anchor in page.rendered.html
                where = (page.document.path, page.document.line_of(anchor)) if in_body \
                    else _template_location(config, f'id="{anchor}"', path)
                # Ids the author wrote twice (`<a id="x">` under two headings) are a slip a browser
                # survives (a link goes to the first): a warning. One that clashes with the
                # template's own is an error.
                written_twice = in_body and page.rendered.html.count(f'id="{anchor}"') >= count
                yield Problem(*where, "duplicate-id",
                              f"id {anchor!r} is used {count} times in {path}"
                              + ("; links to it go to the first" if written_twice else ""),
                              "warning" if written_twice else "error")
        lacking = html.targets - published  # nearly always empty: then only fragments need a look
        body_refs = None
        for value, resolved, index, fragment in _parse(output)[4] if lacking else html.fragments:
            if resolved not in lacking:
                target = path if resolved is None else resolved if resolved in written else index
                if not fragment or target not in parsed or fragment in parsed[target].ids:
                    continue
            if body_refs is None:  # the page's own links are check_links' to report
                body_refs = set(remembered(memo, "body-refs", (page.rendered,), _local_refs, page.rendered,
                                           table="html")) if page else set()
            if value not in body_refs:
                missing.setdefault(value, []).append(path)
    for value, where in missing.items():
        others = f" (and {len(where) - 1} more)" if len(where) > 1 else ""
        yield Problem(*_template_location(config, posixpath.basename(value.rstrip("/")) or value, where[0]),
                      "missing-asset", f"{value!r} in {where[0]}{others} is not in the build")


@dataclass(frozen=True, slots=True)
class _Parsed:
    """What check_html_outputs needs of an HTML document (see markup.scan_html)."""

    title: str | None
    ids: dict[str, int]
    targets: frozenset[str]
    """The outputs (or folders) its local URLs point to, but PDFs (the site links each edition's
    PDF, which an --only site build does not make)."""
    fragments: tuple[tuple[str, str | None, str | None, str], ...]
    """(URL, the output it points to or None for the document itself, that output's index.html,
    fragment) of each local URL with a fragment."""


def _parsed(memo: Memo | None, output: Output) -> _Parsed:
    """The HTML document `output`, parsed, or as an earlier build parsed the same bytes. Its bytes
    are read only to parse them: a site's pages wait on disk (see files.Spool)."""
    return _Parsed(*remembered(memo, "html", (output.path, output.digest), _parsed_fields, output,
                               table="html", missing=("(deferred)", {}, frozenset(), ())))


def _parsed_fields(output: Output) -> tuple:
    return _parse(output)[:4]


def _parse(output: Output) -> tuple:
    """(title, ids, targets, fragments, links): _Parsed's fields, then (URL, output, index.html,
    fragment) of every local URL (see _resolve_ref)."""
    title, ids, refs = scan_html(output.data)
    page = output.path[len("site/"):]
    base = page if page.endswith("/") else posixpath.dirname(page)
    local = list(_local(refs))
    resolved: dict[str, tuple] = {}
    for value in local:
        if value not in resolved:
            resolved[value] = _resolve_on_page(base, value)
    links = tuple(resolved[value] for value in local)
    targets = frozenset(link[1] for link in resolved.values() if link[1] is not None and not link[1].endswith(".pdf"))
    return title, ids, targets, tuple(link for link in links if link[3]), links


def _resolve_ref(base: str, value: str) -> tuple[str, str | None, str | None, str]:
    """(value, the output it points to, that output's index.html, fragment) of a local URL on a
    page in folder `base` (as _site_path, for a URL that does not start with /)."""
    target, _, fragment = value.partition("#")
    resolved = index = None
    if target:
        target = target.partition("?")[0]
        path = posixpath.normpath(base + "/" + target if base and not base.endswith("/") else base + target)
        resolved = sys.intern("site/" + ("" if path == "." else path))
        index = sys.intern(resolved + ("index.html" if resolved.endswith("/") else "/index.html"))
    # Interned: neighbouring pages link to the same pages, and the cache stores each string once.
    return sys.intern(value), resolved, index, sys.intern(fragment) if fragment else fragment


def _resolve_on_page(base: str, value: str) -> tuple[str, str | None, str | None, str]:
    """_resolve_ref(base, value). A URL that starts by leaving the page's folder (`../other/`) is
    resolved from the folder above, and that answer kept: the pages of an edition share a folder
    and link to the same pages, a few dozen times each."""
    parent, _, name = base.rpartition("/")
    if (value.startswith("../") and value[3:4] not in ("", "#", "?", "/") and name not in ("", ".", "..")
            and "//" not in base and "/./" not in f"/{base}/" and "/../" not in f"/{base}/"):
        return _resolve_up(parent, value)
    return _resolve_ref(base, value)


@functools.lru_cache(maxsize=8192)
def _resolve_up(folder: str, value: str) -> tuple[str, str | None, str | None, str]:
    return (sys.intern(value),) + _resolve_ref(folder, value[3:])[1:]


def _local_refs(rendered: Rendered) -> Iterable[str]:
    """The local href and src values of a page's rendered body (whose HTML is read only here,
    where no earlier build found them: see markdown.Rendered)."""
    return dict.fromkeys(_local(scan_html(rendered.html)[2]))


def _local(refs: list[str]) -> Iterable[str]:
    # An empty URL names the document itself, which exists: nothing to check.
    return (value for value in refs if value and not _is_external(value) and not value.startswith(("/", "data:")))


def check_titles(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """Two pages of one edition with the same title read as one in the contents."""
    seen: dict[tuple[str, str], Page] = {}
    for page in _sources(pages):
        key = (page.locale.tag, page.document.title.strip().casefold())
        if key in seen:
            other = seen[key].document.path
            shown = other.relative_to(config.project_dir).as_posix() if other.is_relative_to(config.project_dir) else other
            line = page.document.line_of_key("title") if "title" in page.document.meta \
                else page.document.line_of("# " + page.document.title)
            yield Problem(page.document.path, line, "duplicate-title",
                          f"title {page.document.title!r} is also the title of {shown}", "warning")
        seen.setdefault(key, page)


def check_output_paths(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """Two outputs at one path: one would silently overwrite the other; nor may two paths differ
    only in case."""
    counts = Counter(o.path for o in outputs)

    def claimant(paths: list[str]) -> tuple[Document | None, int | None]:
        """The page (and line) that asks last for one of `paths`: an image it shows, or itself."""
        images = [(p.document, p.document.line_of(src)) for p in _sources(pages)
                  for src, _ in p.rendered.images if _site_path(p.path, src) in paths]
        pages_there = [(p.document, 1) for p in pages if "site/" + p.output_path in paths]
        return (images or pages_there or [(None, None)])[-1]

    for path, count in counts.items():
        if count > 1:
            doc, line = claimant([path])
            yield Problem(doc.path if doc else None, line, "output-clash",
                          f"{count} outputs claim {path}; rename or re-slug one of them")
    by_case: dict[str, list[str]] = {}
    for path in counts:
        by_case.setdefault(path.casefold(), []).append(path)
    for paths in by_case.values():
        if len(paths) > 1:  # one file on macOS and Windows: the last written would replace the other
            doc, line = claimant(paths)
            yield Problem(doc.path if doc else None, line, "output-clash",
                          f"outputs {' and '.join(sorted(paths))} differ only in case: on a case-insensitive "
                          "file system (macOS, Windows) one replaces the other; rename one of them")


def check_front_matter(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """A front matter key that no tool knows and that looks like a known one is probably
    misspelt. Keys of other tools (Docusaurus, Hugo, MkDocs, VitePress, Jekyll) and those the
    project lists in `front_matter_keys` are accepted; any other key is the author's own."""
    known = [*FIELDS, *sorted(ECOSYSTEM_KEYS)]
    accepted = {*known, *config.front_matter_keys}
    for page in _sources(pages):
        for key in page.document.meta:
            if key in accepted:
                continue
            hint = difflib.get_close_matches(key, known, n=1, cutoff=0.8) or \
                [k for k in known if k.lower() == key.lower().replace("-", "_")]
            if hint:
                yield Problem(page.document.path, page.document.line_of_key(key), "front-matter",
                              f"unknown front matter key {key!r} (did you mean {hint[0]!r}? If the key is meant, "
                              "list it in front_matter_keys in [tool.hkai-publish])", "warning")


CHECKS: tuple[Check, ...] = (check_images, check_links, check_unsafe_markup, check_html_outputs, check_titles,
                             check_output_paths, check_front_matter, check_parity, check_chinese,
                             check_catalog_chinese, check_english, check_components, check_terms,
                             check_catalog_terms, check_svg_images)


MEMO_CHECKS = (check_links, check_unsafe_markup, check_html_outputs, check_parity, check_chinese,
               check_catalog_chinese, check_english, check_terms, check_catalog_terms)
"""The checks that take a memo: the costly ones, whose findings per page are kept between builds."""

LOOKING_ORDER = (check_html_outputs, *(check for check in MEMO_CHECKS if check is not check_html_outputs))
"""The order in which compute_everywhere looks for missing findings. It judges from the first few
hundred whether the cache has nearly all of them: the HTML outputs first, every one of which a
template or catalogue edit changes while the pages' sources stay as they were."""


def run_checks(config: Config, pages: list[Page], outputs: list[Output], memo: Memo | None = None,
               jobs: int = 1) -> list[Problem]:
    """Every check's problems, errors first, each in source order. With a memo (the build cache),
    findings no earlier build made are first computed across `jobs` processes."""
    compute_everywhere(memo, lambda deferred: [list(check(config, pages, outputs, deferred)) for check in LOOKING_ORDER],
                       jobs)
    return sorted_problems(problem for check in CHECKS for problem in (
        check(config, pages, outputs, memo) if check in MEMO_CHECKS else check(config, pages, outputs)))


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Once each, errors first, then by file and line: the order a person fixes them in."""
    return sorted(dict.fromkeys(problems),
                  key=lambda p: (p.severity != "error", str(p.path), p.line or 0, p.check_id, p.message))


def _occurrence_lines(doc: Document, needles: list[str]) -> list[int]:
    """The source line of each needle, in order: a needle written twice is found twice."""
    lines, after = [], {}
    for needle in needles:
        index = doc.body.find(needle, after.get(needle, 0))
        if index < 0:
            lines.append(doc.line_of(needle))
            continue
        after[needle] = index + len(needle)
        lines.append(doc.body_line + doc.body.count("\n", 0, index))
    return lines


def _sources(pages: list[Page]) -> Iterable[Page]:
    """Each page that shows its own document (a fallback repeats the original's problems)."""
    return (page for page in pages if not page.is_fallback)


def _safe_url(tag: str, value: str) -> bool:
    """Relative URLs and web schemes are safe; javascript:, vbscript:, data: (but images) are not.
    Browsers ignore control characters and spaces inside a scheme, so they are removed first."""
    scheme = SCHEME.match(re.sub(r"[\x00-\x20]", "", value).lower())
    if not scheme:
        return True
    return scheme.group() in SAFE_SCHEMES or (tag == "img" and value.lower().startswith("data:image/"))


def _is_external(url: str) -> bool:
    return "://" in url or url.startswith(("//", "mailto:", "tel:", "javascript:"))


def _site_path(page_path: str, target: str) -> str:
    """The output path (under site/) a relative URL on the page at `page_path` points to."""
    base = page_path if page_path.endswith("/") else posixpath.dirname(page_path)
    path = posixpath.normpath(posixpath.join(base, target))
    return "site/" + ("" if path == "." else path)


def _published(path: str, written: set[str]) -> bool:
    return path in written or posixpath.join(path, "index.html") in written


def _html_of(path: str, written: set[str]) -> str:
    return path if path in written else posixpath.join(path, "index.html")


def _template_location(config: Config, needle: str, output: str) -> tuple[Path, int | None]:
    """The template line that most likely made a part of an output: the first line holding `needle`."""
    for template in [t for folder in config.template_dirs for t in sorted(folder.rglob("*.html"))]:
        for number, line in enumerate(template.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if needle in line:
                return template, number
    return config.templates_dir, None
