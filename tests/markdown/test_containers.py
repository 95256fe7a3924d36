"""Containers, admonitions, tabs, MDX and fenced code as the renderer draws them, read back with lxml."""

from __future__ import annotations

import textwrap
import types
from pathlib import Path

import pytest
from lxml import html

from hkai_publish.markdown.containers import components_of, opening
from hkai_publish.markdown.highlight import parse_info, stylesheet
from hkai_publish.markdown.mdx import unknown_components
from hkai_publish.markdown.renderer import MarkdownRenderer

ZH_LABELS = {"Note": "注意", "Tip": "提示", "Info": "資料", "Warning": "警告", "Danger": "危險", "Key facts": "重點數據"}


def render(markdown: str, raw: bool = False, labels: dict | None = None) -> html.HtmlElement:
    body = MarkdownRenderer(allow_raw_html=raw, labels=labels).render(
        types.SimpleNamespace(body=textwrap.dedent(markdown), path=Path("page.md"), body_line=1)).html
    return html.fragment_fromstring(body, create_parent="div")


def callouts(root) -> list[tuple[str, str, str]]:
    """(class, aria-label, visible title) of each callout."""
    return [(c.get("class"), c.get("aria-label"), c.find("p").text_content())
            for c in root.xpath('//*[@role="note"]')]


def test_containers_render_as_labelled_notes_with_markdown_inside():
    root = render("""\
        :::note
        A [link](other.md), **bold** and a list:

        - one
        - two

        ```bash
        # a shell comment
        npm install
        ```
        :::

        :::warning[Back up *first*]
        Text.
        :::

        ::: tip Faster
        Text.
        :::
        """)
    assert callouts(root) == [("callout callout-note", "Note", "Note"),
                              ("callout callout-warning", "Warning", "Back up first"),
                              ("callout callout-tip", "Tip", "Faster")]
    note = root.xpath('//*[@role="note"]')[0]
    assert note.xpath(".//a/@href") == ["other.md"] and len(note.xpath(".//li")) == 2
    assert note.xpath('.//pre//span[@class="c1"]/text()') == ["# a shell comment"]
    assert root.xpath("//em/text()") == ["first"]
    assert not root.xpath("//h1") and ":::" not in root.text_content()


def test_default_titles_come_from_the_catalogue():
    root = render(":::note\nA.\n:::\n\n:::danger\nB.\n:::\n\n!!! info\n    C.\n", labels=ZH_LABELS)
    assert [(label, title) for _, label, title in callouts(root)] == [("注意", "注意"), ("危險", "危險"), ("資料", "資料")]


def test_nesting_with_more_colons_and_with_as_many():
    root = render("""\
        ::::info Outer
        Before.

        :::tip
        Inner.
        :::

        After.
        ::::

        :::note
        :::warning
        Deep.
        :::
        Still in the note.
        :::

        Outside.
        """)
    outer, inner, note, deep = root.xpath('//*[@role="note"]')
    assert inner.getparent() is outer and [p.text for p in outer.findall("p")] == ["Outer", "Before.", "After."]
    assert deep.getparent() is note and note.findall("p")[-1].text == "Still in the note."
    assert root.findall("p")[-1].text == "Outside."


def test_python_markdown_admonitions_are_callouts_too():
    root = render('!!! warning "Keep it secret"\n    Never commit a key.\n\n    Second paragraph.\n\nAfter.\n')
    assert callouts(root) == [("callout callout-warning", "Warning", "Keep it secret")]
    assert len(root.xpath('//*[@role="note"]/p')) == 3 and root.findall("p")[-1].text == "After."


@pytest.mark.parametrize("line, name, title", [
    (":::note", "note", ""), ("::: tip Faster installs", "tip", "Faster installs"),
    (":::info[Archive Notice]", "info", "Archive Notice"), (r":::info\[Prometheus\]", "info", "Prometheus"),
    (":::note[Prometheus 硬體需求］", "note", "Prometheus 硬體需求"), ("::::warning", "warning", ""),
])
def test_openings_as_docusaurus_and_vitepress_write_them(line, name, title):
    found = opening(line)
    assert (found.name, found.title) == (name, title)


def test_editorial_components():
    root = render("""\
        :::keyfacts The year in figures
        - **1.2 million** accounts
        - **35%** more transactions
        :::

        :::pullquote
        Payments should be easy.
        — Chair of the Foundation
        :::

        :::figure
        ![The harbour](harbour.svg)

        Victoria Harbour at dusk.

        credit: Photo: the design team
        :::
        """)
    keyfacts = root.find("section")
    assert keyfacts.get("class") == "keyfacts" and keyfacts.get("aria-label") == "The year in figures"
    assert [s.text for s in keyfacts.xpath(".//li/strong")] == ["1.2 million", "35%"]
    quote, figure = root.findall("figure")
    assert quote.xpath("blockquote/p/text()") == ["Payments should be easy."]
    assert quote.findtext("figcaption") == "Chair of the Foundation"
    assert figure[0].tag == "img" and figure[0].get("alt") == "The harbour"
    assert figure.xpath('figcaption/p[@class="figure-caption"]/text()') == ["Victoria Harbour at dusk."]
    assert figure.xpath('figcaption/p[@class="figure-credit"]/text()') == ["Photo: the design team"]


def test_tabs_from_mdx_are_radio_buttons_with_labels_and_panels():
    root = render("""\
        import Tabs from '@theme/Tabs';
        import TabItem from '@theme/TabItem';

        <Tabs groupId="net">
          <TabItem value="main" label="Mainnet">
            ```js
            // main
            ```
            Use **this**.
          </TabItem>
          <TabItem value="test" label="Testnet" default>Inline content.</TabItem>
        </Tabs>
        """)
    tabs = root.find('.//div[@class="tabs"]')
    inputs, labels = tabs.findall("input"), tabs.findall("label")
    assert [i.get("type") for i in inputs] == ["radio", "radio"] and len({i.get("name") for i in inputs}) == 1
    assert [label.text for label in labels] == ["Mainnet", "Testnet"]
    assert [label.get("for") for label in labels] == [i.get("id") for i in inputs]
    assert [i.get("checked") is not None for i in inputs] == [False, True]  # `default`
    panels = tabs.xpath('div[@class="tab-panel"]')
    assert panels[0].xpath('.//span[@class="c1"]/text()') == ["// main"] and panels[0].find("p/strong").text == "this"
    assert panels[1].findtext("p") == "Inline content."
    assert "import" not in root.text_content() and "<" not in root.text_content()


def test_vitepress_code_group_is_tabs_labelled_by_the_titles():
    root = render("::: code-group\n```ts [config.ts]\nexport default {}\n```\n```json [config.json]\n{}\n```\n:::\n")
    assert [label.text for label in root.iter("label")] == ["config.ts", "config.json"]


def test_unknown_components_are_dropped_and_their_markdown_kept():
    source = "<DocCardList />\n\n<Callout kind=\"x\">\n**Inside** it.\n</Callout>\n\n<CodeBlock language=\"bash\">\n# comment\necho\n</CodeBlock>\n"
    root = render(source)
    assert root.xpath("//strong/text()") == ["Inside"]
    assert not root.xpath("//h1") and root.xpath('//span[@class="c1"]/text()') == ["# comment"]
    assert "DocCardList" not in html.tostring(root, encoding="unicode")
    assert [(c.name, c.line) for c in unknown_components(source)] == [("DocCardList", 1), ("Callout", 3)]


def test_no_warning_for_tags_in_code():
    assert unknown_components("`<Foo />` and\n\n```tsx\n<Bar />\n```\n") == []


@pytest.mark.parametrize("info, language, title, lines, numbered", [
    ('js title="x.js" {1,3}', "js", "x.js", (1, 3), False),
    ("bash showLineNumbers", "bash", "", (), True),
    ("python txTypeLegacyTransaction.py focus=9:11", "python", "", (), False),
    ("ts [config.ts]", "ts", "config.ts", (), False),
    ("{.python}", "python", "", (), False),
    ("jsx title='Result' {2-4}", "jsx", "Result", (2, 3, 4), False),
])
def test_fence_info_strings(info, language, title, lines, numbered):
    found = parse_info(info)
    assert (found.language, found.title, found.lines, found.numbered) == (language, title, lines, numbered)


@pytest.mark.parametrize("info", ['js title="x.js" {1,3}', "bash showLineNumbers", "zsh output", "mdx-code-block",
                                  "python txTypeLegacyTransaction.py focus=9:11", "no-such-language"])
def test_a_fence_never_becomes_markdown(info):
    root = render(f"```{info}\n# not a heading\n- not a list\n```\n")
    assert not root.xpath("//h1|//ul") and "# not a heading" in root.find('.//pre').text_content()
    assert root.find(".//pre").get("tabindex") == "0"  # focusable: a keyboard can scroll it


def test_highlighted_lines_line_numbers_and_title():
    root = render('```js title="send.js" {2} showLineNumbers\nconst a = 1;\nconst b = 2;\n```\n')
    assert root.findtext('.//p[@class="code-title"]') == "send.js"
    assert [s.text_content() for s in root.xpath('//span[@class="hll"]')] == ["2const b = 2;\n"]
    assert root.xpath('//span[@class="linenos"]/text()') == ["1", "2"]


def test_fences_inside_list_items_stay_in_the_item():
    root = render("1. Install:\n   ```bash\n   # comment\n   npm i\n   ```\n2. Check.\n")
    items = root.findall(".//li")
    assert len(items) == 2 and items[0].find('.//pre') is not None and not root.xpath("//h1")


def test_stylesheet_from_pygments():
    css = stylesheet()
    assert ".highlight .c1" in css and ".highlight .hll" in css and "xcode" in css


def test_components_in_order_for_parity():
    body = ":::note\nA\n:::\n\n```md\n:::tip\n```\n\n!!! warning\n    B\n\n<Tabs>\n<TabItem label=\"x\">\nC\n</TabItem>\n</Tabs>\n"
    assert [(c.kind, c.line) for c in components_of(body)] == [("note", 1), ("warning", 9), ("tabs", 12), ("tab", 13)]
