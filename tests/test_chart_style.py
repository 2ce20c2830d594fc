"""The one chart style (dashboard/chart_style.py) read off the chart specs: whole-number ticks on
count axes, category names wrapped instead of cut, titles clear of labels, a Pareto that ends at
exactly 100 %, a readable heat-map legend, no repeated OEE waterfall bar, few scatter labels."""
from __future__ import annotations

import json

import polars as pl
import pytest

from dashboard import chart_style
from dashboard.i18n import set_lang, t
from dashboard.reports import charts as report_charts
from dashboard.ui import charts


@pytest.fixture(autouse=True)
def chinese():
    set_lang("zh")
    yield
    set_lang("en")


def _axes(spec: dict) -> list[dict]:
    """Every axis object of a (layered) spec."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("axis"), dict):
                found.append(node["axis"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(spec)
    return found


NAMES = ["旭日精密塑胶制品有限公司", "A", "华东汽车零部件集团股份有限公司总装分厂", "B"]


def test_count_axes_have_whole_number_ticks_and_names_wrap():
    data = pl.DataFrame({"code": ["C1", "C2", "C3", "C4"], "name": NAMES, "value": [1.0, 0.0, 1.0, 0.0]})
    spec = charts.bar_chart(data, title="投诉", category_title="客户", value_title="投诉数", unit="count").to_dict()
    axes = _axes(spec)
    value = next(a for a in axes if a.get("format") == ",.0f")
    assert value["tickMinStep"] == 1  # 0 1 2, never 0 0 0 1 1
    names = next(a for a in axes if "labelExpr" in a)
    assert "substring" in names["labelExpr"] and names["labelLimit"] >= 160 and names["labelOverlap"] is False
    assert names["titlePadding"] >= 8
    # the tooltip keeps the whole name
    assert any(tt.get("field") == "name" for tt in spec["layer"][0]["encoding"]["tooltip"])


def test_ratio_axes_stay_fractional():
    assert "tickMinStep" not in chart_style.value_axis("ratio").to_dict()
    assert chart_style.value_axis("ratio").to_dict()["format"] == ".1%"
    assert chart_style.value_axis("minutes").to_dict()["tickMinStep"] == 1


def test_wrap_expression_splits_long_names_in_two_lines_with_an_ellipsis():
    expr = chart_style.wrap_expr(width=4, lines=2)
    assert expr == ("length(datum.label) <= 4 ? datum.label : [substring(datum.label, 0, 4), "
                    "length(datum.label) > 8 ? substring(datum.label, 4, 7) + '…' : substring(datum.label, 4, 8)]")


def test_pareto_cumulative_ends_at_exactly_one():
    # shares of a total that is not the bars' sum: the line would end at 1.03
    data = pl.DataFrame({"code": ["R1", "R2", "R3"], "name": ["缩水", "飞边", "其他"], "value": [50.0, 30.0, 23.0],
                         "share": [0.5, 0.3, 0.23], "cum_share": [0.5, 0.8, 1.03]})
    spec = charts.pareto_chart(data, title="废品", category_title="原因", value_title="数量").to_dict()
    rows = next(iter(spec["datasets"].values()))
    cum = [r["cum_share"] for r in rows]
    assert cum[-1] == 1.0 and cum == sorted(cum) and max(cum) <= 1.0
    assert cum[0] == pytest.approx(50 / 103)


def test_heat_map_legend_is_long_and_formatted():
    data = pl.DataFrame({"code": ["M1", "M1"], "period": ["2026-01-01", "2026-02-01"], "label": ["1月", "2月"],
                         "scrap_ratio": [0.0, 0.05], "scrap": [0, 5], "total": [100, 100]})
    spec = charts.heat_map(data, title="废品率", x_title="月", y_title="机台", value_title="废品率").to_dict()
    legend = spec["encoding"]["color"]["legend"]
    assert legend["format"] == ".1%" and legend["gradientLength"] >= 250 and legend["direction"] == "horizontal"


def test_waterfall_draws_each_step_once():
    time, loss = t("analysis.kind.time"), t("analysis.kind.loss")
    steps = pl.DataFrame({
        "name": ["计划生产时间", "故障停机", "运行时间", "净运行时间", "废品", "完全有效生产时间"],
        "kind": [time, loss, time, time, loss, time], "minutes": [840.0, 35.0, 805.0, 805.0, 0.0, 805.0],
        "share": [1.0, 0.04, 0.96, 0.96, 0.0, 0.96], "order": [0, 1, 2, 3, 4, 5],
        "start": [0.0, 805.0, 0.0, 0.0, 805.0, 0.0], "end": [840.0, 840.0, 805.0, 805.0, 805.0, 805.0]})
    kept = charts.waterfall_steps(steps).get_column("name").to_list()
    assert kept == ["计划生产时间", "故障停机", "运行时间"]  # 净运行时间 and 完全有效 repeat 805 min; 废品 is 0
    spec = charts.waterfall(steps, title="OEE", value_title="分钟").to_dict()
    assert "Planned" not in json.dumps(spec, ensure_ascii=False)


def test_scatter_names_at_most_ten_spots():
    n = 30
    data = pl.DataFrame({"code": [f"S-{i:02d}" for i in range(n)], "name": [f"供应商{i}" for i in range(n)],
                         "otd": [i / n for i in range(n)], "pass": [1 - i / n for i in range(n)],
                         "qty": [float(i) for i in range(n)]})
    spec = charts.scatter(data, x="otd", y="pass", x_title="准时", y_title="合格", size="qty", size_title="数量",
                          title="供应商").to_dict()
    rows = next(iter(spec["datasets"].values()))
    labelled = [r["code"] for r in rows if r["first_at_point"]]
    assert len(labelled) == charts.SCATTER_LABELS and "S-29" in labelled and "S-00" not in labelled


def test_report_scrap_chart_uses_the_same_axes():
    reasons = pl.DataFrame({"name_zh": NAMES[:2], "name_en": ["a", "b"], "qty": [3, 1], "share": [0.75, 0.25]})
    axes = _axes(report_charts.scrap_reasons_chart(reasons, "zh").to_dict())
    assert any("labelExpr" in a for a in axes) and any(a.get("tickMinStep") == 1 for a in axes)
