"""One Unit record (dashboard.i18n.numbers): the same value reads the same in a tile, a table cell with
a gap, the PDF text and the XLSX number format of every unit."""
from __future__ import annotations

import polars as pl
import pytest

from dashboard.i18n.numbers import UNITS, fmt_value, unit


@pytest.mark.parametrize("value, unit_id, text", [
    (-4351.0, "currency", "−¥4,351.00"), (17276.51, "currency", "¥17,276.51"), (11100.0, "currency", "¥11,100.00"),
    (0.3667, "ratio", "36.7 %"), (0.0197, "ratio", "1.97 %"), (-0.0197, "ratio", "−1.97 %"),
    (1234567.0, "pieces", "1,234,567"), (-0.001, "currency", "¥0.00"), (float("nan"), "ratio", "—"),
])
def test_one_text_per_unit(value, unit_id, text):
    assert fmt_value(value, unit_id) == text


def test_xlsx_and_grid_formats_follow_the_text_rule():
    assert unit("currency").xlsx == "¥#,##0.00"
    assert unit("currency").grid == "¥%,.2f" and unit("pieces").grid == "%,.0f"
    assert unit("ratio").xlsx == "0.00%"
    for u in UNITS.values():  # every text format groups thousands, and so does its cell format
        if u.id not in ("ratio", "score"):
            assert "," in fmt_value(12345.0, u.id) and u.xlsx.startswith(u.prefix + "#,##0")


def test_table_gaps_read_as_the_tiles(monkeypatch):
    from dashboard.ui.tables import without_gaps

    shown = without_gaps(pl.DataFrame({"a": [1234.5, None], "n": [1500, None]}))
    assert shown["a"].to_list() == ["1,234.50", "—"] and shown["n"].to_list() == ["1,500", "—"]


def test_report_tile_pdf_and_xlsx_share_the_unit():
    from dashboard.reports.format import fmt_change
    from dashboard.reports.xlsx import NUMBER_FORMATS

    assert NUMBER_FORMATS["currency"] == unit("currency").xlsx and NUMBER_FORMATS["pieces"] == "#,##0"
    assert fmt_change(-4351.0, "currency", "zh") == "−¥4,351.00"


def test_cli_table_prints_the_tile_text(monkeypatch):
    from dashboard.commands import kpi as cli

    assert cli._format(0.984, "ratio") == fmt_value(0.984, "ratio") == "98.4 %"
    assert cli._format(-4351.0, "currency") == "−¥4,351.00" and cli._format(1920, "pieces") == "1,920"


def test_whole_number_columns_of_a_table_get_separators():
    from dashboard.ui.tables import with_grouped_integers

    config = with_grouped_integers(pl.DataFrame({"数量": [1264], "费用": [912.85], "名称": ["x"]}), {"费用": "kept"})
    assert config["数量"]["type_config"]["format"] == "%,.0f" and config["费用"] == "kept" and "名称" not in config
