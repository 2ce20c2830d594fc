"""Messages of the demo plant generator (seed/)."""
MESSAGES = {
    "seed.generated": {"en": "demo plant ({scale}) generated in {seconds} s",
                       "zh": "示范工厂（{scale}）数据已生成，用时 {seconds} 秒"},
    "seed.kind_loaded": {"en": "  {kind}: {rows} rows ({seconds} s)", "zh": "  {kind}：{rows} 行（{seconds} 秒）"},
    "seed.done": {"en": "demo plant loaded: {rows} rows in {seconds} s",
                  "zh": "示范工厂已载入：共 {rows} 行，用时 {seconds} 秒"},
}
