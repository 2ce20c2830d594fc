"""Messages of sign-in sessions (issue 14)."""
_PAIRS = {
    "session.ended": ("Your session has ended (signed out in another tab, password changed, account disabled or "
                      "the session expired). Please sign in again.",
                      "您的会话已结束（已在其他标签页退出、密码已更改、账号已停用或会话已过期）。请重新登录。"),
    "session.tab_only": ("This sign-in holds for this browser tab only: the database has no sessions table yet. "
                         "An administrator should run `plantkpi init` to upgrade the database.",
                         "本次登录仅对当前浏览器标签页有效：数据库中还没有会话表。请管理员运行 `plantkpi init` 升级数据库。"),
}
MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _PAIRS.items()}
