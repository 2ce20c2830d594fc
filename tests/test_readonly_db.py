"""A SQLite database on a read-only mount (issue 14): every analysis page and `plantkpi kpi` read
it; an import and an account change are refused in zh/en with exit 2 and the file unchanged.

The directory is made really read-only: a read-only bind mount when the tests run as root (root
writes through any chmod), else chmod 0555 on the folder and 0444 on the file. PostgreSQL has no
such mode to test: a read-only role there is the server's business and not issue 14's probe.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard.cli import main
from data_access.db import get_engine, read_only_path
from data_access.loaders import clear_cache
from tests.test_analysis_pages import EXPECTED, PAGES, known_db, run_page, tiles  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_CSV = ("date,shift,machine_code,product_code,planned_min,downtime_min,planned_qty,total_qty,good_qty,"
                  "defect_qty,scrap_qty\n2026-01-07,A,INJ-01,P-1001,420,35,1000,980,950,20,10\n")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def read_only_db(known_db, tmp_path_factory):
    """The known database's file, alone in a folder this process cannot write."""
    known_db.dispose()  # the last connection folds the WAL into the file
    source = tmp_path_factory.mktemp("ro_source")
    shutil.copyfile(known_db.url.database, source / "plantkpi.db")
    if os.geteuid() == 0:
        mount = tmp_path_factory.mktemp("ro_mount")
        done = subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(mount)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"running as root and a read-only bind mount is not allowed here: {done.stderr!r}")
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], check=True)
        undo = lambda: subprocess.run(["umount", str(mount)], check=True)  # noqa: E731
    else:
        mount = source
        (mount / "plantkpi.db").chmod(0o444)
        mount.chmod(0o555)
        undo = lambda: mount.chmod(0o755)  # noqa: E731
    try:
        with pytest.raises(OSError):  # really read-only, for this process too
            (mount / "probe").write_text("x")
        url = f"sqlite:///{mount / 'plantkpi.db'}"
        previous = os.environ.get("PLANTKPI_DATABASE_URL")
        os.environ["PLANTKPI_DATABASE_URL"] = url
        clear_cache()
        yield mount
    finally:
        get_engine(url).dispose()
        if previous is None:
            os.environ.pop("PLANTKPI_DATABASE_URL", None)
        else:
            os.environ["PLANTKPI_DATABASE_URL"] = previous
        undo()


def test_the_engine_knows_it_is_read_only(read_only_db):
    assert read_only_path(get_engine()) == str(read_only_db / "plantkpi.db")


@pytest.mark.parametrize("name", PAGES)
def test_every_analysis_page_reads_a_read_only_database(read_only_db, name):
    before = _digest(read_only_db)
    shown = tiles(run_page(name))
    assert {k: shown.get(k) for k in EXPECTED[name]} == EXPECTED[name]
    assert _digest(read_only_db) == before


def test_plantkpi_kpi_reads_it(read_only_db, capsys):
    assert main(["kpi", "--from", "2026-01-01", "--to", "2026-01-31", "--kpi", "plan_attainment", "--json"]) == 0
    out = capsys.readouterr().out
    assert "0.96" in out  # 1920 good of 2000 planned (tests/test_analysis_pages.py)


@pytest.mark.parametrize("lang, words", [("en", "read-only"), ("zh", "只读")])
def test_an_import_is_refused_clearly_and_writes_nothing(read_only_db, tmp_path, capsys, lang, words):
    csv = tmp_path / "p.csv"
    csv.write_text(PRODUCTION_CSV, encoding="utf-8")
    before = _digest(read_only_db)
    assert main(["import", "production", str(csv), "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert words in err and str(read_only_db / "plantkpi.db") in err and "Traceback" not in err
    assert _digest(read_only_db) == before


def test_an_account_change_is_refused_too(read_only_db, capsys, monkeypatch):
    monkeypatch.setenv("PLANTKPI_PASSWORD", "long-enough")
    before = _digest(read_only_db)
    assert main(["user", "add", "noor", "--role", "manager", "--lang", "zh"]) == 2
    assert "只读" in capsys.readouterr().err
    assert _digest(read_only_db) == before
