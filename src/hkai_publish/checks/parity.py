"""Bilingual parity: each translation must say what its original says. Per page pair it compares
heading structure and anchors, link targets, images, footnotes, tables, figures and bare URLs,
and reports a page present on one side only. All findings are warnings (they fail --strict)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

from hkai_publish.sources.config import Config
from hkai_publish.sources.content import Document
from hkai_publish.errors import Problem, counted, location
from hkai_publish.checks.figures import read_figures, word_values
from hkai_publish.markdown.containers import components_of
from hkai_publish.machinery.memo import remembered
from hkai_publish.markdown.prose import URL, document_prose, footnote_labels, heading_lines, source_lines, table_shapes
from hkai_publish.editions.pages import Page
from hkai_publish.machinery.files import Output

# Path segments and file-name suffixes that name a language: an edition may link to (or show) its
# own language's version of the same page or image (gov.hk/en/… ↔ gov.hk/tc/…, report_e.pdf ↔ report_c.pdf).
LANGUAGE_SEGMENTS = {"en", "eng", "english", "en-hk", "en-us", "en-gb", "tc", "chi", "chinese", "tc_chi",
                     "zh", "zh-hk", "zh-tw", "zh-hant", "zh-hant-hk", "zh_hk", "zh_tw", "sc", "zh-cn", "zh-hans"}
LANGUAGE_SUFFIX = re.compile(r"[-_.](?:en|eng|e|c|tc|chi|zh|zh-hk|zh-hant|zh-hant-hk|sc)$", re.I)


@dataclass(frozen=True, slots=True)
class Pair:
    """An original and one of its translations, as rendered."""

    original: Page
    translation: Page

    @property
    def source(self) -> Document:
        return self.original.document

    @property
    def target(self) -> Document:
        return self.translation.document

    def where(self, line: int | None) -> str:
        """The original's location, for messages on the translation."""
        return location(self.source.path, line)

    def target_line(self, source_line: int, where: str = "body") -> int:
        """The translation line that corresponds to a line of the original: the same front matter
        key, or the start of the same section (the n-th heading's line), which is as near as an
        edition in another language allows."""
        if where != "body":
            return self.target.line_of_key(where)
        source_heads = [line for line, _level, _text in heading_lines(self.source)]
        target_heads = [line for line, _level, _text in heading_lines(self.target)]
        index = sum(1 for line in source_heads if line <= source_line)
        if index == 0 or not target_heads:
            return self.target.body_line
        return target_heads[min(index, len(target_heads)) - 1]


def check_parity(config: Config, pages: list[Page], outputs: list[Output], memo=None) -> Iterable[Problem]:
    """Every translation against its original; a missing translation is a warning. `memo` (see
    memo.remembered) keeps each pair's findings until either page changes."""
    originals = {p.entry.key: p for p in pages if p.locale == config.default_locale}
    for page in pages:
        if page.locale == config.default_locale:
            continue
        if page.is_fallback:
            expected = config.content_dir / page.locale.folder / Path(page.entry.key + ".md")
            yield Problem(expected, None, "parity-missing",
                          f"no {page.locale.tag} translation of {location(page.document.path, None)}: "
                          f"the {page.locale.tag} edition shows the original", "warning")
            continue
        pair = Pair(originals[page.entry.key], page)
        yield from remembered(memo, "parity", (pair.original, pair.translation), _compare, pair,
                              near=page.entry.key)


def _compare(pair: Pair) -> Iterator[Problem]:
    for compare in (_headings, _components, _links, _images, _footnotes, _tables, _figures, _urls):
        for line, check_id, message in compare(pair):
            yield Problem(pair.target.path, line, check_id, message, "warning")


Finding = Iterator[tuple[int | None, str, str]]


def _headings(pair: Pair) -> Finding:
    ours, theirs = pair.translation.headings, pair.original.headings
    our_lines = _heading_lines(pair.target, ours)
    their_lines = _heading_lines(pair.source, theirs)
    if len(ours) != len(theirs):
        first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a.level != b.level), min(len(ours), len(theirs)))
        line = our_lines[first] if first < len(ours) else (our_lines[-1] if ours else pair.target.body_line)
        counterpart = (f"; first difference: {theirs[first].text!r} ({pair.where(their_lines[first])})"
                       if first < len(theirs) else "")
        yield line, "parity-headings", (f"{counted(len(ours), 'heading')} here, {len(theirs)} in the original "
                                        f"({pair.where(None)}): a section is missing or extra{counterpart}")
        return
    for ours_h, theirs_h, line, their_line in zip(ours, theirs, our_lines, their_lines):
        if ours_h.level != theirs_h.level:
            yield line, "parity-headings", (f"heading {ours_h.text!r} is h{ours_h.level}, its counterpart "
                                            f"{theirs_h.text!r} ({pair.where(their_line)}) is h{theirs_h.level}")
        elif ours_h.id != theirs_h.id:
            yield line, "parity-headings", (f"heading {ours_h.text!r} has anchor #{ours_h.id}, its counterpart "
                                            f"({pair.where(their_line)}) has #{theirs_h.id}: "
                                            "links to it work in one edition only")


def _components(pair: Pair) -> Finding:
    """Callouts, key facts, pull quotes, figures and tabs: the same kinds in the same order."""
    if not any(mark in body for body in (pair.source.body, pair.target.body) for mark in (":::", "!!!", "<Tab")):
        return
    theirs, ours = components_of(pair.source.body), components_of(pair.target.body)
    if [c.kind for c in theirs] == [c.kind for c in ours]:
        return
    first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a.kind != b.kind), min(len(ours), len(theirs)))
    line = (pair.target.body_line + ours[first].line - 1 if first < len(ours)
            else pair.target_line(pair.source.body_line + theirs[first].line - 1))
    if first < len(theirs):
        theirs_line = pair.source.body_line + theirs[first].line - 1
        counterpart = f"the original has {theirs[first].written!r} ({pair.where(theirs_line)})"
    else:
        counterpart = "the original has no more"
    here = f"{ours[first].written!r}" if first < len(ours) else "nothing"
    yield line, "parity-components", (f"{counted(len(ours), 'component')} (callouts, tabs, figures…) here, "
                                      f"{len(theirs)} in the original; the first that differs: {here} here, "
                                      f"{counterpart}")


def _heading_lines(doc: Document, headings) -> list[int]:
    """Source lines of the rendered headings (h2–h6): by position when the counts agree."""
    lines = [line for line, level, _text in heading_lines(doc) if level >= 2]
    if len(lines) == len(headings):
        return lines
    return [doc.line_of(h.text) for h in headings]


def _links(pair: Pair) -> Finding:
    yield from _compare_targets(pair, pair.original.rendered.links, pair.translation.rendered.links,
                                "parity-links", "link to")


def _images(pair: Pair) -> Finding:
    yield from _compare_targets(pair, [src for src, _ in pair.original.rendered.images],
                                [src for src, _ in pair.translation.rendered.images], "parity-images", "image")


def _compare_targets(pair: Pair, theirs: list[str], ours: list[str], check_id: str, noun: str) -> Finding:
    their_count, our_count = Counter(map(normalise_url, theirs)), Counter(map(normalise_url, ours))
    for target in dict.fromkeys(theirs):
        if their_count[normalise_url(target)] > our_count[normalise_url(target)]:
            line = pair.source.line_of(target)
            yield pair.target_line(line), check_id, f"{noun} {target!r} ({pair.where(line)}) is missing here"
            our_count[normalise_url(target)] = their_count[normalise_url(target)]
    for target in dict.fromkeys(ours):
        if our_count[normalise_url(target)] > their_count[normalise_url(target)]:
            yield pair.target.line_of(target), check_id, f"{noun} {target!r} is not in the original ({pair.where(None)})"
            their_count[normalise_url(target)] = our_count[normalise_url(target)]


def normalise_url(url: str) -> str:
    """A link target with its language marks removed, so that each edition may point to its own
    language's version of the same resource."""
    url = url.rstrip(".,;:!?")
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s.lower() not in LANGUAGE_SEGMENTS]
    if segments and segments[-1]:
        stem, dot, ext = segments[-1].rpartition(".")
        segments[-1] = (LANGUAGE_SUFFIX.sub("", stem) + dot + ext) if dot else LANGUAGE_SUFFIX.sub("", ext)
    query = "&".join(q for q in parts.query.split("&") if not q.lower().startswith(("lang=", "locale=")))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), "/".join(segments), query, parts.fragment))


def _footnotes(pair: Pair) -> Finding:
    theirs, ours = footnote_labels(pair.source), footnote_labels(pair.target)
    for label, line in theirs.items():
        if label not in ours:
            yield pair.target_line(line), "parity-footnotes", f"footnote [^{label}] ({pair.where(line)}) is missing here"
    for label, line in ours.items():
        if label not in theirs:
            yield line, "parity-footnotes", f"footnote [^{label}] is not in the original ({pair.where(None)})"


def _tables(pair: Pair) -> Finding:
    theirs, ours = table_shapes(pair.source), table_shapes(pair.target)
    for number, ((line, rows, columns), (their_line, their_rows, their_columns)) in enumerate(zip(ours, theirs), 1):
        if (rows, columns) != (their_rows, their_columns):
            yield line, "parity-tables", (f"table {number} has {rows} rows × {columns} columns, the original's "
                                          f"({pair.where(their_line)}) {their_rows} × {their_columns}")
    if len(ours) != len(theirs):
        line = ours[len(theirs)][0] if len(ours) > len(theirs) else pair.target_line(theirs[len(ours)][0])
        yield line, "parity-tables", f"{counted(len(ours), 'table')} here, {len(theirs)} in the original ({pair.where(None)})"


def _figures(pair: Pair) -> Finding:
    their_prose, our_prose = document_prose(pair.source), document_prose(pair.target)
    theirs = [read_figures(p.text, pair.source.locale.is_cjk) for p in their_prose]
    ours = [read_figures(p.text, pair.target.locale.is_cjk) for p in our_prose]
    their_values = set().union(*(values for _, values in theirs))
    our_values = set().union(*(values for _, values in ours))
    # Numbers in words are read only when a figure is not among the other edition's digits.
    # So are the figures in code spans (`8551`): code on one side may be prose on the other.
    if any(figure.value not in our_values for stated, _ in theirs for figure in stated):
        our_values.update(*(word_values(p.text, pair.target.locale.is_cjk) for p in our_prose))
        our_values.update(_code_values(pair.target))
    if any(figure.value not in their_values for stated, _ in ours for figure in stated):
        their_values.update(*(word_values(p.text, pair.source.locale.is_cjk) for p in their_prose))
        their_values.update(_code_values(pair.source))
    reported: set[Decimal] = set()
    for prose, (stated, _) in zip(their_prose, theirs):
        for figure in stated:
            if figure.value not in our_values and figure.value not in reported:
                reported.add(figure.value)
                line = prose.line_at(figure.offset)
                yield (pair.target_line(line, prose.where), "parity-figures",
                       f"the original states {figure.written!r} ({pair.where(line)}); this page does not")
    for prose, (stated, _) in zip(our_prose, ours):
        for figure in stated:
            if figure.value not in their_values and figure.value not in reported:
                reported.add(figure.value)
                yield (prose.line_at(figure.offset), "parity-figures",
                       f"{figure.written!r} is not in the original ({pair.where(None)})")


def _code_values(doc: Document) -> set[Decimal]:
    """The values of the numbers in a document's code spans."""
    text = "\n".join(m.group() for _, line in source_lines(doc) if "`" in line for m in CODE_SPAN.finditer(line))
    return read_figures(text, doc.locale.is_cjk)[1] if text else set()


def _urls(pair: Pair) -> Finding:
    """URLs written out in the text (not as link targets, which _links compares)."""
    (theirs, their_code), (ours, our_code) = _bare_urls(pair.original), _bare_urls(pair.translation)
    # A URL in a code span on one side and in the text (or a link) on the other is the same URL.
    for key, (url, line) in theirs.items():
        if key not in ours and key not in our_code:
            yield pair.target_line(line), "parity-urls", f"URL {url} ({pair.where(line)}) is missing here"
    for key, (url, line) in ours.items():
        if key not in theirs and key not in their_code:
            yield line, "parity-urls", f"URL {url} is not in the original ({pair.where(None)})"


def _bare_urls(page: Page) -> tuple[dict[str, tuple[str, int]], set[str]]:
    """Normalised URL -> (URL as written, line) of each URL in the text that is no link target
    and not in a code span; and the normalised URLs of the page's links and code spans."""
    urls: dict[str, tuple[str, int]] = {}
    if "://" not in page.document.body and "www." not in page.document.body:
        return urls, set()  # what every URL has
    elsewhere = {normalise_url(href) for href in page.rendered.links} | {normalise_url(src) for src, _ in page.rendered.images}
    for number, line in source_lines(page.document):
        spans = [m.span() for m in CODE_SPAN.finditer(line)] if "`" in line else []
        for match in URL.finditer(line):
            written = match.group().rstrip(".,;:!?")
            if any(start <= match.start() < end for start, end in spans):
                elsewhere.add(normalise_url(written))
            elif normalise_url(written) not in elsewhere:
                urls.setdefault(normalise_url(written), (written, number))
    return {k: v for k, v in urls.items() if k not in elsewhere}, elsewhere


CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
