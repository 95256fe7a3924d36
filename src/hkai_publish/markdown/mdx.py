"""What MDX pages (Docusaurus, VitePress) add to Markdown, read as Markdown: `import`/`export`
lines at the top are dropped; `<Tabs>` and `<TabItem label="…">` become `:::tabs` / `:::tab`
containers (their indented content dedented, as MDX ignores that indentation); any other component
tag (`<DocCardList />`, `<CodeBlock>…</CodeBlock>`) is dropped and what is between its tags stays
Markdown. `unknown_components` names the dropped ones for a warning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

KNOWN = frozenset({"Tabs", "TabItem", "CodeBlock"})
CODE_BLOCK = re.compile(r"^\s*<CodeBlock\b([^>]*)>\s*$")
CODE_BLOCK_END = re.compile(r"^\s*</CodeBlock>\s*$")
FENCE = re.compile(r"^[ ]*(`{3,}|~{3,})")
ESM = re.compile(r"^(?:import|export)\s.*$")
IMPORT_NAMES = re.compile(r"^import\s+(?:\{([^}]*)\}|(\w+))")
# A JSX element: a capitalised name with a lower-case letter in it (`<DATADIR>` is a placeholder).
TAG = re.compile(r"<(/?)([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9.]*)((?:\s+[^<>]*?)?)\s*(/?)>")
ANY_TAG = re.compile(r"</?[A-Z]")
TAG_START = re.compile(r"<([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9.]*)(?=\s|$)")
ATTRIBUTE = re.compile(r"""([\w-]+)(?:=(?:"([^"]*)"|'([^']*)'|\{["'`]([^"'`]*)["'`]\}))?""")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
MDX_COMMENT = re.compile(r"\{/\*.*?\*/\}")


@dataclass(frozen=True, slots=True)
class Component:
    """An unknown component in a page: its name and the body line it is first used on (from 1)."""

    name: str
    line: int


def unknown_components(body: str) -> list[Component]:
    """Each unknown component tag of a body, once, at its first line."""
    if not ANY_TAG.search(body):
        return []  # most pages: a rebuild checks every page, and reading each line was 0.7 s at 2000
    found: dict[str, int] = {}
    for number, line in prose_lines(body.split("\n")):
        for match in TAG.finditer(CODE_SPAN.sub(_blank, line)):
            if match.group(2) not in KNOWN:
                found.setdefault(match.group(2), number)
        if (start := TAG_START.search(CODE_SPAN.sub(_blank, line))) and not TAG.search(line, start.start()):
            if start.group(1) not in KNOWN:
                found.setdefault(start.group(1), number)  # a tag whose attributes go on below
    return [Component(name, line) for name, line in found.items()]


def _blank(match: re.Match) -> str:
    return " " * len(match.group())


def prose_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(line number, line) of the lines outside fenced code and the top's imports."""
    fence, top = "", True
    for number, line in enumerate(lines, 1):
        if fence == "</CodeBlock>":
            if CODE_BLOCK_END.match(line):
                fence = ""
            continue
        if CODE_BLOCK.match(line):  # Docusaurus' <CodeBlock language="js" title="x.js">: code to its end tag
            fence = "</CodeBlock>"
            continue
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if opened := FENCE.match(line):
            fence = opened.group(1)
            continue
        if top and (ESM.match(line) or not line.strip()):
            continue
        top = False
        yield number, line


class MdxPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        prose = dict(prose_lines(lines))
        first = min(prose, default=len(lines) + 1)
        out: list[str] = []
        indents: list[int] = []
        """For each open TabItem, the indentation its content is written at."""
        i = 0
        while i < len(lines):
            line = lines[i]
            if i + 1 not in prose:  # fenced code, a CodeBlock, or the imports at the top
                top = i + 1 < first and ESM.match(line)
                out.append("" if top else _code_line(line, indents[-1] if indents else 0))
                i += 1
                continue
            if (start := TAG_START.search(line)) and not TAG.search(line, start.start()):
                # A tag whose attributes run on over the lines below: read them as one line.
                end = next((j for j in range(i + 1, min(len(lines), i + 50)) if ">" in lines[j]), i)
                line = " ".join([line] + [lines[j].strip() for j in range(i + 1, end + 1)])
                i = end
            for kind, text in _pieces(MDX_COMMENT.sub("", line)):
                if kind == "text":
                    if text.strip() or len(line.strip()) == 0:
                        out.append(_dedent(text, indents[-1] if indents else 0))
                    continue
                out.extend(["", text, ""])
                if kind == "open":
                    indents.append(_content_indent(lines, i, line))
                elif kind == "close" and indents:
                    indents.pop()
            i += 1
        return out


def _pieces(line: str) -> Iterator[tuple[str, str]]:
    """The line as ("text", text) and (kind, container fence) pieces: a `<Tabs>` or `<TabItem>`
    tag becomes a fence ("open", "close" or "tabs"); an unknown tag is left out."""
    masked = CODE_SPAN.sub(_blank, line)
    position, text = 0, []
    for match in TAG.finditer(masked):
        text.append(line[position:match.start()])
        position = match.end()
        closing, name = match.group(1), match.group(2)
        if name not in KNOWN or match.group(4):  # unknown, or self-closing: nothing to show
            continue
        yield "text", "".join(text)
        text = []
        if name == "Tabs":
            yield "tabs", ":::" if closing else ":::tabs"
        else:
            yield ("close", ":::") if closing else ("open", f":::tab {_tab_label(match.group(3))}")
    text.append(line[position:])
    yield "text", "".join(text)


def _code_line(line: str, indent: int) -> str:
    """A line of code; a CodeBlock's tags become the fence around it."""
    if opened := CODE_BLOCK.match(line):
        values = _attributes(opened.group(1))
        language, title = values.get("language", ""), values.get("title", "")
        return _dedent(line, indent)[:len(line) - len(line.lstrip())] + "```" + language + \
            (f' title="{title}"' if title else "")
    if CODE_BLOCK_END.match(line):
        return _dedent(line, indent)[:len(line) - len(line.lstrip())] + "```"
    return _dedent(line, indent)


def _content_indent(lines: list[str], i: int, line: str) -> int:
    """The indentation of a TabItem's content: that of the first line below its tag, or none
    when the content follows the tag on its line."""
    if not line.rstrip().endswith(">"):
        return 0
    following = next((text for text in lines[i + 1:] if text.strip()), "")
    return len(following) - len(following.lstrip(" "))


def _attributes(attributes: str) -> dict[str, str]:
    return {m.group(1): next((g for g in m.groups()[1:] if g is not None), "") for m in ATTRIBUTE.finditer(attributes)}


def _tab_label(attributes: str) -> str:
    values = _attributes(attributes)
    label = (values.get("label") or values.get("value") or "").replace("\n", " ").strip()
    return label + (" {default}" if "default" in values else "")


def _dedent(line: str, indent: int) -> str:
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, indent):] if indent > 0 else line


class MdxExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After whitespace is normalised (30), before fenced code is set aside (25).
        md.preprocessors.register(MdxPreprocessor(md), "hkai_mdx", 28)
