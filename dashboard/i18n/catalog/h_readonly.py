"""Messages of a database opened read-only (issue 14)."""
_PAIRS = {
    "db.read_only": ("the database {path} is read-only (a read-only mount, or no write permission on the file or its "
                     "folder): nothing was written. Reports and KPIs can still be read; to write, make it writable.",
                     "数据库 {path} 为只读（只读挂载，或对该文件或其所在文件夹没有写权限）：未写入任何内容。"
                     "报表和指标仍可读取；如需写入，请使其可写。"),
}
MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _PAIRS.items()}
