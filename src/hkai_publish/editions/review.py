"""The review edition: each page's original and translation side by side, one row per block (the
segments the XLIFF hand-off uses), with the checks' findings in the row they are about, the blocks
whose original changed since the translation (with a word diff), and empty cells where one side
has no block. HTML per page, a summary per language, a comments sheet, and the same as an A4
landscape PDF. Made in memory like the other editions; never part of site/."""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import jinja2
from markupsafe import Markup, escape

from hkai_publish.errors import ContentError, Problem, display_path
from hkai_publish.machinery.files import Output, decode_text
from hkai_publish.markdown.renderer import CJK_CHARS, MarkdownRenderer
from hkai_publish.sources.config import Config
from hkai_publish.sources.content import Document, Entry, TranslationState, translation_state
from hkai_publish.sources.locales import Locale
from hkai_publish.translation.history import Revision, find_revision
from hkai_publish.translation.segments import Segment, Split, changes, split_document, split_page

TEMPLATES = Path(__file__).parent / "review"
ROW_ID = re.compile(r"r-[0-9a-f]{10}(?:-\d+)?")
TOKEN = re.compile(rf"[{CJK_CHARS}]|\w+|\s+|[^\w\s]")
"""What a word diff compares: a CJK character, a word, a run of spaces, a mark."""


@dataclass(frozen=True, slots=True)
class Row:
    """One block of a page: the original's segment and the translation's (None where absent)."""

    id: str
    """Stable while the original's block (or, where there is none, the translation's) keeps its text."""
    original: Segment | None
    translation: Segment | None
    changed: Markup | None = None
    """For an outdated page: the original's block as it was when translated and as it is, word by word."""
    findings: tuple[Problem, ...] = ()

    @property
    def kind(self) -> str:
        return (self.original or self.translation).kind


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """One page of the review edition in one language."""

    entry: Entry
    locale: Locale
    state: TranslationState
    rows: tuple[Row, ...]
    findings: tuple[Problem, ...] = ()
    """Findings about the page that no row holds (no line, or a line outside every block)."""
    revision: Revision | None = None

    @property
    def translation(self) -> Document | None:
        return self.entry.documents.get(self.locale.tag)

    @property
    def path(self) -> str:
        """The page's file in the review edition, from the language's folder."""
        return f"{self.entry.key}.html"


def review_pages(config: Config, entries: Sequence[Entry], locale: Locale, problems: Iterable[Problem] = (),
                 history: bool = True) -> list[ReviewPage]:
    """Every entry with an original, as reviewed in `locale`; `problems` are the build's findings,
    placed in the row whose block holds their line."""
    by_file: dict[Path, list[Problem]] = {}
    for problem in problems:
        if problem.path is not None:
            by_file.setdefault(Path(problem.path).resolve(), []).append(problem)
    pages = []
    for entry in sorted((e for e in entries if e.original is not None), key=lambda e: e.order):
        translation = entry.documents.get(locale.tag)
        state = translation_state(entry.original, translation)
        revision = None
        if state is TranslationState.OUTDATED and history:
            revision = find_revision(entry.original.path, translation.source_hash)
        rows = _rows(entry, split_document(entry.original), split_document(translation) if translation else None,
                     revision)
        where = translation.path if translation else _translation_path(config, entry.original, locale)
        found = by_file.get(entry.original.path.resolve(), []) + by_file.get(where.resolve(), [])
        rows, loose = _place(rows, found, entry.original, translation)
        pages.append(ReviewPage(entry, locale, state, tuple(rows), tuple(loose), revision))
    return pages


def _translation_path(config: Config, original: Document, locale: Locale) -> Path:
    """Where `original`'s translation into `locale` is (or would be): the checks name it for a missing one."""
    return config.content_dir / locale.folder / original.path.relative_to(config.content_dir / original.locale.folder)


def _rows(entry: Entry, original: Split, translation: Split | None, revision: Revision | None) -> list[Row]:
    """The two splits interleaved: blocks of the same kinds in order side by side, the others alone."""
    a, b = original.segments, translation.segments if translation else ()
    matcher = difflib.SequenceMatcher(None, [s.kind for s in a], [s.kind for s in b], autojunk=False)
    pairs: list[tuple[Segment | None, Segment | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += zip(a[i1:i2], b[j1:j2])
        else:
            pairs += [(s, None) for s in a[i1:i2]] + [(None, s) for s in b[j1:j2]]
    diffs = _changed(split_page(revision.meta, revision.body), original) if revision else {}
    seen: Counter[str] = Counter()
    rows = []
    for first, second in pairs:
        side, mark = (first, "o") if first is not None else (second, "t")
        base = "r-" + hashlib.sha256(f"{entry.key}\0{mark}\0{side.kind}\0{side.text}".encode()).hexdigest()[:10]
        seen[base] += 1
        row_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        rows.append(Row(row_id, first, second, diffs.get(first.id) if first is not None else None))
    return rows


def _changed(old: Split, new: Split) -> dict[str, Markup]:
    """Segment id -> word diff, for each block of `new` that is not as it was in `old`."""
    found = changes(old, new)
    diffs = {}
    for position, segment in enumerate(new.segments):
        before, same = found.get(position, (None, False))
        if not same:
            diffs[segment.id] = word_diff(old.segments[before].text if before is not None else "", segment.text)
    return diffs


def word_diff(old: str, new: str) -> Markup:
    """`new` with what `old` had and it lacks in <del>, and what it adds in <ins> (CJK by character)."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            parts.append(Markup("<del>%s</del>") % "".join(a[i1:i2]))
        if tag in ("replace", "insert"):
            parts.append(Markup("<ins>%s</ins>") % "".join(b[j1:j2]))
        if tag == "equal":
            parts.append(escape("".join(b[j1:j2])))
    return Markup("").join(parts)


def _place(rows: list[Row], problems: list[Problem], original: Document,
           translation: Document | None) -> tuple[list[Row], list[Problem]]:
    """Each finding in the row whose block, on its side, starts at or before its line and ends before
    the next block; the rest stay with the page."""
    held: dict[int, list[Problem]] = {}
    loose = []
    for problem in problems:
        side = "original" if Path(problem.path).resolve() == original.path.resolve() else "translation"
        starts = sorted((getattr(r, side).line, n) for n, r in enumerate(rows) if getattr(r, side) is not None)
        index = None
        if problem.line is not None:
            for line, n in starts:
                if line <= problem.line:
                    index = n
                else:
                    break
        if index is None:
            loose.append(problem)
        else:
            held.setdefault(index, []).append(problem)
    return [dataclasses.replace(r, findings=tuple(held.get(n, ()))) if n in held else r
            for n, r in enumerate(rows)], loose


# ---- The files ------------------------------------------------------------------------------------

def render_review(config: Config, locale: Locale, pages: Sequence[ReviewPage]) -> list[Output]:
    """The review edition of one language: `<folder>/index.html` (the summary), a page each,
    `comments.csv` for the reviewers' notes, under `<folder>/`."""
    env = _environment(config, locale)
    outputs = [Output(f"{locale.folder}/index.html", _summary(env, config, locale, pages).encode("utf-8"))]
    for page in pages:
        html = env.get_template("page.html").render(page=page, title=_title(config, locale), back="../" * page.entry.key.count("/"))
        outputs.append(Output(f"{locale.folder}/{page.path}", html.encode("utf-8")))
    outputs.append(Output(f"{locale.folder}/comments.csv", comments_sheet(config, pages)))
    return outputs


def render_review_pdf(config: Config, locale: Locale, pages: Sequence[ReviewPage]) -> bytes:
    """The same edition as one A4 landscape PDF: the summary, then every page."""
    from hkai_publish.editions.pdf import check_pdf_environment

    check_pdf_environment(config)  # the fonts and the subsetter, as for the PDF editions
    import weasyprint  # 0.4 s: only when a PDF is asked for

    env = _environment(config, locale)
    html = env.get_template("book.html").render(pages=pages, summary=Markup(_summary(env, config, locale, pages,
                                                                                       in_book=True)),
                                                title=_title(config, locale))

    def refuse(url: str, *args, **kwargs):  # the edition is one self-contained document
        raise ValueError(f"the review edition reads no files ({url})")

    return weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf()


def _title(config: Config, locale: Locale) -> str:
    return f"{config.title}: {config.default_locale.name} / {locale.name}"


def _summary(env: jinja2.Environment, config: Config, locale: Locale, pages: Sequence[ReviewPage],
             in_book: bool = False) -> str:
    states = Counter(page.state for page in pages)
    findings = Counter(p.check_id for page in pages for p in [*page.findings, *(f for r in page.rows for f in r.findings)])
    missing = sum(1 for page in pages for r in page.rows if r.original is None or r.translation is None)
    changed = sum(1 for page in pages for r in page.rows if r.changed is not None)
    return env.get_template("summary.html").render(
        pages=pages, states=[(state, states[state]) for state in TranslationState], findings=sorted(findings.items()),
        missing=missing, changed=changed, title=_title(config, locale), in_book=in_book)


def _environment(config: Config, locale: Locale) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    renderers = {loc.tag: MarkdownRenderer(config.allow_raw_html) for loc in (config.default_locale, locale)}

    def render(segment: Segment | None, document: Document | None) -> Markup:
        if segment is None or document is None:
            return Markup("")
        piece = Document(document.path, document.key, document.locale, {}, segment.text, segment.line, "")
        return Markup(renderers[document.locale.tag].render(piece).html)

    env.globals.update(render=render, locale=locale, source=config.default_locale, where=_where,
                       states=TranslationState)
    return env


def _where(problem: Problem) -> str:
    return f"{display_path(problem.path)}:{problem.line}" if problem.line else display_path(problem.path)


def comments_sheet(config: Config, pages: Sequence[ReviewPage]) -> bytes:
    """A CSV with a line per row (id, page, kind, both texts' start) and an empty `comment` column:
    reviewers fill it in a spreadsheet and `hkai-publish review import` reads it back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["row", "page", "kind", "original", "translation", "comment", "reviewer"])
    for page in pages:
        for row in page.rows:
            writer.writerow([row.id, page.entry.key, row.kind, _excerpt(row.original), _excerpt(row.translation), "", ""])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # a BOM: spreadsheets then read UTF-8


def _excerpt(segment: Segment | None, size: int = 60) -> str:
    if segment is None:
        return ""
    return segment.text if len(segment.text) <= size else segment.text[:size - 1] + "…"


# ---- Comments back --------------------------------------------------------------------------------

def read_comments(path: Path, pages: Sequence[ReviewPage]) -> list[Problem]:
    """Each filled-in comment of a returned sheet as a problem at the row's place in the sources:
    the translation's file and line, or the original's where the row has no translated block. A row
    id the edition no longer has (its block changed since) is a warning at the sheet's line."""
    where: dict[str, tuple[Path, int]] = {}
    for page in pages:
        for row in page.rows:
            document, segment = ((page.translation, row.translation) if row.translation is not None
                                 else (page.entry.original, row.original))
            where[row.id] = (document.path, segment.line)
    text = decode_text(path.read_bytes(), path, ContentError)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "row" not in reader.fieldnames or "comment" not in reader.fieldnames:
        raise ContentError("a review sheet needs a header line with the columns 'row' and 'comment' "
                           "(as review/<folder>/comments.csv has them)", path, 1)
    found = []
    for record in reader:
        line = reader.line_num
        row_id, comment = (record.get("row") or "").strip(), (record.get("comment") or "").strip()
        if not comment:
            continue
        reviewer = (record.get("reviewer") or "").strip()
        if row_id not in where:
            found.append(Problem(path, line, "review-row", f"row {row_id!r} is not in the review edition any more "
                                 "(its block changed since the sheet was made): find the block by hand", "warning"))
            continue
        source, source_line = where[row_id]
        by = f" ({reviewer})" if reviewer else ""
        found.append(Problem(source, source_line, "review", f"{comment}{by} [{row_id}]", "warning"))
    return found
