"""Home's first impression (issue 15.3): the open-exceptions count while it is still being computed."""

MESSAGES = {
    "exc.home.counting": {"en": "being counted…", "zh": "正在统计…"},
}
