"""Tables write a unit's figures as the tiles do (issue 20.4): "36.7 %" (a space before the sign),
"¥17,276.51" and "−¥4,351.00" (the sign before the currency), "—" for a gap; the grid's own printf
would print "36.70%" and "¥-4,351.00". The text is the display value of a pandas Styler, so the cell
keeps its number (the grid sorts by it). Checked on a small table, on Purchasing in Chinese and on
Wages (the pay sheet of tests/test_wages.py: production ¥570.00 paid against ¥600.00 booked)."""
from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from dashboard.auth import CurrentUser
from dashboard.i18n import t
from dashboard.i18n.numbers import fmt_value
from dashboard.ui.login import SESSION_USER
from data_access.kinds import DEPARTMENTS
from tests.conftest import serving_database
from tests.test_analysis_pages import ROOT, known_db  # noqa: F401  (fixture)
from tests.test_wages import march  # noqa: F401  (fixture)
from tests.test_zh_pages_all import run_zh, shown

PERCENT = re.compile(r"^(—|−?\d{1,3}(,\d{3})*\.\d{1,2} %)$")
MONEY = re.compile(r"^(—|−?¥\d{1,3}(,\d{3})*\.\d{2})$")


def test_a_unit_table_reads_as_the_tiles_and_keeps_its_numbers(tmp_path):
    script = tmp_path / "table.py"
    script.write_text(
        "import polars as pl\n"
        "from dashboard.ui.tables import data_table, unit_column\n"
        "data_table(pl.DataFrame({'s': ['a', 'b', 'c'], 'p': [0.367, 0.0123, None], 'm': [17276.51, -4351.0, 0.0], 'f': [6.0, 7.0, 1500.0],"
        " 'n': [1264, 2, 3]}), 'x', 'k', column_config={'p': unit_column('ratio'), 'm': unit_column('currency')})\n")
    at = AppTest.from_file(str(script)).run()
    assert not at.exception
    table = at.dataframe[0]
    text = shown(table)
    assert text["p"].tolist() == ["36.7 %", "1.23 %", "—"]
    assert text["m"].tolist() == ["¥17,276.51", "−¥4,351.00", "¥0.00"]
    assert text["n"].tolist() == ["1,264", "2", "3"]
    assert text["f"].tolist() == ["6", "7", "1,500"]  # counts summed as floats: no ".00"
    # the numbers stay beneath (a click on the header sorts −4,351 below 0, not as text)
    assert table.value["m"].tolist() == [17276.51, -4351.0, 0.0]
    config = table.proto.columns
    assert '"format"' not in config.split('"m"')[1].split("}")[0]  # a grid format would win over the text


def test_a_table_without_percent_money_or_gaps_stays_a_plain_frame(tmp_path):
    script = tmp_path / "plain.py"
    script.write_text("import polars as pl\nfrom dashboard.ui.tables import data_table\n"
                      "data_table(pl.DataFrame({'n': [1264, 2]}), 'x', 'k')\n")
    at = AppTest.from_file(str(script)).run()
    assert not at.dataframe[0].proto.arrow_data.styler.display_values
    assert '"%,.0f"' in at.dataframe[0].proto.columns  # 1,264 from the grid's own format


def test_purchasing_in_chinese_writes_percent_and_money_as_the_tiles(known_db):
    at = run_zh("analysis_purchasing")
    otd, ppv = t("analysis.col.supplier_otd", "zh"), t("analysis.col.purchase_price_variance", "zh")
    table = next(d for d in at.dataframe if ppv in d.value.columns)
    text, numbers = shown(table), table.value
    assert text[otd].tolist() == [fmt_value(v, "ratio") for v in numbers[otd]]
    assert text[ppv].tolist() == [fmt_value(v, "currency") for v in numbers[ppv]]
    assert all(PERCENT.match(x) for x in text[otd]) and all(MONEY.match(x) for x in text[ppv]), text
    percents = [m.value for m in at.metric if m.value.endswith("%")]
    assert percents and all(PERCENT.match(v) for v in percents)  # the tiles: the same rule


def test_wages_page_writes_yuan_with_the_sign_before_the_currency(march):
    with serving_database(march):
        at = AppTest.from_file(str(ROOT / "pages" / "wages.py"), default_timeout=60)
        at.session_state[SESSION_USER] = CurrentUser("root", "admin", None, "zh")
        at.session_state["lang"] = "zh"
        at.run()
        at.selectbox(key="pay_month").set_value("2026-03").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.metric[0].value == "¥8,973.23"
    departments = shown(at.dataframe[0])
    production = DEPARTMENTS["production"][1]
    row = departments[departments[t("pay.col.department", "zh")] == production].iloc[0]
    assert (row[t("pay.col.total", "zh")], row[t("pay.col.labour_cost", "zh")], row[t("pay.col.difference", "zh")]) \
        == ("¥570.00", "¥600.00", "−¥30.00")
    employees = shown(at.dataframe[1])
    assert "¥2,903.23" in employees[t("pay.col.total", "zh")].tolist()


def test_percent_axes_and_legends_put_a_space_before_the_sign():
    from dashboard.chart_style import gradient_legend, value_axis
    from dashboard.i18n.numbers import PERCENT_LABEL

    assert value_axis("ratio").to_dict()["labelExpr"] == PERCENT_LABEL == "replace(datum.label, '%', ' %')"
    assert gradient_legend("ratio", "x").to_dict()["labelExpr"] == PERCENT_LABEL
    assert "labelExpr" not in value_axis("currency").to_dict()  # d3 writes −4,351.00 already
