"""UI string catalogues: extract the template, create and update each language's PO file, check and
compile them, count what is translated. Built on Babel's Python API; only these commands write
catalogues."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

import hkai_publish
from hkai_publish.translation.catalogs import DOMAIN, po_path, read_catalog, unsafe_translation
from hkai_publish.sources.config import Config, line_of_setting
from hkai_publish.errors import CatalogError, ConfigError, Problem
from hkai_publish.machinery.files import read_text, source_date, write_if_changed
from hkai_publish.sources.locales import Locale, parse_locale

log = logging.getLogger(__name__)

COMMENT_TAGS = ("Translators:",)
# What `babel.cfg` says when a publication has none; `trimmed` must match the site's Jinja policy.
DEFAULT_MAPPING = "[jinja2: templates/**.html]\nextensions = jinja2.ext.i18n\ntrimmed = true\n"
# Reader-facing settings in [tool.hkai-publish]: each edition shows them through its catalogue.
CONFIG_STRINGS = ("title", "subtitle", "author", "description", "keywords", "publisher", "copyright", "license",
                  "disclaimer")
HEADER_COMMENT = ("# UI strings of {title}.\n"
                  "# Made by `hkai-publish i18n extract`: do not edit; translate the PO files.\n#")


@dataclass(frozen=True, slots=True)
class CatalogStats:
    """How much of the UI one language's catalogue translates, measured against a fresh extract."""

    locale: Locale
    path: Path | None
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    """Includes strings the PO does not have yet (run `i18n update`)."""

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def pot_path(config: Config) -> Path:
    return config.locales_dir / f"{DOMAIN}.pot"


def translated_locales(config: Config) -> tuple[Locale, ...]:
    """The languages that translate the default one: each has a PO file."""
    return tuple(loc for loc in config.locales if loc != config.default_locale)


def extract_messages(config: Config) -> Catalog:
    """Every UI string readers see: templates (through babel.cfg), this tool's Python code, and
    the reader-facing settings in pyproject.toml. Sorted, with stable locations."""
    catalog = Catalog(domain=DOMAIN, project=config.pdf_name, version="1",
                      header_comment=HEADER_COMMENT.format(title=config.title),
                      creation_date=source_date(), fuzzy=False)
    method_map, options_map = _mapping(config)
    sources = [(config.project_dir, method_map, options_map, ""),
               (Path(hkai_publish.__file__).parent, [("**.py", "python")], {}, "hkai_publish/")]
    if len(config.template_dirs) > 1:  # the theme's templates the project does not override
        jinja = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
        sources.append((config.template_dirs[1], [("**.html", "jinja2")], {"**.html": jinja}, "hkai_publish/theme/"))
    for folder, methods, options, prefix in sources:
        for filename, line, message, comments, context in extract_from_dir(
                folder, methods, options, comment_tags=COMMENT_TAGS):
            if prefix == "hkai_publish/theme/" and (config.templates_dir / filename).is_file():
                continue
            catalog.add(message, None, [(prefix + filename.replace("\\", "/"), line)],
                        auto_comments=comments, context=context)
    text = read_text(config.config_file, ConfigError) if config.config_file.is_file() else ""
    for key in CONFIG_STRINGS:
        value = getattr(config, key)
        for string in value if isinstance(value, tuple) else (value,):  # keywords are a list
            if string:
                catalog.add(string, None, [("pyproject.toml", line_of_setting(text, key) or 1)],
                            auto_comments=[f"The publication's {key}, from [tool.hkai-publish] in pyproject.toml."])
    return catalog


def _mapping(config: Config) -> tuple[list, dict]:
    path = config.project_dir / "babel.cfg"
    text = read_text(path, ConfigError) if path.is_file() else DEFAULT_MAPPING
    try:
        return parse_mapping_cfg(io.StringIO(text), str(path))
    except Exception as exc:  # configparser's errors have no common base worth naming
        raise ConfigError(f"cannot read the extraction mapping: {exc}", path, None) from None


def extract(config: Config) -> tuple[Path, bool, int]:
    """Write locales/messages.pot; (path, whether it changed, message count). Nothing changes when
    only the date would: the old creation date is kept for the comparison."""
    catalog = extract_messages(config)
    path = pot_path(config)
    if path.is_file():
        with path.open("rb") as handle:
            catalog.creation_date = read_po(handle).creation_date
        if serialize(catalog) != path.read_bytes():
            catalog.creation_date = source_date()
    changed = write_if_changed(path, serialize(catalog))
    return path, changed, len(catalog)


def serialize(catalog: Catalog) -> bytes:
    """A catalogue as PO text, sorted. No `#| msgid` previous strings: Babel cannot read them back,
    so they would churn (the fuzzy flag is the signal)."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True, width=76)
    return buffer.getvalue()


def read_template(config: Config) -> Catalog:
    path = pot_path(config)
    if not path.is_file():
        raise CatalogError("no template: run `hkai-publish i18n extract` first", path, None)
    with path.open("rb") as handle:
        return read_po(handle, domain=DOMAIN)


def init(config: Config, tag: str) -> Path:
    """Start a language's catalogue from the template: every string present, none translated."""
    try:
        locale = parse_locale(tag.replace("_", "-"))
    except ValueError as exc:
        raise CatalogError(str(exc), config.config_file, None) from None
    if locale == config.default_locale:
        raise CatalogError(f"{locale.tag} is the original language: it needs no catalogue",
                           config.config_file, line_of_setting(read_text(config.config_file), "default_language")
                           if config.config_file.is_file() else None)
    path = po_path(config, locale)
    if path.exists():
        raise CatalogError("catalogue already exists: use `hkai-publish i18n update`", path, None)
    if locale not in config.locales:
        log.warning("%s is not in [tool.hkai-publish] languages yet: add it to build its edition", locale.tag)
    template = read_template(config)
    catalog = Catalog(locale=locale.babel_id, domain=DOMAIN, project=template.project, version=template.version,
                      header_comment=template.header_comment, msgid_bugs_address=template.msgid_bugs_address,
                      creation_date=template.creation_date, revision_date=template.creation_date,
                      last_translator="hkai-publish", language_team=f"{locale.name} <{locale.tag}>", fuzzy=False)
    for m in template:
        if m.id:
            string = ("",) * catalog.num_plurals if m.pluralizable else ""
            catalog.add(m.id, string, list(m.locations), flags=m.flags, auto_comments=m.auto_comments,
                        user_comments=m.user_comments, context=m.context)
    write_if_changed(path, serialize(catalog))
    return path


@dataclass(frozen=True, slots=True)
class UpdateResult:
    path: Path
    changed: bool
    added: int
    fuzzy: int
    obsolete: int


def update(config: Config) -> list[UpdateResult]:
    """Merge the template into every language's PO: new strings added, changed ones marked fuzzy
    (with the previous msgid), removed ones kept as obsolete `#~` entries."""
    template = read_template(config)
    results = []
    for locale in translated_locales(config):
        path = po_path(config, locale)
        if not path.is_file():
            log.warning("%s has no catalogue: run `hkai-publish i18n init %s`", locale.tag, locale.tag)
            continue
        catalog = read_catalog(path, locale)
        for message in catalog:
            # Babel reads another tool's `#| msgid` (previous string) as a comment: drop it, stale.
            message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        before = {_key(m) for m in catalog if m.id}
        catalog.update(template, update_header_comment=False)
        added = sum(1 for m in catalog if m.id and _key(m) not in before)
        fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
        changed = write_if_changed(path, serialize(catalog))
        results.append(UpdateResult(path, changed, added, fuzzy, len(catalog.obsolete)))
    return results


def _key(message) -> tuple:
    return (message.id if isinstance(message.id, str) else message.id[0], message.context)


def check_catalog(path: Path, locale: Locale) -> tuple[Catalog, list[Problem]]:
    """A catalogue and what is wrong with it: unsafe or malformed translations are errors, fuzzy
    and untranslated strings warnings (the site shows the original for them)."""
    catalog = read_catalog(path, locale)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        label = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(Problem(path, message.lineno, "untranslated", f"no translation for {label!r}", "warning"))
        elif message.fuzzy:
            problems.append(Problem(path, message.lineno, "fuzzy",
                                    f"translation of {label!r} is marked fuzzy: review it and remove the flag",
                                    "warning"))
        elif problem := unsafe_translation(message.id, message.string):
            problems.append(Problem(path, message.lineno, "unsafe-translation", problem))
    for message, errors in catalog.check():
        if message.id and not message.fuzzy:
            for error in errors:
                problems.append(Problem(path, message.lineno, "gettext-check", str(error)))
    return catalog, problems


def compile_catalogs(config: Config) -> tuple[list[Path], list[Problem]]:
    """Check every language's PO and write its messages.mo beside it (git-ignored), for gettext
    tools; the build itself compiles in memory. A catalogue with errors gets no MO file."""
    written, problems = [], []
    for locale in translated_locales(config):
        path = po_path(config, locale)
        if not path.is_file():
            continue
        catalog, found = check_catalog(path, locale)
        problems.extend(found)
        if any(p.severity == "error" for p in found):
            continue
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        write_if_changed(path.with_suffix(".mo"), buffer.getvalue())
        written.append(path.with_suffix(".mo"))
    return written, problems


def catalog_stats(config: Config, template: Catalog | None = None) -> list[CatalogStats]:
    """Translated / fuzzy / untranslated UI strings per language, against what readers see now."""
    template = template or extract_messages(config)
    stats = []
    for locale in translated_locales(config):
        path = po_path(config, locale)
        catalog = read_catalog(path, locale) if path.is_file() else Catalog(locale=locale.babel_id)
        translated = fuzzy = 0
        for wanted in template:
            if not wanted.id:
                continue
            message = catalog.get(wanted.id, wanted.context)
            strings = () if message is None else (
                message.string if isinstance(message.string, tuple) else (message.string,))
            if strings and all(strings):
                fuzzy += message.fuzzy
                translated += not message.fuzzy
        total = sum(1 for m in template if m.id)
        stats.append(CatalogStats(locale, path if path.is_file() else None, total, translated, fuzzy,
                                  total - translated - fuzzy))
    return stats
