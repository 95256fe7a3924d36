"""SVG images from content/ are published byte for byte, and a browser opening one runs what it
holds: refuse scripts, event handlers, javascript: URLs, <foreignObject> and references to
anything outside the file (which also make the PDF fetch), each at its line in the SVG."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from lxml import etree

from hkai_publish.errors import Problem, PublishError
from hkai_publish.machinery.files import Output, read_bytes
from hkai_publish.editions.pages import Page
from hkai_publish.sources.config import Config

REFUSED_ELEMENTS = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
"""Elements that run code or embed another document (`handler`, `listener`: SVG Tiny and XML Events)."""
URL_IN_CSS = re.compile(r"url\(\s*(['\"]?)\s*(?!#)[^)'\"]", re.I)
"""A CSS url() that leaves the file (one to `#id` stays inside it)."""
SCRIPTY = re.compile(r"[\x00-\x20]")


def check_svg_images(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """Every local SVG a page shows, once each."""
    seen: set[Path] = set()
    for page in pages:
        if page.is_fallback:
            continue
        for src, _alt in page.rendered.images:
            name = src.partition("#")[0].partition("?")[0]
            if "://" in src or src.startswith(("/", "data:")) or not name.lower().endswith(".svg"):
                continue
            path = page.document.path.parent / name
            try:
                path = path.resolve()
            except (OSError, RuntimeError):
                continue  # the image checks report it
            if path in seen or not path.is_file() or not path.is_relative_to(config.content_dir.resolve()):
                continue
            seen.add(path)
            yield from svg_problems(path)


def svg_problems(path: Path) -> Iterable[Problem]:
    """What makes one SVG file unsafe to publish."""
    try:
        data = read_bytes(path)
    except PublishError as exc:
        yield Problem.from_error(exc, "unsafe-svg")
        return
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        yield Problem(path, exc.lineno or 1, "unsafe-svg", f"not a well-formed SVG file: {exc.msg}")
        return
    tree = root.getroottree()
    dtd = tree.docinfo.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or list(dtd.iterelements())):
        yield Problem(path, 1, "unsafe-svg", "the SVG declares entities (<!DOCTYPE … [<!ENTITY …]>): "
                      "remove the internal DTD")
    for element in [*reversed(list(root.itersiblings(preceding=True))), *root.iter(), *root.itersiblings()]:
        if not isinstance(element.tag, str):
            if isinstance(element, etree._ProcessingInstruction) and element.target == "xml-stylesheet":
                yield Problem(path, element.sourceline, "unsafe-svg", "an <?xml-stylesheet?> loads a file from "
                              "outside the SVG: put the styles in the file")
            continue
        name = etree.QName(element).localname
        line = element.sourceline
        if name in REFUSED_ELEMENTS:
            yield Problem(path, line, "unsafe-svg", f"<{name}> is refused in an SVG image: it runs code or "
                          "embeds a document when the image is opened")
            continue
        if name == "style" and (element.text or "") and _css_leaves(element.text):
            yield Problem(path, line, "unsafe-svg", "a <style> with url() or @import of another file is refused")
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if local.lower().startswith("on"):
                yield Problem(path, line, "unsafe-svg", f"event handler {local}= on <{name}> is refused in an "
                              "SVG image")
            elif local == "href" and not _internal(value, name):
                yield Problem(path, line, "unsafe-svg", f"<{name} href={value[:40]!r}> is refused: an SVG image may "
                              "refer only to its own parts (#id) or to embedded data:image/ pictures")
            elif local == "style" and _css_leaves(value):
                yield Problem(path, line, "unsafe-svg", f"style= on <{name}> with url() or @import of another "
                              "file is refused")
            elif name in ("animate", "set", "animateTransform", "animateMotion") and local in ("to", "values", "from") \
                    and element.get("attributeName", "").lower().endswith("href"):
                yield Problem(path, line, "unsafe-svg", f"<{name}> that animates a link is refused")
            elif local not in ("href", "style") and re.sub(SCRIPTY, "", value).lower().startswith(("javascript:", "vbscript:")):
                yield Problem(path, line, "unsafe-svg", f"a {value[:20]!r} URL in {local}= is refused")


def _internal(value: str, element: str) -> bool:
    """A reference to a part of the same file, or (for an <image>) an embedded raster picture."""
    value = re.sub(SCRIPTY, "", value)
    return value.startswith("#") or (element == "image" and value.lower().startswith(("data:image/png",
                                                                                     "data:image/jpeg",
                                                                                     "data:image/gif",
                                                                                     "data:image/webp")))


def _css_leaves(css: str) -> bool:
    return bool(URL_IN_CSS.search(css)) or "@import" in css.lower()
