"""`plantkpi --help` and every `plantkpi X --help` (the parser declares only the dispatched command's
arguments, dashboard.cli.COMMANDS), and a dispatch that does not import every command's module."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    return capsys.readouterr().out


def test_top_level_help_lists_every_command(capsys):
    out = _help(["--help"], capsys)
    for name, text, _ in COMMANDS:
        assert f"    {name} " in out or f"    {name}\n" in out, name
    assert "the change of a KPI explained" in out and "KPI values" in out


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_each_command_help(name, capsys):
    out = _help([name, "--help"], capsys)
    assert out.startswith(f"usage: plantkpi {name}")


def test_command_options_are_declared(capsys):
    assert "--kpi KPI" in _help(["kpi", "--help"], capsys)
    assert "production" in _help(["template", "--help"], capsys)  # the kinds as choices
    assert "--vs-from VS_FROM" in _help(["explain", "--help"], capsys)
    assert "--role ROLE" in _help(["user", "add", "--help"], capsys)


def test_unknown_command_and_bad_kind_are_refused(capsys):
    with pytest.raises(SystemExit) as done:
        main(["bogus"])
    assert done.value.code == 2
    with pytest.raises(SystemExit) as done:
        main(["template", "no_such_kind", "--out", "x.xlsx"])
    assert done.value.code == 2
    assert "invalid choice: 'no_such_kind'" in capsys.readouterr().err


def test_kpi_dispatch_declares_no_other_command():
    """The parser of a `kpi` run imports neither the kinds (template/import choices) nor explain."""
    code = ("import sys, dashboard.cli as c; c.build_parser(only='kpi').parse_args(['kpi', '--kpi', 'oee']); "
            "print(sorted(m for m in ('data_access.kinds', 'dashboard.commands.explain', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True).stdout
    assert out.strip() == "[]"
