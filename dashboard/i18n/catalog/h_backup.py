"""Messages of issue 14 (items 1, 3, 4, 6): signed backups and the restore's refusals, permissions
below the UI for commentary, presets, restore and accounts, the CLI's identity and `plantkpi user`,
the undo of large batches."""
_PAIRS = {
    # --- data_access.backup: refusals
    "backup.error.no_revision": ("The backup's manifest names no schema revision, so PlantKPI cannot tell which "
                                 "tables it must hold. Nothing was changed.",
                                 "备份清单没有注明数据库结构版本，无法判断它应包含哪些表。数据库未作任何修改。"),
    "backup.error.missing_tables": ("The backup lacks tables that its schema revision {revision} has: {tables}. "
                                    "Restoring it would empty them. Nothing was changed.",
                                    "备份缺少其结构版本 {revision} 应有的表：{tables}。恢复它会清空这些表。数据库未作任何修改。"),
    "backup.error.missing_columns": ("The backup's table '{table}' lacks columns that must hold a value: {columns}. "
                                     "Nothing was changed.",
                                     "备份中的表“{table}”缺少必须有值的列：{columns}。数据库未作任何修改。"),
    "backup.error.bad_rows": ("The backup's table '{table}' holds rows the database refuses ({detail}). "
                              "Nothing was changed.",
                              "备份中的表“{table}”含有数据库拒绝的行（{detail}）。数据库未作任何修改。"),
    "backup.error.no_admin": ("The backup holds {accounts} accounts but no enabled admin among them: after restoring "
                              "it nobody could manage users or restore again. Nothing was changed.",
                              "备份中有 {accounts} 个账户，但没有可用的管理员：恢复后将无人能管理用户或再次恢复。"
                              "数据库未作任何修改。"),
    "backup.error.no_accounts": ("The backup holds no accounts while this database has {now}: restoring it would "
                                 "switch sign-in off and make every visitor an admin. Nothing was changed.",
                                 "备份中没有任何账户，而当前数据库有 {now} 个：恢复后将关闭登录，任何访问者都成为管理员。"
                                 "数据库未作任何修改。"),
    "backup.error.unsigned": ("This backup is not signed, so PlantKPI cannot tell whether it was altered. Restore it "
                              "only if you know where it comes from (--trust-unsigned, or the checkbox on the page). "
                              "Nothing was changed.",
                              "此备份没有签名，无法确认是否被改动过。只有确知其来源时才恢复（--trust-unsigned，或页面上的复选框）。"
                              "数据库未作任何修改。"),
    "backup.error.forged": ("The backup's signature does not match its contents: the file was altered after it was "
                            "signed (for instance rows edited and their checksums recomputed). Nothing was changed.",
                            "备份的签名与内容不符：文件在签名后被改动过（例如修改了数据并重新计算了校验值）。数据库未作任何修改。"),
    "backup.error.other_key": ("The backup was signed with another key ({theirs}); this installation's backup key "
                               "({source}) is {ours}. Set PLANTKPI_BACKUP_KEY or PLANTKPI_BACKUP_KEY_FILE to the key "
                               "it was made with, or restore it with --trust-unsigned if you know where it comes from. "
                               "Nothing was changed.",
                               "此备份由另一把密钥（{theirs}）签名；本系统的备份密钥（{source}）为 {ours}。请将 "
                               "PLANTKPI_BACKUP_KEY 或 PLANTKPI_BACKUP_KEY_FILE 设为生成备份时的密钥；若确知其来源，"
                               "也可用 --trust-unsigned 恢复。数据库未作任何修改。"),
    "backup.error.no_key": ("No backup key is set up here ({env}, or the key file {path}), so the backup's signature "
                            "cannot be checked. Install the key it was made with, or restore it with --trust-unsigned "
                            "if you know where it comes from. Nothing was changed.",
                            "本系统没有设置备份密钥（{env} 或密钥文件 {path}），无法检查备份的签名。请安装生成备份时的密钥；"
                            "若确知其来源，也可用 --trust-unsigned 恢复。数据库未作任何修改。"),
    "backup.error.key_short": ("The backup key from {source} is shorter than {min} characters; use a long random key "
                               "(e.g. `openssl rand -hex 32`).",
                               "来自 {source} 的备份密钥短于 {min} 个字符；请使用足够长的随机密钥（例如 `openssl rand -hex 32`）。"),
    "backup.error.key_unreadable": ("The backup key file {path} cannot be read ({detail}).",
                                    "无法读取备份密钥文件 {path}（{detail}）。"),
    # --- CLI backup / restore
    "backup.cli.written": ("backup written: {file} (signed with key {key_id} from {source})",
                           "备份已写入：{file}（使用来自 {source} 的密钥 {key_id} 签名）"),
    "backup.cli.key_created": ("A new backup key was created in {path} (readable by this user only). Keep a copy of it "
                               "apart from the backups: without it a backup can only be restored with --trust-unsigned.",
                               "已在 {path} 创建新的备份密钥（仅本用户可读）。请将其副本与备份分开保存：没有它，"
                               "备份只能用 --trust-unsigned 恢复。"),
    "backup.cli.restored": ("restored from {file}: {rows} rows (signature: {signature})",
                            "已从 {file} 恢复：共 {rows} 行（签名：{signature}）"),
    "backup.cli.trusting": ("WARNING: --trust-unsigned: the backup's signature is not checked.",
                            "警告：--trust-unsigned：不检查备份的签名。"),
    "backup.signature.valid": ("valid", "有效"),
    "backup.signature.not verified": ("not verified", "未验证"),
    # --- admin backup page
    "backup.page.key_created": ("A new backup key was created in {path}. Keep a copy of it apart from the backups: "
                                "without it a backup can only be restored as untrusted.",
                                "已在 {path} 创建新的备份密钥。请将其副本与备份分开保存：没有它，备份只能作为未验证文件恢复。"),
    "backup.page.signed_with": ("Backups are signed with key {key_id} ({source}).", "备份使用密钥 {key_id}（{source}）签名。"),
    "backup.page.signature_ok": ("Signature valid: made by this installation's backup key.",
                                 "签名有效：由本系统的备份密钥生成。"),
    "backup.page.trust": ("Restore it anyway: I know where this file comes from", "仍然恢复：我确知此文件的来源"),
    "backup.page.trust_warning": ("Without a valid signature nothing proves the file was not altered — a changed "
                                  "role, password hash or row would be restored as it is. Restore it only if you "
                                  "made it yourself or received it from someone you trust.",
                                  "没有有效签名，就无法证明文件未被改动——被改过的角色、密码哈希或数据会原样恢复。"
                                  "只有文件是您自己生成、或来自可信之人时才恢复。"),
    "backup.page.not_verified": ("Signature NOT verified: restoring on your word.", "签名未验证：依您的确认恢复。"),
    # --- permissions below the UI
    "ingest.err.permission.disabled": ("The account {user} is disabled and may not write {kind}.",
                                       "账户 {user} 已停用，不能写入{kind}。"),
    # --- CLI identity and `plantkpi user`
    "cli.password_for": ("Password of {name}: ", "{name} 的密码："),
    "cli.user.bad_login": ("plantkpi: --user {name}: {problem}", "plantkpi：--user {name}：{problem}"),
    "cli.user.no_password": ("no password given (type it, pipe one line on stdin, or set PLANTKPI_PASSWORD)",
                             "未提供密码（请输入，或从标准输入传入一行，或设置 PLANTKPI_PASSWORD）"),
    "cli.user.disabled_done": ("user {name} disabled: they can no longer sign in or write",
                               "用户 {name} 已停用：不能再登录或写入"),
    "cli.user.enabled_done": ("user {name} enabled again", "用户 {name} 已重新启用"),
    "cli.user.password_done": ("password of {name} changed", "{name} 的密码已更改"),
    "cli.user.unlocked_done": ("user {name} unlocked", "用户 {name} 已解锁"),
    "cli.user.removed_done": ("user {name} removed (their audit entries stay)", "用户 {name} 已删除（其审计记录保留）"),
    "cli.user.none": ("no accounts: the app runs as a single-user admin", "没有账户：应用以单用户管理员模式运行"),
    "cli.user.list_header": ("name|role|department|status|failed sign-ins|created",
                             "名称|角色|部门|状态|登录失败次数|创建时间"),
    "cli.user.status.active": ("active", "正常"),
    "cli.user.status.disabled": ("disabled", "已停用"),
    "cli.user.status.locked": ("locked until {until}", "锁定至 {until}"),
    "cli.user.status.demo": ("demo", "演示"),
    "cli.user.last_admin_disable": ("{name} is the last enabled admin; add another admin before disabling this one.",
                                    "{name} 是最后一个可用的管理员；请先添加另一个管理员再停用。"),
    "auth.audit.col.os_user": ("OS user", "操作系统用户"),
    "auth.users.disable": ("Disable (can no longer sign in or write)", "停用（不能再登录或写入）"),
    "auth.users.enable": ("Enable again", "重新启用"),
    "auth.users.disabled": ("{name} disabled.", "已停用 {name}。"),
    "auth.users.enabled": ("{name} enabled again.", "已重新启用 {name}。"),
    "auth.login.disabled": ("This account is disabled. Ask an admin to enable it.", "此账户已停用，请联系管理员启用。"),
    # --- undo of a large batch (dashboard.ui.history)
    "input.history.pick_placeholder": ("Choose a batch to undo", "选择要撤销的批次"),
    "input.history.type_number": ("This batch holds {rows} rows. Type its number {batch} to confirm the undo:",
                                  "此批次含 {rows} 行。请输入批次号 {batch} 以确认撤销："),
    "input.history.type_number_wrong": ("That is not {batch}: the undo stays locked.", "输入的不是 {batch}：撤销保持锁定。"),
}
MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _PAIRS.items()}
