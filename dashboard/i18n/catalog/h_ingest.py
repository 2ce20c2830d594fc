"""Messages of the ingestion hardening (issue 14 item 2): bad values, read-only databases, and the
error boundary of the app frame."""

MESSAGES = {
    "ingest.val.ambiguous_comma": {
        "en": "ambiguous comma: write a decimal with a point (7.5) and thousands in groups of three (1,234)",
        "zh": "逗号含义不明确：小数请用小数点（7.5），千位分隔须每三位一组（1,234）"},
    "ingest.val.out_of_range": {"en": "too large for this column (from {min} to {max})",
                                "zh": "超出该列可保存的范围（{min} 至 {max}）"},
    "ingest.val.implausible": {"en": "implausibly large (at most {max} expected): check the digits and the unit",
                               "zh": "数值大得不合理（应不超过 {max}）：请检查位数和单位"},
    "ingest.val.implausible_date": {"en": "implausible date: expected from {earliest} to {latest}",
                                    "zh": "日期不合理：应在 {earliest} 至 {latest} 之间"},
    "ingest.err.read_only": {
        "en": "Nothing was imported: the database cannot be written ({detail}). It is on a read-only disk or "
              "folder, or this program may not write it; ask IT to make it writable.",
        "zh": "未导入任何数据：数据库无法写入（{detail}）。它位于只读的磁盘或文件夹中，或本程序没有写入权限；请联系 IT 设为可写。"},
    "app.error.incident": {
        "en": "Something went wrong on this page and it could not be shown. Your data is safe: nothing was "
              "written. Please tell the administrator the incident number {incident}.",
        "zh": "本页面出现错误，无法显示。您的数据是安全的：没有写入任何内容。请将事件编号 {incident} 告知管理员。"},
    "app.error.database": {
        "en": "The database cannot be used right now ({detail}): it may be on a read-only disk, or its server "
              "may be down. Nothing was written. Please tell the administrator the incident number {incident}.",
        "zh": "数据库暂时无法使用（{detail}）：可能位于只读磁盘上，或数据库服务器未运行。没有写入任何内容。"
              "请将事件编号 {incident} 告知管理员。"},
    "app.error.retry": {"en": "Try again", "zh": "重试"},
}
