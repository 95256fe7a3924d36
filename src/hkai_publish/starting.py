"""`hkai-publish new` and `hkai-publish import`. `new`: a minimal publication that builds at once, strict-clean. It holds settings,
a page per language, an empty catalogue per language, babel.cfg and a .gitignore; its templates
and assets are this package's theme (sources/config.py THEME) until the project copies a file
into templates/ to change it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from hkai_publish.errors import PublishError
from hkai_publish.sources.importers import ORIGINAL, Plan, report
from hkai_publish.sources.locales import Locale, parse_locale

GITIGNORE = "build/\nhandoff/\n.build.lock\n.build.*/\n.handoff.lock\n"
BABEL_CFG = """\
# Where `hkai-publish i18n extract` (and `pybabel extract -F babel.cfg`) find UI strings: the
# project's own templates. The theme's, which it does not override, are read from the package.
[jinja2: templates/**.html]
extensions = jinja2.ext.i18n
trimmed = true
"""
WELCOME = {
    "en": "This is the first page of {title}. Write in Markdown; each page has a counterpart at the "
          "same path in every language's folder.",
    "zh": "這是《{title}》的第一頁。請以 Markdown 撰寫；每一頁在各語言的資料夾內都有相同路徑的對應頁面。",
}


def toml_string(text: str) -> str:
    """`text` as a TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def settings(title: str, languages: list[Locale], pdf_name: str, extra: str = "") -> str:
    """A project's pyproject.toml: the [tool.hkai-publish] table, commented."""
    listed = ", ".join(toml_string(loc.tag) for loc in languages)
    return f"""\
# The publication's settings: every key is optional (see the hkai-publish README, "Configuration").
[tool.hkai-publish]
title = {toml_string(title)}
base_url = "http://localhost:8000/"        # where the site will be published: canonical URLs start here
default_language = {toml_string(languages[0].tag)}               # the original; the others translate it
languages = [{listed}]
pdf_name = {toml_string(pdf_name)}               # build/pdf/<pdf_name>-<folder>.pdf
{extra}"""


def parse_languages(text: str) -> list[Locale]:
    """`en-HK,zh-Hant-HK` as locales, the original first; a usage error names a bad one."""
    found = []
    for tag in (part.strip() for part in text.split(",")):
        if not tag:
            continue
        try:
            found.append(parse_locale(tag))
        except ValueError as exc:
            raise PublishError(f"--languages: {exc}") from None
    if not found:
        raise PublishError("--languages: name at least one language, e.g. en-HK,zh-Hant-HK")
    if len({loc.folder for loc in found}) != len(found):
        raise PublishError(f"--languages: {text!r} names one language twice")
    return found


def pdf_name_for(folder: Path) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.resolve().name).strip("-.")
    return name if name and name[0].isalnum() else "publication"


def create(folder: Path, title: str, languages: list[Locale], extra: str = "", base_url: str = "",
           content=None) -> list[Path]:
    """Write a new publication into `folder` (new or empty); the files written. `content(folder)`
    writes the pages (`import`); without it each language gets a first page, its translations
    recorded as up to date."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise PublishError(f"{folder}: the folder is not empty; a publication is started in a new or empty one")
    if not title.strip():
        raise PublishError("--title: give the publication a title")
    from hkai_publish.sources.config import load_config
    from hkai_publish.translation import i18n, status

    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def write(name: str, text: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    text = settings(title, languages, pdf_name_for(folder), extra)
    if base_url:
        text = text.replace('base_url = "http://localhost:8000/"', f"base_url = {toml_string(base_url)}")
    write("pyproject.toml", text)
    write("babel.cfg", BABEL_CFG)
    write(".gitignore", GITIGNORE)
    if content is not None:
        content(folder)
    else:
        for loc in languages:
            welcome = WELCOME["zh" if loc.tag.split("-")[0] == "zh" else "en"].format(title=title)
            write(f"content/{loc.folder}/index.md", f"# {title}\n\n{welcome}\n")
    config = load_config(folder)
    written.append(i18n.extract(config)[0])
    for loc in i18n.translated_locales(config):
        written.append(i18n.init(config, loc.tag))
    if content is None:
        status.mark_translated(config, [folder / f"content/{loc.folder}/index.md" for loc in languages[1:]])
    return written


def import_project(plan_: Plan, src: Path, out: Path) -> list[str]:
    """Write the publication `plan_` describes into `out` (new or empty); the report's lines."""
    original = next((s for s in plan_.sources if s.locale == ORIGINAL), None)
    for source in plan_.sources:
        if original is not None and source is not original:
            for rel in sorted(set(source.pages) - set(original.pages)):  # a translation needs its original
                plan_.left_out.append(f"{source.where}{source.pages.pop(rel).relative_to(src / source.where).as_posix()} "
                                      f"({source.written}: no {original.locale.tag} original)")

    if not plan_.sources or not any(s.pages for s in plan_.sources):
        raise PublishError(f"{src}: no Markdown pages found for {plan_.format}")
    from hkai_publish.sources.config import base_url_problem

    if plan_.base_url and (not re.match(r"https?://[^/\s]+(/\S*)?$", plan_.base_url) or base_url_problem(plan_.base_url)):
        plan_.notes.append(f"the base URL {plan_.base_url!r} is not one this tool can use: set base_url in "
                           "pyproject.toml")
        plan_.base_url = ""
    elif plan_.base_url and not plan_.base_url.endswith("/"):
        plan_.base_url += "/"
    languages = sorted({s.locale.tag: s.locale for s in plan_.sources}.values(), key=lambda loc: loc != ORIGINAL)
    extra = "\n".join(plan_.settings) + "\n" if plan_.settings else ""
    if plan_.base_url:
        extra = f"# base_url from the {plan_.format} settings\n" + extra

    inside = src.resolve()
    outside: list[str] = []

    def copy(path: Path, target: Path) -> None:
        if not path.resolve().is_relative_to(inside):  # a link out of the project: ~/.ssh, /etc
            outside.append(path.relative_to(src).as_posix())
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    def content(folder: Path) -> None:
        for source in plan_.sources:
            for rel, path in {**source.files, **source.pages}.items():
                copy(path, folder / "content" / source.locale.folder / rel)
        if plan_.static is not None:
            for path in sorted(plan_.static.rglob("*")):
                if path.is_file() and not any(p.startswith(".") for p in path.relative_to(plan_.static).parts):
                    copy(path, folder / "static" / path.relative_to(plan_.static))

    create(out, plan_.title or src.resolve().name, languages, extra=extra, base_url=plan_.base_url,
                    content=content)
    plan_.left_out += [f"{rel} (a link to a file outside {src})" for rel in outside]
    return report(plan_, src, out)
