"""Components in the XLIFF hand-off: their titles and tab labels are units, their Markdown is
segmented like any other, their marks stay in the skeleton; a returned file imports and builds."""

from __future__ import annotations

from translate.storage.xliff import xlifffile

from conftest import parse_html, run_cli
from docs_components import write_docs_project

CONFIGURE = {"Configuring the SDK": "設定 SDK", "Point the SDK at a network, in the language of your project.":
             "以你項目所用的語言，把 SDK 指向一個網絡。", "Choose the network your application talks to.":
             "選擇你的應用程式所連接的網絡。", "Mainnet": "主網", "Use the mainnet for **real** payments.":
             "進行**真實**付款時，請使用主網。", "Testnet": "測試網", "Use the testnet while you develop.":
             "開發期間請使用測試網。", "The configuration file": "設定檔", "Read next": "延伸閱讀"}


def test_components_are_segmented_and_come_back_in_their_structure(tmp_path):
    project = write_docs_project(tmp_path)
    for name in ("getting-started/configure.md", "getting-started/install.md", "guides/reports.md"):
        (project / "content/zh-hant" / name).unlink()
    result = run_cli("handoff", "--project", str(project))
    assert result.returncode == 0, result.stderr
    xliff = project / "handoff/zh-hant/xliff"

    sources = lambda name: [u.source for u in xlifffile.parsestring((xliff / name).read_bytes()).units]
    assert sources("getting-started/configure.xlf") == list(CONFIGURE)  # no code, no tags, no imports
    install = sources("getting-started/install.xlf")
    assert {"Faster installs", "Keep your key secret", "Never commit a private key ⚠ to a repository.",
            "it never rewrites the lock file.", "A transaction cannot be undone."} <= set(install)
    assert not [s for s in install if ":::" in s or "!!!" in s or "npm install" in s]
    reports = sources("guides/reports.xlf")
    assert {"The year in figures", "**1.2 million** accounts opened", "Payments should be as easy as taking the Star Ferry.",
            "Chair of the Foundation, 2025", "Before you publish figures", "Figures for December are provisional.",
            "Where the figures come from"} <= set(reports)

    store = xlifffile.parsestring((xliff / "getting-started/configure.xlf").read_bytes())
    for unit in store.units:
        unit.settarget(CONFIGURE[unit.source], "zh-Hant-HK")
    returned = tmp_path / "configure.xlf"
    returned.write_bytes(bytes(store))
    result = run_cli("handoff", "import", str(returned), "--project", str(project))
    assert result.returncode == 0, result.stderr
    written = (project / "content/zh-hant/getting-started/configure.md").read_text(encoding="utf-8")
    assert '<TabItem value="mainnet" label="主網" default>' in written and "::: code-group" in written
    assert "    // mainnet: real tokens" in written  # the code as the original has it

    assert run_cli("build", "--project", str(project)).returncode == 0
    page = parse_html(project / "build/site/zh-hant/getting-started/configure/index.html")
    assert [label.text for label in page.xpath('//div[@class="tabs"][1]/label')] == ["主網", "測試網"]
    assert page.xpath('string(//div[@class="tabs"][1]/div[@class="tab-panel"][2]/p)') == "開發期間請使用測試網。"
