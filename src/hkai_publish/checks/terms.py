"""Terminology: the termbase (locales/glossary.tbx) enforced on the pages and the UI strings, and
the Hong Kong vocabulary of the Chinese edition. All findings are warnings (they fail --strict):

- term-missing: a block of the original uses a term, and its counterpart block (aligned as the
  hand-off aligns them) none of the term's allowed translations;
- term-forbidden: a term the termbase marks deprecated;
- term-first-use: a short form (ASTRI, 應科院) before its full form, in the page or the edition
  (`term_first_use`); a summary (the page's standfirst) may introduce a term, and neither it,
  the title nor a heading is judged;
- zh-regional: a Taiwan or Mainland word where Hong Kong writes another (data/zh_regional.tsv);
  the termbase overrides the list.

Each page's findings, and each pair's, are kept in the build cache like the other language checks."""

from __future__ import annotations

import bisect
import functools
import importlib.resources
from dataclasses import dataclass
from typing import Iterable, Iterator

from hkai_publish.errors import Problem, display_path, location
from hkai_publish.machinery.files import Output, digest
from hkai_publish.machinery.memo import remembered
from hkai_publish.markdown.prose import document_prose, heading_lines
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import Document
from hkai_publish.sources.locales import Locale
from hkai_publish.translation.catalogs import PLACEHOLDER, TAG, po_path, read_catalog
from hkai_publish.translation.matching import Finder, Found
from hkai_publish.translation.segments import Split, align, split_page
from hkai_publish.translation.terms import Concept, Term, Termbase, load_termbase, termbase_path
from hkai_publish.editions.pages import Page

GLOSSARY_MARKER = "[GLOSSARY]"
REGIONS = {"TW": "Taiwan", "CN": "Mainland"}


@dataclass(frozen=True, slots=True)
class Regional:
    """A word of Taiwan or the Mainland, and what Hong Kong writes instead."""

    word: str
    region: str
    """"TW" or "CN"."""
    hong_kong: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """All the terminology checks read, so the key of their cached findings."""

    termbase: Termbase
    regional: tuple[Regional, ...]
    source: str
    """The original's language tag."""
    first_use: str


@functools.cache
def regional_words() -> tuple[Regional, ...]:
    """The built-in list, data/zh_regional.tsv (its header names its sources)."""
    text = (importlib.resources.files("hkai_publish.checks") / "data" / "zh_regional.tsv").read_text(encoding="utf-8")
    words = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, region, hong_kong, *note = line.split("\t")
            words.append(Regional(word, region, tuple(hong_kong.split("/")), note[0] if note else ""))
    return tuple(words)


def vocabulary(config: Config, memo=None) -> Vocabulary:
    """The publication's termbase (as the build read it, through the cache) with the built-in list."""
    termbase = load_termbase(config, memo)
    return _vocabulary(termbase, regional_words(), config.default_locale.tag, config.term_first_use)


@functools.lru_cache(maxsize=4)
def _vocabulary(*fields) -> Vocabulary:
    """One Vocabulary for equal fields: its digest and finders are made once per build."""
    return Vocabulary(*fields)


_finders: dict[tuple[int, str], tuple[Vocabulary, Finder]] = {}


def finder(vocab: Vocabulary, tag: str) -> Finder:
    """_make_finder's, once per vocabulary (by identity: hashing one walks the whole termbase)."""
    found = _finders.get((id(vocab), tag))
    if found is None or found[0] is not vocab:
        if len(_finders) > 16:
            _finders.clear()
        found = _finders[(id(vocab), tag)] = (vocab, _make_finder(vocab, tag))
    return found[1]


def _make_finder(vocab: Vocabulary, tag: str) -> Finder:
    """Every term of one language; for Chinese also the regional words the termbase does not
    decide on, and their Hong Kong words (found, so that 算法 is not found inside 演算法)."""
    entries: list[tuple[str, object]] = [(t.text, (c, t)) for c in vocab.termbase.concepts for t in c.terms_in(tag)]
    if tag.split("-")[0] == "zh":
        decided = {text for text, _ in entries}
        for word in vocab.regional:
            if word.word not in decided:
                entries.append((word.word, word))
            entries += [(hk, None) for hk in word.hong_kong]
    return Finder(entries)


def _terms(found: Found) -> list[tuple[Concept, Term]]:
    return [p for p in found.payloads if isinstance(p, tuple)]


# ---- pages ------------------------------------------------------------------------------------------
def check_terms(config: Config, pages: list[Page], outputs: list[Output], memo=None) -> Iterable[Problem]:
    """Forbidden and regional words and first uses on every page; missing terms in every pair."""
    vocab = vocabulary(config, memo)
    originals = {p.entry.key: p for p in pages if p.locale == config.default_locale}
    seen: dict[str, set[str]] = {}
    for page in pages:
        if page.is_fallback:
            continue
        doc = page.document
        # None: not known yet (compute_everywhere is collecting work). What depends on it then
        # finds the pages' terms itself, in the worker: never from a stand-in of no terms.
        found = remembered(memo, "terms", (doc, vocab), _page_terms, doc, vocab, near=page.entry.key, missing=None)
        if found is not None:
            yield from (item for item in found if isinstance(item, Problem))
            if vocab.first_use != "off":
                known = seen.setdefault(page.locale.tag, set()) if vocab.first_use == "edition" else set()
                yield from _first_uses(doc, vocab, _uses(found), known)
        if page.locale != config.default_locale and vocab.termbase:
            original = originals[page.entry.key].document
            theirs = remembered(memo, "terms", (original, vocab), _page_terms, original, vocab, near=page.entry.key,
                                missing=None)
            yield from remembered(memo, "term-missing", (original, doc, vocab), _missing_terms, original, doc,
                                  None if theirs is None else _uses(theirs), None if found is None else _uses(found),
                                  vocab, near=page.entry.key)
        if GLOSSARY_MARKER in doc.body and not vocab.termbase:
            yield Problem(doc.path, doc.line_of(GLOSSARY_MARKER), "term-glossary",
                          f"{GLOSSARY_MARKER} prints the termbase, but {location(termbase_path(config), None)} "
                          "does not exist (hkai-publish terms import FILE.csv makes one)", "warning")


def _uses(found: tuple) -> list[tuple]:
    return [item for item in found if not isinstance(item, Problem)]


def _page_terms(doc: Document, vocab: Vocabulary) -> Iterator[Problem | tuple]:
    """A page's forbidden and regional words (as Problems) and each term it uses, in reading
    order, as (line, "title" | "summary" | "body", concept id, allowed, short, written, in a heading)."""
    tag = doc.locale.tag
    found = finder(vocab, tag)
    if not found:
        return
    headings = {line for line, _level, _text in heading_lines(doc)}
    for prose in document_prose(doc):
        for occurrence in found.find(prose.text):
            line = prose.line_at(occurrence.start)
            for concept, term in _terms(occurrence):
                if not term.allowed:
                    yield _forbidden(doc.path, line, concept, term, vocab, tag)
                yield line, prose.where, concept.id, term.allowed, term.short, occurrence.written, line in headings
            for word in (p for p in occurrence.payloads if isinstance(p, Regional)):
                yield _regional(doc.path, line, word)


def _forbidden(path, line: int, concept: Concept, term: Term, vocab: Vocabulary, tag: str) -> Problem:
    preferred = concept.preferred(tag)
    return Problem(path, line, "term-forbidden",
                   f"{term.text} is a forbidden term for “{concept.name(vocab.source)}” in the termbase"
                   + (f": write {preferred.text}" if preferred else ""), "warning")


def _regional(path, line: int, word: Regional) -> Problem:
    note = f" ({word.note})" if word.note else ""
    return Problem(path, line, "zh-regional", f"{word.word} is {REGIONS.get(word.region, word.region)} usage: "
                   f"Hong Kong writes {' or '.join(word.hong_kong)}{note}", "warning")


def _concepts(vocab: Vocabulary) -> dict[str, Concept]:
    """Concept id -> concept, made once per vocabulary (first uses are judged on every build)."""
    found = _by_id.get(id(vocab))
    if found is None or found[0] is not vocab:
        found = _by_id[id(vocab)] = (vocab, {c.id: c for c in vocab.termbase.concepts})
    return found[1]


_by_id: dict[int, tuple[Vocabulary, dict[str, Concept]]] = {}


def _first_uses(doc: Document, vocab: Vocabulary, uses: list[tuple], known: set[str]) -> Iterator[Problem]:
    """A short form in the running text where its concept's full form has not come yet
    (`known`: concept ids introduced on earlier pages of the edition, and updated)."""
    tag = doc.locale.tag
    reported = set()
    for line, where, concept_id, allowed, short, written, in_heading in uses:
        if where == "summary" and allowed and not short:
            known.add(concept_id)  # the standfirst, read first: it introduces, and is not judged
        if where != "body" or in_heading or not allowed:
            continue
        if not short:
            known.add(concept_id)
            continue
        if concept_id in known or concept_id in reported:
            continue
        concept = _concepts(vocab)[concept_id]
        full = concept.preferred(tag)
        if full is not None and not full.short:
            reported.add(concept_id)
            scope = "in this page" if vocab.first_use == "page" else "in this edition"
            introduce = f"{full.text}（{written}）" if doc.locale.is_cjk else f"{full.text} ({written})"
            yield Problem(doc.path, line, "term-first-use",
                          f"{written} is used before its full form {full.text} {scope}: introduce it as "
                          f"“{introduce}” first", "warning")


def _missing_terms(original: Document, translation: Document, their_uses: list[tuple] | None,
                   our_uses: list[tuple] | None, vocab: Vocabulary) -> Iterator[Problem]:
    """Blocks of the original with a term whose counterpart block uses none of its translations
    (a forbidden one is term-forbidden's to report). The blocks are the hand-off's segments,
    aligned as it aligns them; each page's terms are placed in them by line (found here where
    not given: None)."""
    if their_uses is None:
        their_uses = _uses(tuple(_page_terms(original, vocab)))
    if our_uses is None:
        our_uses = _uses(tuple(_page_terms(translation, vocab)))
    concepts = {c.id: c for c in vocab.termbase.concepts}
    theirs, ours = _split(original), _split(translation)
    their_terms, our_terms = _by_segment(theirs, their_uses), _by_segment(ours, our_uses)
    where = display_path(original.path)
    tag = translation.locale.tag
    for a, b in align(theirs, ours):
        present = our_terms.get(b.id, {})
        for concept_id, (allowed, written) in their_terms.get(a.id, {}).items():
            if allowed and concept_id not in present and concepts[concept_id].allowed(tag):
                yield Problem(translation.path, b.line, "term-missing",
                              _missing_message(concepts[concept_id], written, translation.locale, f"{where}:{a.line}"),
                              "warning")


def _split(doc: Document) -> Split:
    """The page's segments, as the hand-off makes them (without reading the file again)."""
    return split_page(doc.meta, doc.body, doc.body_line, {key: doc.line_of_key(key) for key in ("title", "summary")})


def _by_segment(split: Split, uses: list[tuple]) -> dict[str, dict[str, tuple[bool, str]]]:
    """Segment id -> concept id -> (allowed, as written) of the terms used in it: a title's or
    summary's by name, a body block's by the line its use is on (the last block starting there
    or before)."""
    body = [s for s in split.segments if s.id.isdigit()]
    starts = [s.line for s in body]
    found: dict[str, dict[str, tuple[bool, str]]] = {}
    for line, where, concept_id, allowed, _short, written, _heading in uses:
        if where != "body":
            segment = where
        else:
            index = bisect.bisect_right(starts, line) - 1
            if index < 0:
                continue
            segment = body[index].id
        terms = found.setdefault(segment, {})
        if concept_id not in terms or (allowed and not terms[concept_id][0]):
            terms[concept_id] = (allowed, written)
    return found


def _concepts_in(found: Finder, text: str, allowed_only: bool = False) -> dict[str, tuple[Concept, str]]:
    """Concept id -> (concept, as written) of the terms in a UI string."""
    concepts: dict[str, tuple[Concept, str]] = {}
    for occurrence in found.find(text):
        for concept, term in _terms(occurrence):
            if term.allowed or not allowed_only:
                concepts.setdefault(concept.id, (concept, occurrence.written))
    return concepts


def _missing_message(concept: Concept, written: str, locale: Locale, where: str) -> str:
    allowed = [t.text for t in concept.allowed(locale.tag)]
    return (f"“{written}” ({where}) is not translated with the termbase's term: write {allowed[0]}"
            + (f" (or {', '.join(allowed[1:])})" if len(allowed) > 1 else ""))


# ---- UI strings ---------------------------------------------------------------------------------------
def check_catalog_terms(config: Config, pages: list[Page], outputs: list[Output], memo=None) -> Iterable[Problem]:
    """The same over each translated catalogue: its msgstrs' forbidden and regional words, and
    terms of a msgid that its msgstr does not translate."""
    vocab = vocabulary(config, memo)
    for locale in config.locales:
        path = po_path(config, locale)
        if locale != config.default_locale and path.is_file():
            yield from remembered(memo, "catalog-terms", (str(path), digest(path.read_bytes()), locale, vocab),
                                  _catalog_terms, path, locale, vocab)


def _catalog_terms(path, locale: Locale, vocab: Vocabulary) -> Iterator[Problem]:
    source, target = finder(vocab, vocab.source), finder(vocab, locale.tag)
    for message in read_catalog(path, locale):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated = " ".join(_plain(s) for s in strings if s)
        if not message.id or not translated.strip():
            continue
        for occurrence in target.find(translated):
            for concept, term in _terms(occurrence):
                if not term.allowed:
                    yield _forbidden(path, message.lineno, concept, term, vocab, locale.tag)
            for word in (p for p in occurrence.payloads if isinstance(p, Regional)):
                yield _regional(path, message.lineno, word)
        present = _concepts_in(target, translated)
        for concept_id, (concept, written) in _concepts_in(source, " ".join(_plain(i) for i in ids),
                                                           allowed_only=True).items():
            if concept_id not in present and concept.allowed(locale.tag):
                yield Problem(path, message.lineno, "term-missing",
                              _missing_message(concept, written, locale, f"msgid {ids[0]!r}"), "warning")


def _plain(string: str) -> str:
    """A UI string without its tags and placeholders, which are no words."""
    return TAG.sub(lambda m: " " * len(m.group()), PLACEHOLDER.sub(lambda m: " " * len(m.group()), string))
