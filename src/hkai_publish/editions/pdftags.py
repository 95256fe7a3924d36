"""The PDF's structure tree, finished after WeasyPrint wrote it (with pikepdf, on the bytes):

- Page furniture as artifacts. WeasyPrint tags the text of @page margin boxes (folios, running
  heads) as /Span marked content whose structure elements it leaves out of the tree, so a screen
  reader meets orphans; here their marked content becomes /Artifact and the orphans go.
- Languages. WeasyPrint gives only the document a /Lang; a chapter shown in another language (a
  missing translation) gets its own /Lang on its structure elements here.

Working on the written file keeps this independent of WeasyPrint's drawing code; the tests in
tests/editions/test_pdftags.py read the result back, so a WeasyPrint that tags differently fails
them rather than passing silently.
"""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finished:
    data: bytes
    artifacts: int
    """Marked-content sequences turned into artifacts."""
    languages: int
    """Structure elements given a /Lang of their own."""
    unmatched: bool
    """Whether some page's top-level elements did not match the laid-out boxes (no /Lang set there)."""


def top_level_languages(document, default: str) -> list[list[str | None]]:
    """Per page, the language of each element WeasyPrint puts at the top of the structure tree
    (the children of <body>, in order): its `lang` where it differs from `default`, else None."""
    pages = []
    for page in document.pages:
        found = []
        for html in page._page_box.children:
            for body in getattr(html, "children", ()):
                for box in getattr(body, "children", ()):
                    element = getattr(box, "element", None)
                    if element is None:
                        continue  # an anonymous box (text between elements): no structure element
                    lang = element.get("lang")
                    found.append(lang if lang and lang != default else None)
        pages.append(found)
    return pages


def finish(data: bytes, languages: list[list[str | None]]) -> Finished:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return Finished(data, 0, 0, False)
    reachable: set[tuple[int, int]] = set()
    _reach(root.K, reachable)
    artifacts = _artifacts(pdf, root, reachable)
    languages_set, unmatched = _languages(pdf, root, languages)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return Finished(out.getvalue(), artifacts, languages_set, unmatched)


def _reach(node, seen: set) -> None:
    import pikepdf

    if isinstance(node, pikepdf.Array):
        for kid in node:
            _reach(kid, seen)
    elif isinstance(node, pikepdf.Dictionary) and node.get("/Type") != "/OBJR" and "/MCID" not in node:
        if node.is_indirect:
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        if "/K" in node:
            _reach(node.K, seen)


def _artifacts(pdf, root, reachable: set) -> int:
    """Turn the marked content of structure elements outside the tree into artifacts."""
    import pikepdf

    nums = root.ParentTree.Nums
    converted = 0
    for position in range(0, len(nums), 2):
        key, refs = int(nums[position]), nums[position + 1]
        if not isinstance(refs, pikepdf.Array) or key >= len(pdf.pages):
            continue  # an annotation's entry
        orphans = {mcid for mcid, ref in enumerate(refs)
                   if isinstance(ref, pikepdf.Dictionary) and ref.objgen not in reachable}
        if not orphans:
            continue
        page = pdf.pages[key]
        instructions = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if (str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary)
                    and int(operands[1].get("/MCID", -1)) in orphans):
                instructions.append(pikepdf.ContentStreamInstruction([pikepdf.Name.Artifact], pikepdf.Operator("BMC")))
                converted += 1
            else:
                instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
        for mcid in orphans:
            refs[mcid] = None
    return converted


def _languages(pdf, root, languages: list[list[str | None]]) -> tuple[int, bool]:
    """/Lang on the top-level structure elements (and so on all inside them) whose box had a lang."""
    import pikepdf

    document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    by_page: dict[int, list] = {}
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    for kid in document.K:
        if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid:
            by_page.setdefault(pages.get(kid.Pg.objgen, -1), []).append(kid)
    count, unmatched = 0, False
    for number, langs in enumerate(languages):
        elements = by_page.get(number, [])
        if not any(langs):
            continue
        if len(elements) != len(langs):
            unmatched = True
            continue
        for element, lang in zip(elements, langs):
            if lang:
                element.Lang = pikepdf.String(lang)
                count += 1
    return count, unmatched
