"""Python-Markdown's inline passes, made faster with the same output: the main pass skips the
patterns a text cannot match, and smarty's pass (quotes, dashes, ellipses) searches each text
directly instead of going through the inline machinery. Tests compare both with the stock passes."""

from __future__ import annotations

import bisect
import itertools
import re
try:  # where Python keeps its regex parser (3.11+), for _anchor
    import re._constants as sre_constants
    import re._parser as sre_parser
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse as sre_parser
import xml.etree.ElementTree as etree
from typing import Any, Callable

import markdown
from markdown import util
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.extensions.smarty import SubstituteTextPattern
from markdown.treeprocessors import InlineProcessor, Treeprocessor


class _FastInline(InlineProcessor):
    """Python-Markdown's inline pass, unchanged except that the patterns which cannot match a text
    are skipped before the costly bookkeeping of trying them. A pattern that matches nothing
    changes nothing, so the output is the same (tests compare the two on varied Markdown)."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # The patterns as registered now: an extension may register one after the renderer is made.
        registered = list(self.inlinePatterns)
        if registered != getattr(self, "_registered", None):
            self._registered = registered
            self._patterns = [_shortcut(p) for p in registered]
            # Which patterns a text may need, by the characters in it: most need one of a few.
            self._always = frozenset(i for i, (_, needs, _) in enumerate(self._patterns) if needs is None)
            self._by_char: dict[str, set[int]] = {}
            for i, (_, needs, _) in enumerate(self._patterns):
                for char in needs or ():
                    self._by_char.setdefault(char, set()).add(i)
            self._triggers = frozenset(self._by_char)
        return super().run(tree, ancestors)

    def _candidates(self, data: str) -> list[int]:
        """Indexes of the patterns that might match `data`, in order."""
        return sorted(self._always.union(*(self._by_char[c] for c in self._triggers.intersection(data))))

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        candidates, start = self._candidates(data), 0
        k = bisect.bisect_left(candidates, patternIndex)
        apply = self._InlineProcessor__applyPattern
        while k < len(candidates):
            index = candidates[k]
            pattern, _, search = self._patterns[index]
            if search is not None and search(data, start) is None:
                k, start = k + 1, 0  # what __applyPattern returns on no match
                continue
            data, matched, start = apply(pattern, data, index, start)
            if matched:  # the same pattern again, further on, as Python-Markdown does
                candidates = self._candidates(data)
                k = bisect.bisect_left(candidates, index)
                if k == len(candidates) or candidates[k] != index:
                    start = 0  # it can no longer match: the next one starts from the beginning
            else:
                k += 1
        return data


def _shortcut(pattern) -> tuple[Any, frozenset[str] | None, Callable | None]:
    """(pattern, characters one of which any match needs, or else its regex search, or else None).
    Most patterns need a character (`[`, `*`, `'`…) that most text lacks: a set lookup proves
    they cannot match at a fraction of the cost of running them."""
    if not isinstance(pattern, InlinePattern):
        return pattern, None, None  # old-style patterns match from the start of a slice: leave them
    regex = pattern.getCompiledRegExp()
    found = _anchor(regex, bounded=False)
    needs = frozenset(string[0] for string in found[0]) if found else None
    return pattern, needs, None if needs else regex.search


class _Typographer(Treeprocessor):
    """Smarty's pass, which is a second inline pass over every text of the page only to find a few
    quotes and dashes. This one does what that pass does with smarty's own patterns (all of them
    text substitutions), without its bookkeeping: each text that holds a character a pattern
    needs is searched with that pattern, from where its last match ended; a match is set aside
    behind a placeholder, as the inline pass sets it aside, so that the later patterns see what
    they would have seen there; then the placeholders give way to the replacements."""

    def __init__(self, md: markdown.Markdown, registry: util.Registry):
        super().__init__(md)
        self.inlinePatterns, self.registered, self.stock = registry, list(registry), None  # as smarty names it
        self._prepare(self.registered)

    def _prepare(self, patterns: list) -> None:
        self.patterns = [(p.compiled_re, p.replace, _anchor(p.compiled_re)) for p in patterns]
        anchors = [anchor for _, _, anchor in self.patterns]
        # A text is looked at only if it holds what some pattern needs: one regex finds out.
        if None in anchors:
            self.may_match: Callable[[str], Any] = lambda text: True
        else:
            strings = sorted(frozenset().union(*(a[0] for a in anchors)))
            self.may_match = re.compile("|".join(map(re.escape, strings))).search if strings else lambda text: False

    def run(self, root: etree.Element) -> None:
        registered = list(self.inlinePatterns)
        if registered != self.registered:  # smarty's patterns changed after the renderer was made
            self.registered = registered
            if all(isinstance(p, SubstituteTextPattern) for p in registered):
                self.stock = None
                self._prepare(registered)
            else:  # not text substitutions only: smarty's own kind of pass does it
                self.stock = _FastInline(self.md)
                self.stock.inlinePatterns = self.inlinePatterns
        if self.stock is not None:
            return self.stock.run(root)
        self.count = 0  # the placeholders' numbers, as the inline pass numbers its stashed nodes
        may_match = self.may_match
        for el in root.iter():
            if el is root:
                continue  # the inline pass reads the texts of the root's descendants only
            text, tail = el.text, el.tail
            if text and may_match(text) and not isinstance(text, util.AtomicString):
                el.text = self._educate(text)
            if tail and may_match(tail) and not isinstance(tail, util.AtomicString):
                el.tail = self._educate(tail)

    def _educate(self, text: str) -> str:
        replaced: list[tuple[str, str]] = []
        for regex, replace, anchor in self.patterns:
            if anchor is not None and not any(string in text for string in anchor[0]):
                continue
            match = _search(regex, text, 0, anchor)
            while match:
                placeholder = util.INLINE_PLACEHOLDER % ("%04d" % self.count)
                self.count += 1
                replaced.append((placeholder, "".join(
                    match.group(part) if isinstance(part, int) else self.md.htmlStash.store(part)
                    for part in replace)))
                text = text[:match.start()] + placeholder + text[match.end():]
                match = _search(regex, text, match.start() + len(placeholder), anchor)
        for placeholder, replacement in reversed(replaced):  # a replacement holds no placeholder
            text = text.replace(placeholder, replacement, 1)
        return text


Anchor = tuple[tuple[str, ...], int]
"""(strings one of which every match of a regex holds, how far from the match's start it can begin)."""


def _search(regex: re.Pattern, text: str, pos: int, anchor: Anchor | None) -> re.Match | None:
    """regex.search(text, pos), trying only the starts within reach of an anchor string. Smarty's
    patterns mostly begin with a lookbehind, which Python's regex engine tries at every position of
    a long paragraph; the quotes and dashes they look for are few."""
    if anchor is None:
        return regex.search(text, pos)
    strings, lead = anchor
    untried = pos
    while True:
        at = min((i for i in (text.find(string, untried) for string in strings) if i != -1), default=-1)
        if at == -1:
            return None
        for start in range(max(untried, at - lead), at + 1):
            match = regex.match(text, start)
            if match:
                return match
        untried = at + 1


def _anchor(regex: re.Pattern, bounded: bool = True) -> Anchor | None:
    """The regex's Anchor, found by parsing it; None where it has none, or (if `bounded`) where
    nothing bounds how far into a match it lies."""
    if regex.flags & re.IGNORECASE:
        return None
    try:
        parsed = sre_parser.parse(regex.pattern, regex.flags)
    except Exception:  # an internal module: if it changes, do without the shortcut
        return None
    found = _anchor_in(parsed.state, list(parsed), bounded)
    return (tuple(sorted(found[0])), found[1]) if found else None


def _anchor_in(state: Any, sequence: list, bounded: bool) -> tuple[frozenset[str], int] | None:
    lead = 0
    for i, (op, arg) in enumerate(sequence):
        found = None
        if op is sre_constants.LITERAL:  # with the literals after it
            run = "".join(chr(a) for _, a in itertools.takewhile(lambda item: item[0] is sre_constants.LITERAL,
                                                                    sequence[i:]))
            found = frozenset([run]), 0
        elif op is sre_constants.IN and all(o is sre_constants.LITERAL for o, _ in arg):
            found = frozenset(chr(a) for _, a in arg), 0
        elif op is sre_constants.SUBPATTERN and not arg[1] & re.IGNORECASE:  # (?i:…) matches other cases
            found = _anchor_in(state, list(arg[-1]), bounded)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and arg[0] >= 1:
            inner = list(arg[2])
            if len(inner) == 1 and inner[0][0] is sre_constants.LITERAL:  # x{3}: "xxx"
                found = frozenset([chr(inner[0][1]) * arg[0]]), 0
            else:
                found = _anchor_in(state, inner, bounded)
        elif op is sre_constants.BRANCH:
            options = [_anchor_in(state, list(branch), bounded) for branch in arg[1]]
            if all(options):
                found = frozenset().union(*(o[0] for o in options)), max(o[1] for o in options)
        if found:
            return found[0], lead + found[1]
        if bounded:
            width = sre_parser.SubPattern(state, [(op, arg)]).getwidth()[1]
            if width >= sre_constants.MAXREPEAT:
                return None  # no bound on how far into a match the anchor lies
            lead += width
    return None


def install_fast_inline(md: markdown.Markdown) -> None:
    """Swap the stock inline passes ('inline', and smarty's) for the faster ones above, where this
    Python-Markdown has what they rely on; otherwise keep the stock ones."""
    if not hasattr(InlineProcessor, "_InlineProcessor__applyPattern"):
        return
    if "inline" in md.treeprocessors:  # priorities as Python-Markdown registers them
        md.treeprocessors.register(_fast_inline(md, "inline"), "inline", 20)
    if "smarty" in md.treeprocessors:
        registry = md.treeprocessors["smarty"].inlinePatterns
        fast = _Typographer(md, registry) if all(isinstance(p, SubstituteTextPattern) for p in registry) \
            else _fast_inline(md, "smarty")
        md.treeprocessors.register(fast, "smarty", 6)


def _fast_inline(md: markdown.Markdown, name: str) -> _FastInline:
    fast = _FastInline(md)
    fast.inlinePatterns = md.treeprocessors[name].inlinePatterns
    return fast
