"""Messages of the demo plant generator (seed/)."""
MESSAGES = {
    "seed.generated": {"en": "demo plant ({scale}) generated in {seconds} s",
                       "zh": "示范工厂（{scale}）数据已生成，用时 {seconds} 秒"},
    "seed.kind_loaded": {"en": "  {kind}: {rows} rows ({seconds} s)", "zh": "  {kind}：{rows} 行（{seconds} 秒）"},
    "seed.not_empty": {"en": "The demo plant was not loaded: the database already holds data (it loads only into an empty database).",
                       "zh": "未载入示范工厂：数据库中已有数据（示范数据只能载入空数据库）。"},
    "seed.snapshots": {"en": "columnar copy of the large kinds written ({kinds} kinds)",
                       "zh": "已写入大数据类别的列式副本（{kinds} 类）"},
    "seed.done": {"en": "demo plant loaded: {rows} rows in {seconds} s",
                  "zh": "示范工厂已载入：共 {rows} 行，用时 {seconds} 秒"},
}
