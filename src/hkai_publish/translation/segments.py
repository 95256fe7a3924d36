"""A page as translatable segments, one per Markdown block (heading, paragraph, list item, quote,
table cell, footnote), plus the skeleton of markup around them: translations are put back into
the same structure. Also word counts and the alignment of two versions of a page."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from hkai_publish.sources.content import Document
from hkai_publish.markdown.renderer import CJK_CHARS, CJK_BREAK
from hkai_publish.markdown.mdx import CODE_BLOCK, CODE_BLOCK_END
from hkai_publish.markdown.prose import FENCE, SETEXT  # the same Markdown block syntax the checks read

ATX = re.compile(r"^([ ]{0,3}#{1,6}[ \t]+)(.*?)((?:[ \t]*\{[^}]*\})?(?:[ \t]+#+)?[ \t]*)$")
RULE = re.compile(r"^[ ]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
LITERAL_LINE = re.compile(r"^[ ]{0,3}(\[[^\]^]+\]:[ \t]|\{:?[^}]*\}[ \t]*$|<!--)")
# Block openers: the markup before the text, and the kind of segment it makes.
OPENERS = (
    (re.compile(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(?=\S)"), "item"),
    (re.compile(r"^([ ]{0,3}>[ \t]?)"), "quote"),
    (re.compile(r"^([ ]{0,3}\[\^[^\]]+\]:[ \t]*)"), "footnote"),
    (re.compile(r"^([ ]{0,3}\*\[[^\]]+\]:[ \t]*)"), "abbreviation"),
    (re.compile(r"^([ ]{0,3}:[ \t]+)"), "definition"),
    (re.compile(r"^([ ]{0,3}(?:—|―|--(?!-))[ \t]*)(?=\S)"), "attribution"),  # a pull quote's last line
)
# Components (markdown/containers.py, markdown/mdx.py): their marks stay in the skeleton, their
# titles and labels are segments, and the Markdown inside them is segmented like any other.
CONTAINER = re.compile(r"^([ ]{0,3}:{3,}[ \t]*[A-Za-z][\w-]*[ \t]*\\?[\[［]?)(.*?)(\\?[\]］]?[ \t]*)$")
CONTAINER_END = re.compile(r"^[ ]{0,3}:{3,}[ \t]*$")
ADMONITION = re.compile(r'^([ ]{0,3}!!![ \t]*[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+")?)(.*?)("?[ \t]*)$')
JSX_LINE = re.compile(r"^[ \t]*(?:</?[A-Z][A-Za-z0-9.]*\b[^<>]*>[ \t]*)+$|^(?:import|export)[ \t]")
TAB_LABEL = re.compile(r'^(.*?\blabel=")([^"]*)(".*)$', re.S)
ANY_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CJK_MARKUP_BREAK = re.compile(rf"(?<=[{CJK_CHARS}])([*_`~]*)[ \t]*\n[ \t]*([*_`~\[]*)(?=[{CJK_CHARS}])")
WORD = re.compile(rf"[{CJK_CHARS}]|[^\s{CJK_CHARS}]+")
MARKUP = re.compile(r"\]\([^)]*\)|[*_`#>|]+|\{[^}]*\}")


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable text of a page."""

    id: str
    """`title`, `summary`, or the block's number in the body: `1`, `2`…"""
    kind: str
    """title, summary, heading, paragraph, item, quote, cell, footnote, abbreviation, definition,
    label (a container's title or a tab's label), attribution (a pull quote's)."""
    text: str
    """On one line: a source line break becomes a space, or nothing between CJK characters."""
    line: int
    """Source line the block starts on."""
    heading: str
    """The heading the block falls under ("" before the first)."""
    span: tuple[int, int] = (0, 0)
    """Where the text is in the body, as written (start and end offsets; also over several lines):
    a new translation of the block replaces just this."""


@dataclass(frozen=True, slots=True)
class Split:
    """A page taken apart: its segments, and the body's skeleton to put translations back into."""

    segments: tuple[Segment, ...]
    skeleton: tuple[str | int, ...]
    """Literal Markdown, or the number (the id) of the body segment whose text goes there."""


def split_document(doc: Document) -> Split:
    """Title, summary, then the body's blocks of one page."""
    lines = doc.path.read_text(encoding="utf-8-sig").splitlines()[:doc.body_line]
    where = {key: next((n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 1)
             for key in ("title", "summary")}
    return split_page(doc.meta, doc.body, doc.body_line, where)


def split_page(meta: Mapping[str, Any], body: str, body_line: int = 1, lines: Mapping[str, int] = {}) -> Split:
    """A page from its front matter and body: the title and summary come first."""
    head = [Segment(key, key, str(meta[key]), lines.get(key, 1), "") for key in ("title", "summary") if meta.get(key)]
    return split_body(body, body_line, head)


def split_body(body: str, first_line: int = 1, head: Sequence[Segment] = ()) -> Split:
    """Take a Markdown body apart; joining the skeleton with the segments' texts gives it back,
    with each block's text on one line."""
    parts = _Parts(list(head))
    lines = body.splitlines(keepends=True)
    parts.offsets = [0]
    for text in lines:
        parts.offsets.append(parts.offsets[-1] + len(text))
    i = 0
    while i < len(lines):
        i = _block(lines, i, first_line, parts)
    return Split(tuple(parts.segments), tuple(parts.skeleton))


class _Parts:
    def __init__(self, head: list[Segment]):
        self.segments = head
        self.numbered = sum(1 for s in head if s.id.isdigit())
        """How many body segments (numbered ones) so far: the next one's number is one more."""
        self.skeleton: list[str | int] = []
        self.heading = ""
        self.in_list = False
        self.offsets: list[int] = []
        """Where each line of the body starts."""
        self.tabs = 0
        """How many TabItems are open: their Markdown may be indented without being code."""
        self.admonition = False
        """Inside a `!!!` admonition, whose Markdown is indented."""

    @property
    def in_component(self) -> bool:
        return self.tabs > 0 or self.admonition

    def literal(self, text: str) -> None:
        if self.skeleton and isinstance(self.skeleton[-1], str):
            self.skeleton[-1] += text
        elif text:
            self.skeleton.append(text)

    def text(self, kind: str, text: str, line: int, span: tuple[int, int] = (0, 0)) -> None:
        if not text.strip():
            self.literal(text)
            return
        if kind == "heading":
            self.heading = text
        self.numbered += 1
        number = self.numbered
        self.skeleton.append(number)
        self.segments.append(Segment(str(number), kind, text, line, self.heading, span))


def _block(lines: list[str], i: int, first_line: int, parts: _Parts) -> int:
    """Consume the block starting at lines[i]; return the index after it."""
    line, number = lines[i], first_line + i
    if not line.strip() or RULE.match(line) or LITERAL_LINE.match(line):
        parts.literal(line)
        return i + 1
    if CODE_BLOCK.match(line):  # MDX's <CodeBlock>: code up to its end tag
        end = next((j for j in range(i + 1, len(lines)) if CODE_BLOCK_END.match(lines[j])), len(lines) - 1)
        parts.literal("".join(lines[i:end + 1]))
        return end + 1
    if component := _component_line(line, number, parts, parts.offsets[i]):
        return i + component
    if fence := (ANY_FENCE if parts.in_component or parts.in_list else FENCE).match(line):
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(fence.group(1))), len(lines) - 1)
        parts.literal("".join(lines[i:end + 1]))
        return end + 1
    if heading := ATX.match(line.rstrip("\n")):
        parts.in_list = False
        parts.literal(heading.group(1))
        start = parts.offsets[i]
        parts.text("heading", heading.group(2), number, (start + heading.start(2), start + heading.end(2)))
        parts.literal(heading.group(3) + "\n")
        return i + 1
    if "|" in line and i + 1 < len(lines) and TABLE_DELIMITER.match(lines[i + 1]) and "-" in lines[i + 1]:
        return _table(lines, i, first_line, parts)
    if line.startswith(("    ", "\t")) and not parts.in_list and not parts.in_component:
        end = next((j for j in range(i, len(lines)) if not lines[j].strip()), len(lines))
        parts.literal("".join(lines[i:end]))  # indented code
        return end
    return _paragraph(lines, i, first_line, parts)


def _component_line(line: str, number: int, parts: _Parts, start: int) -> int:
    """1 if the line is a component's mark (its title or tab label a segment, with its span from
    `start`, where the line begins in the body), else 0."""
    text = line.rstrip("\n")
    if parts.admonition and text.strip() and not text.startswith((" ", "\t")):
        parts.admonition = False  # an admonition ends at its first line not indented
    if CONTAINER_END.match(text):
        parts.literal(line)
        return 1
    if JSX_LINE.match(text):
        tag = text.strip()
        if tag.startswith("<TabItem"):
            parts.tabs += 1
        elif tag.startswith("</TabItem"):
            parts.tabs = max(0, parts.tabs - 1)
        if label := TAB_LABEL.match(text):
            parts.literal(label.group(1))
            parts.text("label", label.group(2), number, (start + label.start(2), start + label.end(2)))
            parts.literal(label.group(3) + line[len(text):])
        else:
            parts.literal(line)
        return 1
    for pattern in (CONTAINER, ADMONITION):
        if found := pattern.match(text):
            parts.admonition = parts.admonition or pattern is ADMONITION
            parts.literal(found.group(1))
            parts.text("label", found.group(2), number, (start + found.start(2), start + found.end(2)))
            parts.literal(found.group(3) + line[len(text):])
            return 1
    return 0


def _paragraph(lines: list[str], i: int, first_line: int, parts: _Parts) -> int:
    kind, prefix = "paragraph", re.match(r"[ \t]*", lines[i]).group(0)
    for pattern, name in OPENERS:
        if match := pattern.match(lines[i]):
            kind, prefix = name, match.group(1)
            break
    parts.in_list = kind == "item" or (parts.in_list and bool(prefix))
    rest = lines[i][len(prefix):]
    start = parts.offsets[i] + len(prefix) + len(rest) - len(rest.lstrip())
    texts, j = [rest.strip()], i + 1
    while j < len(lines) and lines[j].strip() and not _opens_block(lines, j):
        if kind == "paragraph" and SETEXT.match(lines[j]):
            parts.literal(prefix)
            parts.text("heading", one_line(texts), first_line + i, (start, _line_end(parts, lines, j - 1)))
            parts.literal("\n" + lines[j])
            return j + 1
        texts.append(re.sub(r"^[ ]{0,3}>[ \t]?", "", lines[j]).strip() if kind == "quote" else lines[j].strip())
        j += 1
    parts.literal(prefix)
    parts.text(kind, one_line(texts), first_line + i, (start, _line_end(parts, lines, j - 1)))
    parts.literal("\n")
    return j


def _line_end(parts: _Parts, lines: list[str], j: int) -> int:
    """Where the text of line j ends, before its trailing blanks and line break."""
    return parts.offsets[j] + len(lines[j].rstrip())


def _opens_block(lines: list[str], j: int) -> bool:
    line = lines[j]
    return bool(ATX.match(line.rstrip("\n")) or FENCE.match(line) or LITERAL_LINE.match(line)
                or CONTAINER_END.match(line) or CONTAINER.match(line.rstrip("\n")) or JSX_LINE.match(line)
                or ADMONITION.match(line.rstrip("\n")) or ANY_FENCE.match(line)
                or (RULE.match(line) and not SETEXT.match(line))
                or any(pattern.match(line) for pattern, kind in OPENERS if kind != "quote"))


def _table(lines: list[str], i: int, first_line: int, parts: _Parts) -> int:
    j = i
    while j < len(lines) and "|" in lines[j] and lines[j].strip():
        if j == i + 1:
            parts.literal(lines[j])  # the delimiter row
        else:
            cells = re.split(r"(?<!\\)\|", lines[j].rstrip("\n"))
            at = parts.offsets[j]
            for index, cell in enumerate(cells):
                at += 1 if index else 0
                match = re.fullmatch(r"(\s*)(.*?)(\s*)", cell)
                parts.literal(("|" if index else "") + match.group(1))
                parts.text("cell", match.group(2), first_line + j, (at + match.start(2), at + match.end(2)))
                parts.literal(match.group(3))
                at += len(cell)
            parts.literal("\n")
        j += 1
    return j


def one_line(texts: list[str]) -> str:
    """Source lines of one block as one line: no space where a break fell between CJK characters,
    also at the edge of inline markup (`和\n**創新**`), as markdown.py renders it."""
    text = CJK_BREAK.sub("", "\n".join(texts))
    return re.sub(r"[ \t]*\n[ \t]*", " ", CJK_MARKUP_BREAK.sub(r"\1\2", text))


def join_body(skeleton: Sequence[str | int], texts: Mapping[str, str]) -> str:
    """The body again, with the text of segment n (`texts["n"]`) where the skeleton says n."""
    return "".join(part if isinstance(part, str) else texts[str(part)] for part in skeleton)


def count_words(text: str) -> int:
    """Words to translate: each CJK character counts as one, like a word elsewhere; punctuation,
    link targets and Markdown syntax do not count."""
    return sum(1 for word in WORD.findall(MARKUP.sub(" ", text)) if any(c.isalnum() for c in word))


def align(a: Split, b: Split) -> list[tuple[Segment, Segment]]:
    """Pairs of segments that correspond in two splits of one page (two languages, or two versions
    of a translation): runs of blocks of the same kinds, in order."""
    matcher = difflib.SequenceMatcher(None, [s.kind for s in a.segments], [s.kind for s in b.segments],
                                      autojunk=False)
    return [(a.segments[x + k], b.segments[y + k]) for x, y, size in matcher.get_matching_blocks()
            for k in range(size)]


def changes(old: Split, new: Split) -> dict[int, tuple[int, bool]]:
    """For each segment of `new` (by position): the position of its counterpart in `old`, and
    whether its text is unchanged. Unchanged segments match exactly; a changed block is paired
    with the one it replaced where the replaced run has the same length."""
    old_texts, new_texts = [s.text for s in old.segments], [s.text for s in new.segments]
    matcher = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    found = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(j2 - j1):
                found[j1 + k] = (i1 + k, tag == "equal")
    return found


def rewrite_body(body: str, split: Split, skeleton: Sequence[str | int], texts: Mapping[str, str],
                 base: Callable[[str], bool] | None = None) -> str:
    """`body` (taken apart as `split`) changed into what `skeleton` and `texts` give, as little as
    can be: a block whose text is the same stays as written (its line breaks too), and so does the
    translation's own markup between blocks (code with translated comments, raw HTML, table
    padding). `base` says whether a line of the original's markup was already there when the
    translation was made (None: not known): lines the original changed or added since are taken
    from it. New, changed and removed blocks follow the skeleton."""
    old = _pieces(body, split)
    new = [piece for part in skeleton for piece in
           (_markup_lines(part, part) if isinstance(part, str) else [(("text", texts[str(part)]), texts[str(part)])])]
    matcher = difflib.SequenceMatcher(None, [key for key, _ in old], [key for key, _ in new], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = old[i1:i2], new[j1:j2]
        if tag == "equal":
            out += [written for _, written in before]
        elif all(key[0] == "markup" for key, _ in before + after):
            out.append(merge_markup("".join(w for _, w in before), "".join(w for _, w in after), base))
        elif _texts(before) == _texts(after) and (base is None or all(base(k[1]) for k, _ in after if k[0] == "markup")):
            # Changed blocks amid markup that differs only as the translation writes it (a blank
            # line more or less): the new texts in the translation's markup.
            texts = iter(text for key, text in after if key[0] == "text")
            out += [next(texts) if key[0] == "text" else written for key, written in before]
        else:
            out += [text for _, text in after]
    return "".join(out)


def _texts(pieces: list[tuple[tuple[str, str], str]]) -> int:
    return sum(1 for key, _ in pieces if key[0] == "text")


def merge_markup(translated: str, original: str, base: Callable[[str], bool] | None) -> str:
    """Markup between blocks: the translation's lines, except where the original changed them
    since the translation was made (lines of `original` that `base` does not know), which come
    from the original; lines the original dropped go."""
    ours, theirs = translated.splitlines(keepends=True), original.splitlines(keepends=True)
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        mine, new = ours[i1:i2], theirs[j1:j2]
        if tag == "equal":
            out += mine
        elif tag == "replace":
            out += mine if base is None or all(base(line) for line in new) else new
        elif tag == "insert":  # blank lines the translation does without stay out
            out += [] if all(not line.strip() or (base and base(line)) for line in new) else new
        else:  # the translation's own lines stay, unless the original had them and dropped them
            out += [] if base is not None and any(base(line) for line in mine) else mine
    return "".join(out)


def _pieces(body: str, split: Split) -> list[tuple[tuple[str, str], str]]:
    """The body as keys (a block's text, or a line of the markup between blocks, normalised) and
    the source as written."""
    numbered = {s.id: s for s in split.segments}
    # Where the next segment after each part of the skeleton starts (the body's end after the last).
    next_start, start = [0] * len(split.skeleton), len(body)
    for index in range(len(split.skeleton) - 1, -1, -1):
        next_start[index] = start
        if isinstance(split.skeleton[index], int):
            start = numbered[str(split.skeleton[index])].span[0]
    pieces, at = [], 0
    for index, part in enumerate(split.skeleton):
        if isinstance(part, str):
            end = next_start[index]
            pieces += _markup_lines(part, body[at:end])
            at = end
        else:
            segment = numbered[str(part)]
            pieces.append((("text", segment.text), body[segment.span[0]:segment.span[1]]))
            at = segment.span[1]
    return pieces


def _markup_lines(markup: str, written: str) -> list[tuple[tuple[str, str], str]]:
    """Markup as one piece per line (so that a code block is matched line by line), or whole where
    the source as written has its lines elsewhere (a quote's markers inside its text)."""
    keys, lines = markup.splitlines(keepends=True), written.splitlines(keepends=True)
    if len(keys) != len(lines):
        return [(("markup", markup), written)]
    return [(("markup", key), line) for key, line in zip(keys, lines)]
