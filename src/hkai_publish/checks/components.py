"""Warnings about what a page uses that the build cannot show as its author meant: MDX components
and containers this tool does not know (their Markdown is shown, their tags are not), and images
on the web (the site points at them; the build never downloads them, so nothing checks them)."""

from __future__ import annotations

import re
from typing import Iterable

from hkai_publish.errors import Problem
from hkai_publish.editions.pages import Page
from hkai_publish.machinery.files import Output
from hkai_publish.markdown.containers import components_of, kind_of
from hkai_publish.markdown.mdx import unknown_components
from hkai_publish.sources.config import Config

RAW_IMAGE = re.compile(r"""<img\b[^>]*?\bsrc=["']((?:https?:)?//[^"']+)["']""", re.I)


def check_components(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """`[unknown-component]` once per component or container name a page uses; `[remote-image]`
    for each image on the web."""
    for page in pages:
        if page.is_fallback:
            continue  # the original's own problems, reported on the original
        doc = page.document
        for component in unknown_components(doc.body):
            yield Problem(doc.path, doc.body_line + component.line - 1, "unknown-component",
                          f"<{component.name}> is not a component hkai_publish knows: its tags are left out "
                          "and the Markdown between them is shown", "warning")
        seen: set[str] = set()
        for placed in components_of(doc.body) if ":::" in doc.body else ():
            if kind_of(placed.kind) == "unknown" and placed.kind not in seen:
                seen.add(placed.kind)
                yield Problem(doc.path, doc.body_line + placed.line - 1, "unknown-component",
                              f"container {placed.written!r} is not one hkai_publish knows: it is shown as a "
                              "plain block (see the README for note, tip, info, warning, danger, keyfacts…)",
                              "warning")
        for src in _remote_images(config, page):
            yield Problem(doc.path, doc.line_of(src), "remote-image",
                          f"image {src!r} is on the web: the site shows it from there, unchecked (the build "
                          "never downloads), and the PDF prints its alt text with a link", "warning")


def _remote_images(config: Config, page: Page) -> list[str]:
    """Images with a web address: Markdown ones and, where raw HTML is allowed, `<img>` tags
    (the HTML is read only then: a rebuild need not load every page's HTML from the cache)."""
    found = [src for src, _alt in page.rendered.images if src.startswith(("http://", "https://", "//"))]
    if config.allow_raw_html and "<img" in page.document.body:
        found += RAW_IMAGE.findall(page.rendered.html)
    return list(dict.fromkeys(found))
