"""`hkai-publish import`: another tool's bilingual project laid out as a publication, without
editing its Markdown. Each format says where its languages are and what its settings are; the
files are copied (a Hugo `_index.md`, which this tool would read as a partial, becomes
`index.md`) and the report says what was paired, what has no counterpart, what was left out and
what could not be mapped.

| format     | original                 | translation                                                    | settings            | static  |
| ---------- | ------------------------ | -------------------------------------------------------------- | ------------------- | ------- |
| docusaurus | docs/                    | i18n/<locale>/docusaurus-plugin-content-docs/current/          | docusaurus.config.* | static/ |
| vitepress  | the source root or en/   | <locale>/ beside it                                            | .vitepress/config.* | public/ |
| mkdocs     | docs/ (or docs/<locale>) | docs/<locale>/, or `page.<locale>.md` suffixes (mkdocs-static-i18n) | mkdocs.yml      | –       |
| hugo       | content/ or content/<l>  | content/<locale>/ (contentDir), or `page.<locale>.md` suffixes | hugo.toml/config.*  | static/ |
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hkai_publish.errors import PublishError
from hkai_publish.sources.content import EXTENSIONS
from hkai_publish.sources.locales import Locale, parse_locale

FORMATS = ("docusaurus", "vitepress", "mkdocs", "hugo")
ORIGINAL, CHINESE = parse_locale("en-HK"), parse_locale("zh-Hant-HK")
# Traditional Chinese however a tool spells it: all are this tool's zh-Hant-HK edition.
TRADITIONAL = {"zh-hant", "zh-tw", "zh-hk", "zh-mo", "zh-hant-hk", "zh-hant-tw", "zh-hant-mo"}
SIMPLIFIED = {"zh-cn", "zh-hans", "zh-sg", "zh-hans-cn", "zh-hans-sg", "zh-my"}
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4}){0,2}")


@dataclass
class Source:
    """Where one language's pages are in the other tool's project."""

    locale: Locale
    written: str
    """The tool's own name for the language (`zh-TW`)."""
    pages: dict[str, Path] = field(default_factory=dict)
    """Page path as this tool wants it (`guide/intro.md`) -> the file."""
    files: dict[str, Path] = field(default_factory=dict)
    """Other files beside the pages (images), by the same kind of path."""
    where: str = ""


@dataclass
class Plan:
    format: str
    title: str = ""
    base_url: str = ""
    sources: list[Source] = field(default_factory=list)
    static: Path | None = None
    left_out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    """Extra pyproject.toml lines (`allow_raw_html = true`)."""


def detect(src: Path) -> str:
    """The format of the project in `src`, from the files each tool requires."""
    if not src.is_dir():
        raise PublishError(f"{src}: no such folder")
    if any((src / f"docusaurus.config.{ext}").is_file() for ext in ("js", "ts", "mjs", "cjs")):
        return "docusaurus"
    if _vitepress_root(src) is not None:
        return "vitepress"
    if (src / "mkdocs.yml").is_file() or (src / "mkdocs.yaml").is_file():
        return "mkdocs"
    if any((src / name).is_file() for name in ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml")) \
            and (src / "content").is_dir():
        return "hugo"
    raise PublishError(f"{src}: not a Docusaurus, VitePress, MkDocs or Hugo project (no docusaurus.config.js, "
                       ".vitepress/, mkdocs.yml or hugo.toml with content/); name one with --from")


def _language_like(name: str, declared: set[str] = frozenset()) -> bool:
    """Whether a folder or file suffix names a language: English or Chinese in any spelling, or a
    code the tool's settings declare (a folder `api` or a file `notes.old.md` does not)."""
    normal = name.replace("_", "-").lower()
    return (normal == "en" or normal.startswith("en-") or normal == "zh" or normal in TRADITIONAL | SIMPLIFIED
            or name in declared) and bool(LANGUAGE_CODE.fullmatch(name))


def map_language(code: str) -> tuple[Locale | None, str]:
    """This tool's language for another tool's code, and a note where the mapping is not exact
    (or why it is not imported)."""
    normal = code.replace("_", "-").lower()
    if normal == "en" or normal.startswith("en-"):
        return ORIGINAL, "" if normal in ("en", "en-hk") else f"{code} is published as {ORIGINAL.tag}"
    if normal in TRADITIONAL:
        note = "" if normal in ("zh-hant-hk", "zh-hk") else \
            (f"{code} is published as {CHINESE.tag} (Hong Kong Traditional Chinese): check its vocabulary, "
             "which the zh-regional check reports where it is Taiwan's or the Mainland's")
        return CHINESE, note
    if normal in SIMPLIFIED:
        return None, f"{code} is Simplified Chinese: never published as Traditional, not imported"
    if normal == "zh":
        return None, "zh names no script (Traditional or Simplified): not imported; rename it zh-Hant to import it"
    return None, f"{code}: this tool publishes English and Traditional Chinese; not imported"


def plan(fmt: str, src: Path) -> Plan:
    if not src.is_dir():
        raise PublishError(f"{src}: no such folder")
    return {"docusaurus": _docusaurus, "vitepress": _vitepress, "mkdocs": _mkdocs, "hugo": _hugo}[fmt](src)


def _string_setting(text: str, key: str) -> str:
    """`key: 'value'` from a JavaScript or TypeScript config, as written (no evaluation)."""
    match = re.search(rf"""(?m)^\s*{key}\s*:\s*(['"`])(.*?)\1""", text)
    return match.group(2) if match else ""


def _collect(root: Path, source: Source, plan: Plan, skip=lambda rel: False, rename=lambda rel: rel) -> None:
    """Every page and file under `root` into `source`, by path relative to it."""
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if skip(rel) or any(part.startswith(".") or part == "node_modules" for part in rel.split("/")):
            continue
        target = rename(rel)
        (source.pages if rel.endswith(EXTENSIONS) else source.files)[target] = path


def _docusaurus(src: Path) -> Plan:
    config = next(src / f"docusaurus.config.{ext}" for ext in ("js", "ts", "mjs", "cjs")
                  if (src / f"docusaurus.config.{ext}").is_file())
    text = config.read_text(encoding="utf-8", errors="replace")
    url, base = _string_setting(text, "url"), _string_setting(text, "baseUrl") or "/"
    result = Plan("docusaurus", _string_setting(text, "title"), url.rstrip("/") + base if url else "")
    default = _string_setting(text, "defaultLocale") or "en"
    result.settings = ['allow_raw_html = true                      # MDX pages hold HTML and components',
                       'heading_ids = "github"                     # ids as Docusaurus makes them']
    original = _source(result, default, src / "docs", "docs/")
    for folder in sorted((src / "i18n").iterdir()) if (src / "i18n").is_dir() else ():
        docs = folder / "docusaurus-plugin-content-docs" / "current"
        if folder.is_dir() and docs.is_dir() and folder.name != default:
            _source(result, folder.name, docs, f"i18n/{folder.name}/docusaurus-plugin-content-docs/current/")
    if (src / "static").is_dir():
        result.static = src / "static"
    categories = len(list((src / "docs").rglob("_category_.*"))) if (src / "docs").is_dir() else 0
    if categories:
        result.notes.append(f"{categories} _category_ file(s) kept: the build reads their label and position "
                            "(other keys, such as link and collapsed, are not used)")
    if any((src / f"sidebars.{ext}").is_file() for ext in ("js", "ts")):
        result.notes.append("sidebars.js not mapped: the navigation follows the folders and each page's "
                            "sidebar_position (or its name)")
    if original is None:
        raise PublishError(f"{src}/docs: no such folder: a Docusaurus project keeps its pages there")
    return result


def _source(result: Plan, code: str, root: Path, where: str) -> Source | None:
    """The language `code` in `root`: collected if this tool publishes it, else noted as left out."""
    if not root.is_dir():
        return None
    locale, note = map_language(code)
    if note:
        result.notes.append(note)
    if locale is None or any(s.locale == locale for s in result.sources):
        pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.suffix in (".md", ".mdx"))
        if locale is not None:
            note = f"{code}: a second source of {locale.tag}, not imported"
            result.notes.append(note)
        result.left_out += [f"{where}{page} ({code})" for page in pages]
        return None
    source = Source(locale, code, where=where)
    result.sources.append(source)
    _collect(root, source, result)
    return source


def _vitepress_root(src: Path) -> Path | None:
    for root in (src, src / "docs"):
        if (root / ".vitepress").is_dir():
            return root
    return None


def _vitepress(src: Path) -> Plan:
    root = _vitepress_root(src)
    if root is None:
        raise PublishError(f"{src}: no .vitepress/ folder (in it or in docs/)")
    config = next((p for p in sorted((root / ".vitepress").glob("config.*")) if p.is_file()), None)
    text = config.read_text(encoding="utf-8", errors="replace") if config else ""
    result = Plan("vitepress", _string_setting(text, "title"), "")
    result.settings = ['allow_raw_html = true                      # VitePress pages may hold HTML',
                       'heading_ids = "github"                     # ids as VitePress makes them']
    # The root locale's language: `lang` of `root:` in `locales`, else the site's `lang`, else en.
    root_lang = re.search(r"""root\s*:\s*\{[^}]*?lang\s*:\s*['"]([^'"]+)""", text, re.S)
    default = root_lang.group(1) if root_lang else (_string_setting(text, "lang") or "en")
    declared = set(re.findall(r"""\blang\s*:\s*['"]([^'"]+)""", text)) | \
        set(re.findall(r"""(?m)^\s*['"]?([a-z]{2}(?:-[A-Za-z]{2,4}){0,2})['"]?\s*:\s*\{""", text))
    language_dirs = [d for d in sorted(root.iterdir()) if d.is_dir() and _language_like(d.name, declared)]
    names = {d.name for d in language_dirs}
    own = [d for d in language_dirs if map_language(d.name)[0] == ORIGINAL]
    if own:  # docs/en + docs/zh-HK: every language in a folder of its own
        _source(result, own[0].name, own[0], f"{own[0].relative_to(src).as_posix()}/")
    else:  # the root is the original; each other language a folder in it
        locale, note = map_language(default)
        if note:
            result.notes.append(note)
        source = Source(locale or ORIGINAL, default, where=f"{root.relative_to(src).as_posix()}/")
        result.sources.append(source)
        _collect(root, source, result, skip=lambda rel: rel.split("/")[0] in names | {"public"})
    for folder in language_dirs:
        if folder not in own:
            _source(result, folder.name, folder, f"{folder.relative_to(src).as_posix()}/")
    if (root / "public").is_dir():
        result.static = root / "public"
    if "sidebar" in text:
        result.notes.append("the themeConfig sidebar not mapped: the navigation follows the folders")
    return result


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml as data: `!!python/name:…` and `!ENV` tags read as plain values."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: loader.construct_scalar(node)
                                    if isinstance(node, yaml.ScalarNode) else None)


def _mkdocs(src: Path) -> Plan:
    path = src / "mkdocs.yml" if (src / "mkdocs.yml").is_file() else src / "mkdocs.yaml"
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyTagLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PublishError(f"cannot read mkdocs.yml: {getattr(exc, 'problem', exc)}", path,
                           mark.line + 1 if mark else None) from None
    result = Plan("mkdocs", str(config.get("site_name") or ""), str(config.get("site_url") or ""))
    docs = src / str(config.get("docs_dir") or "docs")
    languages, default = [], "en"
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            for language in (plugin["i18n"] or {}).get("languages") or []:
                if isinstance(language, dict) and language.get("locale"):
                    languages.append(str(language["locale"]))
                    if language.get("default"):
                        default = str(language["locale"])
    if config.get("theme") and isinstance(config["theme"], dict) and config["theme"].get("language") and not languages:
        default = str(config["theme"]["language"])
    if not docs.is_dir():
        raise PublishError(f"{docs}: no such folder: mkdocs.yml's docs_dir holds the pages")
    folders = {d.name: d for d in docs.iterdir() if d.is_dir() and _language_like(d.name, set(languages))}
    if folders:  # docs_structure: folder
        if default in folders:
            _source(result, default, folders[default], f"{docs.name}/{default}/")
        else:
            source = Source(map_language(default)[0] or ORIGINAL, default, where=f"{docs.name}/")
            result.sources.append(source)
            _collect(docs, source, result, skip=lambda rel: rel.split("/")[0] in folders)
        for name, folder in sorted(folders.items()):
            if name != default:
                _source(result, name, folder, f"{docs.name}/{name}/")
    else:  # docs_structure: suffix, `page.zh-TW.md` beside `page.md`
        _suffixed(result, docs, default, f"{docs.name}/", declared=set(languages))
    if config.get("nav"):
        result.notes.append("mkdocs.yml nav not mapped: the navigation follows the folders, then page names")
    result.settings = ['allow_raw_html = true                      # pages may hold HTML (md_in_html, attr_list)']
    return result


SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:[-_][A-Za-z]{2,4}){0,2})(?P<ext>\.mdx?)$")


def _suffixed(result: Plan, root: Path, default: str, where: str, rename=lambda rel: rel,
              declared: set[str] = frozenset()) -> None:
    """Pages in one tree, the translations named `page.<lang>.md` (MkDocs i18n, Hugo)."""
    by_code: dict[str, Source] = {}
    original = Source(map_language(default)[0] or ORIGINAL, default, where=where)
    result.sources.append(original)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in rel.split("/")):
            continue
        match = SUFFIX.match(rel)
        code = match.group("lang") if match and _language_like(match.group("lang"), declared) else None
        if code is None or map_language(code)[0] == original.locale and code.lower() == default.lower():
            target = rename(SUFFIX.sub(r"\g<stem>\g<ext>", rel) if code else rel)
            (original.pages if rel.endswith(EXTENSIONS) else original.files)[target] = path
            continue
        locale, note = map_language(code)
        if code not in by_code:
            if note:
                result.notes.append(note)
            if locale is not None and locale != original.locale:
                by_code[code] = Source(locale, code, where=where)
                result.sources.append(by_code[code])
        if code in by_code:
            by_code[code].pages[rename(match.group("stem") + match.group("ext"))] = path
        else:
            result.left_out.append(f"{where}{rel} ({code})")
    for source in [s for s in result.sources if s is not original]:
        source.files = dict(original.files)  # images are shared by the languages


def _hugo(src: Path) -> Plan:
    config: dict = {}
    for name in ("hugo.toml", "config.toml", "hugo.yaml", "config.yaml", "hugo.json"):
        path = src / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            try:
                config = tomllib.loads(text) if name.endswith(".toml") else \
                    (json.loads(text) if name.endswith(".json") else yaml.safe_load(text) or {})
            except (tomllib.TOMLDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
                line = re.search(r"at line (\d+)", str(exc)) or re.search(r"line (\d+)", str(exc))
                raise PublishError(f"cannot read {name}: {exc}", path, int(line.group(1)) if line else None) from None
            break
    result = Plan("hugo", str(config.get("title") or ""), str(config.get("baseURL") or config.get("baseurl") or ""))
    result.settings = ['allow_raw_html = true                      # Hugo pages may hold HTML',
                       'heading_ids = "github"                     # ids as Hugo (goldmark) makes them']
    default = str(config.get("defaultContentLanguage") or "en")
    languages = config.get("languages") or {}
    to_index = lambda rel: re.sub(r"(^|/)_index(\.[a-z-]+)?(\.mdx?)$", r"\1index\2\3", rel)  # noqa: E731
    dirs = {code: src / str(spec["contentDir"]) for code, spec in languages.items()
            if isinstance(spec, dict) and spec.get("contentDir")}
    if dirs:
        for code in sorted(dirs, key=lambda c: c != default):
            source = _source(result, code, dirs[code], f"{dirs[code].relative_to(src).as_posix()}/")
            if source is not None:
                source.pages = {to_index(rel): path for rel, path in source.pages.items()}
    else:
        _suffixed(result, src / "content", default, "content/", rename=to_index, declared=set(languages))
    if any("_index." in p.name for p in (src / "content").rglob("_index.*")):
        result.notes.append("_index.md (a Hugo section's page) is imported as index.md, the folder's page here")
    if (src / "static").is_dir():
        result.static = src / "static"
    if config.get("menu") or config.get("menus"):
        result.notes.append("menus not mapped: the navigation follows the folders and each page's weight")
    return result


def report(plan_: Plan, src: Path, out: Path) -> list[str]:
    original = next(s for s in plan_.sources if s.locale == ORIGINAL) if any(
        s.locale == ORIGINAL for s in plan_.sources) else plan_.sources[0]
    lines = [f"Imported the {plan_.format} project {src} into {out}:"]
    for source in plan_.sources:
        lines.append(f"  {source.locale.tag}: {len(source.pages)} page(s) from {source.where or './'} "
                     f"({source.written}) into content/{source.locale.folder}/")
    for source in plan_.sources:
        if source is original:
            continue
        paired = set(source.pages) & set(original.pages)
        lines.append(f"  paired: {len(paired)} page(s) in {original.locale.tag} and {source.locale.tag}")
        only = sorted(set(original.pages) - set(source.pages))
        if only:
            lines.append(f"  no {source.locale.tag} counterpart ({len(only)}; the edition shows the original): "
                         + ", ".join(only))
    if plan_.static is not None:
        count = sum(1 for p in plan_.static.rglob("*") if p.is_file())
        lines.append(f"  static files: {count} from {plan_.static.relative_to(src).as_posix()}/ into static/")
    if plan_.left_out:
        lines.append(f"  left out ({len(plan_.left_out)}): " + ", ".join(plan_.left_out))
    for note in dict.fromkeys(plan_.notes):
        lines.append(f"  note: {note}")
    if len(plan_.sources) > 1:
        lines.append("  the translations are untracked: once checked, `hkai-publish status mark --all` records "
                     "them as up to date with their originals")
    lines.append(f"Next: cd {out} && hkai-publish build")
    return lines
