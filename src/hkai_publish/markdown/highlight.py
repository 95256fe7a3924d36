"""Fenced code as the documentation ecosystem writes it, highlighted by Pygments: ```` ```js
title="x.js" {1,3} ````, ```` ```bash showLineNumbers ````, VitePress's ```` ```ts [config.ts] ````,
fences indented inside list items, and info strings no tool here knows (`zsh output`, `focus=9:11`),
which must never turn the code into Markdown (a `# comment` into a heading)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

STYLE = "xcode"
"""The Pygments style of the site and the PDF: its colours keep 4.5:1 (WCAG AA) on BACKGROUND."""
BACKGROUND = "#f6f8fa"
CSS_CLASS = "highlight"

OPENING = re.compile(r"^(?P<indent>[ ]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")
LIST_ITEM = re.compile(r"^[ ]*(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
TITLE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)'|(\S+))""")
BRACKET_TITLE = re.compile(r"\[([^\]]+)\]")
LINE_SET = re.compile(r"\{([\d,\s-]+)\}|\bhl_lines=[\"']?([\d\s,-]+)[\"']?")
NUMBERED = re.compile(r"\b(?:showLineNumbers|linenums|line-numbers|:line-numbers)\b")
ALIASES = {"console": "console", "shell-session": "console", "sh": "bash", "zsh": "bash", "shell": "bash",
           "js": "javascript", "ts": "typescript", "py": "python", "yml": "yaml", "jsonc": "json",
           "solidity": "solidity", "mdx": "markdown", "vue": "html"}


@dataclass(frozen=True, slots=True)
class FenceInfo:
    """What a fence's info string says, as Docusaurus, VitePress, MkDocs and GitHub read it."""

    language: str
    title: str = ""
    lines: tuple[int, ...] = ()
    """Lines to highlight, counted from 1."""
    numbered: bool = False


def parse_info(info: str) -> FenceInfo:
    """`js title="x.js" {1,3-4} showLineNumbers`, `{.python}`, `ts [config.ts]`: anything else is ignored."""
    language = re.match(r"[{ .]*([\w#+-]*)", info).group(1)
    found = TITLE.search(info)
    title = next((group for group in found.groups() if group is not None), "") if found else ""
    if not title and (bracket := BRACKET_TITLE.search(info)):
        title = bracket.group(1)
    lines: list[int] = []
    for match in LINE_SET.finditer(info):
        for part in re.split(r"[,\s]+", (match.group(1) or match.group(2)).strip()):
            first, _, last = part.partition("-")
            if first.isdigit():
                lines.extend(range(int(first), int(last if last.isdigit() else first) + 1))
    return FenceInfo(language.lower(), title.strip(), tuple(sorted(set(lines))), bool(NUMBERED.search(info)))


def highlight_code(code: str, info: FenceInfo) -> str:
    """The code as HTML: a box of its own that scrolls (focusable, so a keyboard can scroll it),
    with its title above it."""
    try:
        lexer = get_lexer_by_name(ALIASES.get(info.language, info.language), stripnl=False, ensurenl=False)
    except ClassNotFound:
        lexer = TextLexer(stripnl=False, ensurenl=False)
    formatter = HtmlFormatter(cssclass=CSS_CLASS, wrapcode=True, hl_lines=list(info.lines),
                              linenos="inline" if info.numbered else False)
    body = highlight(code, lexer, formatter).replace("<pre>", '<pre tabindex="0">', 1)
    language = f' data-language="{html.escape(info.language)}"' if info.language else ""
    title = f'<p class="code-title">{html.escape(info.title)}</p>\n' if info.title else ""
    return f'<div class="code"{language}>\n{title}{body.strip()}\n</div>'


def stylesheet() -> str:
    """The CSS for highlighted code, from STYLE: the site's assets/code.css, and the PDF's too."""
    formatter = HtmlFormatter(style=STYLE, cssclass=CSS_CLASS)
    rules = formatter.get_style_defs(f".{CSS_CLASS}")
    return (f"/* Made from the Pygments style {STYLE!r} by hkai_publish (markdown/highlight.py). */\n"
            f"{rules}\n.{CSS_CLASS} {{ background: {BACKGROUND}; }}\n"
            f".{CSS_CLASS} .linenos {{ color: #59636e; padding-right: 0.8em; }}\n")


class FencePreprocessor(Preprocessor):
    """Each fenced block is highlighted and set aside in the HTML stash, with a blank line on each
    side, at the indentation of the list item it belongs to."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.titles: dict[str, str] = {}
        """Placeholder -> the fence's title, for containers that label code (`::: code-group`)."""

    def run(self, lines: list[str]) -> list[str]:
        self.titles = {}
        out: list[str] = []
        i = 0
        while i < len(lines):
            opening = OPENING.match(lines[i])
            if not opening or not _may_open(out, opening):
                out.append(lines[i])
                i += 1
                continue
            indent, fence = len(opening.group("indent")), opening.group("fence")
            end = next((j for j in range(i + 1, len(lines)) if _closes(lines[j], fence)), len(lines))
            code = "\n".join(_dedent(line, indent) for line in lines[i + 1:end])
            info = parse_info(opening.group("info"))
            placeholder = self.md.htmlStash.store(highlight_code(code + "\n" if code else "", info))
            self.titles[placeholder] = info.title
            # Python-Markdown continues a list item at four spaces, where CommonMark takes fewer.
            pad = " " * (indent if indent >= 4 else 4 if indent and _in_list(out) else 0)
            out.extend(["", pad + placeholder, ""])
            i = end + 1
        return out


def _may_open(before: list[str], opening: re.Match) -> bool:
    """A fence opens at up to three spaces, or deeper inside a list item; a backtick fence's
    info has no backtick (that is inline code)."""
    if opening.group("fence")[0] == "`" and "`" in opening.group("info"):
        return False
    return len(opening.group("indent")) < 4 or _in_list(before)


def _in_list(lines: list[str]) -> bool:
    """Whether the last line written, above blank ones, is a list item or indented under one."""
    for line in reversed(lines):
        if line.strip():
            return bool(LIST_ITEM.match(line) or line.startswith(" "))
    return False


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def _dedent(line: str, indent: int) -> str:
    """The line without the fence's indentation (or as much of it as the line has)."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent):]


class HighlightExtension(Extension):
    def __init__(self):
        super().__init__()
        self.preprocessor: FencePreprocessor | None = None

    def titles(self) -> dict[str, str]:
        """The current document's code titles, by placeholder."""
        return self.preprocessor.titles if self.preprocessor else {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Where fenced_code would be: after whitespace is normalised (30), before raw HTML (20).
        self.preprocessor = FencePreprocessor(md)
        md.preprocessors.register(self.preprocessor, "hkai_fences", 25)
