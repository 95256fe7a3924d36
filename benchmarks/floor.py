"""The floor: what any build of a corpus with hkai-publish's Markdown must pay, and nothing more.

    python benchmarks/floor.py PROJECT     # writes PROJECT/out-floor/<lang>/<slug>/index.html
                                           # (remove out-floor first, as a build's folder is removed)

Each document's front matter is read with PyYAML and its body rendered by hkai-publish's own
Markdown renderer (the same extensions and fast passes), then put in a small Jinja page with a
30-section navigation, and written where the site would have it: on every core, as the build
renders. No catalogues, no checks, no cache, no sitemap, no swap into place. Timed beside a full
build, it tells how much of the build's time the rest of it takes, and how low a build with
Python-Markdown could go on this machine."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

import jinja2
import yaml

from hkai_publish.sources.content import Document
from hkai_publish.sources.locales import parse_locale
from hkai_publish.markdown.renderer import MarkdownRenderer

PAGE = jinja2.Environment(autoescape=True).from_string(
    '<!DOCTYPE html>\n<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ title }}</title></head>\n'
    '<body><nav><ol>{% for item in nav %}<li><a href="../{{ item }}/">{{ item }}</a></li>{% endfor %}</ol></nav>\n'
    "<main><h1>{{ title }}</h1>\n{{ body | safe }}</main></body></html>\n")
LOCALES = {"en": parse_locale("en-HK"), "zh-hant": parse_locale("zh-Hant-HK")}
_state: dict = {}


def render(path: str) -> None:
    renderer, out = _state["renderer"], _state["out"]
    source = Path(path)
    _, head, body = source.read_text(encoding="utf-8").split("---", 2)
    meta = yaml.safe_load(head)
    folder = source.parent.name
    document = Document(source, meta["slug"], LOCALES[folder], meta, body, head.count("\n") + 2, "")
    rendered = renderer.render(document)
    slugs = _state["slugs"][folder]
    index = slugs.index(meta["slug"])
    nav = slugs[max(0, index - 15):index + 15]
    target = out / folder / meta["slug"]
    target.mkdir(parents=True, exist_ok=True)
    (target / "index.html").write_text(PAGE.render(lang=LOCALES[folder].tag, title=meta["title"], nav=nav,
                                                   body=rendered.html), encoding="utf-8")


def main() -> None:
    project = Path(sys.argv[1])
    out = project / "out-floor"
    sources = sorted(str(p) for p in (project / "content").glob("*/*.md"))
    slugs = {folder: sorted(Path(p).stem for p in sources if Path(p).parent.name == folder) for folder in LOCALES}
    _state.update(renderer=MarkdownRenderer(), out=out, slugs=slugs)
    jobs = len(os.sched_getaffinity(0))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(render, sources, chunksize=max(1, len(sources) // (jobs * 8)))


if __name__ == "__main__":
    main()
