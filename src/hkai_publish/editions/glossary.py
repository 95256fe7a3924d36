"""The glossary each edition prints where a page says `[GLOSSARY]`: the termbase's concepts in
the order of the original's terms, each with its term in the edition's language, its terms in
the other languages and its definition."""

from __future__ import annotations

from typing import Mapping

from hkai_publish.markdown.glossary import Cell, Glossary
from hkai_publish.sources.config import Config
from hkai_publish.sources.locales import Locale
from hkai_publish.translation.catalogs import LoadedCatalog
from hkai_publish.translation.terms import Concept, Termbase


def make_glossaries(config: Config, termbase: Termbase, catalogs: Mapping[str, LoadedCatalog]) -> dict[str, Glossary]:
    """Locale tag -> the glossary its edition prints."""
    source = config.default_locale.tag
    concepts = sorted(termbase.concepts, key=lambda c: c.name(source).casefold())
    return {locale.tag: _glossary(config, locale, concepts, catalogs[locale.tag]) for locale in config.locales}


def _glossary(config: Config, locale: Locale, concepts: list[Concept], catalog: LoadedCatalog) -> Glossary:
    gettext = catalog.translations.gettext
    others = [other for other in config.locales if other != locale]
    headers = (Cell(gettext("Term")), *(Cell(other.name_in(locale)) for other in others), Cell(gettext("Definition")))
    rows = []
    for concept in concepts:
        if not concept.allowed(locale.tag) and not concept.allowed(config.default_locale.tag):
            continue
        term = _term_cell(concept, locale, locale) if concept.allowed(locale.tag) \
            else _term_cell(concept, config.default_locale, locale)
        definition = concept.definition(locale.tag)
        lang = ""
        if not definition:  # the original's, marked as in its language
            definition, lang = concept.definition(config.default_locale.tag), config.default_locale.tag
        rows.append((term, *(_term_cell(concept, other, locale) for other in others), Cell(definition, lang if definition else "")))
    return Glossary(headers, tuple(rows))


def _term_cell(concept: Concept, language: Locale, page: Locale) -> Cell:
    """The preferred term with its short forms: `Hong Kong Applied Science and Technology
    Research Institute (ASTRI)`, `香港應用科技研究院（應科院）`."""
    preferred = concept.preferred(language.tag)
    if preferred is None:
        return Cell("")
    shorts = [t.text for t in concept.short_forms(language.tag) if t is not preferred]
    open_, close, comma = ("（", "）", "、") if language.is_cjk else (" (", ")", ", ")
    text = preferred.text + (f"{open_}{comma.join(shorts)}{close}" if shorts else "")
    return Cell(text, language.tag if language != page else "")
