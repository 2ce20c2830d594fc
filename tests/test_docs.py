"""The reference in docs/ is current: docs/kinds.md and docs/kpis.md are what `plantkpi docs`
generates from the declarations now (after changing a kind or a KPI, run `plantkpi docs`)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dashboard.docs import DOCS, generated, stale
from data_access.kinds import KINDS
from dashboard.kpi.registry import KPIS

ROOT = Path(__file__).resolve().parent.parent


def test_committed_reference_is_what_the_declarations_generate():
    assert DOCS == ROOT / "docs"
    assert stale() == [], "run `plantkpi docs` and commit docs/kinds.md and docs/kpis.md"


def test_reference_names_every_kind_field_rule_and_kpi():
    kinds, kpis = generated()["kinds.md"], generated()["kpis.md"]
    for kind in KINDS.values():
        assert f"\n## {kind.name}\n" in kinds
        for f in kind.fields:
            assert f"| `{f.name}` | {f.type} | {f.en} | {f.zh} |" in kinds, (kind.name, f.name)
        for rule in kind.rules:
            assert rule.zh in kinds
    for k in KPIS.values():
        assert f"| `{k.id}` | {k.en} | {k.zh} |" in kpis
    # a hand-checked line: scrap ratio is lower-is-better, a fraction of total output
    assert "| `scrap_ratio` | Scrap ratio | 废品率 | fraction (ratio) | lower |" in kpis


def test_check_passes_now_and_names_a_file_that_differs(tmp_path):
    """`plantkpi docs --check` exits 0 on the committed files; a changed file is reported as stale."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run([sys.executable, "-m", "dashboard.cli", "docs", "--check"], cwd=ROOT, env=env,
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    from dashboard import docs

    (tmp_path / "kinds.md").write_text(generated()["kinds.md"].replace("良品数", "好品数"), encoding="utf-8")
    (tmp_path / "kpis.md").write_text(generated()["kpis.md"], encoding="utf-8")
    assert docs.stale(tmp_path) == ["kinds.md"]
