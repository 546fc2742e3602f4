from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()


def write_tree(root: Path) -> None:
    (root / "pkg").mkdir()
    (root / "pkg" / "a.py").write_text("def f():\n    def g():\n        return 1\n    return g\n")
    (root / "pkg" / "B.java").write_text("class B { void m() {} }\n")
    (root / "pkg" / "notes.md").write_text("# not code\n")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "dep.js").write_text("function dep() {}\n")
    (root / "broken.go").write_text("package main\nfunc main( {\n")


def test_parse_walks_directories_by_extension_as_json(tmp_path: Path) -> None:
    write_tree(tmp_path)
    result = runner.invoke(app, ["parse", str(tmp_path), "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_name = {Path(row["path"]).name: row for row in rows}
    assert sorted(by_name) == ["B.java", "a.py", "broken.go"]
    assert by_name["a.py"]["language"] == "Python"
    assert [f["name"] for f in by_name["a.py"]["functions"]] == ["f", "g"]
    assert by_name["a.py"]["depth"] == 7  # module>def>block>def>block>return>integer
    assert by_name["B.java"]["functions"][0]["name"] == "m"
    assert by_name["broken.go"]["parses"] is False
    assert result.exit_code == 0


def test_parse_forced_language_and_table_output(tmp_path: Path) -> None:
    script = tmp_path / "script"
    script.write_text("puts 'hi'\ndef greet\nend\n")
    result = runner.invoke(app, ["parse", str(script), "--lang", "rb"])
    assert result.exit_code == 0
    assert "Ruby" in result.stdout
    assert "greet" in result.stdout


def test_parse_reports_bad_input_and_exits_nonzero(tmp_path: Path) -> None:
    unknown = tmp_path / "data.txt"
    unknown.write_text("hello")
    result = runner.invoke(app, ["parse", str(unknown), str(tmp_path / "missing.py")])
    assert result.exit_code == 1
    assert "data.txt: unknown extension; pass --lang" in result.stderr
    assert "missing.py: no such file" in result.stderr
    bad_lang = runner.invoke(app, ["parse", str(unknown), "--lang", "Kotlin"])
    assert bad_lang.exit_code == 2


def test_console_script_is_installed() -> None:
    completed = subprocess.run(
        [Path(sys.executable).parent / "codepref", "--help"], capture_output=True, text=True
    )
    assert completed.returncode == 0
    assert "parse" in completed.stdout
