"""Segmenting a page for the hand-off: numbering and the pieces `handoff import` rewrites, on
arbitrary pages built from the block kinds a page has (both computed in one pass over the page:
a page of thousands of blocks costs what its blocks cost)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hkai_publish.translation.segments import _pieces, rewrite_body, split_body, split_page

BLOCKS = st.sampled_from([
    "A paragraph.\n", "Two lines\nof one paragraph.\n", "# A heading\n", "## 第二節\n", "- item\n- item two\n",
    "1. first\n2. second\n", "> A quote\n> over two lines.\n", "```python\nx = 1\n```\n", "    code\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "---\n", "<div>raw</div>\n", ":::note Title\nInside.\n:::\n",
    "!!! tip \"T\"\n    Inside.\n", "Text.[^1]\n\n[^1]: The note.\n", "中文段落，\n第二行。\n", "\n", "  \n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(BLOCKS, max_size=25), st.sampled_from(["\n", "\n\n"]))
def test_body_segments_are_numbered_in_order_and_the_pieces_give_the_page_back(blocks, gap):
    body = gap.join(blocks)
    split = split_page({"title": "T", "summary": "S"}, body)
    numbered = [s.id for s in split.segments if s.id.isdigit()]
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)]
    assert [s.id for s in split.segments[:2]] == ["title", "summary"]
    assert sorted(p for p in split.skeleton if isinstance(p, int)) == list(range(1, len(numbered) + 1))
    body_split = split_body(body)
    assert "".join(written for _, written in _pieces(body, body_split)) == body


def test_a_long_page_is_numbered_to_its_last_block():
    body = "\n".join(f"Paragraph {n}.\n\n- item {n}\n" for n in range(3000))
    split = split_body(body)
    assert [s.id for s in split.segments][-1] == "6000" and len(split.segments) == 6000
    assert "".join(written for _, written in _pieces(body, split)) == body


def test_a_changed_container_title_or_tab_label_rewrites_only_itself():
    """Titles and tab labels are segments with their place in the page, like any block: before they
    had none, and `handoff import` wrote the page's start again in front of them."""
    body = ('A paragraph.\n\n:::note Title\nInside.\n:::\n\n<Tabs>\n<TabItem value="a" label="Alpha">\n\n'
            'Text\n\n</TabItem>\n</Tabs>\n\n!!! tip "Hint"\n    Indented.\n')
    split = split_body(body)
    assert [s.text for s in split.segments if s.kind == "label"] == ["Title", "Alpha", "Hint"]
    texts = {s.id: s.text for s in split.segments}
    for label, new in (("Title", "標題"), ("Alpha", "甲"), ("Hint", "提示")):
        changed = dict(texts) | {next(s.id for s in split.segments if s.text == label): new}
        assert rewrite_body(body, split, split.skeleton, changed) == body.replace(label, new, 1)
