"""The figures a text states, in English or Chinese, as values: so that parity can tell that
`HK$1.5 billion` and `15億港元`, or `2017` and `2017年`, say the same thing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator
from decimal import Decimal, InvalidOperation

# Full-width digits and signs as ASCII, one character for one, so offsets stay true.
_ASCII = str.maketrans("０１２３４５６７８９％", "0123456789%")
FULL_WIDTH = re.compile("[０-９％]")
# The lookahead, which the number implies, lets the search skip to digits (three times faster).
DIGITS = re.compile(r"(?=\d)(?<![\d.,])(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?")
# `1.5 billion`, `3 bn`, and glued to the digits as money is written: `$50B`, `HK$1.2M`, `10K`, `3bn`.
EN_SCALE = re.compile(r"[ \t-]*(thousand|million|billion|trillion|bn)\b|(K|k|M|B|Bn|BN)\b", re.I)
ZH_SCALE = re.compile(r"[ \t]*[多餘余]?([十百千萬万億亿兆]+)")
# A number glued to letters is part of a name (5G, H100, COVID-19), not a figure; an ordinal or a
# decade (21st, 1990s) is a figure.
GLUED_BEFORE = re.compile(r"[A-Za-z]-?$")
GLUED_AFTER = re.compile(r"(?!(?:st|nd|rd|th|s)\b)[A-Za-z]")

_ZH_DIGIT = dict(zip("〇零一二兩两三四五六七八九", (0, 0, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9)))
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8, "兆": 10**12}
ZH_NUMERAL = re.compile(f"[{''.join(_ZH_DIGIT)}{''.join(_ZH_UNIT)}{''.join(_ZH_BIG)}]+")

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth").split()
_MONTHS = ("january february march april may june july august september october november december").split()
EN_WORDS = {**{w: i for i, w in enumerate(_UNITS)}, **{w: 20 + 10 * i for i, w in enumerate(_TENS)},
            **{w: i + 1 for i, w in enumerate(_ORDINALS)}, **{w: i + 1 for i, w in enumerate(_MONTHS)},
            "a": 1, "an": 1, "dozen": 12, "hundred": 100, "thousand": 1000}
# The lookahead only says what the words start with: it spares trying every word at every word.
EN_NUMBER_WORD = re.compile(r"\b(?=[" + "".join(sorted({w[0] for w in EN_WORDS})) + r"])("
                            + "|".join(sorted(EN_WORDS, key=len, reverse=True)) +
                            r")(?:-(" + "|".join(_UNITS[1:10]) + r"))?\b", re.I)
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12, "bn": 10**9,
          "k": 10**3, "m": 10**6, "b": 10**9}


@dataclass(frozen=True, slots=True)
class Figure:
    """A number written in digits, with the scale that follows it."""

    value: Decimal
    written: str
    """As the text has it: `1.5 billion`, `15億`, `35%`."""
    offset: int


def stated_figures(text: str, chinese: bool) -> list[Figure]:
    """The figures a text writes in digits: each must appear in the other edition too."""
    return read_figures(text, chinese)[0]


def known_values(text: str, chinese: bool) -> set[Decimal]:
    """Every value the text states in any form (digits, with and without their scale, Chinese
    numerals, English number words and month names): what a figure may be matched against."""
    return read_figures(text, chinese)[1] | word_values(text, chinese)


def read_figures(text: str, chinese: bool) -> tuple[list[Figure], set[Decimal]]:
    """(stated_figures, the values of every number in digits, with and without its scale), from one
    reading of the text: known_values without word_values, which a figure often need not look at."""
    stated, values = [], set()
    for figure, glued, plain in _digit_figures(text, chinese):
        values.add(figure.value)
        values.add(plain)
        if not glued:
            stated.append(figure)
    return stated, values


def word_values(text: str, chinese: bool) -> set[Decimal]:
    """The values the text states in Chinese numerals, or in English number words and month names."""
    if chinese:
        return {_zh_value(run.group()) for run in ZH_NUMERAL.finditer(text)}
    values = set()
    for match in EN_NUMBER_WORD.finditer(text):
        # Matched without regard to case, Unicode's way: "sıx" (dotless ı) matches "six" too but
        # folds to no key; such lookalikes are not number words.
        tens, unit = EN_WORDS.get(match.group(1).casefold()), (match.group(2) or "").casefold()
        if tens is None or (unit and unit not in _UNITS):
            continue
        value = tens + (_UNITS.index(unit) if unit else 0)
        values.add(Decimal(value))
        scale = EN_SCALE.match(text, match.end())
        if scale and scale.group(1) and scale.group(1).casefold() in SCALES:
            values.add(Decimal(value) * SCALES[scale.group(1).casefold()])
    return values


def _digit_figures(text: str, chinese: bool) -> Iterator[tuple[Figure, bool, Decimal]]:
    """(figure, glued to a name, its value without the scale) of each number in digits."""
    # Most text has no full-width digits, and translate() is slow on Chinese text.
    ascii_text = text.translate(_ASCII) if FULL_WIDTH.search(text) else text
    for match in DIGITS.finditer(ascii_text):
        value = plain = _decimal(match.group())
        end = match.end()
        scale = (ZH_SCALE if chinese else EN_SCALE).match(ascii_text, end)
        if scale and not chinese and scale.group(2) and (scale.group(2).islower() and scale.group(2) != "k"):
            scale = None  # `5m` and `3b` are metres and bits, not millions and billions
        if scale:
            value *= _scale(scale.group(1) or scale.group(2), chinese)
            end = scale.end()
        if ascii_text[end:end + 1] == "%":
            end += 1
        glued = bool(GLUED_BEFORE.search(ascii_text[max(0, match.start() - 2):match.start()])
                     or (not scale and GLUED_AFTER.match(ascii_text, match.end())))
        yield Figure(value, text[match.start():end], match.start()), glued, plain


def _decimal(digits: str) -> Decimal:
    try:
        return Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return Decimal(0)


def _scale(word: str, chinese: bool) -> int:
    if not chinese:
        return SCALES.get(word.casefold(), 1)  # a lookalike ("bıllion") scales nothing
    product = 1
    for char in word:
        product *= _ZH_UNIT.get(char) or _ZH_BIG[char]
    return product


def _zh_value(run: str) -> Decimal:
    """The value of a run of Chinese numerals: 二〇一七 (digit by digit), 三十五, 一億五千萬, 三萬億."""
    if len(run) > 1 and all(char in _ZH_DIGIT for char in run):
        return Decimal("".join(str(_ZH_DIGIT[char]) for char in run))
    total = section = number = 0
    for char in run:
        if char in _ZH_DIGIT:
            number = _ZH_DIGIT[char]
        elif char in _ZH_UNIT:
            section += (number or 1) * _ZH_UNIT[char]
            number = 0
        elif section + number:
            total += (section + number) * _ZH_BIG[char]
            section = number = 0
        else:
            total = (total or 1) * _ZH_BIG[char]
    return Decimal(total + section + number)
