"""One canonical Locale per language; every other spelling of it is derived here."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

import babel

if TYPE_CHECKING:
    from hkai_publish.machinery.memo import Memo

_SCRIPT_NAMES = {("zh", "Hant"): "繁體中文", ("zh", "Hans"): "简体中文"}

# Font stacks: the HK CJK faces give Hong Kong glyph forms; Latin runs use the Latin face first.
# Readers' systems without Noto fall back to their own HK faces.
_SANS_CJK = {"Hant": '"Noto Sans CJK HK", "Source Han Sans HK", "PingFang HK", "Microsoft JhengHei"',
             "Hans": '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"'}
_SERIF_CJK = {"Hant": '"Noto Serif CJK HK", "Source Han Serif HK"', "Hans": '"Noto Serif CJK SC", "Source Han Serif SC"'}


@dataclass(frozen=True, slots=True)
class Locale:
    """One language of the publication, from its BCP 47 tag (`en-HK`, `zh-Hant-HK`)."""

    tag: str
    """Canonical BCP 47 tag: the `<html lang>` and hreflang value."""
    folder: str
    """Content folder and URL segment: `en`, `zh-hant`."""
    babel_id: str
    """Babel/gettext identifier and catalogue folder: `en_HK`, `zh_Hant_HK`."""
    is_cjk: bool
    sans: str
    """CSS font-family stack for body text."""
    serif: str
    """CSS font-family stack for display text and print."""

    @property
    def name(self) -> str:
        """The language's name in itself: "English", "繁體中文"."""
        return language_name(self.babel_id, self.babel_id)

    @property
    def edition_name(self) -> str:
        """The language alone, as an edition is named in it: "English", "中文" (中文版, not 繁體中文版)."""
        return language_name(self.babel_id.split("_")[0], self.babel_id.split("_")[0])

    def name_in(self, other: Locale) -> str:
        """The language's name in `other`'s language: "英文" for English in Chinese."""
        return language_name(self.babel_id, other.babel_id)

    def format_date(self, value: dt.date, format: str = "long") -> str:
        return _format_date(value, format, self.babel_id)


_memo: Memo | None = None
"""The build cache, while a build runs (see cldr_kept_in)."""
_known: dict[tuple, str] = {}
"""The answers of this process's builds, by function and arguments (see _from_cldr)."""


@contextlib.contextmanager
def cldr_kept_in(memo: Memo | None) -> Iterator[None]:
    """While in this block, answers from Babel's locale data are also kept in `memo` (the build
    cache) for later builds."""
    global _memo
    previous, _memo = _memo, memo
    try:
        yield
    finally:
        _memo = previous


def _from_cldr(function: Callable[..., str]) -> Callable[..., str]:
    """`function`, whose answer Babel looks up in its locale data (CLDR), remembered in this process
    and, during a build, in the build cache (see cldr_kept_in): loading one language's data cost a
    rebuild after a one-page edit about 8 ms, for answers that change only with Babel's version,
    which the cache's keys include. Thousands of pages share a few dates."""

    @functools.wraps(function)
    def answer(*args) -> str:
        key = (function.__name__, *args)
        found = _known.get(key)
        if found is None:
            found = _memo.lookup("cldr", key) if _memo is not None else None
            _known[key] = found = function(*args) if found is None else found
        if _memo is not None:
            _memo.store("cldr", key, found)  # the cache keeps what each build used
        return found

    return answer


@_from_cldr
def _format_date(value: dt.date, format: str, babel_id: str) -> str:
    from babel.dates import format_date  # here: see _from_cldr

    return format_date(value, format, locale=babel_id)


@_from_cldr
def language_name(babel_id: str, in_babel_id: str) -> str:
    """The name of the language `babel_id` in the language `in_babel_id`; in itself, capitalised."""
    loc = babel.Locale.parse(babel_id)
    if babel_id != in_babel_id:
        return loc.get_language_name(in_babel_id) or language_name(babel_id, babel_id)
    # Babel names a script in parentheses ("中文 (繁體)"); readers know these editions by one word.
    name = _SCRIPT_NAMES.get((loc.language, loc.script)) or loc.get_language_name(loc) or babel_id.replace("_", "-")
    return name[:1].upper() + name[1:]


@functools.lru_cache(maxsize=64)
def parse_locale(tag: str) -> Locale:
    """The Locale for a BCP 47 tag; raises ValueError for a tag Babel does not know. Cached:
    Config derives its locales on every access, thousands of times in a large build."""
    try:
        loc = babel.Locale.parse(tag, sep="-")
    except (ValueError, babel.UnknownLocaleError) as exc:
        raise ValueError(f"unknown language {tag!r}") from exc
    if loc.script is None and loc.language == "zh":
        # Bare `zh` means Simplified to gettext; a Chinese edition must name its script.
        raise ValueError(f"language {tag!r} must name its script (zh-Hant-HK or zh-Hans-CN)")
    parts = [loc.language] + ([loc.script] if loc.script else []) + ([loc.territory] if loc.territory else [])
    canonical = "-".join(parts)
    folder = "-".join([loc.language] + ([loc.script] if loc.script else [])).lower()
    is_cjk = loc.language in {"zh", "ja", "ko"}
    script = loc.script or "Hant"
    latin_sans = '"Noto Sans", "Source Sans 3", "Helvetica Neue", Arial'
    latin_serif = '"Noto Serif", Georgia, "Times New Roman"'
    # Every edition ends with CJK faces: Chinese quoted in the English one (a name, the brochure's
    # Chinese title) gets Hong Kong forms too, not whatever the system falls back to (often Japanese).
    sans = f"{latin_sans}, {_SANS_CJK.get(script, _SANS_CJK['Hant'])}, sans-serif"
    serif = f"{latin_serif}, {_SERIF_CJK.get(script, _SERIF_CJK['Hant'])}, serif"
    return Locale(canonical, folder, str(loc), is_cjk, sans, serif)
