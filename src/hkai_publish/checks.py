"""Checks over the rendered publication: each returns Problems; one runner collects them all."""

from __future__ import annotations

import posixpath
from typing import Callable, Iterable

from hkai_publish.config import Config
from hkai_publish.errors import Problem
from hkai_publish.site import Output, Page

Check = Callable[[Config, list[Page], list[Output]], Iterable[Problem]]


def check_images(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """Local images must exist inside content/ and carry alt text."""
    written = {o.path for o in outputs}
    for page in pages:
        if page.is_fallback:
            continue
        doc = page.document
        for src, alt in page.rendered.images:
            line = doc.line_of(src)
            if not alt.strip():
                yield Problem(doc.path, line, "image-alt", f"image {src!r} has no alt text", "warning")
            if "://" in src or src.startswith("data:"):
                continue
            if "site/" + posixpath.normpath(posixpath.join(page.path, src)) not in written:  # outputs are under site/
                yield Problem(doc.path, line, "missing-image",
                              f"image {src!r} not found (or outside content/)")


def check_links(config: Config, pages: list[Page], outputs: list[Output]) -> Iterable[Problem]:
    """Links to other pages must name a page that exists, and an anchor that page has."""
    anchors = {(p.locale.tag, p.entry.key): {h.id for h in p.headings} for p in pages}
    for page in pages:
        if page.is_fallback:
            continue
        doc = page.document
        for href in page.rendered.links:
            if "://" in href or href.startswith(("mailto:", "/")):
                continue
            target, _, fragment = href.partition("#")
            if not target:
                known = anchors[(page.locale.tag, page.entry.key)]
            elif target.endswith(".md"):
                key = posixpath.normpath(posixpath.join(posixpath.dirname(page.entry.key), target[:-3]))
                if (page.locale.tag, key) not in anchors:
                    yield Problem(doc.path, doc.line_of(href), "broken-link", f"link to missing page {target!r}")
                    continue
                known = anchors[(page.locale.tag, key)]
            else:
                continue
            if fragment and fragment not in known and not fragment.startswith(("fn:", "fnref:")):
                yield Problem(doc.path, doc.line_of(href), "broken-anchor",
                              f"link {href!r}: no heading with id {fragment!r}")


CHECKS: tuple[Check, ...] = (check_images, check_links)


def run_checks(config: Config, pages: list[Page], outputs: list[Output]) -> list[Problem]:
    """Every check's problems, in a stable order."""
    problems = [problem for check in CHECKS for problem in check(config, pages, outputs)]
    return sorted(set(problems), key=lambda p: (str(p.path), p.line or 0, p.check_id, p.message))
