"""Reading HTML for the checks: a document's title, ids and links, and the attributes of a
page's body. lxml reads whole pages (thousands a build); bodies in the shape Python-Markdown
writes are read by regular expressions; anything else by html.parser, whose reading is the
reference the other two are tested against."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from html.parser import HTMLParser

from lxml import etree


class Html(HTMLParser):
    """What the checks need from one HTML document: its title, ids and URL-bearing attributes."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.title, self.ids, self.refs, self.attributes = None, Counter(), [], []
        self._in_title = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = tag == "title"
        if tag == "title":
            self.title = ""
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
            if name == "id" and value:
                self.ids[value] += 1
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, value))

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


# Markup as Python-Markdown writes it: text without "<", start tags with double-quoted attributes
# (the serializer escapes <, > and " in values), end tags; no comment, no element whose content
# html.parser reads as raw text. There, each "<" and a letter opens a tag, and a regex reads its
# attributes exactly as html.parser does, five times faster.
_PLAIN_ATTRIBUTES = r'(?: [a-zA-Z_:][-a-zA-Z0-9_:.]*="[^"<>]*")*'
# Possessive: where the markup is not plain, the match fails at once instead of trying every way
# of splitting the text between tags (exponentially many).
PLAIN_MARKUP = re.compile(rf"(?:[^<]++|<[a-zA-Z][a-zA-Z0-9]*+{_PLAIN_ATTRIBUTES}+ ?/?>|</[a-zA-Z][a-zA-Z0-9]*+>)*+")
_PLAIN_START = re.compile(rf"<([a-zA-Z][a-zA-Z0-9]*)({_PLAIN_ATTRIBUTES}) ?/?>")
_PLAIN_ATTRIBUTE = re.compile(r' ([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"<>]*)"')
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "iframe", "noembed", "noframes", "noscript", "xmp",
                      "plaintext", *HTMLParser.CDATA_CONTENT_ELEMENTS})


def markup_attributes(html: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of each attribute in `html`, as html.parser reads them (Html):
    plain markup (PLAIN_MARKUP) by regex, anything else by Html itself."""
    if PLAIN_MARKUP.fullmatch(html):
        tags = [(match.group(1).lower(), match.group(2)) for match in _PLAIN_START.finditer(html)]
        if RAW_TEXT.isdisjoint(tag for tag, _ in tags):
            return [(tag, name.lower(), unescape(value)) for tag, attributes in tags
                    for name, value in _PLAIN_ATTRIBUTE.findall(attributes)]
    return Html(html).attributes


_LXML = etree.HTMLParser()
_LXML_UTF8 = etree.HTMLParser(encoding="utf-8")
"""For UTF-8 bytes, whatever the page declares: lxml reads them in nine tenths of the time it
takes over the same text as a str."""
# Attribute values as plain strings: lxml's default "smart" strings, which know their element,
# take a third of the time of a query.
_TITLES = etree.XPath("//title")
_IDS = etree.XPath("//@id", smart_strings=False)
_REFS = etree.XPath("//@href | //@src", smart_strings=False)


def scan_html(text: str | bytes) -> tuple[str | None, dict[str, int], list[str]]:
    """(title, id -> count, href and src values) of an HTML document (bytes: UTF-8), as Html
    finds them, but with lxml's C parser: this runs over every page of the site, and Html took
    most of the checks' time."""
    if isinstance(text, bytes):
        try:
            text.decode("utf-8")  # a twentieth of the parse
        except UnicodeDecodeError:  # read as decoding with "replace" reads it (lxml's U+FFFD differ)
            text = text.decode("utf-8", "replace")
    try:
        root = etree.fromstring(text, _LXML_UTF8 if isinstance(text, bytes) else _LXML)
    except ValueError:  # an XML declaration with an encoding, in a str
        html = Html(text)
        return html.title, dict(html.ids), [value for _tag, value in html.refs]
    if root is None:
        return None, {}, []
    titles = _TITLES(root)
    return ((titles[-1].text or "") if titles else None, dict(Counter(value for value in _IDS(root) if value)),
            _REFS(root))
