"""Filters that narrow each other (issue 20.5): a choice the other filters rule out is dropped."""

MESSAGES = {
    "analysis.filter.narrowed": {"en": "Left out, as the other filters rule them out: {codes}",
                                 "zh": "与其他筛选条件不符，已移除：{codes}"},
}
