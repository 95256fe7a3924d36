"""The review edition (`hkai-publish review`), read back from the files it wrote: rows aligned block by
block, findings in their row, an outdated block's word diff, empty cells for missing blocks, the summary,
the PDF, and a filled-in comments sheet turned into `path:line` lines."""

from __future__ import annotations

import csv
import io
import subprocess

from lxml import html as lxml_html
from pypdf import PdfReader

from conftest import commit_all, run_cli

EN_ETHICS = """\
    ---
    title: Ethical Considerations
    order: 2
    date: 2026-11-24
    ---

    Issues demand careful attention.

    ## Data privacy

    Privacy first.

    ## Algorithmic bias

    Bias second, in 2026.

    A closing thought.
    """
ZH_ETHICS = """\
    ---
    title: 倫理考量
    order: 2
    date: 2026-11-24
    source_hash: "{hash}"
    ---

    這些問題需要審慎處理。

    ## 數據私隱

    私隱優先。

    ## 演算法偏見

    偏見其次。
    """


def reviewed(make_project):
    """A project whose Chinese ethics page lacks the last block and the figure 2026 (a parity finding),
    is outdated (its original's privacy paragraph was reworded and committed), and whose intro exists
    in English only."""
    project = make_project(en={"ethics.md": EN_ETHICS}, zh={"ethics.md": ZH_ETHICS.replace('    source_hash: "{hash}"\n', ""),
                                                            "intro.md": None})
    assert run_cli("status", "mark", "content/zh-hant/ethics.md", cwd=project).returncode == 0
    commit_all(project, "first")
    english = project / "content/en/ethics.md"
    english.write_text(english.read_text(encoding="utf-8").replace("Privacy first.", "Privacy comes first, always."),
                       encoding="utf-8")
    commit_all(project, "reword")
    result = run_cli("review", "--project", str(project))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "WARNING" not in result.stderr, result.stderr
    return project, project / "review" / "zh-hant"


def rows(page):
    doc = lxml_html.fromstring(page.read_bytes())
    found = []
    for tr in doc.xpath("//table[@class='rows']/tbody/tr"):
        original, translation = tr.xpath("./td[contains(@class,'text')]")
        found.append({"id": tr.get("id"), "kind": tr.get("class"),
                      "original": " ".join(original.xpath("./*[not(contains(@class,'changed'))]//text() | ./text()")).strip(),
                      "translation": " ".join(translation.xpath("./*[not(self::ul)]//text()")).strip(),
                      "changed": "".join(original.xpath(".//div[@class='changed']//text()")),
                      "deleted": original.xpath(".//del/text()"), "inserted": original.xpath(".//ins/text()"),
                      "findings": translation.xpath(".//ul[@class='findings']/li//text()"),
                      "empty": [td.get("class") for td in (original, translation) if "empty" in td.get("class")]})
    return found


def test_rows_align_blocks_and_show_findings_changes_and_gaps(make_project):
    project, out = reviewed(make_project)
    ethics = rows(out / "ethics.html")

    assert [r["kind"] for r in ethics] == ["title", "paragraph", "heading", "paragraph", "heading", "paragraph",
                                           "paragraph"]
    assert ethics[0]["original"] == "Ethical Considerations" and ethics[0]["translation"] == "倫理考量"
    assert ethics[5]["original"].startswith("Bias second") and ethics[5]["translation"] == "偏見其次。"
    # The block the translation lacks: an empty cell beside the original.
    assert ethics[6]["original"] == "A closing thought." and ethics[6]["empty"] == ["text empty"]
    assert "Not in the translation" in ethics[6]["translation"]
    # The reworded block carries its word diff; the others do not.
    changed = [r for r in ethics if r["changed"]]
    assert [r["original"].split(",")[0] for r in changed] == ["Privacy comes first"]
    assert changed[0]["deleted"] == [] and changed[0]["inserted"] == ["comes ", ", always"]
    # The parity finding (2026 only in the original) sits in the row of its line: parity puts a figure
    # missing from the translation at the start of its section, the heading.
    figures = [r for r in ethics if any("[parity-figures]" in text for text in r["findings"])]
    assert [r["original"] for r in figures] == ["Algorithmic bias"], [r["findings"] for r in ethics]
    assert any("ethics.md:14)" in text for text in figures[0]["findings"])
    # Ids are stable: a second run gives the same rows.
    assert run_cli("review", "--project", str(project), "--no-pdf").returncode == 0
    assert [r["id"] for r in rows(out / "ethics.html")] == [r["id"] for r in ethics]
    assert len({r["id"] for r in ethics}) == len(ethics)


def test_a_missing_page_has_every_translation_cell_empty_and_the_summary_counts(make_project):
    _, out = reviewed(make_project)
    intro = rows(out / "intro.html")
    assert intro and all(r["empty"] == ["text empty"] and "No translation yet" in r["translation"] for r in intro)

    summary = lxml_html.fromstring((out / "index.html").read_bytes())
    counts = dict(zip([" ".join(dt.itertext()).strip() for dt in summary.xpath("//dl[@class='counts'][1]/dt")],
                      [dd.text for dd in summary.xpath("//dl[@class='counts'][1]/dd")]))
    assert counts["outdated"] == "1" and counts["missing"] == "1" and counts["up-to-date"] == "0"
    assert counts["blocks changed in the original"] == "1"
    checks = [" ".join(dt.itertext()) for dt in summary.xpath("//dl[@class='counts'][2]/dt")]
    assert "parity-figures" in checks and "parity-missing" in checks
    links = summary.xpath("//table[@class='pages']//a/@href")
    assert "ethics.html" in links and any(link.startswith("ethics.html#r-") for link in links)
    # Never part of the published site.
    assert not (out.parents[1] / "build" / "site" / "review").exists()


def test_the_pdf_is_a4_landscape_with_both_texts(make_project):
    _, out = reviewed(make_project)
    reader = PdfReader(out / "review-zh-hant.pdf")
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595
    text = subprocess.run(["pdftotext", str(out / "review-zh-hant.pdf"), "-"], capture_output=True, text=True).stdout
    assert "Ethical Considerations" in text and "倫理考量" in text and "偏見其次。" in text


def test_a_filled_in_sheet_becomes_lines_at_the_blocks_place(make_project):
    project, out = reviewed(make_project)
    sheet = list(csv.DictReader(io.StringIO((out / "comments.csv").read_text(encoding="utf-8-sig"))))
    ethics = [r for r in sheet if r["page"] == "ethics"]
    bias = next(r for r in ethics if r["original"].startswith("Bias second"))
    closing = next(r for r in ethics if r["original"] == "A closing thought.")
    bias["comment"], bias["reviewer"] = "Say 2026 here too.", "May"
    closing["comment"] = "Translate this."
    gone = dict(bias, row="r-0000000000", comment="An old row.")
    returned = project / "returned.csv"
    with returned.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(sheet[0]))
        writer.writeheader()
        writer.writerows([*sheet, gone])

    result = run_cli("review", "import", str(returned), "--project", str(project))

    assert result.returncode == 0, result.stderr
    lines = result.stderr.replace(str(project) + "/", "").splitlines()
    assert f"content/zh-hant/ethics.md:16: [review] Say 2026 here too. (May) [{bias['row']}]" in lines
    assert f"content/en/ethics.md:17: [review] Translate this. [{closing['row']}]" in lines
    assert any(line.startswith(f"returned.csv:{len(sheet) + 2}: [review-row]") for line in lines), lines
    assert lines[-1].startswith("2 comments from")
    assert run_cli("review", "import", str(returned), "--strict", "--project", str(project)).returncode == 1
