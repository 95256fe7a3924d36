"""The publication's configuration: `[tool.hkai-publish]` in its pyproject.toml."""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from hkai_publish.errors import ConfigError
from hkai_publish.machinery.files import read_text
from hkai_publish.sources.locales import Locale, parse_locale

SECTION = "tool.hkai-publish"


THEME = Path(__file__).resolve().parent.parent / "theme"
"""The default templates and assets (in this repository, a link to its templates/)."""

@dataclass(frozen=True, slots=True)
class Config:
    """Everything the build needs to know about one publication. Defaults let a bare folder build."""

    project_dir: Path
    title: str = "Untitled publication"
    """In the default language; other editions translate it through their catalogue."""
    subtitle: str = ""
    author: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    base_url: str = "http://localhost:8000/"
    """Absolute URL the site is published at; canonical, hreflang and sitemap URLs start with it."""
    default_language: str = "en-HK"
    languages: tuple[str, ...] = ("en-HK", "zh-Hant-HK")
    pdf_name: str = "publication"
    """File stem of the PDF editions: `<pdf_name>-<folder>.pdf`."""
    allow_raw_html: bool = False
    """Whether raw HTML in Markdown reaches the page; off means it is escaped as text."""
    allow_cjk_in_english: tuple[str, ...] = ()
    """Chinese phrases the English edition may contain unmarked (the lint warns about others)."""
    term_first_use: str = "page"
    """Where a short form (ASTRI, 應科院) must follow its full form: in the same "page", anywhere
    earlier in the "edition" (a brochure read in order), or "off"."""
    publisher: str = ""
    """Who publishes it: on the PDF's cover and imprint and in the site's footer; none when empty."""
    copyright: str = ""
    """The copyright line of the imprint, e.g. "© 2026 …"."""
    license: str = ""
    """The licence the publication is under, as the imprint states it."""
    contact: str = ""
    """An address or e-mail for readers, on the imprint."""
    disclaimer: str = ""
    """The imprint's disclaimer."""
    cover_image: str = ""
    """The PDF cover's artwork, relative to the project folder (in content/ or templates/assets/);
    empty: templates/assets/cover-harbour.svg."""
    chapters: str = "new-page"
    """`new-page`: each chapter of a PDF edition starts on a new page; `run-on`: it follows the last."""
    print_ready: bool = False
    """Also write `pdf/<name>-<folder>-print.pdf`: 3 mm bleed and crop marks for a print shop."""
    heading_ids: str = "python-markdown"
    """How headings get their ids: "python-markdown" (`## A - B` → `a-b`) or "github", as
    GitHub, Docusaurus and VitePress make them (`a---b`)."""
    broken_links: str = "warning"
    """What a link to a missing page, a missing anchor or a missing image is: a "warning" (as in
    MkDocs: the site builds, `--strict` fails) or an "error" (the build stops). A link or image
    that leaves the publication is always an error."""
    static_dir: str = "static"
    """Files published as they are at the site's root (Docusaurus's and Hugo's `static/`,
    VitePress's `public/`): `/img/a.png` in Markdown is `static/img/a.png`."""
    front_matter_keys: tuple[str, ...] = ()
    """Front matter keys this project uses for its own purposes: never reported as misspelt."""
    search_shard_pages: int = 250
    """Pages per shard of an edition's search index, at most on average: a one-page edit indexes
    only its shard again (see editions/search.py)."""

    @property
    def locales(self) -> tuple[Locale, ...]:
        """The languages in configured order, the default one first."""
        return _ordered_locales(self.languages, self.default_language)

    @property
    def default_locale(self) -> Locale:
        return parse_locale(self.default_language)

    @property
    def content_dir(self) -> Path:
        return self.project_dir / "content"

    @property
    def templates_dir(self) -> Path:
        return self.project_dir / "templates"

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """Where templates and templates/assets/ files are looked for, in order: the project's
        templates/, then this package's theme (hkai_publish/theme), so that a project overrides
        only the files it has."""
        if THEME.is_dir() and THEME.resolve() != self.templates_dir.resolve():
            return (self.templates_dir, THEME)
        return (self.templates_dir,)

    def template_file(self, name: str | Path) -> Path:
        """The file `name` (`print.html`, `assets/print.css`) as the project or the theme has it;
        the project's path where neither does."""
        for folder in self.template_dirs:
            if (folder / name).is_file():
                return folder / name
        return self.templates_dir / name

    @property
    def static_path(self) -> Path:
        return self.project_dir / self.static_dir

    @property
    def locales_dir(self) -> Path:
        return self.project_dir / "locales"

    @property
    def config_file(self) -> Path:
        return self.project_dir / "pyproject.toml"


@functools.lru_cache(maxsize=16)
def _ordered_locales(languages: tuple[str, ...], default: str) -> tuple[Locale, ...]:
    """Config.locales, asked for on every page: parsed and ordered once."""
    first = parse_locale(default).tag
    return tuple(sorted((parse_locale(tag) for tag in languages), key=lambda loc: loc.tag != first))


_TYPES = {"title": str, "subtitle": str, "author": str, "description": str, "keywords": list,
          "base_url": str, "default_language": str, "languages": list, "pdf_name": str,
          "allow_raw_html": bool, "allow_cjk_in_english": list, "term_first_use": str, "publisher": str,
          "copyright": str, "license": str, "contact": str, "disclaimer": str, "cover_image": str,
          "chapters": str, "print_ready": bool,
          "heading_ids": str, "front_matter_keys": list, "search_shard_pages": int,
          "broken_links": str, "static_dir": str}
_TYPE_NAMES = {str: "a string", bool: "true or false", list: "a list", int: "a whole number"}
FIRST_USE = ("page", "edition", "off")
HEADING_IDS = ("python-markdown", "github")


def load_config(project_dir: Path) -> Config:
    """Read and validate `[tool.hkai-publish]`; a missing file or section gives the defaults."""
    project_dir = project_dir.resolve()
    path = project_dir / "pyproject.toml"
    if not path.is_file():
        return _validated(Config(project_dir=project_dir), path, "")
    text = read_text(path, ConfigError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"invalid TOML: {exc}", path, int(line.group(1)) if line else None) from None
    except RecursionError:
        deepest = max(enumerate(text.splitlines(), 1), key=lambda each: each[1].count("[") + each[1].count("{"))
        raise ConfigError("invalid TOML: arrays or tables nested too deeply", path, deepest[0]) from None
    table = data.get("tool", {}).get("hkai-publish", {})
    values: dict = {}
    for key, value in table.items():
        attr = key.replace("-", "_")
        if attr not in _TYPES:
            hint = difflib.get_close_matches(attr, list(_TYPES), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"unknown key {key!r} in [{SECTION}]{suggestion}", path, line_of_setting(text, key))
        if not isinstance(value, _TYPES[attr]) or (_TYPES[attr] is int and isinstance(value, bool)):
            expected = _TYPE_NAMES[_TYPES[attr]]
            raise ConfigError(f"{key!r} must be {expected}, got {type(value).__name__}", path,
                              line_of_setting(text, key))
        if isinstance(value, list) and not all(isinstance(item, str) for item in value):
            wrong = next(item for item in value if not isinstance(item, str))
            raise ConfigError(f"{key!r} must be a list of strings, got {wrong!r} in it", path,
                              line_of_setting(text, key))
        values[attr] = tuple(value) if isinstance(value, list) else value
    return _validated(Config(project_dir=project_dir, **values), path, text)


def _validated(config: Config, path: Path, text: str) -> Config:
    for key in ("languages", "default_language"):
        tags = config.languages if key == "languages" else (config.default_language,)
        for tag in tags:
            try:
                parse_locale(tag)
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}", path, line_of_setting(text, key)) from None
    if not config.languages:
        raise ConfigError("languages is empty: list the original's language and its translations "
                          '(languages = ["en-HK", "zh-Hant-HK"])', path, line_of_setting(text, "languages"))
    if config.default_locale.tag not in {parse_locale(t).tag for t in config.languages}:
        raise ConfigError(f"default_language {config.default_language!r} is not in languages",
                          path, line_of_setting(text, "default_language") or line_of_setting(text, "languages"))
    folders = [loc.folder for loc in config.locales]
    if len(set(folders)) != len(folders):
        raise ConfigError("two languages share one content folder", path, line_of_setting(text, "languages"))
    if not re.match(r"https?://[^/]+(/.*)?$", config.base_url):
        raise ConfigError(f"base_url must be an absolute http(s) URL, got {config.base_url!r}",
                          path, line_of_setting(text, "base_url"))
    if config.chapters not in ("new-page", "run-on"):
        raise ConfigError(f"chapters must be 'new-page' or 'run-on', got {config.chapters!r}",
                          path, line_of_setting(text, "chapters"))
    if config.cover_image:
        image = (config.project_dir / config.cover_image).resolve()
        if not any(image.is_relative_to(root.resolve()) for root in (config.content_dir, config.templates_dir / "assets")):
            raise ConfigError(f"cover_image must be in content/ or templates/assets/, got {config.cover_image!r}",
                              path, line_of_setting(text, "cover_image"))
        if not image.is_file():
            raise ConfigError(f"cover_image {config.cover_image!r} does not exist", path,
                              line_of_setting(text, "cover_image"))
    if problem := base_url_problem(config.base_url):
        raise ConfigError(f"base_url {config.base_url!r}: {problem}", path, line_of_setting(text, "base_url"))
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", config.pdf_name):
        raise ConfigError(f"pdf_name must be a plain file name, got {config.pdf_name!r}",
                          path, line_of_setting(text, "pdf_name"))
    if config.term_first_use not in FIRST_USE:
        raise ConfigError(f"term_first_use must be one of {', '.join(map(repr, FIRST_USE))}, got "
                          f"{config.term_first_use!r}", path, line_of_setting(text, "term_first_use"))
    if config.heading_ids not in HEADING_IDS:
        raise ConfigError(f"heading_ids must be one of {', '.join(map(repr, HEADING_IDS))}, got {config.heading_ids!r}",
                          path, line_of_setting(text, "heading_ids"))
    if config.broken_links not in ("error", "warning"):
        raise ConfigError(f"broken_links must be 'error' or 'warning', got {config.broken_links!r}",
                          path, line_of_setting(text, "broken_links"))
    static = (config.project_dir / config.static_dir).resolve()
    if (not config.static_dir or not static.is_relative_to(config.project_dir)
            or static == config.project_dir
            or any(static.is_relative_to(d.resolve()) or d.resolve().is_relative_to(static)
                   for d in (config.content_dir, config.templates_dir, config.locales_dir))):
        raise ConfigError(f"static_dir must be a folder of its own inside the project, got {config.static_dir!r}",
                          path, line_of_setting(text, "static_dir"))
    if not 1 <= config.search_shard_pages <= 1_000_000:
        raise ConfigError(f"search_shard_pages must be a whole number from 1 to 1000000, got {config.search_shard_pages}",
                          path, line_of_setting(text, "search_shard_pages"))
    if not config.base_url.endswith("/"):
        config = replace(config, base_url=config.base_url + "/")
    return config


URL_PATH = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*")
"""A URL path as RFC 3986 allows it: anything else must be percent-encoded."""
HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                  r"|\[[0-9A-Fa-f:.]+\]")


def base_url_problem(url: str) -> str | None:
    """Why base_url cannot start the canonical, hreflang and sitemap URLs, or None."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if "@" in parts.netloc:
        return "a user name or password does not belong in a published URL"
    if parts.query or "?" in url:
        return "a query (?…) cannot start the pages' URLs"
    if parts.fragment or "#" in url:
        return "a fragment (#…) cannot start the pages' URLs"
    host, port = re.fullmatch(r"(.*?)(?::([^:\]]*))?", parts.netloc).groups()
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        return f"port {port!r} is not a number from 1 to 65535"
    if not HOST.fullmatch(host):
        return f"{host!r} is not a host name (letters, digits, '-' and '.'; an IDN in its xn-- form)"
    if not URL_PATH.fullmatch(parts.path):
        bad = next(c for c in parts.path if not URL_PATH.fullmatch(c))
        return f"{bad!r} must be percent-encoded in a URL (spaces, quotes, <, >, non-ASCII…)"
    return None


def line_of_setting(text: str, key: str) -> int | None:
    """The line where `key = …` stands in the config section, for `file:line` messages."""
    in_section = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_section = stripped.strip("[] ") == SECTION
        elif in_section and re.match(rf'["\']?{re.escape(key)}["\']?\s*=', stripped):
            return number
    return None
