"""Component checks on the docs pages: parity counts containers, unknown ones are named once."""

from __future__ import annotations

from conftest import run_cli
from docs_components import write_docs_project


def check(project) -> str:
    result = run_cli("check", cwd=project)
    return result.stdout + result.stderr


def test_a_container_on_one_side_only_is_a_parity_warning(tmp_path):
    project = write_docs_project(tmp_path)
    install = project / "content/zh-hant/getting-started/install.md"
    install.write_text(install.read_text(encoding="utf-8").replace(":::caution\n網絡繁忙時，手續費會上升。\n:::\n",
                                                                    "網絡繁忙時，手續費會上升。\n"), encoding="utf-8")
    reports = project / "content/zh-hant/guides/reports.md"
    reports.write_text(reports.read_text(encoding="utf-8").replace("2025 年，網絡", ":::tip\n多謝支持。\n:::\n\n2025 年，網絡"),
                       encoding="utf-8")
    output = check(project)
    assert ("content/zh-hant/getting-started/install.md:46: [parity-components] 4 components (callouts, tabs, "
            "figures…) here, 5 in the original; the first that differs: nothing here, the original has ':::caution' "
            "(content/en/getting-started/install.md:58)") in output
    assert ("content/zh-hant/guides/reports.md:8: [parity-components] 7 components (callouts, tabs, figures…) here, "
            "6 in the original; the first that differs: ':::tip' here, the original has ':::keyfacts' "
            "(content/en/guides/reports.md:10)") in output
    assert output.count("[parity-components]") == 2


def test_an_unknown_container_is_named_once_and_shown(tmp_path):
    project = write_docs_project(tmp_path)
    api = project / "content/en/guides/api.md"
    api.write_text(api.read_text(encoding="utf-8") + "\n:::mermaid\ngraph TD\n:::\n\n:::mermaid\nA\n:::\n",
                   encoding="utf-8")
    output = check(project)
    assert output.count("[unknown-component] container ':::mermaid'") == 1
    assert "content/en/guides/api.md:38: [unknown-component] container ':::mermaid'" in output
