"""Messages of the status rule, the plant calendar, comparison coverage and `plantkpi kpi` additions."""
MESSAGES = {
    "kpi.status.near_target": {"en": "near target", "zh": "接近目标"},
    "status.target.line": {"en": "line target", "zh": "产线目标"},
    "status.coverage.previous.month": {"en": "prev. period {covered} of {total} months with data",
                                       "zh": "上期 {total} 个月中 {covered} 个月有数据"},
    "status.coverage.previous.day": {"en": "prev. period {covered} of {total} days with data",
                                     "zh": "上期 {total} 天中 {covered} 天有数据"},
    "status.coverage.last_year.month": {"en": "last year {covered} of {total} months with data",
                                        "zh": "去年同期 {total} 个月中 {covered} 个月有数据"},
    "status.coverage.last_year.day": {"en": "last year {covered} of {total} days with data",
                                      "zh": "去年同期 {total} 天中 {covered} 天有数据"},
    "status.calendar.bad_cutoff": {
        "en": "PLANTKPI_MONTH_CUTOFF={value!r}: the month's cut-off day must be a whole number from 1 to 28 "
              "(empty or 0 = calendar months)",
        "zh": "PLANTKPI_MONTH_CUTOFF={value!r}：记帐截止日须为 1 到 28 的整数（留空或 0 = 自然月）"},
    "status.calendar.bad_week_start": {
        "en": "PLANTKPI_WEEK_START={value!r}: the first day of the week must be mon, tue, wed, thu, fri, sat or sun",
        "zh": "PLANTKPI_WEEK_START={value!r}：每周第一天须为 mon、tue、wed、thu、fri、sat 或 sun"},
    "status.calendar.caption": {
        "en": "Statistics calendar: {months}; weeks start on {week_start}",
        "zh": "统计口径：{months}；每周从{week_start}开始"},
    "status.calendar.calendar_months": {"en": "calendar months", "zh": "自然月"},
    "status.calendar.cutoff": {"en": "months close on day {day} (the month runs from the {next}th of the month before)",
                               "zh": "每月 {day} 日截止（自上月 {next} 日起）"},
    "status.weekday.0": {"en": "Monday", "zh": "周一"},
    "status.weekday.1": {"en": "Tuesday", "zh": "周二"},
    "status.weekday.2": {"en": "Wednesday", "zh": "周三"},
    "status.weekday.3": {"en": "Thursday", "zh": "周四"},
    "status.weekday.4": {"en": "Friday", "zh": "周五"},
    "status.weekday.5": {"en": "Saturday", "zh": "周六"},
    "status.weekday.6": {"en": "Sunday", "zh": "周日"},
    "status.cli.col.target": {"en": "Target", "zh": "目标"},
    "status.cli.col.status": {"en": "Status", "zh": "状态"},
    "status.cli.unknown_kpi": {"en": "unknown KPI {kpi!r}; use one of: {known}",
                               "zh": "未知的指标 {kpi!r}；可用：{known}"},
    "status.cli.none.line": {"en": "no line", "zh": "无产线"},
    "status.cli.none": {"en": "not assigned", "zh": "未指定"},
}
