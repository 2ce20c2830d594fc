"""Messages of operations, finished output, RTY and material loss (issue 13, helper h-ops)."""
_PAIRS = {
    "ops.throughput.no_routing": (
        "{rows} production rows ({qty} pieces) have no routing for their product on their machine: they count in "
        "the machine and line figures but not in finished output, WIP or RTY. Add the routing under master data.",
        "{rows} 条生产记录({qty} 件)的产品在该机台没有工艺路线：计入机台与产线数据，但不计入成品产量、在制品和直通率。"
        "请在基础资料中补充工艺路线。"),
    "ops.throughput.output_note": (
        "Finished output counts each piece once, at its product's last operation; good output counts every "
        "operation (a piece through molding, machining and finishing three times).",
        "成品产量按产品末道工序计，每件只计一次；良品数计入每道工序(经注塑、机加工、处理的一件计三次)。"),
    "ops.warn.no_routing": (
        "product {product} has no routing on machine {machine}: the row counts for the machine, not in finished "
        "output, WIP or RTY",
        "产品 {product} 在机台 {machine} 没有工艺路线：该记录计入机台数据，不计入成品产量、在制品和直通率"),
    "ops.throughput.wip": ("Work in process by operation", "各工序在制品"),
    "ops.quality.rty": ("Rolled throughput yield by product", "各产品直通率(RTY)"),
    "ops.quality.rty.note": (
        "RTY = product of the step yields (good / total of each routing operation, alternative machines pooled). "
        "\"—\": an operation had no output in the period.",
        "直通率 = 各工序良率(该工序良品 / 总产量，替代机台合并)之积。“—”：该期间某工序无产出。"),
    "ops.col.name": ("Name", "名称"),
    "ops.col.steps": ("Operations", "工序数"),
    "ops.col.step_yields": ("Step yields (by seq)", "各工序良率(按工序号)"),
    "ops.col.rty": ("RTY", "直通率"),
    "ops.col.seq": ("Operation", "工序号"),
    "ops.col.next_seq": ("Next operation", "下道工序"),
    "ops.col.good": ("Good handed on", "交出良品"),
    "ops.col.next_input": ("Input of the next", "下道投料"),
    "ops.col.wip_qty": ("WIP added", "在制品增加"),
    "ops.col.flag": ("Check", "判定"),
    "ops.materials.by_line": ("Material loss by line", "各产线材料损耗"),
    "ops.materials.by_line.note": (
        "Issues are recorded per material, not per line: each material's issue is shared among the lines by their "
        "part of its requirement, so a line's loss reflects the materials its operations use.",
        "领料按物料记录，未按产线记录：每种物料的领料按各产线的需求占比分摊，产线损耗反映其工序所用物料。"),
    "ops.materials.flag.over": ("above allowance", "超出允许损耗"),
    "ops.materials.flag.negative": ("negative: check issues / BOM", "负损耗：请核对领料/BOM"),
    "ops.materials.flag.ok": ("within allowance", "在允许范围内"),
    "ops.materials.over": ("Loss above the BOM allowance: {materials}.", "损耗超出 BOM 允许值：{materials}。"),
    "ops.materials.negative": (
        "Negative loss for {materials}: less was issued than the output of the consuming operation needs by the "
        "BOM. Either an issue record is missing (material taken without a requisition) or the BOM quantity per "
        "unit is too high.",
        "{materials} 为负损耗：领料少于耗用工序产出按 BOM 所需的数量。可能缺少领料记录(未开领料单即取用)，"
        "或 BOM 单位用量偏高。"),
    "ops.materials.unplaced": (
        "Issued without any requirement in the period (not on any line): {materials}.",
        "本期有领料但无需求(未分摊到产线)：{materials}。"),
}
MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _PAIRS.items()}
