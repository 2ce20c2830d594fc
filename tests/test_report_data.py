"""Monthly summary data on SQLite and PostgreSQL: the commentary store (saved, replaced, audited,
refused when malformed), the data missing for a month, traffic lights by hand, month parsing."""
from __future__ import annotations

import json
from datetime import date

import pytest

from dashboard.reports.summary import (last_complete_month, missing_data, parse_month, shift_month,
                                       traffic_light)
from data_access.audit_log import read_audit
from data_access.commentary import MAX_CHARS, get_commentary, save_commentary
from data_access.db import data_version
from data_access.kinds import TRANSACTION_KINDS


def test_commentary_is_saved_replaced_and_audited(engine):
    assert get_commentary(engine, "2026-03") is None
    version = data_version(engine)
    save_commentary(engine, "2026-03", "  Scrap up on INJ-03 (披锋).\r\nMold repaired 12 Mar.  ", "stat")
    note = get_commentary(engine, "2026-03")
    assert note.text == "Scrap up on INJ-03 (披锋).\nMold repaired 12 Mar."  # trimmed, newlines unified
    assert note.updated_by == "stat" and note.updated_at is not None
    assert data_version(engine) == version + 1  # other app instances see it on their next rerun

    save_commentary(engine, "2026-03", "=HYPERLINK(\"http://x\",\"y\")", "boss")
    assert get_commentary(engine, "2026-03").text == "=HYPERLINK(\"http://x\",\"y\")"
    assert get_commentary(engine, "2026-03").updated_by == "boss"
    assert get_commentary(engine, "2026-04") is None  # one note per month

    entries, total = read_audit(engine, action="commentary")
    assert total == 2
    newest = json.loads(entries.row(0, named=True)["detail"])
    assert entries.row(0, named=True)["user"] == "boss"
    assert newest == {"month": "2026-03", "previous": "Scrap up on INJ-03 (披锋).\nMold repaired 12 Mar.",
                      "text": "=HYPERLINK(\"http://x\",\"y\")"}


def test_commentary_refuses_bad_month_and_overlong_text(engine):
    with pytest.raises(ValueError, match="YYYY-MM"):
        save_commentary(engine, "2026-13", "x", "stat")
    with pytest.raises(ValueError, match=str(MAX_CHARS)):
        save_commentary(engine, "2026-03", "x" * (MAX_CHARS + 1), "stat")
    assert get_commentary(engine, "2026-03") is None
    assert read_audit(engine, action="commentary")[1] == 0


def test_a_month_without_records_misses_every_regular_kind_in_every_week(engine):
    # January 2001 begins on a Monday: its weeks start on the 1st, 8th, 15th, 22nd and 29th.
    # Event kinds (complaints, hires, ...) are reported when something happens: never missing.
    missing = missing_data(engine, "2001-01")
    assert sorted(missing.get_column("kind")) == sorted(k.name for k in TRANSACTION_KINDS if k.cadence != "event")
    mondays = [date(2001, 1, d) for d in (1, 8, 15, 22, 29)]
    assert all(weeks == mondays for weeks in missing.get_column("missing_weeks").to_list())


@pytest.mark.parametrize("kpi, value, target, light", [
    ("scrap_ratio", 0.020, 0.025, "green"),   # lower is better: under the target
    ("scrap_ratio", 0.026, 0.025, "amber"),   # 0.001 over, within 5 % of 0.025 (0.00125)
    ("scrap_ratio", 0.027, 0.025, "red"),
    ("csat", 0.85, 0.85, "green"),            # meeting the target exactly is on target
    ("csat", 0.82, 0.85, "amber"),            # 0.03 short, within 0.0425
    ("csat", 0.80, 0.85, "red"),
    ("csat", 0.95, 0.85, "green"),
    ("csat", None, 0.85, "none"),
    ("good_qty", 1000.0, None, "none"),
])
def test_traffic_light_respects_the_kpi_direction(kpi, value, target, light):
    assert traffic_light(kpi, value, target) == light


def test_months():
    assert parse_month("last", date(2026, 1, 15)) == "2025-12"
    assert parse_month(" 2026-03 ") == "2026-03"
    assert last_complete_month(date(2026, 3, 1)) == "2026-02"
    assert shift_month("2026-01", -13) == "2024-12"
    for bad in ("2026-3", "2026-00", "March", "", "2026-03-01"):
        with pytest.raises(ValueError):
            parse_month(bad)


@pytest.mark.parametrize("value, unit, text", [
    (None, "ratio", "—"), (0.7479, "ratio", "74.8 %"), (0.0198, "ratio", "1.98 %"), (276756.0, "pieces", "276,756"),
    (8429.4, "currency", "¥8,429.40"), (-4351.0, "currency", "−¥4,351.00"), (-0.001, "ratio", "0.10 %".replace("0.10", "−0.10")), (-12.5, "currency", "−¥12.50"), (147.63, "pieces_per_hour", "147.6"),
    (4.214, "score", "4.21"), (60.0, "ppm", "60"),
])
def test_kpi_values_read_as_a_person_writes_them(value, unit, text):
    from dashboard.i18n.numbers import fmt_value

    assert fmt_value(value, unit) == text
