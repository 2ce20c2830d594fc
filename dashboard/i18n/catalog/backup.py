"""Messages of whole-database backup and restore (data_access.backup, pages/admin_backup.py)."""
_PAIRS = {
    # --- refused backup files (data_access.backup.BackupError)
    "backup.error.missing": ("The backup file {file} does not exist.", "备份文件 {file} 不存在。"),
    "backup.error.not_a_backup": ("This is not a PlantKPI backup file ({detail}).",
                                  "这不是 PlantKPI 备份文件（{detail}）。"),
    "backup.error.corrupt": ("The backup file is damaged or incomplete: part {part} cannot be read ({detail}). "
                             "Nothing was changed.",
                             "备份文件已损坏或不完整：无法读取 {part}（{detail}）。数据库未作任何修改。"),
    "backup.error.checksum": ("The backup file is damaged: part {part} holds {rows} rows that do not match its "
                              "checksum (expected {expected} rows). Nothing was changed.",
                              "备份文件已损坏：{part} 含 {rows} 行，与校验值不符（应为 {expected} 行）。数据库未作任何修改。"),
    "backup.error.newer_format": ("This backup was written in file format {version} by a newer PlantKPI; "
                                  "upgrade PlantKPI before restoring it.",
                                  "此备份由更新版本的 PlantKPI 生成（文件格式 {version}），请先升级 PlantKPI 再恢复。"),
    "backup.error.newer_schema": ("This backup comes from a newer database schema ({revision}) than this PlantKPI "
                                  "knows (up to {head}); upgrade PlantKPI before restoring it. Nothing was changed.",
                                  "此备份来自更新的数据库结构（{revision}），本程序只支持到 {head}；请先升级 PlantKPI 再恢复。"
                                  "数据库未作任何修改。"),
    "backup.error.unknown_table": ("The backup holds a table '{table}' that this PlantKPI does not know.",
                                   "备份中包含本程序不认识的表“{table}”。"),
    "backup.error.unknown_column": ("The backup's table '{table}' holds columns this PlantKPI does not know: {column}.",
                                    "备份中的表“{table}”包含本程序不认识的列：{column}。"),
    # --- admin page
    "backup.page.title": ("Backup & restore", "备份与恢复"),
    "backup.page.intro": ("A backup holds the whole database — master data, every upload batch, the audit log, "
                          "users — in one file that restores into SQLite or PostgreSQL.",
                          "备份文件包含整个数据库（基础资料、所有上传批次、审计日志、用户），可恢复到 SQLite 或 PostgreSQL。"),
    "backup.page.download_title": ("Download a backup", "下载备份"),
    "backup.page.prepare": ("Prepare backup file", "生成备份文件"),
    "backup.page.download": ("Download {file}", "下载 {file}"),
    "backup.page.prepared": ("Backup ready: {rows} rows in {tables} tables.", "备份已生成：{tables} 张表，共 {rows} 行。"),
    "backup.page.restore_title": ("Restore from a backup", "从备份恢复"),
    "backup.page.upload": ("Backup file (.zip)", "备份文件（.zip）"),
    "backup.page.summary": ("Backup made {created_at} from {source} (schema {revision}): {rows} rows.",
                            "备份时间 {created_at}，来源 {source}（结构版本 {revision}）：共 {rows} 行。"),
    "backup.page.col.table": ("Table", "表"),
    "backup.page.col.in_backup": ("Rows in backup", "备份中的行数"),
    "backup.page.col.now": ("Rows now", "当前行数"),
    "backup.page.warning": ("Restoring REPLACES every table of the current database with the backup. "
                            "Data entered since the backup is lost.",
                            "恢复会用备份替换当前数据库的所有表，备份之后录入的数据将丢失。"),
    "backup.page.confirm": ("I understand: replace the whole database", "我已了解：替换整个数据库"),
    "backup.page.restore": ("Restore now", "立即恢复"),
    "backup.page.restored": ("Database restored from {file}: {rows} rows.", "已从 {file} 恢复数据库：共 {rows} 行。"),
}
MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _PAIRS.items()}
