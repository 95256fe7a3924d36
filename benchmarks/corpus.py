"""The benchmark corpus: N parallel documents per language that hkai-publish, Pelican and Hugo all
build. Written by the shared generator (../shared/tools/gen_corpus.py beside this repository)
where it exists, else by `generate` below, which writes the same files; then this repository's
templates/ and locales/, a pyproject.toml, and the peers' settings are added."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_GENERATOR = REPO.parent / "shared" / "tools" / "gen_corpus.py"
PEERS = Path(__file__).resolve().parent / "peers"

CONFIG = """\
[tool.hkai-publish]
title = "Benchmark corpus"
base_url = "https://example.org/bench/"
default_language = "en-HK"
languages = ["en-HK", "zh-Hant-HK"]
pdf_name = "bench"
"""

EN = [
    "Hong Kong's universities run research centres that work closely with industry partners.",
    "The Smart City Blueprint sets out how technology can improve everyday urban life.",
    "Banks in the city use machine learning to detect fraud and to manage risk.",
    "Start-ups draw on incubators, accelerators and public funding programmes.",
    "Data privacy, algorithmic bias and job displacement call for careful attention.",
    "International partnerships help researchers exchange knowledge and talent.",
    "Applied research institutes turn laboratory results into products and services.",
    "Regulators and firms are drafting guidelines for responsible deployment.",
]
ZH = [
    "香港的大學設有研究中心，並與業界夥伴緊密合作。",
    "《香港智慧城市藍圖》闡述如何以科技改善市民的日常生活。",
    "本地銀行運用機器學習偵測欺詐行為及管理風險。",
    "初創企業可善用培育計劃、加速器及政府資助。",
    "數據私隱、演算法偏見及職位流失等問題需要審慎處理。",
    "國際合作有助研究人員交流知識與人才。",
    "應用研究機構把實驗室成果轉化為產品和服務。",
    "監管機構與企業正制訂負責任應用人工智能的指引。",
]
LANGS = {"en": (EN, " ", "Document", "Section {}", "see also"),
         "zh-hant": (ZH, "", "文件", "第{}節", "另見")}


def document(rng: random.Random, lang: str, i: int, n: int) -> str:
    """One document, exactly as the shared gen_corpus.py writes it."""
    pool, sep, title, section, see = LANGS[lang]
    lines = ["---", f"title: {title} {i:04d}", "date: 2026-11-24", f"slug: doc-{i:04d}",
             f"lang: {lang}", f"weight: {i + 1}", "---", ""]
    for s in range(4):
        lines += [f"## {section.format(s + 1)}", ""]
        for _ in range(3):
            lines += [sep.join(rng.choice(pool) for _ in range(5)), ""]
        lines += [f"- **{rng.choice(pool)}**", f"- *{rng.choice(pool)}*",
                  f"- [{see}](doc-{(i + 1) % n:04d}.md)", ""]
    lines += ["| A | B |", "|---|---|", "| 1 | 2 |", ""]
    return "\n".join(lines)


def generate(out: Path, n: int) -> None:
    for lang in LANGS:
        rng = random.Random(42)
        folder = out / "content" / lang
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            (folder / f"doc-{i:04d}.md").write_text(document(rng, lang, i, n), encoding="utf-8")


def make_corpus(out: Path, n: int, generator: Path | None = None) -> str:
    """Write a corpus of `n` documents per language into `out`; returns which generator wrote it."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    generator = generator or (SHARED_GENERATOR if SHARED_GENERATOR.is_file() else None)
    if generator is not None:
        subprocess.run([sys.executable, str(generator), str(out), str(n)], check=True)
        used = str(generator)
    else:
        generate(out, n)
        used = "benchmarks/corpus.py (../shared/tools/gen_corpus.py not found)"
    shutil.copytree(REPO / "templates", out / "templates")
    shutil.copytree(REPO / "locales", out / "locales")
    (out / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copy(PEERS / "pelicanconf.py", out / "pelicanconf.py")
    shutil.copy(PEERS / "hugo.toml", out / "hugo.toml")
    shutil.copytree(PEERS / "hugo-layouts", out / "hugo-layouts")
    return used
