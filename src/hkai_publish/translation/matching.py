"""Finding terms in text. Chinese has no spaces between words, so terms are matched on
characters, the longest first at each place (演算法偏見 before the 算法偏見 inside it), across the
line breaks and blanked markup a Chinese source may have inside a word. English terms match in
any case and with a plural ending (`incubators`, `universities`), acronyms in capitals only,
and never inside another word. The text given is prose (markdown.prose): code and URLs are
already blanked, so nothing is found there."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Sequence

import ahocorasick

from hkai_publish.markdown.renderer import CJK_CHARS

_CJK = re.compile(f"[{CJK_CHARS}]")
_CJK_GAP = re.compile(rf"(?<=[{CJK_CHARS}])\s+(?=[{CJK_CHARS}])")
"""Spaces and line breaks between two CJK characters: a source's line wrapping, or markup blanked."""
_LATIN_SPACE = re.compile(r"[A-Za-z0-9]\s+[A-Za-z0-9]")
"""A space a CJK term keeps (`AI 晶片` has none to drop between 晶 and 片, but one after AI)."""


@dataclass(frozen=True, slots=True)
class Found:
    """One occurrence of a term."""

    start: int
    end: int
    """Offsets in the text searched."""
    written: str
    """The term as the text writes it (`Incubators`)."""
    payloads: tuple[Any, ...]
    """What was registered for the term (several where two entries share it)."""


class Finder:
    """A fixed set of terms, found in texts. Terms differing only in case (English) or equal
    share one entry. Every term's first word (a CJK term whole) is sought at once with an
    Aho-Corasick automaton (pyahocorasick), each place it finds is confirmed with the term's own
    pattern, and of the terms found at overlapping places the leftmost, then the longest, is kept:
    what one alternation of every term, longest first, would find, but without trying every term
    at every character (a hundred times slower on a thousand pages)."""

    def __init__(self, entries: Sequence[tuple[str, Any]]):
        by_key: dict[str, list] = {}
        for text, payload in entries:
            key = _key(text)
            if key:
                by_key.setdefault(key, [" ".join(text.split()), []])[1].append(payload)
        self._terms = [text for text, _ in by_key.values()]
        self._payloads = [tuple(payloads) for _, payloads in by_key.values()]
        self._exact = [_is_acronym(text) for text in self._terms]
        self._patterns = [re.compile(_pattern(text), re.IGNORECASE) for text in self._terms]
        self._automaton = None
        if self._terms:
            self._automaton = ahocorasick.Automaton()
            needles: dict[str, list[int]] = {}
            for index, text in enumerate(self._terms):
                needles.setdefault(_needle(text), []).append(index)
            for needle, indexes in needles.items():
                self._automaton.add_word(needle, (len(needle), tuple(indexes)))
            self._automaton.make_automaton()

    def __bool__(self) -> bool:
        return self._automaton is not None

    def find(self, text: str) -> list[Found]:
        """Every occurrence in `text`, left to right, none overlapping another."""
        if self._automaton is None:
            return []
        joined, shifts = _joined(text)
        lowered = joined.lower()
        if len(lowered) != len(joined):  # a character whose lower case is longer (İ): search as written
            lowered = joined
        hits = []
        for last, (length, indexes) in self._automaton.iter(lowered):
            start = last + 1 - length
            for index in indexes:
                match = self._patterns[index].match(joined, start)
                if match and self._fits(joined, start, match.end(), index, match.group()):
                    hits.append((start, -match.end(), index))
        found, done = [], 0
        for start, negative_end, index in sorted(hits):
            if start >= done:
                begin, end = _original(start, shifts), _original(-negative_end - 1, shifts) + 1
                found.append(Found(begin, end, text[begin:end], self._payloads[index]))
                done = -negative_end
        return found

    def _fits(self, text: str, start: int, end: int, index: int, written: str) -> bool:
        term = self._terms[index]
        if self._exact[index] and not written.startswith(term):
            return False  # an acronym is written in capitals: AI, not "ai"
        before, after = text[start - 1:start], text[end:end + 1]
        return not (_is_word(term[0]) and _is_word(before)) and not (_is_word(term[-1]) and _is_word(after))


def _key(text: str) -> str:
    text = " ".join(text.split())
    return text if _is_acronym(text) or _CJK.search(text) else text.casefold()


def _needle(term: str) -> str:
    """What the automaton seeks for a term, in lower case: a CJK term whole (as its pattern
    writes it), else its first word, a lone word without the -y that a plural drops."""
    if _CJK.search(term):
        return term.lower() if _LATIN_SPACE.search(term) else "".join(term.split()).lower()
    words = term.split()
    if len(words) == 1 and not _is_acronym(term) and re.search(r"[^aeiou]y$", term, re.I):
        return term[:-1].lower()
    return words[0].lower()


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and text.isascii()


def _is_word(char: str) -> bool:
    """A character that would make a Latin term part of a longer word (CJK characters do not)."""
    return bool(char) and char.isascii() and (char.isalnum() or char == "_")


def _pattern(term: str) -> str:
    """A term's regular expression: CJK as written, English words over any spacing, the last
    word in the singular or the plural."""
    if _CJK.search(term):
        return re.escape(term if _LATIN_SPACE.search(term) else "".join(term.split()))
    words = term.split()
    last = words[-1]
    if _is_acronym(last):
        ending = re.escape(last) + "s?"
    elif re.search(r"[^aeiou]y$", last, re.I):
        ending = re.escape(last[:-1]) + "(?:y|ies)"
    elif re.search(r"(?:s|x|z|ch|sh)$", last, re.I):
        ending = re.escape(last) + "(?:es)?"
    elif last[-1:].isalpha():
        ending = re.escape(last) + "s?"
    else:
        ending = re.escape(last)
    return r"\s+".join([re.escape(w) for w in words[:-1]] + [ending])


def _joined(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without spaces between CJK characters, and (offset in it, characters removed
    before) at each place something was removed."""
    if text.isascii() or not _CJK_GAP.search(text):
        return text, []
    pieces, shifts, removed, done = [], [], 0, 0
    for gap in _CJK_GAP.finditer(text):
        pieces.append(text[done:gap.start()])
        removed += gap.end() - gap.start()
        shifts.append((gap.start() - (removed - (gap.end() - gap.start())), removed))
        done = gap.end()
    pieces.append(text[done:])
    return "".join(pieces), shifts


def _original(offset: int, shifts: list[tuple[int, int]]) -> int:
    """The offset in the original text of a character of the joined one."""
    index = bisect.bisect_right(shifts, (offset, float("inf"))) - 1
    return offset + (shifts[index][1] if index >= 0 else 0)
