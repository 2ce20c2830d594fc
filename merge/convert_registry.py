"""For the lead, at the merge of h-explain: main's dashboard/kpi/registry.py (older KPI shape, written
in place by the other branches) carried over onto h-explain's metric types. Not part of the app.

    git show main:dashboard/kpi/registry.py > /tmp/main_registry.py
    python merge/convert_registry.py /tmp/main_registry.py dashboard/kpi/registry.py > merged_registry.py

It starts from h-explain's registry (metric types, labelled measures) and brings in what main added
(dimensions, PERIOD_DAYS, FACT_OWN_DIMENSIONS, Measure.balance, operations / sales / finance / wages
measures and KPIs, headlines); the simple ratios are converted to _ratio, the rest stays in the older
shape (which keeps working: type "other", not split by members). Fails loudly when an anchor moved.
"""
import sys


def between(s: str, a: str, b: str) -> str:
    i = s.index(a)
    return s[i:s.index(b, i)]


def convert(main: str, mine: str) -> str:
    out = mine
    out = out.replace(between(mine, "DIMENSIONS = GRAINS", "UNITS = "), between(main, "DIMENSIONS = GRAINS", "UNITS = "))
    if "FACT_OWN_DIMENSIONS" in main:
        own = between(main, "# Dimensions whose members each belong to one fact", "\n\n\n")
        out = out.replace('EVENT_FACTS = frozenset({"complaints", "downtime", "scrap"})\n',
                          'EVENT_FACTS = frozenset({"complaints", "downtime", "scrap"})\n' + own + "\n", 1)
    out = out.replace('''    additive: bool = True  # False: the sum over members is not the whole's value (a count of distinct days)
''', '''    additive: bool = True  # False: the sum over members is not the whole's value (a count of distinct days)
    # A balance (receivables open at a date): the fact's rows are changes, and the measure is their sum
    # from the beginning up to the end of each period, not over the period (engine.balance_table).
    balance: bool = False
''')
    out = out.replace('_operating_s = (pl.col("planned_min")', '_routed = pl.col("seq").is_not_null()  # the row\'s '
                      'operation is known (SPEC §3 Operations)\n_operating_s = (pl.col("planned_min")', 1)
    i = out.index("    # downtime events")
    out = out[:i] + between(main, "    # operations: finished output is the good", "    # downtime events") + out[i:]
    leaves = '    Measure("leaves", "headcount", _sum("leaves"), "Leavers", "离职人数"),\n'
    i = out.index(leaves) + len(leaves)
    out = out[:i] + between(main, "    # sales: shipments valued", ")}\n\n\ndef _kpi(") + out[i:]
    swaps = {
        '    _total("good_qty", "Throughput (good)", "良品产量", "good", "pieces", +1, "production"),':
        '    _total("good_qty", "Good output (all operations)", "良品数(各工序)", "good", "pieces", +1, "production"),',
        '''           "good", "labour_h"),
    _total("downtime_min"''': '''           "finished", "labour_h"),
    _total("downtime_min"''',
        '    _total("downtime_min", "Downtime", "停机时间", "downtime_minutes", "minutes", -1, "production"),':
        '''    _total("downtime_min", "Downtime", "停机时间", "downtime_minutes", "minutes", -1, "production"),
    # operations (SPEC §3 Operations, §5 Production)
    _total("finished_qty", "Finished output", "成品产量", "finished", "pieces", +1, "production"),
    _kpi("wip_qty", "Work in process added", "在制品增加量", "pieces", -1,
         "Σ good handed on by an operation − Σ input_qty taken in by the next operation",
         "Σ 各工序交出的良品数 − Σ 下道工序投料数", ["handed_on", "taken_in"],
         pl.col("handed_on") - pl.col("taken_in"), "production", additive=True),
    _total("no_routing_rows", "Production rows without routing", "无工艺路线的生产记录", "unrouted_rows", "count", -1,
           "production"),
    _total("no_routing_qty", "Output without routing", "无工艺路线的产量", "unrouted_total", "pieces", -1, "production"),
    _ratio("labour_productivity_op", "Labour productivity at the operation", "工序人均产出", "pieces_per_hour", +1,
           "production", "good", "labour_h"),''',
        '    _ratio("cost_per_unit", "Cost per good unit", "单位良品成本", "currency", -1, "materials", "cost_amount", "good"),':
        '''    _ratio("cost_per_unit", "Cost per finished unit", "单位成品成本", "currency", -1, "materials", "cost_amount",
           "finished"),''',
    }
    if '"scrap_by_reason"' in main:
        swaps['    _total("scrap_cost", "Scrap cost", "废品成本", "scrap_value", "currency", -1, "quality"),'] = (
            '    _total("scrap_by_reason", "Scrap by reason", "按原因废品数", "scrap_reason_qty", "pieces", -1, "quality"),\n'
            '    _total("scrap_cost", "Scrap cost", "废品成本", "scrap_value", "currency", -1, "quality"),')
    for old, new in swaps.items():
        if old not in out:
            raise SystemExit(f"anchor moved: {old[:60]!r}")
        out = out.replace(old, new, 1)
    block = between(main, "_BUCKETS = (", "\n# The headline KPIs" if "# The headline KPIs" in main else "HEADLINE = ")
    ratios = {
        '''    _kpi("avg_price", "Average price", "平均单价", "currency", +1, "sales revenue / sales volume", "销售收入 / 销售数量",
         ["revenue", "sold_qty"], ratio("revenue", "sold_qty"), "finance"),''':
        '    _ratio("avg_price", "Average price", "平均单价", "currency", +1, "finance", "revenue", "sold_qty"),',
        '''    _kpi("gross_margin", "Gross margin", "毛利率", "ratio", +1, "(sales revenue − cost of sales) / sales revenue",
         "(销售收入 − 销售成本) / 销售收入", ["revenue", "sold_cost_value", "transport_cost"],
         ratio(pl.col("revenue") - pl.col("sold_cost_value") - pl.col("transport_cost"), "revenue"), "finance"),''':
        '''    _ratio("gross_margin", "Gross margin", "毛利率", "ratio", +1, "finance",
           ("revenue", "-sold_cost_value", "-transport_cost"), "revenue"),''',
        '''    _kpi("labour_cost_per_unit", "Labour cost per finished unit", "单位成品人工成本", "currency", -1,
         "payroll / finished output", "工资总额 / 成品产量", [*_PAY, "finished"],
         ratio(pl.sum_horizontal(list(_PAY)), "finished"), "wages"),''':
        '''    _ratio("labour_cost_per_unit", "Labour cost per finished unit", "单位成品人工成本", "currency", -1, "wages",
           _PAY, "finished"),''',
    }
    for old, new in ratios.items():
        block = block.replace(old, new)  # an entry changed on main stays in the older shape (still valid)
    i = out.index("HEADLINE = ")
    headlines = main[main.index("# The headline KPIs") if "# The headline KPIs" in main else main.index("HEADLINE = "):
                     main.index("\n\n\ndef kpi(")]
    end = out.index("\n\n\ndef kpi(")
    return out[:i] + block.rstrip("\n") + "\n\n" + headlines + out[end:]


if __name__ == "__main__":
    main_text, mine_text = (open(p, encoding="utf-8").read() for p in sys.argv[1:3])
    sys.stdout.write(convert(main_text, mine_text))
