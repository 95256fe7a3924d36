"""Hand-off to translators: per language, a folder (or zip) with the UI catalogue, the missing and
outdated pages as XLIFF 1.2, a TMX memory of the published translations and a summary; and
`handoff import`, which puts translated XLIFF back into content/<language>/ Markdown."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Mapping

from babel.messages.catalog import Catalog
from lxml import etree
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile, xliffunit

from hkai_publish.translation.segments import Split, align, changes, count_words, split_document, split_page
from hkai_publish.translation.catalogs import po_path, read_catalog
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import Document, Entry, TranslationState, load_documents, pair_documents, \
    translation_state
from hkai_publish.machinery.files import source_date
from hkai_publish.translation.history import find_revision
from hkai_publish.translation.i18n import catalog_stats, extract_messages, serialize, translated_locales
from hkai_publish.translation.terms import Termbase, load_termbase, term_note, termbase_path
from hkai_publish.sources.locales import Locale
from hkai_publish.machinery.files import Output

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
SKELETON_FORMAT = "hkai-publish/page-skeleton/1"
PROFILES = ("generic", "omegat")
"""How untranslated units are written: `generic` (XLIFF 1.2 as Okapi, memoQ, Trados, Phrase and
Weblate read it: an empty <target state="needs-translation"/>, unchanged blocks pre-filled) or
`omegat` (OmegaT's own XLIFF filter translates the text of <target>: every target starts as a copy
of the source, and the previous translations come from memory.tmx). See docs/handoff.md."""
KIND_NAMES = {"title": "Page title", "summary": "Page summary", "heading": "Heading", "item": "List item",
              "quote": "Quotation", "cell": "Table cell", "footnote": "Footnote", "paragraph": "Paragraph",
              "abbreviation": "Abbreviation", "definition": "Definition",
              "label": "Title of a callout, panel or tab", "attribution": "Attribution of a pull quote"}


class Xliff12Unit(xliffunit):
    namespace = XLIFF_NS


class Xliff12File(xlifffile):
    """XLIFF 1.2, the version CAT tools (Trados, memoQ, OmegaT, Phrase, Poedit) all read."""

    UnitClass = Xliff12Unit
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_NS}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""
    namespace = XLIFF_NS


@dataclass(frozen=True, slots=True)
class Previous:
    """What a segment was translated as before, and from which original text."""

    source: str
    target: str
    exact: bool
    """The original text is unchanged since: the previous translation still holds."""


@dataclass(frozen=True, slots=True)
class Task:
    """One page to translate into one language."""

    entry: Entry
    locale: Locale
    state: TranslationState
    split: Split
    previous: Mapping[str, Previous]
    """Segment id -> its previous translation, where the page had one."""
    base_markup: frozenset[str] | None = None
    """Digests of the lines of markup between blocks (code, tables' rules, HTML) in the original the
    translation was made from, where git has it: `handoff import` keeps the translation's own
    markup except where the original's changed since."""

    @property
    def words(self) -> int:
        """Words (CJK characters) of the original still to translate."""
        return sum(count_words(s.text) for s in self.split.segments
                   if not (s.id in self.previous and self.previous[s.id].exact))

    @property
    def reused(self) -> int:
        return sum(1 for p in self.previous.values() if p.exact)


def plan_tasks(entries: list[Entry], locale: Locale) -> list[Task]:
    """The missing and outdated pages of one language, with what is known of their previous
    translation."""
    tasks = []
    for entry in entries:
        translation = entry.documents.get(locale.tag)
        state = translation_state(entry.original, translation)
        if state in (TranslationState.MISSING, TranslationState.OUTDATED):
            split = split_document(entry.original)
            previous, base = previous_translations(entry.original, translation, split) if translation else ({}, None)
            tasks.append(Task(entry, locale, state, split, previous, base))
    return tasks


def markup_digest(markup: str) -> str:
    return hashlib.sha256(markup.encode("utf-8")).hexdigest()[:16]


def previous_translations(original: Document, translation: Document,
                          split: Split) -> tuple[dict[str, Previous], frozenset[str] | None]:
    """Each segment's previous translation, and the digests of the markup of the original it was
    made from. Where git has that original, unchanged segments keep theirs exactly and replaced
    ones show the old one; otherwise the current original is aligned with the translation block by
    block, all as mere suggestions."""
    translated = split_document(translation)
    revision = find_revision(original.path, translation.source_hash) if translation.source_hash else None
    if revision is None:
        return {a.id: Previous(a.text, b.text, False) for a, b in align(split, translated)}, None
    old = split_page(revision.meta, revision.body)
    old_to_target = {a.id: b.text for a, b in align(old, translated)}
    found = {}
    for new_index, (old_index, same) in changes(old, split).items():
        old_segment = old.segments[old_index]
        if old_segment.id in old_to_target:
            found[split.segments[new_index].id] = Previous(old_segment.text, old_to_target[old_segment.id], same)
    return found, frozenset(markup_digest(line) for part in old.skeleton if isinstance(part, str)
                            for line in part.splitlines(keepends=True))


def translation_file(config: Config, task: Task) -> str:
    """Where the page's translation is (or will be), from the project folder: its own file, or
    one named as the original is (`.md` or `.mdx`)."""
    present = task.entry.documents.get(task.locale.tag)
    if present is not None and present is not task.entry.original:
        return present.path.relative_to(config.project_dir).as_posix()
    return f"content/{task.locale.folder}/{task.entry.key}{task.entry.original.path.suffix}"


def make_xliff(config: Config, task: Task, profile: str = "generic", termbase: Termbase = Termbase()) -> bytes:
    """One page as an XLIFF 1.2 file: a unit per segment with its location and notes (among them
    the termbase's terms it uses); previous translations pre-filled where still exact (`generic`),
    offered as <alt-trans> where not. The header's skeleton lets `handoff import` rebuild the page's
    Markdown."""
    original, locale = task.entry.original, task.locale
    name = _source_name(config, original)
    store = Xliff12File(sourcelanguage=original.locale.tag, targetlanguage=locale.tag)
    store.switchfile(name, createifmissing=True)
    skeleton = {"format": SKELETON_FORMAT, "key": task.entry.key, "source_hash": original.short_hash,
                "translation": translation_file(config, task), "skeleton": list(task.split.skeleton)}
    if task.base_markup is not None:
        skeleton["base_markup"] = sorted(task.base_markup)
    filenode = store.body.getparent()
    header = etree.Element(f"{{{XLIFF_NS}}}header")
    internal = etree.SubElement(etree.SubElement(header, f"{{{XLIFF_NS}}}skl"), f"{{{XLIFF_NS}}}internal-file",
                                form="application/json")
    internal.text = json.dumps(skeleton, ensure_ascii=False)
    etree.SubElement(header, f"{{{XLIFF_NS}}}note").text = (
        f"{name} ({original.title}): {task.state}. Translate every unit; keep inline Markdown "
        "(**bold**, [links](target.md), `code`) as it is.")
    filenode.insert(0, header)
    for segment in task.split.segments:
        unit = store.UnitClass(segment.text)
        unit.setid(segment.id)
        store.addunit(unit)
        # The schema wants every <context-group> name unique in its <file> (translate-toolkit's
        # addlocation leaves it empty): the unit's id makes it so.
        unit.createcontextgroup(f"location-{segment.id}", [("sourcefile", name), ("linenumber", str(segment.line))],
                                "location")
        where = f" under the heading “{segment.heading}”" if segment.heading and segment.kind != "heading" else ""
        unit.addnote(f"{KIND_NAMES[segment.kind]} on page {task.entry.key} (“{original.title}”){where}.",
                     origin="hkai-publish")
        if terms := term_note(termbase, segment.text, original.locale.tag, locale.tag):
            unit.addnote(terms, origin="terminology")
        previous = task.previous.get(segment.id)
        _add_target(unit, segment.text, previous.target if previous and previous.exact else None, locale, profile)
        if previous and previous.exact:
            unit.addnote("Unchanged since the previous translation, which is filled in." if profile == "generic" else
                         "Unchanged since the previous translation: memory.tmx has it (in tm/auto/, OmegaT fills it "
                         "in).", origin="hkai-publish")
        elif previous:
            unit.addalttrans(previous.target, origin="previous-translation", lang=locale.tag,
                             sourcetxt=previous.source)
            unit.addnote(f"Previous translation: {previous.target}", origin="hkai-publish")
    return bytes(store)


def _add_target(unit: Xliff12Unit, source: str, filled: str | None, locale: Locale, profile: str) -> None:
    """The unit's <target>, right after its <source> as the schema wants. `generic`: the previous
    translation, marked an exact match, or empty and needing translation. `omegat`: a copy of the
    source with no state (OmegaT keeps the attribute as it finds it, so a state would still say
    "needs-translation" once translated)."""
    target = etree.Element(f"{{{XLIFF_NS}}}target", {"{http://www.w3.org/XML/1998/namespace}lang": locale.tag})
    if profile == "omegat":
        target.text = source
        unit.xmlelement.attrib.pop("approved", None)
    elif filled is not None:
        target.text = filled
        target.set("state", "translated")
        target.set("state-qualifier", "exact-match")
        unit.xmlelement.set("approved", "yes")
    else:
        target.set("state", "needs-translation")
    unit.xmlelement.find(f"{{{XLIFF_NS}}}source").addnext(target)


def _source_name(config: Config, doc: Document) -> str:
    return doc.path.resolve().relative_to(config.project_dir.resolve()).as_posix()


def make_tmx(config: Config, entries: list[Entry], locale: Locale, tasks: list[Task] = ()) -> tuple[bytes, int]:
    """A memory for CAT tools: aligned original/translation segments of every up-to-date page, and
    of the pages to update, each segment's previous translation with the original it was made
    from (exact matches for unchanged blocks, fuzzy ones for changed blocks)."""
    source = config.default_locale.tag
    memory = tmxfile(sourcelanguage=source)
    # Our segments are whole blocks: OmegaT splits a paragraph-level memory into sentences when
    # its project does, and then matches the sentences that did not change.
    memory.document.getroot().find("header").set("segtype", "paragraph")
    seen = set()

    def add(a: str, b: str, comment: str) -> None:
        if (a, b) not in seen:
            seen.add((a, b))
            memory.addtranslation(a, source, b, locale.tag, comment=comment)

    for entry in entries:
        translation = entry.documents.get(locale.tag)
        if translation_state(entry.original, translation) is TranslationState.CURRENT:
            for a, b in align(split_document(entry.original), split_document(translation)):
                add(a.text, b.text, f"{entry.key}: {KIND_NAMES[a.kind]}")
    for task in tasks:
        current = {s.id: s for s in task.split.segments}
        for segment_id, previous in task.previous.items():
            # Without git, an alignment of the current original with an older translation is a
            # guess: not a pair to fill in automatically.
            if previous.exact or previous.source != current[segment_id].text:
                add(previous.source, previous.target,
                    f"{task.entry.key}: {KIND_NAMES[current[segment_id].kind]}, previous translation")
    return bytes(memory), len(seen)


def make_po(config: Config, locale: Locale, template: Catalog) -> bytes:
    """The language's catalogue merged with what readers see now (new strings empty, changed ones
    fuzzy), without touching the project's copy."""
    path = po_path(config, locale)
    catalog = read_catalog(path, locale) if path.is_file() else Catalog(locale=locale.babel_id, fuzzy=False)
    catalog.update(template, update_header_comment=False)
    return serialize(catalog)


def make_handoff(config: Config, locales: list[Locale] | None = None, as_zip: bool = False,
                 profile: str = "generic") -> list[Output]:
    """Every file of the hand-off, per language under <folder>/ (or in <pdf_name>-<folder>.zip)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown hand-off profile {profile!r}: one of {', '.join(PROFILES)}")
    entries = pair_documents(config, load_documents(config))
    template = extract_messages(config)
    stats = {s.locale.tag: s for s in catalog_stats(config, template)}
    termbase = load_termbase(config)
    outputs = []
    for locale in locales or translated_locales(config):
        tasks = plan_tasks(entries, locale)
        tmx, pairs = make_tmx(config, entries, locale, tasks)
        files = [Output(f"xliff/{t.entry.key}.xlf", make_xliff(config, t, profile, termbase)) for t in tasks]
        files += [Output("messages.po", make_po(config, locale, template)), Output("memory.tmx", tmx)]
        if termbase:  # as the project keeps it: CAT tools load TBX as a termbase
            files.append(Output("glossary.tbx", termbase_path(config).read_bytes()))
        summary = format_summary(config, locale, entries, tasks, pairs, stats[locale.tag], profile, termbase)
        files.insert(0, Output("README.md", summary.encode("utf-8")))
        if as_zip:
            outputs.append(Output(f"{config.pdf_name}-{locale.folder}.zip", _zip(f"{config.pdf_name}-{locale.folder}", files)))
        else:
            outputs += [Output(f"{locale.folder}/{f.path}", f.data) for f in files]
    return outputs


def _zip(top: str, files: list[Output]) -> bytes:
    buffer = io.BytesIO()
    stamp = max(source_date().timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            archive.writestr(zipfile.ZipInfo(f"{top}/{f.path}", stamp), f.data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


PROFILE_HINTS = {
    "generic": "Units to translate have an empty target (state `needs-translation`); unchanged blocks come "
               "filled in (state `translated`, exact match).",
    "omegat": "Made for OmegaT: put the .xlf files in the project's source/ folder and memory.tmx in tm/auto/ "
              "(OmegaT then fills in every unchanged block); translate what is left, then Project > Create "
              "Translated Documents and return the files from target/.",
}


def format_summary(config: Config, locale: Locale, entries: list[Entry], tasks: list[Task], pairs: int,
                   strings, profile: str = "generic", termbase: Termbase = Termbase()) -> str:
    """The hand-off's README: what to translate and how much, and how to send it back."""
    source = config.default_locale
    lines = [f"# Translation hand-off: {config.title}", "",
             f"From {source.name} ({source.tag}) into {locale.name} ({locale.tag}), "
             f"prepared {source_date():%Y-%m-%d}.", "",
             "## Pages", ""]
    if tasks:
        lines += ["| File | Page | Status | Segments | Words to translate | Filled in |",
                  "|---|---|---|---:|---:|---:|"]
        for t in tasks:
            lines.append(f"| xliff/{t.entry.key}.xlf | {t.entry.original.title} | {t.state} | "
                         f"{len(t.split.segments)} | {t.words} | {t.reused} |")
        lines += ["", f"Total: {len(tasks)} page(s), {sum(t.words for t in tasks)} words to translate "
                      "(CJK text counts each character as a word)."]
    untracked = [e.key for e in entries if translation_state(e.original, e.documents.get(locale.tag))
                 is TranslationState.UNTRACKED]
    if not tasks and not untracked:
        lines.append("Every page is translated and up to date: no pages to translate.")
    elif not tasks:
        lines.append(f"No page is missing or known to be outdated, but {len(untracked)} of {len(entries)} "
                     "translated page(s) record no source_hash, so whether they are up to date is unknown.")
    if untracked:
        # Never "up to date" while status cannot tell: the onboarding step is one command.
        lines += ["", f"Not included, as their status is unknown (no source_hash): {', '.join(untracked)}.",
                  "Once checked, record them as matching their originals: `hkai-publish status mark --all`."]
    todo = strings.untranslated + strings.fuzzy
    lines += ["", "## Interface strings", "",
              f"messages.po: {strings.total} strings, {strings.translated} translated, {strings.fuzzy} fuzzy "
              f"(check and clear the flag), {strings.untranslated} untranslated." if todo else
              f"messages.po: all {strings.total} strings are translated; no work needed.",
              "", "## Translation memory", "",
              f"memory.tmx: {pairs} segments: the published, up-to-date pages, and the previous translation of "
              "every block of the pages above (exact matches for the blocks that did not change, fuzzy ones for "
              "those that did).",
              *(["", "## Terminology", "",
                 f"glossary.tbx: {len(termbase.concepts)} concepts (TBX-Basic). Load it as the termbase in "
                 "your CAT tool; each unit's note names the terms it contains and the translation they "
                 "require. The checks warn about a term left untranslated or a forbidden one."] if termbase else []),
              "", "## Sending the work back", "",
              "Open the .xlf files in a CAT tool (XLIFF 1.2) with memory.tmx as a translation memory, translate "
              "every unit, keep inline Markdown (`**bold**`, `[text](page.md#anchor)`) and return the files "
              "with messages.po. " + PROFILE_HINTS[profile] + " They go back with",
              "", "    hkai-publish handoff import xliff/*.xlf messages.po", ""]
    return "\n".join(lines)
