"""Chart helpers of the analysis pages: the categories a chart keeps on a big plant, period labels,
the supplier scatter's padded domain, and every recipe's spec valid against the Vega-Lite schema
(the pages draw them without that check, for speed)."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import set_lang
from dashboard.kpi.charts_data import keep_top
from dashboard.ui import charts


@pytest.fixture(autouse=True)
def english():
    set_lang("en")
    yield
    set_lang("en")


# --- keep_top -------------------------------------------------------------------------------------
def test_keep_top_keeps_the_groups_with_the_largest_sums_with_all_their_rows():
    # M1: 1 + 5 = 6, M2: 3, M3: no value, M4: 0.5
    frame = pl.DataFrame({"machine": ["M1", "M2", "M1", "M3", "M4"], "scrap": [1.0, 3.0, 5.0, None, 0.5]})
    kept = keep_top(frame, "machine", "scrap", 2)
    assert kept.get_column("machine").to_list() == ["M1", "M2", "M1"]  # rows of M1 and M2, in their order
    assert kept.get_column("scrap").to_list() == [1.0, 3.0, 5.0]


def test_keep_top_lowest_skips_groups_without_a_value():
    frame = pl.DataFrame({"code": ["A", "B", "C", "D"], "oee": [0.8, None, 0.5, 0.6]})
    assert sorted(keep_top(frame, "code", "oee", 2, lowest=True).get_column("code").to_list()) == ["C", "D"]


def test_keep_top_leaves_a_small_frame_as_it_is():
    frame = pl.DataFrame({"code": ["A", "B"], "value": [None, 1.0]})
    assert keep_top(frame, "code", "value", 2).equals(frame)


def test_ties_are_broken_by_code_so_a_rerun_shows_the_same_bars():
    frame = pl.DataFrame({"code": ["C", "A", "B"], "value": [1.0, 1.0, 1.0]})
    assert keep_top(frame, "code", "value", 2).get_column("code").to_list() == ["A", "B"]


def test_note_top_names_what_is_shown_in_both_languages():
    def app(lang: str):
        import polars as pl

        from dashboard.i18n import set_lang
        from dashboard.ui import charts

        set_lang(lang)
        charts.note_top(pl.DataFrame({"code": ["M1", "M2"]}), 864, "machine", "Throughput")

    for lang, text in (("en", "Showing 2 of 864 machines: those with the highest Throughput."),
                       ("zh", "共864个机台，仅显示Throughput最高的2个")):
        at = AppTest.from_function(app, args=(lang,)).run()
        assert text in at.caption[0].value


# --- labels --------------------------------------------------------------------------------------
def test_labels_follow_the_language_and_repeat_with_their_period():
    frame = pl.DataFrame({"period": [date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 5), None]})
    assert charts.with_labels(frame, "period", "day").get_column("label").to_list() == \
        ["Jan 05", "Jan 06", "Jan 05", None]
    set_lang("zh")
    assert charts.with_labels(frame, "period", "week").get_column("label").to_list() == \
        ["26年第2周", "26年第2周", "26年第2周", None]


# --- supplier scatter -----------------------------------------------------------------------------
SUPPLIERS = pl.DataFrame({"code": ["S-01", "S-05", "S-06", "S-03"], "name": ["a", "b", "c", "d"],
                          "otd": [0.16, 0.33, 0.33, 0.84], "pass_rate": [1.0, 1.0, 1.0, 0.87],
                          "lines": [6.0, 6.0, 6.0, 9.0]})


def scatter_spec() -> dict:
    return charts.scatter(SUPPLIERS, x="otd", y="pass_rate", x_title="OTD", y_title="Pass rate", size="lines",
                          size_title="Lines", title="Suppliers").to_dict()


def test_scatter_domain_leaves_room_around_the_points_at_100_percent():
    spec = scatter_spec()
    y_domain = spec["layer"][0]["encoding"]["y"]["scale"]["domain"]
    x_domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    # pad = max(12 % of the span, 2 points): y span 0.13 -> 0.02; x span 0.68 -> 0.0816
    assert y_domain == pytest.approx([0.85, 1.02])
    assert x_domain == pytest.approx([0.16 - 0.0816, 0.84 + 0.0816])
    assert spec["layer"][0]["encoding"]["y"]["scale"]["nice"] is False


def test_points_on_the_same_spot_share_one_label():
    spec = scatter_spec()
    rows = next(iter(spec["datasets"].values()))
    labels = {r["code"]: (r["point_label"], r["first_at_point"]) for r in rows}
    assert labels["S-05"] == ("S-05, S-06", True)
    assert labels["S-06"] == ("S-05, S-06", False)
    assert labels["S-01"] == ("S-01", True)


# --- every recipe is a valid Vega-Lite spec --------------------------------------------------------
def recipes():
    days = pl.DataFrame({"period": [date(2026, 1, 5), date(2026, 1, 6)], "v": [0.9, 0.8], "v_target": [0.85, 0.85],
                         "n": [3.0, 4.0]})
    days = charts.with_labels(days, "period", "day")
    cats = pl.DataFrame({"code": ["A", "B"], "name": ["A x", "B y"], "value": [5.0, 3.0], "share": [0.625, 0.375],
                         "cum_share": [0.625, 1.0]})
    heat = charts.with_labels(pl.DataFrame({"code": ["M1", "M2"], "period": [date(2026, 1, 5)] * 2,
                                            "scrap_ratio": [0.01, 0.02], "scrap": [1.0, 2.0], "total": [100.0] * 2}),
                              "period", "day")
    pc = days.with_columns(p=pl.col("v"), center=pl.lit(0.85), ucl=pl.lit(0.95), lcl=pl.lit(0.75),
                           out_of_control=pl.lit(False), scrap=pl.col("n"), total=pl.lit(10.0))
    steps = pl.DataFrame({"name": ["Planned", "Breakdown"], "start": [0.0, 90.0], "end": [100.0, 100.0],
                          "minutes": [100.0, 10.0], "share": [1.0, 0.1], "kind": ["Time", "Loss"], "order": [0, 1]})
    return {
        "trend": charts.trend_chart(days, "v", "ratio", title="t", value_title="v", x_title="x", target="v_target"),
        "pareto": charts.pareto_chart(cats, title="t", category_title="c", value_title="v"),
        "bar": charts.bar_chart(cats, title="t", category_title="c", value_title="v", unit="pieces", target=4.0,
                                color_by_target=1),
        "heat": charts.heat_map(heat, title="t", x_title="x", y_title="y", value_title="v"),
        "p_chart": charts.p_chart(pc, title="t", x_title="x", value_title="v"),
        "waterfall": charts.waterfall(steps, title="t", value_title="v"),
        "histogram": charts.histogram(cats.with_columns(late=pl.lit(True)), title="t", x_title="x", value_title="v"),
        "dual": charts.dual_trend(days, line="v", bars="n", line_title="l", bars_title="b", x_title="x", title="t"),
        "scatter": charts.scatter(SUPPLIERS, x="otd", y="pass_rate", x_title="x", y_title="y", size="lines",
                                  size_title="s", title="t"),
    }


@pytest.mark.parametrize("name", list(recipes()))
def test_recipe_spec_is_valid_vega_lite(name):
    spec = recipes()[name].to_dict(validate=True)  # raises SchemaValidationError on a bad spec
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


# --- figures remembered per data version ------------------------------------------------------------
class FakeFacts(dict):
    """A VersionedFacts (dashboard.kpi.engine) as cached() reads it: its cache_key and cache."""

    def __init__(self, url: str, version: int):
        from data_access.cache import cache_for

        super().__init__()
        self.version = version
        self.cache_key = (url, version, None)
        self.cache = cache_for(url, version)

    def prefetch(self, names) -> None:
        pass

    def known_first_date(self, name):
        return None


def test_cached_answers_the_same_question_once_per_data_version():
    from dashboard.ui.memo import cached, clear

    clear()
    calls = []

    def figure(kpis, facts, *, today):
        calls.append((tuple(kpis), getattr(facts, "version", None), today))
        return len(calls)

    facts = FakeFacts("sqlite:///a.db", 1)
    assert cached(figure, ["oee"], facts, today=date(2026, 1, 5)) == 1
    assert cached(figure, ["oee"], facts, today=date(2026, 1, 5)) == 1       # remembered
    assert cached(figure, ["oee"], facts, today=date(2026, 1, 6)) == 2       # another day
    assert cached(figure, ["oee"], FakeFacts("sqlite:///a.db", 2), today=date(2026, 1, 5)) == 3  # a write
    assert cached(figure, ["oee"], FakeFacts("sqlite:///b.db", 1), today=date(2026, 1, 5)) == 4  # another database
    assert cached(figure, ["oee"], {}, today=date(2026, 1, 5)) == 5           # no version: never kept
    assert cached(figure, ["oee"], {}, today=date(2026, 1, 5)) == 6


def test_points_a_label_apart_share_one_label_and_far_ones_keep_their_own():
    # y domain 0.81 to 1.02 (span 0.17 padded by 0.02): a cell is 0.21 / 15 = 0.014 high, so 1.0 and 0.9955 share one
    near = pl.DataFrame({"code": ["S-07", "S-02", "S-03", "S-04", "S-05"], "name": ["a", "b", "c", "d", "e"],
                         "otd": [1 / 3, 1 / 3, 1 / 3, 2 / 3, 2 / 3], "pass_rate": [1.0, 0.9955, 0.83, 0.9995, 1.0],
                         "lines": [3.0] * 5})
    spec = charts.scatter(near, x="otd", y="pass_rate", x_title="x", y_title="y", size="lines", size_title="s",
                          title="t").to_dict()
    rows = {r["code"]: (r["point_label"], r["first_at_point"]) for r in next(iter(spec["datasets"].values()))}
    assert rows["S-07"][0] == rows["S-02"][0] == "S-02, S-07"
    assert rows["S-04"][0] == rows["S-05"][0] == "S-04, S-05"
    assert rows["S-03"] == ("S-03", True)
    assert sum(first for _, first in rows.values()) == 3  # three labels drawn


# --- rows behind -------------------------------------------------------------------------------------
def test_rows_behind_show_the_newest_rows_first_and_count_them_all():
    def app():
        from datetime import date, timedelta

        import polars as pl

        from dashboard.i18n import set_lang
        from dashboard.ui.tables import rows_behind_table

        set_lang("en")
        days = [date(2026, 1, 1) + timedelta(days=(i * 7) % 1200) for i in range(1200)]  # every day once, shuffled
        rows_behind_table(pl.DataFrame({"date": days, "qty": list(range(1200))}), {"date": "Date", "qty": "Quantity"},
                          "rows", "rows", newest_first="date")

    at = AppTest.from_function(app).run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == 500
    newest = [(date(2026, 1, 1) + timedelta(days=1199 - i)).isoformat() for i in range(500)]
    assert shown["Date"].tolist() == newest
    captions = " ".join(c.value for c in at.caption)
    assert "1,200 records" in captions and "First 500 of 1,200 rows shown" in captions
