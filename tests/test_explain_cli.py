"""`plantkpi explain` as a user runs it (README "Command line"): a real process on SQLite and on PostgreSQL, rows
written through the store; JSON parts add up to the change; bad arguments exit 2 with a message."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.test_kpi_examples import plant, production_row, write

ROOT = Path(__file__).resolve().parent.parent


def run(engine, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLANTKPI_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "dashboard.cli", "explain", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def seed_two_machines(engine):
    """January: M1 100 made / 10 scrap, M2 100 / 2 (6 %). February: M1 300 / 30, M2 100 / 4 (8.5 %)."""
    plant(engine, machines=(("M1", "L1"), ("M2", "L1")))
    write(engine, "production", [
        production_row(day=date(2026, 1, 12), machine="M1", good=90, scrap=10),
        production_row(day=date(2026, 1, 12), machine="M2", good=98, scrap=2),
        production_row(day=date(2026, 2, 9), machine="M1", good=270, scrap=30),
        production_row(day=date(2026, 2, 9), machine="M2", good=96, scrap=4)])
    return engine


@pytest.fixture
def two_machines(engine):
    return seed_two_machines(engine)


@pytest.fixture
def two_machines_sqlite(sqlite_engine):
    """Argument checks happen before any figure is read: one backend is enough."""
    return seed_two_machines(sqlite_engine)


def test_json_parts_add_up_to_the_change(two_machines):
    """The hand-computed split of tests/test_explain.py: M1 rate 0, mix +0.6875 pp; M2 rate +0.75 pp,
    mix +1.0625 pp; change +2.5 pp. February against January given explicitly, and by default
    (the period before February is January)."""
    for extra in (["--vs-from", "2026-01-01", "--vs-to", "2026-01-31"], []):
        done = run(two_machines, "scrap_ratio", "--from", "2026-02-01", "--to", "2026-02-28", "--by", "machine",
                   "--json", *extra)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        assert out["kpi"] == "scrap_ratio" and out["before"] == pytest.approx(0.06)
        assert out["after"] == pytest.approx(0.085) and out["change"] == pytest.approx(0.025)
        parts = {p["member"]: p for p in out["parts"]}
        assert parts["M1"]["rate"] == pytest.approx(0, abs=1e-15) and parts["M1"]["mix"] == pytest.approx(0.006875)
        assert parts["M2"]["rate"] == pytest.approx(0.0075) and parts["M2"]["mix"] == pytest.approx(0.010625)
        assert sum(p["total"] for p in out["parts"]) == pytest.approx(out["change"], abs=1e-15)


def test_an_additive_kpi_has_its_difference_as_rate_and_no_mix(two_machines):
    done = run(two_machines, "scrap_qty", "--from", "2026-02-01", "--to", "2026-02-28", "--by", "machine", "--json")
    out = json.loads(done.stdout)
    assert out["change"] == 22
    assert [(p["member"], p["rate"], p["mix"], p["total"]) for p in out["parts"]] == [("M1", 20, 0, 20), ("M2", 2, 0, 2)]


def test_text_output_in_chinese(two_machines_sqlite):
    done = run(two_machines_sqlite, "scrap_ratio", "--from", "2026-02-01", "--to", "2026-02-28", "--by", "machine",
               "--lang", "zh")
    assert done.returncode == 0
    assert done.stdout.startswith("废品率 +2.50 个百分点：M2 +1.81 个百分点")


@pytest.mark.parametrize("args, message", [
    (["no_such_kpi", "--by", "machine"], "unknown KPI 'no_such_kpi'"),
    (["scrap_ratio", "--by", "colour"], "unknown dimension 'colour'"),
    (["scrap_ratio", "--by", "customer"], "scrap_ratio cannot be broken down by 'customer'"),
    (["scrap_ratio", "--by", "machine", "--vs", "yesterday"], "--vs must be last_year or target"),
    (["scrap_ratio", "--by", "machine", "--vs", "target"], "has no target"),
])
def test_bad_arguments_exit_2_with_a_clear_message(two_machines_sqlite, args, message):
    kpi, *rest = args
    done = run(two_machines_sqlite, kpi, "--from", "2026-02-01", "--to", "2026-02-28", *rest)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_bad_date_exits_2(two_machines_sqlite):
    done = run(two_machines_sqlite, "scrap_ratio", "--from", "2026-02-30", "--to", "2026-02-28", "--by", "machine")
    assert done.returncode == 2 and "'2026-02-30' is not a date" in done.stderr
