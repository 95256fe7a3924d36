"""Chinese line adjustment for the PDF editions, after W3C "Requirements for Chinese Text Layout"
(clreq): WeasyPrint lays the lines out, and this pass then sets each line of a Chinese paragraph
the way a Hong Kong typesetter would before anything is drawn.

- Justification (clreq 3.8): a line's slack goes into the gaps next to CJK characters, in equal
  parts; Latin runs keep their letter and word spacing; a paragraph's last line stays start-aligned.
  WeasyPrint's own `text-align: justify` stretches only spaces (`justify_line` in
  weasyprint/layout/inline.py), which a Chinese line has none of.
- Punctuation compression (clreq 3.1.6): where two full-width marks meet, the blank half of a
  bracket goes, so `》，` or `。「` leave no one-em hole.
- No last line of one or two characters: such a paragraph is laid out again with its letters a
  little tighter (so the last characters move up) or, when that would crush it, a little looser.
Line starts and ends (no closing mark first, no opening mark last) come from Pango's UAX #14 line
breaking; tests check them.

Which paragraphs: the CSS custom property `--hk-justify` on the element, `inter-character`
(justify and compress), `compress` (punctuation only, e.g. headings) or `none`; the print
stylesheet sets it, so a template can change it.

How: the pass moves WeasyPrint's boxes (`position_x`, `width`) and gives each text box that needs
extra spacing a Pango layout whose glyphs have wider (or, compressed, narrower) advances. The PDF
draws text from those glyph advances, so the characters land where the pass put them while each
text box stays one run of text: extraction and tagging see exactly the text they did before.
WeasyPrint's internals are not an API: `problem()` says when the installed version is not the
one this was checked with, and tests/editions/test_linesetting.py measures the right edges, so an
upgrade that breaks the hook fails loudly instead of silently going ragged.
"""

from __future__ import annotations

import copy
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Iterator

CHECKED_WITH = ("70",)
"""WeasyPrint major versions whose line boxes and glyph drawing this pass was checked against."""

MODE = "__hk_justify"
"""How WeasyPrint keys the computed value of the custom property `--hk-justify`."""

OPENING = frozenset("「『《〈（〔【｛［〖〘")
CLOSING = frozenset("」』》〉）〕】｝］〗〙")
CENTRED = frozenset("，。、；：！？")
"""Hong Kong (and Taiwan) fonts set these in the middle of the em box: nothing to compress."""
FULL_WIDTH_MARKS = OPENING | CLOSING | CENTRED
COMPRESSION = 0.5
"""The blank half of a bracket, in ems."""

WIDEST = 0.095
"""Ems a gap may widen at most; past it, the gaps next to punctuation share the slack too, and a
line that would need more stays short of the edge. Text extractors take a gap of a tenth of an
em for a word break (poppler's minWordBreakSpace, pdfminer's word_margin): wider, and pdftotext
would put a space between two Chinese characters."""
TIGHTEST, LOOSEST = -0.06, 0.08
"""Letter-spacing (ems) a paragraph may be given to avoid a one- or two-character last line."""
SHORT = 2
"""A last line of this many characters or fewer (punctuation not counted) is to be avoided."""
ROUNDS = 2
"""Layouts again at most, to mend short last lines."""


def is_cjk(char: str) -> bool:
    """Han, kana, bopomofo, CJK punctuation and full-width forms: the characters set on the em grid."""
    code = ord(char)
    return (0x2E80 <= code <= 0x2FDF or 0x3000 <= code <= 0x33FF or 0x3400 <= code <= 0x4DBF
            or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFE30 <= code <= 0xFE4F
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)


def counts(char: str) -> bool:
    """Whether a character counts in a last line's length: not punctuation, not a space."""
    return not char.isspace() and not unicodedata.category(char).startswith("P")


def problem() -> str | None:
    """Why the pass cannot run on the installed WeasyPrint, or is unchecked with it; None when fine."""
    import weasyprint
    from weasyprint.formatting_structure import boxes
    from weasyprint.text import line_break

    if not all(hasattr(boxes, name) for name in ("LineBox", "TextBox", "InlineBox", "ParentBox")) \
            or not hasattr(line_break.Layout, "get_first_line"):
        return (f"WeasyPrint {weasyprint.__version__} changed the line boxes Chinese justification "
                "works on; Chinese text is set ragged")
    if weasyprint.__version__.split(".")[0] not in CHECKED_WITH:
        return (f"Chinese justification was checked with WeasyPrint {', '.join(CHECKED_WITH)}, not "
                f"{weasyprint.__version__}: look at the Chinese PDF and run tests/editions/test_linesetting.py")
    return None


@dataclass
class Paragraph:
    """A block's lines in the PDF, across pages, as the pass found them."""

    element: object
    mode: str
    lines: list = field(default_factory=list)
    """(block, line box) in reading order."""
    natural: float = 0.0
    """The width its text takes before justification, in CSS pixels."""
    widths: list = field(default_factory=list)
    """Each line's natural width and character count."""
    characters: int = 0
    font_size: float = 0.0
    line_width: float = 0.0


@dataclass
class Adjusted:
    lines: int = 0
    justified: int = 0
    compressed: int = 0
    """Pairs of full-width marks compressed."""
    short: list[Paragraph] = field(default_factory=list)
    """Paragraphs still ending in a line of SHORT characters or fewer."""


def adjust(document) -> Adjusted:
    """Set every line of the rendered `document` whose paragraph asks for it (see the module's
    docstring). Changes WeasyPrint's boxes in place: call before `write_pdf`."""
    paragraphs = list(find_paragraphs(document))
    result = Adjusted()
    for paragraph in paragraphs:
        last = len(paragraph.lines) - 1
        for number, (block, line) in enumerate(paragraph.lines):
            natural, chars, compressed, justified = set_line(
                block, line, justify=paragraph.mode == "inter-character" and number < last)
            paragraph.natural += natural
            paragraph.characters += chars
            paragraph.widths.append((natural, chars))
            result.lines += 1
            result.compressed += compressed
            result.justified += justified
        if paragraph.mode == "inter-character" and len(paragraph.lines) > 1 \
                and len([c for c in line_text(paragraph.lines[-1][1]) if counts(c)]) <= SHORT:
            result.short.append(paragraph)
    return result


def find_paragraphs(document) -> Iterator[Paragraph]:
    """The paragraphs with a `--hk-justify` mode, each with its lines from every page."""
    from weasyprint.formatting_structure import boxes

    found: dict[int, Paragraph] = {}

    def walk(box):
        for child in getattr(box, "children", ()):
            if isinstance(child, boxes.LineBox):
                mode = _mode(child.style)
                if mode in ("inter-character", "compress"):
                    key = id(box.element) if box.element is not None else id(box)
                    paragraph = found.get(key)
                    if paragraph is None:
                        paragraph = found[key] = Paragraph(box.element, mode, font_size=child.style["font_size"],
                                                           line_width=box.width)
                    paragraph.lines.append((box, child))
            elif isinstance(child, boxes.ParentBox):
                walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found.values()


def _mode(style) -> str | None:
    try:
        value = style[MODE]
    except (KeyError, TypeError):
        return None
    if isinstance(value, str):
        return value.strip()
    return "".join(str(getattr(token, "value", "")) for token in value or ()).strip() or None


def line_text(line) -> str:
    return "".join(box.text for box in _leaves(line) if hasattr(box, "text")).strip()


def _leaves(box) -> Iterator:
    from weasyprint.formatting_structure import boxes

    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, boxes.InlineBox):
            yield from _leaves(child)
        else:
            yield child


def _sequence(box) -> Iterator:
    """The line's leaves in order, with ("open", box) and ("close", box) around inline boxes."""
    from weasyprint.formatting_structure import boxes

    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, boxes.InlineBox):
            yield "open", child
            yield from _sequence(child)
            yield "close", child
        else:
            yield child


def _gap(before: str, after: str, strict: bool = True) -> bool:
    """Whether justification may widen the gap between two characters (clreq 3.8): next to a CJK
    character, not inside a Latin run; `strict`, never after an opening or before a closing mark."""
    if before.isspace() or after.isspace() or not (is_cjk(before) or is_cjk(after)):
        return False
    return not strict or (before not in OPENING and after not in CLOSING and after not in CENTRED)


def set_line(block, line, justify: bool) -> tuple[float, int, int, bool]:
    """Compress the line's punctuation and, with `justify`, spread its slack so that it ends at the
    block's right edge. Returns its natural width, its character count, the compressions made and
    whether it was justified."""
    from weasyprint.formatting_structure import boxes

    sequence = list(_sequence(line))
    chars = []  # (character, box, index in the box's text or None, font size)
    for item in sequence:
        if isinstance(item, boxes.TextBox):
            chars += [(char, item, index, item.style["font_size"]) for index, char in enumerate(item.text)]
        elif not isinstance(item, tuple):
            chars.append(("\ufffc", item, None, item.style["font_size"]))
    while chars and chars[-1][0].isspace():
        chars.pop()
    if not chars:
        return 0.0, 0, 0, False
    last = chars[-1][1]
    right = last.position_x + (last.width if isinstance(last, boxes.TextBox) else last.margin_width())
    natural = right - line.position_x
    # Thousandths of an em, per character: the unit the PDF's text operators position glyphs in.
    extras = [0] * len(chars)
    compressed = 0
    for k in range(len(chars) - 1):
        before, after = chars[k][0], chars[k + 1][0]
        if before in FULL_WIDTH_MARKS and after in FULL_WIDTH_MARKS and (before in CLOSING or after in OPENING):
            extras[k] -= round(COMPRESSION * 1000)
            compressed += 1
    justified = False
    if justify:
        available = block.content_box_x() + block.width
        slack = available - right - sum(e * c[3] / 1000 for e, c in zip(extras, chars))
        gaps = [k for k in range(len(chars) - 1) if _gap(chars[k][0], chars[k + 1][0])]
        if not gaps or slack / len(gaps) > WIDEST * chars[0][3]:
            # Few gaps (a line of brackets and marks): open those next to punctuation too.
            gaps = [k for k in range(len(chars) - 1) if _gap(chars[k][0], chars[k + 1][0], strict=False)]
        if gaps and slack > 0:
            share = min(slack / len(gaps), WIDEST * min(chars[k][3] for k in gaps))
            given = 0.0
            for number, k in enumerate(gaps, 1):
                size = chars[k][3]
                thousandths = math.floor((share * number - given) * 1000 / size + 1e-6)
                extras[k] += thousandths
                given += thousandths * size / 1000
            justified = True
    if any(extras):
        _apply(line, sequence, chars, extras)
    return natural, len(chars), compressed, justified


def _apply(line, sequence, chars, extras) -> None:
    """Move the line's boxes and widen their glyphs by `extras` (thousandths of each character's
    em, added after the character)."""
    from weasyprint.formatting_structure import boxes

    per_box: dict[int, dict[int, int]] = {}
    atomic: dict[int, float] = {}
    for (_, box, index, size), extra in zip(chars, extras):
        if extra:
            if index is None:
                atomic[id(box)] = atomic.get(id(box), 0.0) + extra * size / 1000
            else:
                per_box.setdefault(id(box), {})[index] = extra
    shift, opened = 0.0, {}
    for item in sequence:
        if isinstance(item, tuple):
            kind, inline = item
            if kind == "open":
                inline.position_x += shift
                opened[id(inline)] = shift
            else:
                inline.width += shift - opened.pop(id(inline))
        elif isinstance(item, boxes.TextBox):
            item.position_x += shift
            mine = per_box.get(id(item))
            if mine:
                added = sum(mine.values()) * item.style["font_size"] / 1000
                layout = copy.copy(item.pango_layout)
                layout.__class__ = spaced_layout()
                layout.extras = mine
                item.pango_layout = layout
                item.width += added
                shift += added
        else:
            item.translate(shift, 0)
            shift += atomic.get(id(item), 0.0)
    line.width += shift


_SPACED = None


def spaced_layout():
    """A WeasyPrint text layout whose glyph advances grow by `extras` (character index ->
    thousandths of an em) once Pango has shaped the line, which is where drawing reads them."""
    global _SPACED
    if _SPACED is not None:
        return _SPACED
    from weasyprint.text.ffi import TO_UNITS, ffi
    from weasyprint.text.line_break import Layout

    class SpacedLayout(Layout):
        extras: dict[int, int] = {}

        def get_first_line(self):
            first_line, index = super().get_first_line()
            if self.extras and getattr(self, "_spaced", None) is not self.layout:
                self._spaced = self.layout  # once per shaping: reactivate() shapes it again
                _widen(first_line, self.text, self.extras, self.style["font_size"], ffi, TO_UNITS)
            return first_line, index

        def deactivate(self):
            self._spaced = None
            super().deactivate()

    _SPACED = SpacedLayout
    return SpacedLayout


def _widen(first_line, text: str, extras: dict[int, int], font_size: float, ffi, to_units: int) -> None:
    # Byte offsets (Pango's) to character indices (the box's text).
    starts, offset = {}, 0
    for index, char in enumerate(text):
        starts[offset] = index
        offset += len(char.encode())
    run = first_line.runs
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        glyphs, item = glyph_item.glyphs, glyph_item.item
        count, clusters = glyphs.num_glyphs, glyphs.log_clusters
        for g in range(count):
            if g < count - 1 and clusters[g + 1] == clusters[g]:
                continue  # not the cluster's last glyph
            end = item.offset + (item.length if g == count - 1 else clusters[g + 1])
            last = max((starts[b] for b in range(item.offset + clusters[g], end) if b in starts), default=None)
            extra = extras.get(last) if last is not None else None
            if extra:
                # Away from zero, so that WeasyPrint's int() of the PDF's thousandths gives `extra`.
                units = extra * font_size * to_units / 1000
                glyphs.glyphs[g].geometry.width += math.ceil(units) if extra > 0 else math.floor(units)


def render(html, **options):
    """`html.render(**options)` with Chinese lines set. A paragraph left with a short last line is
    mended and the document laid out again (at most ROUNDS more times): first its last characters
    are kept together (`white-space: nowrap`), so the line before gives one up and justification
    absorbs the difference; where that cannot be done, its letters are spaced a little tighter
    (pulling the last line up) or looser. Returns the document and what the last pass did."""
    document = html.render(**options)
    adjusted = adjust(document)
    tried: dict[int, list[str]] = {}
    for _ in range(ROUNDS):
        changed = False
        for paragraph in adjusted.short:
            if paragraph.element is not None:
                changed |= mend(paragraph, tried.setdefault(id(paragraph.element), []))
        if not changed:
            break
        rewrap(html)
        document = html.render(**options)
        adjusted = adjust(document)
    return document, adjusted


def rewrap(html) -> None:
    """Make WeasyPrint see the changed element tree (it walks a wrapper made when it parsed)."""
    import cssselect2

    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(html.etree_element, content_language=None)
    html.etree_element = html.wrapper_element.etree_element


def mend(paragraph: Paragraph, tried: list[str]) -> bool:
    """Change the paragraph's element so its last line gets longer; False when nothing is left to try."""
    if "nowrap" not in tried:
        tried.append("nowrap")
        if _nowrap_fits(paragraph) and keep_together(paragraph.element, SHORT + 1):
            return True
    spacing = mending_spacing(paragraph, [float(t) for t in tried if t != "nowrap"])
    if spacing is None:
        return False
    tried.append(str(spacing))
    _set_spacing(paragraph.element, spacing)
    return True


def _nowrap_fits(paragraph: Paragraph) -> bool:
    """Whether the line before the last can give up its last characters and still be justified
    within WIDEST a gap (a short paragraph's line cannot spread two characters' width)."""
    (natural, chars), (_, last) = paragraph.widths[-2], paragraph.widths[-1]
    moved = SHORT + 1 - sum(1 for c in line_text(paragraph.lines[-1][1]) if counts(c))
    size = paragraph.font_size
    slack = paragraph.line_width - natural + moved * size
    return chars - moved > 1 and slack / (chars - moved - 1) <= WIDEST * size


def keep_together(element, count: int) -> bool:
    """Wrap the element's last `count` counted characters (and what follows them) in a span that
    does not break; False when its last run of text is too short for that."""
    from xml.etree import ElementTree

    found = _last_run(element)
    if found is None:
        return False
    parent, owner, where = found
    text = getattr(owner, where)
    seen, cut = 0, None
    for index in range(len(text) - 1, -1, -1):
        seen += counts(text[index])
        if seen == count:
            cut = index
            break
    if cut is None or not text[:cut].strip():
        return False
    span = ElementTree.Element("span", {"style": "white-space:nowrap"})
    span.text = text[cut:]
    setattr(owner, where, text[:cut])
    if where == "text":
        owner.insert(0, span)  # the text before the owner's first child, if any
    else:
        parent.insert(list(parent).index(owner) + 1, span)
    return True


def _last_run(node, parent=None):
    """(parent, node, "text" or "tail") of the last non-blank text inside `node`, in reading order."""
    for child in reversed(node):
        if child.tail and child.tail.strip():
            return node, child, "tail"
        if (found := _last_run(child, node)) is not None:
            return found
    if node.text and node.text.strip():
        return parent, node, "text"
    return None


def mending_spacing(paragraph: Paragraph, tried: list[float]) -> float | None:
    """The letter-spacing (ems) that should move a short last line up, else spread the paragraph
    so more characters reach it, the smaller first; None when none is left to try."""
    lines, size, width = len(paragraph.lines), paragraph.font_size, paragraph.line_width
    if not paragraph.characters or not size:
        return None
    previous = tried[-1] if tried else 0.0
    natural = paragraph.natural - previous * size * paragraph.characters
    # Pulled up: everything on one line fewer, allowing half a character lost at each break.
    room = (lines - 1) * (width - 0.5 * size)
    tighter = math.floor((room - natural) / (size * paragraph.characters) * 200) / 200
    # Pushed down: at least SHORT + 1 characters (and a half) on the last line.
    loose = (lines - 1) * (width + 0.5 * size) + (SHORT + 1.5) * size
    looser = math.ceil((loose - natural) / (size * paragraph.characters) * 200) / 200
    for spacing in sorted((tighter, looser), key=abs):
        if spacing in tried and tried:
            spacing = tried[-1] + (-0.005 if tried[-1] < 0 else 0.005)
        if TIGHTEST <= spacing <= LOOSEST and spacing != 0 and spacing not in tried:
            return spacing
    return None


def _set_spacing(element, spacing: float) -> None:
    style = (element.get("style") or "").rstrip().rstrip(";")
    base = ";".join(part for part in style.split(";") if not part.strip().startswith("letter-spacing"))
    element.set("style", (base + ";" if base else "") + f"letter-spacing:{spacing:.3f}em")
