"""Adding a data kind is one declaration file plus the migration one command writes (issue 12,
docs/architecture.md "Adding a data kind").

The test works on a copy of the code (a temporary directory), so the new kind never reaches the
other tests: it writes `data_access/kinds/widgets.py` there, runs `plantkpi db revision -m ...`
there, and then, in a fresh Python process on that copy, checks what a user would get: the
table, the upload template, the import with its validation, the entry form on the department's
input page, and a demo plant that loads with no widget rows instead of failing."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import make_database

ROOT = Path(__file__).resolve().parent.parent

DECLARATION = '''\
"""Data kind `widgets`: a kind added by tests/test_new_kind.py, in its copy of the code only."""
from data_access.kinds.base import Kind, code, day, enum, not_more, qty

KIND = Kind(
    "widgets", "Widget checks", "小部件检查", "quality", date_field="date", key=("date", "machine_code"),
    fields=(
        day("date", "Date", "日期", "check date", example="2026-01-05"),
        code("machine_code", "Machine code", "机台编号", "machine", ref="machines", example="INJ-01"),
        qty("checked", "Checked", "检查数", example=10),
        qty("failed", "Failed", "不合格数", example=1),
        enum("result", "Result", "结果", ("ok", "hold"), example="ok"),
    ),
    rules=(not_more("failed", "checked", "more failed than checked", "不合格数超过检查数"),),
)
'''

# Runs in the copy: every line of output is one JSON object.
PROBE = textwrap.dedent('''
    import json
    import sqlalchemy as sa
    from streamlit.testing.v1 import AppTest

    from dashboard.auth import CurrentUser
    from dashboard.i18n import t
    from dashboard.ingest_messages import describe, translator
    from dashboard.ui.login import SESSION_USER
    from data_access.db import get_engine, init_db
    from data_access.ingest.commit import import_upload
    from data_access.ingest.template import template_bytes
    from data_access.kinds import KINDS
    from data_access.loaders import load_kind
    from seed.demo import load_demo

    engine = get_engine()
    init_db(engine)
    out = {"order": list(KINDS),
           "columns": [c["name"] for c in sa.inspect(engine).get_columns("widgets")]}
    out["seed_rows"] = load_demo(engine, "small")["widgets"]
    out["stored_after_seed"] = load_kind("widgets", engine).height
    out["template_en"] = template_bytes("widgets", "en", "csv", translator("en")).decode("utf-8-sig").splitlines()
    out["template_zh"] = template_bytes("widgets", "zh", "csv", translator("zh")).decode("utf-8-sig").splitlines()[0]
    good = "date,machine_code,checked,failed,result\\r\\n2026-01-05,INJ-01,10,1,ok\\r\\n2026-01-06,INJ-02,8,0,hold\\r\\n"
    result = import_upload(engine, "widgets", good.encode(), "widgets.csv", "tester")
    out["good_written"] = result.written
    rows = load_kind("widgets", engine).sort("date")
    out["stored"] = [[str(r["date"]), r["machine_code"], r["checked"], r["failed"], r["result"]]
                     for r in rows.iter_rows(named=True)]
    bad = "日期,机台编号,检查数,不合格数,结果\\r\\n2026-01-07,INJ-01,5,6,ok\\r\\n2026-01-08,NO-SUCH,5,1,maybe\\r\\n"
    result = import_upload(engine, "widgets", bad.encode(), "bad.csv", "tester")
    out["bad_written"] = result.written
    out["bad_problems"] = [describe(p, "zh") for p in result.errors]
    out["stored_after_bad"] = load_kind("widgets", engine).height

    at = AppTest.from_file("pages/input_quality.py", default_timeout=60)
    at.session_state[SESSION_USER] = CurrentUser("root", "admin", None, "en")
    at.session_state["lang"] = "en"
    at.run()
    at.segmented_control(key="input_kind_quality").set_value("widgets")
    at.session_state["input_section_widgets"] = t("input.tab.form", "en")
    at.run()
    out["form_exception"] = [str(e.value) for e in at.exception]
    out["form_labels"] = [w.label.removesuffix(" *") for kind in ("text_input", "number_input", "date_input",
                          "selectbox", "checkbox") for w in at.get(kind)]
    print(json.dumps(out, ensure_ascii=False))
''')


def copy_of_the_code(tmp: Path) -> Path:
    repo = tmp / "repo"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("dashboard", "data_access", "seed", "pages", ".streamlit"):
        shutil.copytree(ROOT / package, repo / package, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    return repo


def run(repo: Path, *args: str, url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(repo), "PLANTKPI_DATABASE_URL": url}
    return subprocess.run([sys.executable, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path):
    """A database with no schema yet (the copy's migrations build it)."""
    engine, drop = make_database(request.param, tmp_path, migrate=False)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    try:
        yield url
    finally:
        drop()


@pytest.mark.slow
def test_a_kind_from_one_declaration_file_gets_table_template_import_form_and_empty_seed(tmp_path, empty_database_url):
    repo = copy_of_the_code(tmp_path)
    versions = repo / "data_access" / "migrations" / "versions"
    before = {p.name for p in versions.glob("*.py")}
    (repo / "data_access" / "kinds" / "widgets.py").write_text(DECLARATION, encoding="utf-8")

    made = run(repo, "-m", "dashboard.cli", "db", "revision", "-m", "add kind widgets", url=f"sqlite:///{tmp_path / 'unused.db'}")  # compares against its own temporary database
    assert made.returncode == 0, made.stderr
    new = sorted({p.name for p in versions.glob("*.py")} - before)
    assert len(new) == 1 and new[0].endswith("_add_kind_widgets.py"), new
    migration = (versions / new[0]).read_text(encoding="utf-8")
    assert "create_table('widgets'" in migration or 'create_table("widgets"' in migration
    assert "ck_widgets_failed_le_checked" in migration  # the rule is a CHECK constraint in the database too
    assert "drop_table" not in migration.split("def downgrade")[0]  # nothing else changed

    probe = run(repo, "-c", PROBE, url=empty_database_url)
    assert probe.returncode == 0, probe.stderr[-3000:]
    got = json.loads(probe.stdout.strip().splitlines()[-1])

    # discovered, after the kinds it references (machines), among the quality kinds
    assert got["order"].index("widgets") > got["order"].index("machines")
    assert got["columns"] == ["id", "batch_id", "date", "machine_code", "checked", "failed", "result"]
    assert got["seed_rows"] == 0 and got["stored_after_seed"] == 0  # the demo plant has no widgets: no error
    assert got["template_en"] == ["date,machine_code,checked,failed,result", "2026-01-05,INJ-01,10,1,ok"]
    assert got["template_zh"] == "日期,机台编号,检查数,不合格数,结果"
    assert got["good_written"] is True
    assert got["stored"] == [["2026-01-05", "INJ-01", 10, 1, "ok"], ["2026-01-06", "INJ-02", 8, 0, "hold"]]
    # the Chinese file with three mistakes: refused as a whole, each mistake named, nothing written
    assert got["bad_written"] is False and got["stored_after_bad"] == 2
    problems = "\n".join(got["bad_problems"])
    assert "不合格数超过检查数" in problems  # the declared rule, in the user's language
    assert "NO-SUCH" in problems and "maybe" in problems
    # the quality input page shows the new kind's form, one widget per field
    assert got["form_exception"] == []
    assert {"Date", "Machine code", "Checked", "Failed", "Result"} <= set(got["form_labels"])
