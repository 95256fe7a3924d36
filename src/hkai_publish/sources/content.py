"""Markdown sources: load each file with its front matter, then pair the languages into entries."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from hkai_publish.machinery.cache import BuildCache
from hkai_publish.sources.config import Config
from hkai_publish.errors import ContentError, PublishErrors, display_path
from hkai_publish.machinery.files import decode_text, describe_os_error, digest, is_inside, read_text
from hkai_publish.sources.locales import Locale

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*")
WRITTEN_SLUG = re.compile(r"/?(?:[A-Za-z0-9][A-Za-z0-9_.-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)*)?/?")
"""A slug as written: from the language root where it starts with '/', else from the page's folder."""
EXTENSIONS = (".md", ".mdx")
"""Markdown files; `.mdx` (Docusaurus) is read as Markdown."""
INDEX_NAMES = ("index", "readme")
"""File names that make a page its folder's index (as does a file named as its folder)."""
SOURCE_HASH = re.compile(r"[0-9a-f]{8,64}")
HASH_LENGTH = 12
"""Hex digits of the original's hash a translation records: enough to be unique, short enough to read."""

# Front matter keys: name -> (accepted types, required).
# The title may instead come from the page's first `# heading` (see first_heading).
FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "title": ((str,), False),
    "summary": ((str,), False),
    "description": ((str,), False),
    "order": ((int, float), False),
    "weight": ((int, float), False),
    "sidebar_position": ((int, float), False),
    "nav_order": ((int, float), False),
    "sidebar_label": ((str,), False),
    "linkTitle": ((str,), False),
    "date": ((dt.date,), False),
    "updated": ((dt.date,), False),
    "slug": ((str,), False),
    "id": ((str, int), False),
    "draft": ((bool,), False),
    "source_hash": ((str,), False),
    "keywords": ((list, str), False),
    "tags": ((list, str), False),
    "aliases": ((list, str), False),
    "lang": ((str,), False),
}
ORDER_KEYS = ("order", "sidebar_position", "weight", "nav_order")
"""Where a page's position comes from, first found first: ours, Docusaurus, Hugo, Just the Docs."""
NAV_TITLE_KEYS = ("sidebar_label", "linkTitle")
"""A shorter title for navigation (Docusaurus, Hugo)."""
ECOSYSTEM_KEYS = frozenset({
    # Docusaurus
    "hide_title", "hide_table_of_contents", "sidebar_class_name", "sidebar_custom_props", "displayed_sidebar",
    "pagination_label", "pagination_next", "pagination_prev", "parse_number_prefixes", "custom_edit_url",
    "image", "unlisted", "last_update", "toc_min_heading_level", "toc_max_heading_level", "sidebar",
    # Hugo
    "lastmod", "publishDate", "expiryDate", "categories", "series", "type", "layout", "url", "menu", "toc",
    "outputs", "resources", "cascade", "headless", "translationKey", "markup", "build", "params",
    # MkDocs / Material, VitePress, Jekyll and Just the Docs
    "template", "hide", "search", "status", "authors", "author", "outline", "prev", "next", "head", "navbar",
    "aside", "lastUpdated", "editLink", "footer", "pageClass", "permalink", "parent", "grand_parent",
    "has_children", "nav_exclude", "published", "excerpt", "subtitle", "icon",
})
"""Keys other tools give a meaning this one does not need: accepted without a word."""


@dataclass(frozen=True, slots=True)
class Document:
    """One Markdown file in one language."""

    path: Path
    """Absolute source path."""
    key: str
    """Path relative to content/<lang>, without `.md`, in POSIX form: pairs the languages."""
    locale: Locale
    meta: Mapping[str, Any]
    _body: str | StoredBody
    """The Markdown after the front matter (see `body`)."""
    body_line: int
    """Line of the source file on which the body starts, for `file:line` messages."""
    hash: str
    """`text_hash` of the title, summary and body: the version a translation records as `source_hash`."""
    front_matter: str = ""
    """The front matter's YAML text, which starts on the file's second line."""
    heading_title: str = ""
    """The text of the body's first `# heading`: the title where the front matter has none."""

    @property
    def body(self) -> str:
        """The Markdown after the front matter. A rebuild reads it from the file only if it needs it."""
        body = self._body
        return body if type(body) is str else body.text()

    @property
    def title(self) -> str:
        """The front matter's title, else the first `# heading`'s text."""
        return self.meta.get("title") or self.heading_title

    @property
    def nav_title(self) -> str:
        """What navigation calls the page: `sidebar_label` or `linkTitle`, else its title."""
        return next((self.meta[k] for k in NAV_TITLE_KEYS if self.meta.get(k)), None) or self.title

    @property
    def summary(self) -> str:
        return self.meta.get("summary") or self.meta.get("description", "")

    @property
    def draft(self) -> bool:
        return self.meta.get("draft") is True

    @property
    def keywords(self) -> tuple[str, ...]:
        """`keywords` then `tags`, each a list or one string."""
        return tuple(dict.fromkeys(str(k) for key in ("keywords", "tags") for k in _as_list(self.meta.get(key))))

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other URL paths the page was known by (Hugo's `aliases`): each gets a redirect page."""
        return tuple(str(a) for a in _as_list(self.meta.get("aliases")))

    @property
    def date(self) -> dt.date | None:
        return self.meta.get("date")

    @property
    def updated(self) -> dt.date | None:
        return self.meta.get("updated")

    @property
    def order(self) -> float:
        # Other tools' names for the same thing, so that one corpus builds with both tools.
        return next((self.meta[k] for k in ORDER_KEYS if k in self.meta), 10**6)

    @property
    def slug(self) -> str:
        """The page's URL path below its language's folder (see page_slug)."""
        return page_slug(self.key, self.meta)

    @property
    def is_index(self) -> bool:
        """Whether the page is its folder's index (`index.md`, `README.md` or `<folder>/<folder>.md`)."""
        return is_index_key(self.key)

    @property
    def source_hash(self) -> str | None:
        """For a translation: the hash (prefix) of the original version it was translated from."""
        return self.meta.get("source_hash")

    @property
    def short_hash(self) -> str:
        """What a translation of this document records as its `source_hash`."""
        return self.hash[:HASH_LENGTH]

    def line_of(self, needle: str) -> int:
        """The first source line containing `needle`, as written or with its character references
        read (`&#106;avascript:` is javascript:); the body's first line if none does."""
        index = self.body.find(needle)
        if index < 0 and "&" in self.body:
            from html import unescape  # here: needed only for what is not found as written

            for number, line in enumerate(self.body.split("\n")):
                if "&" in line and needle in unescape(line):
                    return self.body_line + number
        return self.body_line + (self.body[:index].count("\n") if index >= 0 else 0)

    def line_of_key(self, key: str) -> int:
        """The file line of front matter `key:` (the first line if it is not there)."""
        return _line_of_key(self.front_matter, key)


class StoredBody:
    """The body of a document an earlier build parsed from the same bytes, read from its file
    when first asked for: a rebuild needs the bodies of the documents that changed, and reading
    and decoding every file took a twentieth of a rebuild after a one-page edit (1000 documents
    per language). The file must still hold the bytes the build's fingerprint saw (`sha`)."""

    __slots__ = ("path", "sha", "start", "_text")

    def __init__(self, path: Path, sha: str, start: int):
        self.path, self.sha, self.start = path, sha, start
        self._text: str | None = None

    def text(self) -> str:
        if self._text is None:
            try:
                data = self.path.read_bytes()
            except OSError as exc:
                raise ContentError(f"cannot read the file: {exc.strerror}; build again", self.path, 1) from None
            if digest(data) != self.sha:
                raise ContentError("the file changed while the build ran; build again", self.path, 1)
            self._text = decode_text(data, self.path, ContentError)[self.start:]
        return self._text


@dataclass(frozen=True, slots=True)
class Entry:
    """One page of the publication across its languages, keyed by its path in content/<lang>."""

    key: str
    documents: Mapping[str, Document | None] = field(default_factory=dict)
    """Locale tag -> document; None where that language has no translation yet."""
    original: Document | None = None
    """The default language's document, which the others translate."""
    rank: int = 0
    """Its place in reading order (see reading_order)."""

    @property
    def slug(self) -> str:
        return self.original.slug if self.original else self.key

    @property
    def order(self) -> tuple[int, str]:
        return (self.rank, self.key)

    @property
    def folders(self) -> tuple[str, ...]:
        """The folders the page is in, outermost first, as keys (`guides`, `guides/payments`); an
        index page is in its own folder."""
        parts = self.key.split("/")[:-1]
        return tuple("/".join(parts[:i]) for i in range(1, len(parts) + 1))


class TranslationState(enum.StrEnum):
    """How a translation stands against its original."""

    CURRENT = "up-to-date"
    OUTDATED = "outdated"
    """The original's body changed since the version the translation records."""
    UNTRACKED = "untracked"
    """The translation does not record which version of the original it was made from."""
    MISSING = "missing"


def translation_state(original: Document, translation: Document | None) -> TranslationState:
    if translation is None:
        return TranslationState.MISSING
    if translation.source_hash is None:
        return TranslationState.UNTRACKED
    if original.hash.startswith(translation.source_hash):
        return TranslationState.CURRENT
    return TranslationState.OUTDATED


def load_documents(config: Config, cache: BuildCache | None = None, drafts: bool = True) -> list[Document]:
    """Every `*.md` (and `*.mdx`) under content/<folder> for each language, parsed and validated;
    without `drafts`, none marked `draft: true`. `cache` supplies documents an earlier build
    parsed from the same bytes."""
    documents, errors = [], []
    linked: dict[Path, bool] = {config.content_dir: False}
    for locale in config.locales:
        folder = config.content_dir / locale.folder
        if not folder.is_dir():
            continue
        try:
            found = markdown_files(folder)
        except OSError as exc:
            errors.append(ContentError(f"cannot read the folder: {describe_os_error(exc)}",
                                       Path(exc.filename or folder), None))
            continue
        for path, is_link in found:
            try:
                # Resolving every path is costly; only a link can lead outside content/.
                if (is_link or _through_link(path.parent, linked)) and not _inside(path, config.content_dir):
                    raise ContentError("links to a file outside content/; refusing to read it", path, 1)
                documents.append(load_document(path, folder, locale, cache))
            except ContentError as error:  # read on: the author fixes every bad file in one go
                errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else PublishErrors(errors)
    if not drafts:  # an original's draft hides its translations too
        default = config.default_locale.tag
        hidden = {doc.key for doc in documents if doc.draft and doc.locale.tag == default}
        documents = [doc for doc in documents if not doc.draft and doc.key not in hidden]
    return documents


def markdown_files(folder: Path) -> list[tuple[Path, bool]]:
    """(path, whether it is a link) of every `*.md` and `*.mdx` below `folder` but those whose
    name, or a folder's, starts with `_`, in the order of sorted(folder.rglob("*.md")), which it replaces: rglob made and compared a Path for every
    file, and asked each whether it was a link, in ten times the time."""
    found: list[tuple[tuple[str, ...], bool]] = []
    todo: list[tuple[str, tuple[str, ...]]] = [(str(folder), ())]
    while todo:
        directory, parts = todo.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith("_"):
                    continue  # a partial (Docusaurus): included by pages, never a page itself
                if entry.name.endswith(EXTENSIONS) and not is_editor_file(entry.name):
                    found.append(((*parts, entry.name), entry.is_symlink()))
                if entry.is_dir(follow_symlinks=False):  # as rglob, which enters no linked folder
                    todo.append((entry.path, (*parts, entry.name)))
    return [(folder.joinpath(*parts), is_link) for parts, is_link in sorted(found)]


EDITOR_FILES = re.compile(r"\.#.*|#.*#|.*~|\..*\.sw[a-p]")
"""Emacs' lock links (`.#page.md`, pointing nowhere) and auto-saves, backups, Vim's swap files."""


def is_editor_file(name: str) -> bool:
    """Whether a file is an editor's working file, never a page: the build passes it by."""
    return bool(EDITOR_FILES.fullmatch(name))


def _inside(path: Path, folder: Path) -> bool:
    """is_inside, for a link that may loop (then it is reported where it is read)."""
    try:
        return is_inside(path, folder)
    except (OSError, RuntimeError):
        return True


def _through_link(folder: Path, linked: dict[Path, bool]) -> bool:
    """Whether `folder` or a folder above it (below content/, whose entry `linked` holds) is a link."""
    if folder not in linked:
        linked[folder] = folder.is_symlink() or _through_link(folder.parent, linked)
    return linked[folder]


def load_document(path: Path, folder: Path, locale: Locale, cache: BuildCache | None = None) -> Document:
    """One Markdown file, parsed and validated. With a `cache`, its bytes as the cache read them
    (or, for a file it found unchanged, left on disk until its body is needed), and its front
    matter as an earlier build parsed it from the same bytes."""
    data, sha = (cache.source(path) if cache else None) or (None, "")
    place = (sha, str(path), str(folder), locale.tag) if sha else None
    known = cache.lookup("documents", place) if place else None
    if known is not None:
        key, meta, body_start, body_line, text_hash, front_matter, front_place, heading_title = known
        # Kept for the next edit of this file, which needs the front matter's entry (else the
        # first edit after a full build would find most of the table unused, and rewrite it).
        cache.lookup("documents", front_place)
        # Bytes the cache did not read are those it found unchanged since the last build.
        body = decode_text(data, path, ContentError)[body_start:] if data is not None else StoredBody(path, sha, body_start)
        document = Document(path, key, locale, MappingProxyType(meta), body, body_line, text_hash, front_matter,
                            heading_title)
    else:
        text = (decode_text(data, path, ContentError) if data is not None
                else StoredBody(path, sha, 0).text() if sha else read_text(path, ContentError))
        document, body_start = _parse_document(text, path, folder, locale, cache)
        if place:
            cache.store("documents", place, (document.key, dict(document.meta), body_start, document.body_line,
                                             document.hash, document.front_matter,
                                             _front_matter_place(document.front_matter, path),
                                             document.heading_title))
    if place:  # a document is a function of these: digesting them is cheaper than digesting it
        cache.digester.seed(document, cache.key("document", *place))
    return document


def _parse_document(text: str, path: Path, folder: Path, locale: Locale,
                    cache: BuildCache | None = None) -> tuple[Document, int]:
    """The document in `text`, and where its body starts. `cache` supplies the front matter as an
    earlier build parsed it, where only the body changed."""
    if not text.strip():
        raise ContentError("empty file: a page needs a `# heading` or front matter with a title", path, 1)
    check_characters(text, path)
    match = FRONT_MATTER.match(text)
    source = match.group(1) or "" if match else ""
    place = _front_matter_place(source, path)
    known = cache.lookup("documents", place) if cache and match else None
    meta = dict(known) if known is not None else _parse_front_matter(source, path) if match else {}
    if cache and match and known is None:
        cache.store("documents", place, dict(meta))
    end = match.end() if match else 0
    body = text[end:]
    body_line = text[:end].count("\n") + 1
    heading_title = first_heading(body)
    if not meta.get("title") and not heading_title:
        raise ContentError("no title: give the page a `# heading`, or front matter with a title"
                           if match else "no title: start the page with a `# heading`, or with front matter "
                           "('---', a title, '---')", path, 1)
    key = _key_of(path.relative_to(folder).as_posix())
    if not SLUG.fullmatch(key.lower()):
        raise ContentError(f"file name {key!r} cannot be a URL: use lower-case letters, digits, '-' and '_'",
                           path, 1)
    _check_slug(meta, source, path, key)
    for alias in _as_list(meta.get("aliases")):
        if not isinstance(alias, str) or alias_path(key, alias) is None:
            raise ContentError(f"alias {alias!r} must be a URL path of letters, digits, '-', '_' and '/' "
                               "('/old/' from the language's root, 'old' from the page's folder)",
                               path, _line_of_key(source, "aliases"))
    _check_lang(meta, source, path, locale)
    return Document(path, key, locale, MappingProxyType(meta), body, body_line, text_hash(meta, body), source,
                    heading_title), end


def _key_of(relative: str) -> str:
    """A file's key: its path below content/<lang>/ without the extension."""
    return relative.rpartition(".")[0]


ATX_H1 = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
SETEXT_H1 = re.compile(r"=+[ \t]*$")
FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


def first_heading(body: str) -> str:
    """The plain text of the first level-1 heading outside code fences ('' if none), as
    Docusaurus, MkDocs and VitePress take a page's title from it: without its `{#id}` or
    `{: attributes}`, HTML tags and inline Markdown."""
    fence = None
    previous = ""
    for line in body.split("\n"):
        opened = FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not line.strip().lstrip(fence[0]):
                fence = None
        elif opened:
            fence = opened.group(1)
        elif match := ATX_H1.match(line):
            return heading_text(match.group(1))
        elif SETEXT_H1.match(line) and previous.strip() and not previous.startswith((" " * 4, "\t")):
            return heading_text(previous.strip())
        previous = "" if fence else line
    return ""


def heading_text(source: str) -> str:
    """A heading's Markdown source as plain text."""
    text = re.sub(r"\s*\{[:#][^}]*\}\s*$", "", source)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return text.replace("\\", "").strip()


def page_slug(key: str, meta: Mapping[str, Any]) -> str:
    """A page's URL path below its language folder, as Docusaurus makes it: `slug: /x` from the
    language root, `slug: x` from the page's folder; else its path, with Docusaurus's `id` for
    the file name, and a folder's index (`index.md`, `README.md`, `<folder>/<folder>.md`) at the
    folder's own path."""
    folder, _, name = key.rpartition("/")
    slug = meta.get("slug")
    if isinstance(slug, str):
        path = slug.strip("/") if slug.startswith("/") else posixpath.normpath(posixpath.join(folder, slug.strip("/")))
        return path
    if folder and is_index_key(key):
        return folder
    page_id = meta.get("id")
    if isinstance(page_id, (str, int)) and not isinstance(page_id, bool) and str(page_id).strip():
        name = str(page_id).strip()
    return f"{folder}/{name}" if folder else name


def alias_path(key: str, alias: str) -> str | None:
    """Where an alias's redirect page goes below the language folder (`/old/` from the root,
    `old` from the page's folder), or None if it is no clean path there."""
    written = alias[:-len("/index.html")] if alias.endswith("/index.html") else alias
    if not WRITTEN_SLUG.fullmatch(written) or not written.strip("/"):
        return None
    folder = key.rpartition("/")[0]
    path = written.strip("/") if written.startswith("/") else posixpath.normpath(posixpath.join(folder, written.strip("/")))
    return None if path.startswith("..") or path in ("", ".") else path


def is_index_key(key: str) -> bool:
    """Whether the page with this key is its folder's index page."""
    folder, _, name = key.rpartition("/")
    return bool(folder) and (name.lower() in INDEX_NAMES or name == folder.rpartition("/")[2])


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""Characters a page may not hold: a NUL would reach the HTML (where it is an error) and the PDF."""


def check_characters(text: str, path: Path) -> None:
    """Refuse control characters (but tab, newline, form feed and carriage return), at their line."""
    if found := CONTROL.search(text):
        line = text.count("\n", 0, found.start()) + 1
        raise ContentError(f"control character U+{ord(found.group()):04X} in the file: remove it "
                           "(a page may hold text, tabs and newlines only)", path, line)


def _front_matter_place(source: str, path: Path) -> tuple[str, str, str]:
    """The key of a front matter's parsed fields in the cache's "documents" table."""
    return "front matter", digest(source.encode("utf-8", "surrogatepass")), str(path)


def translatable_text(meta: Mapping[str, Any], body: str) -> str:
    """What a translator translates: title, summary and body. A change to any of them (not to the
    order or dates) makes the translations outdated; status diffs this text."""
    head = f"title: {meta.get('title', '')}\n"
    if meta.get("summary"):
        head += f"summary: {meta['summary']}\n"
    return f"{head}\n{body}"


# Typography a writer (or smarty, or a word processor) may change without changing what a
# translator translates: curly or straight quotes, a dash for `--`, an ellipsis for `...`, and
# spacing (a no-break space, a paragraph wrapped anew). The hash sees each in one form.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
                       "–": "-", "—": "-", "‒": "-", "―": "-", "…": "..."})
_DASHES = re.compile(r"-{2,}")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


def plain_typography(text: str) -> str:
    """`text` with typographic variants in one form (see `_PLAIN`): paragraphs (blocks between
    blank lines) stay apart, and the whitespace inside each becomes single spaces."""
    paragraphs = _PARAGRAPH_BREAK.split(_DASHES.sub("-", text.translate(_PLAIN)).strip())
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in paragraphs)


def text_hash(meta: Mapping[str, Any], body: str) -> str:
    """SHA-256 of a page's `translatable_text` in `plain_typography`: what its translations record
    as `source_hash`. Curling a quote or setting a dash in the original leaves them up to date;
    changing a word makes them outdated."""
    return hashlib.sha256(plain_typography(translatable_text(meta, body)).encode("utf-8")).hexdigest()


def _parse_front_matter(source: str, path: Path) -> dict[str, Any]:
    import yaml  # here: a rebuild after an edit to a page's text need not load it

    try:
        # libyaml's loader where PyYAML was built with it: the same safe subset, ten times faster.
        meta = yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        # Where a construct opened (an unclosed bracket) says more than where parsing gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(f"malformed YAML front matter: {problem}", path, line) from None
    except (ValueError, OverflowError) as exc:  # a date that is no date: 2026-02-30
        message, line = _impossible_date(source, exc)
        raise ContentError(message, path, line) from None
    except RecursionError:
        raise ContentError("malformed YAML front matter: nested too deeply", path, 2) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError("front matter must be a mapping of keys to values", path, 2)
    for key, (types, required) in FIELDS.items():
        if key not in meta:
            if required:
                raise ContentError(f"front matter has no {key!r}", path, 1)
            continue
        value = meta[key]
        if (not isinstance(value, types) or (isinstance(value, bool) and bool not in types)
                or (isinstance(value, str) and not value.strip())):
            names = {dt.date: "date (YYYY-MM-DD)", float: "number", bool: "true or false", list: "list"}
            wanted = " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types if t is not int or float not in types))
            raise ContentError(f"front matter {key!r} must be a non-empty {wanted}, got {value!r}",
                               path, _line_of_key(source, key))
    if "source_hash" in meta and not SOURCE_HASH.fullmatch(meta["source_hash"]):
        raise ContentError(f"front matter 'source_hash' must be hexadecimal digits (at least 8) from "
                           f"`hkai-publish status mark`, got {meta['source_hash']!r}",
                           path, _line_of_key(source, "source_hash"))
    return {str(k): v for k, v in meta.items()}


def _impossible_date(source: str, exc: Exception) -> tuple[str, int]:
    """The message and line for a front matter value YAML reads as a date, but is none."""
    for number, line in enumerate(source.splitlines(), 2):
        found = re.match(r"\s*([\w-]+)\s*:\s*['\"]?(\d{4}-\d\d?-\d\d?)", line)
        if found:
            try:
                dt.date(*map(int, found.group(2).split("-")))
            except ValueError as why:
                return f"front matter {found.group(1)!r} is not a real date: {found.group(2)} ({why})", number
    return f"malformed YAML front matter: {exc}", 2


def _check_slug(meta: dict[str, Any], text: str, path: Path, key: str) -> None:
    slug = meta.get("slug")
    if slug is None:
        return
    made = page_slug(key, meta)
    if not WRITTEN_SLUG.fullmatch(slug) or made.startswith("..") or "/../" in f"/{made}/":
        raise ContentError(f"slug {slug!r} must be a URL path of letters, digits, '-', '_' and '/': "
                           "'/x' from the language's root, 'x' from the page's folder (no '..' above the root)",
                           path, _line_of_key(text, "slug"))
    if made in ("", "."):
        raise ContentError(f"slug {slug!r} is the language's contents page, which the build makes itself; "
                           "give the page a path of its own", path, _line_of_key(text, "slug"))


def _check_lang(meta: dict[str, Any], text: str, path: Path, locale: Locale) -> None:
    """`lang`, where given (Hugo and Pelican want it), must name the folder's language."""
    lang = meta.get("lang")
    if lang is not None and lang.lower().replace("_", "-") not in {locale.folder, locale.tag.lower()}:
        raise ContentError(f"front matter lang {lang!r} does not match the folder's language "
                           f"{locale.tag} ({locale.folder})", path, _line_of_key(text, "lang"))


def _line_of_key(front_matter: str, key: str) -> int:
    """The file line of `key:` in front matter text (which starts on the file's second line)."""
    for number, line in enumerate(front_matter.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number + 1
    return 1


CATEGORY_FILES = ("_category_.json", "_category_.yml", "_category_.yaml")


def read_categories(config: Config) -> dict[str, dict[str, dict[str, Any]]]:
    """Docusaurus's `_category_.json` (or `.yml`) files: language folder -> content folder key ->
    {"label": its name in navigation, "position": its place among its siblings}, where given. A
    file that is not such an object stops the build at its line."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for loc in config.locales:
        root = config.content_dir / loc.folder
        for path in sorted(root.rglob("_category_.*")) if root.is_dir() else ():
            if path.name not in CATEGORY_FILES or not path.is_file():
                continue
            import json  # here: a rebuild of a project without categories loads neither

            import yaml

            text = read_text(path, ContentError)
            try:
                data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
            except json.JSONDecodeError as exc:
                raise ContentError(f"cannot read the category: {exc.msg}", path, exc.lineno) from None
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                raise ContentError(f"cannot read the category: {getattr(exc, 'problem', exc)}", path,
                                   mark.line + 1 if mark else 1) from None
            if not isinstance(data, dict):
                raise ContentError("a category is an object: {\"label\": \"…\", \"position\": 2}", path, 1)
            entry: dict[str, Any] = {}
            if isinstance(data.get("label"), str) and data["label"].strip():
                entry["label"] = data["label"].strip()
            position = data.get("position")
            if position is not None:
                if isinstance(position, bool) or not isinstance(position, (int, float)) or position != position:
                    raise ContentError(f"position must be a number, got {position!r}", path,
                                       _json_line(text, "position"))
                entry["position"] = float(position)
            found.setdefault(loc.folder, {})[path.parent.relative_to(root).as_posix()] = entry
    return found


def _json_line(text: str, key: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), 1) if f'"{key}"' in line or f"{key}:" in line), 1)


def folder_labels(config: Config, locale: Locale, categories: Mapping[str, Mapping[str, Mapping]]) -> dict[str, str]:
    """Folder key -> its `_category_` label in `locale` (else the original's), for folders whose
    navigation name no index page gives."""
    labels = {key: c["label"] for key, c in categories.get(config.default_locale.folder, {}).items() if "label" in c}
    labels.update({key: c["label"] for key, c in categories.get(locale.folder, {}).items() if "label" in c})
    return labels


def pair_documents(config: Config, documents: list[Document]) -> list[Entry]:
    """Group documents by key into entries, in reading order; a translation needs an original."""
    default = config.default_locale.tag
    by_key: dict[str, dict[str, Document]] = {}
    errors = []
    for doc in documents:
        same = by_key.setdefault(doc.key, {})
        if doc.locale.tag in same:
            errors.append(ContentError(f"two files for one page: {same[doc.locale.tag].path.name} and "
                                       f"{doc.path.name}; keep one", doc.path, 1))
        same[doc.locale.tag] = doc
    entries = []
    for key, docs in by_key.items():
        original = docs.get(default)
        if original is None:
            doc = next(iter(docs.values()))
            errors.append(ContentError(f"translation has no original: expected "
                                       f"content/{config.default_locale.folder}/{key}{doc.path.suffix}", doc.path, 1))
            continue
        documents_by_tag = {loc.tag: docs.get(loc.tag) for loc in config.locales}
        entries.append(Entry(key, MappingProxyType(documents_by_tag), original))
    errors.extend(_slug_clashes(entries, config))
    if errors:
        raise errors[0] if len(errors) == 1 else PublishErrors(errors)
    positions = {key: c["position"] for key, c in read_categories(config).get(config.default_locale.folder, {}).items()
                 if "position" in c}
    return reading_order(entries, positions)


def reading_order(entries: list[Entry], positions: Mapping[str, float] = MappingProxyType({})) -> list[Entry]:
    """The entries as the folder tree reads, each numbered by its place (`rank`): in each folder
    its index page first (at the top, `index.md` or `README.md` without an order of its own), then its pages and subfolders by `order` (a folder takes its
    `_category_` position, `positions`, else its index page's order, else the smallest order
    below it), then by name."""
    folder_order: dict[str, float] = {}
    for entry in entries:
        order = entry.original.order
        for folder in entry.folders:
            folder_order[folder] = min(folder_order.get(folder, 10**6), order)
    for entry in entries:  # an index page's own order, where given, places its folder
        if entry.original.is_index and any(k in entry.original.meta for k in ORDER_KEYS):
            folder_order[entry.folders[-1]] = entry.original.order
    folder_order.update({folder: position for folder, position in positions.items() if folder in folder_order})

    def place(entry: Entry) -> tuple:
        steps = [(1, folder_order[f], f.rpartition("/")[2]) for f in entry.folders]
        if entry.original.is_index or (not entry.folders and entry.key.lower() in INDEX_NAMES
                                       and not any(k in entry.original.meta for k in ORDER_KEYS)):
            return (*steps, (0, 0, ""))  # a folder's index first; the root's too (a site's home page elsewhere)
        name = entry.key.rpartition("/")[2]
        return (*steps[:len(entry.folders)], (1, entry.original.order, name))

    ordered = sorted(entries, key=place)
    return [dataclasses.replace(entry, rank=i) for i, entry in enumerate(ordered)]


def _slug_clashes(entries: list[Entry], config: Config) -> list[ContentError]:
    """Every pair of pages that would share one URL, each reported with both files."""
    seen: dict[str, Entry] = {}
    errors = []
    for entry in sorted(entries, key=lambda e: e.key):
        slug = entry.slug.lower()
        if slug in seen:
            first, here = seen[slug].original, entry.original
            if "slug" in first.meta and "slug" not in here.meta:
                first, here = here, first  # reported where the slug that moved a page was written
            line = here.line_of_key("slug") if "slug" in here.meta else 1
            other = first.path.relative_to(config.project_dir).as_posix() if first.path.is_relative_to(config.project_dir) \
                else display_path(first.path)
            errors.append(ContentError(f"slug {entry.slug!r} is already the URL of {other}"
                                       f"{' (its slug)' if 'slug' in first.meta else ''}; two pages cannot share one URL",
                                       here.path, line))
        else:
            seen[slug] = entry
    return errors
