"""The termbase: the publication's concepts with their terms in each language, read from and
written to `locales/glossary.tbx` (TBX-Basic) and, for editors who prefer a table, CSV.

TBX is read with translate-toolkit's `tbxfile`, which since 3.20 gives every `<tig>` of a
`<langSet>` with its administrative status, term notes (termType) and the definitions and notes
of each scope. It writes the entries and their terms too, but has no setter for a term's
`<termNote>`s (administrativeStatus, termType), puts a definition only at the concept level
where TBX-Basic has one per language, and appends notes after the `<langSet>`s, where the
TBX-Basic structure does not allow them: those three are added with lxml, on the tree
translate-toolkit made."""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from lxml import etree

from hkai_publish.errors import ContentError
from hkai_publish.machinery.files import decode_text, digest, write_if_changed
from hkai_publish.machinery.memo import Memo
from hkai_publish.markdown.prose import blank_markup
from hkai_publish.sources.config import Config
from hkai_publish.sources.locales import Locale
from hkai_publish.translation.matching import Finder

FILE_NAME = "glossary.tbx"
STATUS_VALUES = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts",
                 "deprecated": "deprecatedTerm-admn-sts"}
"""Our statuses and TBX-Basic's administrativeStatus picklist."""
SHORT_TYPES = {"abbreviation", "acronym", "shortForm", "initialism", "clippedTerm"}
"""TBX termType values that make a term a short form (term-first-use)."""
LIST = re.compile(r"\s*[;；]\s*")
"""How several terms share a CSV cell: `ASTRI; Applied Science Institute`."""


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a concept in one language."""

    text: str
    status: str = "preferred"
    """"preferred", "admitted" (an allowed variant) or "deprecated" (forbidden)."""
    short: bool = False
    """An abbreviation, acronym or short form: introduced by a full form first."""

    @property
    def allowed(self) -> bool:
        return self.status != "deprecated"


@dataclass(frozen=True, slots=True)
class Concept:
    """One entry of the termbase: the same meaning, in every language."""

    id: str
    terms: tuple[tuple[str, tuple[Term, ...]], ...]
    """(language tag, its terms, the preferred first) per language."""
    definitions: tuple[tuple[str, str], ...] = ()
    """(language tag, definition)."""
    note: str = ""
    line: int | None = field(default=None, compare=False)
    """Line of the entry in glossary.tbx (or row of the CSV)."""

    def terms_in(self, tag: str) -> tuple[Term, ...]:
        return next((terms for lang, terms in self.terms if lang == tag), ())

    def allowed(self, tag: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms_in(tag) if t.allowed)

    def forbidden(self, tag: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms_in(tag) if not t.allowed)

    def preferred(self, tag: str) -> Term | None:
        """The term to write: the preferred full form, else the first allowed term."""
        allowed = self.allowed(tag)
        return next((t for t in allowed if t.status == "preferred" and not t.short),
                    next((t for t in allowed if not t.short), allowed[0] if allowed else None))

    def short_forms(self, tag: str) -> tuple[Term, ...]:
        return tuple(t for t in self.allowed(tag) if t.short)

    def definition(self, tag: str) -> str:
        return next((text for lang, text in self.definitions if lang == tag), "")

    def name(self, tag: str) -> str:
        """How messages name the concept: its preferred term in `tag`, else its id."""
        term = self.preferred(tag)
        return term.text if term else self.id


@dataclass(frozen=True, slots=True)
class Termbase:
    """Every concept of the publication (none where it has no glossary.tbx)."""

    path: Path | None = None
    concepts: tuple[Concept, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.concepts)


def termbase_path(config: Config) -> Path:
    return config.locales_dir / FILE_NAME


def load_termbase(config: Config, memo: Memo | None = None) -> Termbase:
    """The publication's termbase, checked; empty where locales/glossary.tbx does not exist.
    With a memo (the build cache), as an earlier build read the same bytes."""
    path = termbase_path(config)
    if not path.is_file():
        return Termbase(path)
    data = path.read_bytes()
    # Looked up and stored directly, not through memo.remembered: the checks' first pass, which
    # defers what it lacks, needs the termbase itself.
    key = memo.table_key("termbase", digest(data), str(path), config.locales) if memo is not None else None
    concepts = memo.lookup("checks", key) if memo is not None else None
    if concepts is None:
        concepts = read_tbx(data, path, config.locales).concepts
        if memo is not None:
            memo.store("checks", key, concepts)
    return Termbase(path, concepts)


# ---- TBX ------------------------------------------------------------------------------------------
@functools.cache
def tbx_basic_file() -> type:
    """translate-toolkit's TBX store, writing TBX-Basic (ISO 30042 with the TBX-Basic
    constraints), which CAT tools load as a termbase. Imported when first needed: a rebuild
    finds the termbase in the build cache."""
    from translate.storage.tbx import tbxfile

    class TbxBasicFile(tbxfile):
        XMLskeleton = TBX_BASIC_SKELETON

    return TbxBasicFile


TBX_BASIC_SKELETON = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic">
<martifHeader>
<fileDesc><sourceDesc><p>hkai-publish termbase</p></sourceDesc></fileDesc>
<encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>
</martifHeader>
<text><body></body></text>
</martif>"""


def read_tbx(data: bytes, path: Path, locales: Sequence[Locale]) -> Termbase:
    """A TBX file as a Termbase; its languages are mapped onto the publication's tags (`en`
    and `en-HK` are both the en-HK edition's). Wrong input is a ContentError at its line."""
    decode_text(data, path, ContentError)  # invalid UTF-8 named by line, as for every source
    try:
        store = tbx_basic_file().parsestring(data)
    except etree.XMLSyntaxError as exc:
        raise ContentError(f"not well-formed XML: {exc.msg}", path, exc.lineno) from None
    except AssertionError:  # translate-toolkit's check of the root element
        raise ContentError("not a TBX file: the root element must be <martif>", path, 1) from None
    concepts = [_read_concept(unit, path, locales) for unit in store.units]
    termbase = Termbase(path, tuple(concepts))
    check_termbase(termbase, locales[0].tag if locales else "en-HK")
    return termbase


def _read_concept(unit, path: Path, locales: Sequence[Locale]) -> Concept:
    from translate.misc.xml_helpers import getXMLlang

    line = unit.xmlelement.sourceline
    terms, definitions = [], []
    for node in unit.getlanguageNodes():
        written = getXMLlang(node) or ""
        tag = _publication_tag(written, locales, path, node.sourceline)
        found = []
        for term in unit.get_target_terms(written):
            text = " ".join(term.text.split())
            if not text:
                raise ContentError(f"an empty <term> in the {written} terms of entry {unit.getid()!r}", path,
                                   node.sourceline)
            status = "deprecated" if term.deprecated else \
                "admitted" if (term.administrative_status or "").startswith("admitted") else "preferred"
            short = any(n.category == "termType" and n.text.strip() in SHORT_TYPES for n in term.notes)
            found.append(Term(text, status, short))
        if any(lang == tag for lang, _ in terms):
            raise ContentError(f"entry {unit.getid()!r} has two <langSet>s for {tag}", path, node.sourceline)
        terms.append((tag, tuple(found)))
        notes = unit.get_target_terms(written)[0].notes if found else ()
        definitions += [(tag, " ".join(n.text.split())) for n in notes
                        if n.scope == "language" and n.origin == "definition"][:1]
    common = unit.get_common_notes(source=True)
    concept_notes = [n.text.strip() for n in common if n.scope == "concept" and n.origin not in ("definition", "pos")]
    general = [" ".join(n.text.split()) for n in common if n.scope == "concept" and n.origin == "definition"]
    if general and terms and not any(tag == terms[0][0] for tag, _ in definitions):
        definitions.insert(0, (terms[0][0], general[0]))  # a language-independent definition: the original's
    ident = unit.xmlelement.get("id") or _slug(terms[0][1][0].text if terms and terms[0][1] else str(line))
    return Concept(ident, tuple(terms), tuple((t, d) for t, d in definitions if d), "\n".join(concept_notes), line)


def _publication_tag(written: str, locales: Sequence[Locale], path: Path, line: int | None) -> str:
    """The publication's tag for a langSet's xml:lang: the same tag, or a shorter form of it."""
    lowered = written.lower()
    if lowered in ("zh", "zh-hans", "zh-cn", "zh-sg"):
        raise ContentError(f"xml:lang={written!r} is not Hong Kong Traditional Chinese: write zh-Hant-HK",
                           path, line)
    for locale in locales:
        if locale.tag.lower() == lowered or locale.tag.lower().startswith(lowered + "-"):
            return locale.tag
    return written


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "concept"


def check_termbase(termbase: Termbase, source: str) -> None:
    """One id per concept, a term in the original's language, and no term both allowed and
    forbidden: the checks could not tell which to report."""
    seen: dict[str, Concept] = {}
    status: dict[tuple[str, str], tuple[bool, Concept]] = {}
    for concept in termbase.concepts:
        if concept.id in seen:
            raise ContentError(f"entry id {concept.id!r} is also used at line {seen[concept.id].line}",
                               termbase.path, concept.line)
        seen[concept.id] = concept
        if not concept.allowed(source):
            raise ContentError(f"entry {concept.id!r} has no allowed {source} term", termbase.path, concept.line)
        for tag, terms in concept.terms:
            for term in terms:
                key = (tag, term.text.casefold())
                other = status.setdefault(key, (term.allowed, concept))
                if other[0] != term.allowed:
                    allowed, forbidden = (concept, other[1]) if term.allowed else (other[1], concept)
                    raise ContentError(f"{term.text!r} is allowed in entry {allowed.id!r} and forbidden in "
                                       f"entry {forbidden.id!r}", termbase.path, concept.line)


def write_tbx(termbase: Termbase, source: str) -> bytes:
    """The termbase as TBX-Basic: entries and terms through translate-toolkit, each term's
    status and type, the definitions per language and the note with lxml (see the module)."""
    store = tbx_basic_file()(sourcelanguage=source)
    for concept in termbase.concepts:
        unit = store.UnitClass(None)
        store.addunit(unit)
        unit.setid(concept.id)
        for tag, terms in concept.terms:
            unit.set_target_terms([t.text for t in terms], tag) if tag != source else \
                unit.set_source_terms([t.text for t in terms], tag)
        _add_metadata(unit, concept)
    # Indented here, whole: translate-toolkit indents the entries but not what lxml added to them.
    etree.indent(store.document, space="  ")
    return etree.tostring(store.document, encoding="UTF-8", xml_declaration=True) + b"\n"


def _add_metadata(unit, concept: Concept) -> None:
    from translate.misc.xml_helpers import getXMLlang

    entry = unit.xmlelement
    languages = {getXMLlang(node): node for node in unit.getlanguageNodes()}
    if concept.note:
        first = languages[concept.terms[0][0]] if concept.terms else None
        note = etree.Element(_tbx("note"))
        note.text = concept.note
        first.addprevious(note) if first is not None else entry.append(note)
    for tag, terms in concept.terms:
        node = languages[tag]
        if definition := concept.definition(tag):
            descrip = etree.Element(_tbx("descrip"), type="definition")
            descrip.text = definition
            node.insert(0, descrip)
        for tig, term in zip(node.iter(_tbx("tig")), terms):
            if term.short:
                etree.SubElement(tig, _tbx("termNote"), type="termType").text = "abbreviation"
            etree.SubElement(tig, _tbx("termNote"), type="administrativeStatus").text = STATUS_VALUES[term.status]


def _tbx(name: str) -> str:
    return name  # TBX 2008 (martif) has no namespace; translate-toolkit's namespaced() is the identity


# ---- CSV ------------------------------------------------------------------------------------------
def csv_columns(tags: Sequence[str]) -> list[str]:
    """id, then per language: the term, its short forms, other allowed variants, forbidden
    terms, the definition; then the note."""
    columns = ["id"]
    for tag in tags:
        columns += [tag, f"{tag} short", f"{tag} variants", f"{tag} forbidden", f"{tag} definition"]
    return columns + ["note"]


def write_csv(termbase: Termbase, tags: Sequence[str]) -> str:
    """The termbase as a table, one concept a row (see csv_columns)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_columns(tags))
    for concept in termbase.concepts:
        row = [concept.id]
        for tag in tags:
            preferred = concept.preferred(tag)
            terms = concept.terms_in(tag)
            row += [preferred.text if preferred else "",
                    "; ".join(t.text for t in terms if t.short and t.allowed),
                    "; ".join(t.text for t in terms if t.allowed and not t.short and t is not preferred),
                    "; ".join(t.text for t in terms if not t.allowed),
                    concept.definition(tag)]
        writer.writerow(row + [concept.note])
    return out.getvalue()


def read_csv(text: str, path: Path, tags: Sequence[str]) -> Termbase:
    """A table in write_csv's layout as a Termbase; a missing column or a row without the
    original's term is a ContentError at its line."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ContentError("empty file: the first row names the columns (hkai-publish terms export shows them)", path, 1)
    header = [cell.strip() for cell in rows[0]]
    missing = [column for column in csv_columns(tags) if column not in header and column != "note"]
    if missing:
        raise ContentError(f"no column {missing[0]!r} (the columns are: {', '.join(csv_columns(tags))})", path, 1)
    concepts = []
    for number, row in enumerate(rows[1:], 2):
        cells = dict(zip(header, (cell.strip() for cell in row)))
        if not any(cells.values()):
            continue
        concepts.append(_concept_from_row(cells, tags, number, path))
    termbase = Termbase(path, tuple(concepts))
    check_termbase(termbase, tags[0])
    return termbase


def _concept_from_row(cells: dict[str, str], tags: Sequence[str], line: int, path: Path) -> Concept:
    terms, definitions = [], []
    for tag in tags:
        found = [Term(cells[tag])] if cells.get(tag) else []
        found += [Term(t, "admitted", True) for t in _split(cells.get(f"{tag} short", ""))]
        found += [Term(t, "admitted") for t in _split(cells.get(f"{tag} variants", ""))]
        found += [Term(t, "deprecated") for t in _split(cells.get(f"{tag} forbidden", ""))]
        if found:
            terms.append((tag, tuple(found)))
        if cells.get(f"{tag} definition"):
            definitions.append((tag, cells[f"{tag} definition"]))
    if not terms or terms[0][0] != tags[0]:
        raise ContentError(f"row {line} has no {tags[0]} term", path, line)
    ident = cells.get("id") or _slug(terms[0][1][0].text)
    return Concept(ident, tuple(terms), tuple(definitions), cells.get("note", ""), line)


def _split(cell: str) -> Iterable[str]:
    return (part for part in LIST.split(cell) if part)


# ---- the `terms` commands -------------------------------------------------------------------------
def export_csv(config: Config) -> tuple[str, int]:
    """The publication's termbase as CSV (only the header where it has none), and its concepts."""
    termbase = load_termbase(config)
    return write_csv(termbase, [locale.tag for locale in config.locales]), len(termbase.concepts)


def import_csv(config: Config, path: Path) -> tuple[Path, bool, int]:
    """Replace locales/glossary.tbx with the concepts of a CSV table: (the TBX, whether it
    changed, concepts). Nothing is written if the table has a problem."""
    tags = [locale.tag for locale in config.locales]
    termbase = read_csv(decode_text(path.read_bytes(), path, ContentError), path, tags)
    target = termbase_path(config)
    changed = write_if_changed(target, write_tbx(termbase, config.default_locale.tag))
    return target, changed, len(termbase.concepts)


# ---- the hand-off -----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def term_finder(termbase: Termbase, tag: str) -> Finder:
    """Every allowed term of one language, found in text (see matching.Finder)."""
    return Finder([(t.text, (c, t)) for c in termbase.concepts for t in c.allowed(tag)])


def term_note(termbase: Termbase, text: str, source: str, target: str) -> str:
    """What an XLIFF unit's note says of the terms its source text uses: each with the
    translation the termbase requires (and what it forbids); "" where it uses none."""
    found: dict[str, tuple[Concept, str]] = {}
    for occurrence in term_finder(termbase, source).find(blank_markup(text)):
        for concept, _term in occurrence.payloads:
            found.setdefault(concept.id, (concept, occurrence.written))
    parts = []
    for concept, written in found.values():
        preferred = concept.preferred(target)
        if preferred is None:
            continue
        shorts = [t.text for t in concept.short_forms(target) if t is not preferred]
        forbidden = [t.text for t in concept.forbidden(target)]
        parts.append(f"{written} → {preferred.text}" + (f" (short form {', '.join(shorts)})" if shorts else "")
                     + (f", not {', '.join(forbidden)}" if forbidden else ""))
    return f"Terms (glossary.tbx): {'; '.join(parts)}." if parts else ""
