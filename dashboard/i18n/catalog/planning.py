"""Messages of the planning pages (capacity load, priority list, MRP, progress)."""
_M = {
    # shared
    "planning.as_of": ("Plan as of", "计划基准日"),
    "planning.as_of_help": ("The day the plan starts from (normally today).", "计划从这一天开始计算(通常为今天)。"),
    "planning.empty": ("There are no open order lines to plan. Enter sales orders (Data input → Sales) or load the demo plant with `plantkpi init --demo`.",
                       "没有未交货的订单行可供计划。请录入销售订单(数据录入 → 营销部)，或运行 `plantkpi init --demo` 载入示范工厂。"),
    "planning.rules": ("How it is calculated", "计算规则"),
    "planning.week": ("Week", "周"),
    "planning.machine": ("Machine", "机台"),
    "planning.line": ("Line", "产线"),
    "planning.order_no": ("Order no.", "订单号"),
    "planning.line_no": ("Line no.", "行号"),
    "planning.customer": ("Customer", "客户"),
    "planning.abc_class": ("Class", "客户等级"),
    "planning.product": ("Product", "产品"),
    "planning.ordered": ("Ordered", "订单数量"),
    "planning.shipped": ("Shipped", "已出货"),
    "planning.remaining": ("Remaining", "未交数量"),
    "planning.promised": ("Promised date", "承诺交期"),
    "planning.yes": ("yes", "是"),
    "planning.download_table": ("Download table (CSV)", "下载表格(CSV)"),
    # capacity
    "planning.capacity.intro": ("Hours required by open order lines against the hours available, per week for the next {weeks} weeks. Bottlenecks: load above 100 %.",
                                "未交订单所需工时与可用工时对比，未来 {weeks} 周逐周显示。瓶颈：负荷超过 100 %。"),
    "planning.capacity.shifts": ("Shifts per day", "每天班次"),
    "planning.capacity.hours_per_shift": ("Planned hours per shift", "每班计划工时"),
    "planning.capacity.days": ("Working days per week", "每周工作天数"),
    "planning.capacity.level": ("Show", "显示"),
    "planning.capacity.level.machine": ("Machines", "机台"),
    "planning.capacity.level.line": ("Lines", "产线"),
    "planning.capacity.required": ("Required h", "需求工时"),
    "planning.capacity.available": ("Available h", "可用工时"),
    "planning.capacity.maintenance": ("Planned maintenance h", "计划保养工时"),
    "planning.capacity.efficiency": ("Efficiency (A × P)", "效率(时间×性能开动率)"),
    "planning.capacity.load": ("Load %", "负荷 %"),
    "planning.capacity.bottleneck": ("Bottleneck", "瓶颈"),
    "planning.capacity.busiest": ("Busiest of week", "本周最忙"),
    "planning.capacity.bottlenecks": ("Overloaded machine-weeks", "超负荷机台周数"),
    "planning.capacity.peak": ("Highest load", "最高负荷"),
    "planning.capacity.chart": ("Load by week (%)", "各周负荷(%)"),
    "planning.capacity.rules": (
        "Required hours = the projection's quantity still to make at each operation (after finished stock and work in progress) × ideal cycle time on the machine the projection chose ÷ 3600 ÷ (availability × performance of the machine over the last 4 weeks; 0.85 without history). "
        "They are shown in the week the operation is needed: backwards from the promised date, {lead} days per operation (the last one ends on the promised date); overdue work goes in the current week. "
        "Available hours = shifts × hours per shift on the working days, minus preventive maintenance; the current week counts from the plan date. "
        "A week above 100 % is a bottleneck: the projection runs that work earlier where hours are free; lines become late only when that is not enough.",
        "需求工时 = 预测中各工序扣除成品库存和在制品后的待生产数量 × 预测所选机台的理想节拍 ÷ 3600 ÷ (该机台近 4 周时间开动率 × 性能开动率；无记录时取 0.85)。"
        "按工序需要的周显示：从承诺交期倒排，每道工序 {lead} 天(最后一道工序在交期当天完成)；已逾期的工作放在本周。"
        "可用工时 = 班次 × 每班工时 × 工作日，减去计划保养；本周从计划基准日起计算。"
        "负荷超过 100 % 的周为瓶颈：预测会把这部分工作提前到有空闲工时的日子；只有提前仍不够时订单行才会延误。"),
    # priority
    "planning.priority.intro": ("Open order lines ranked by the plant's scheduling principles. Move the weights to change the ranking; each line shows the points it got from each principle.",
                                "按工厂排产原则对未交订单行排序。调整权重可改变排序；每行显示各原则所得分数。"),
    "planning.priority.weights": ("Weights", "权重"),
    "planning.priority.w_due": ("Earliest due date", "交期最早优先"),
    "planning.priority.w_customer": ("Customer class A > B > C", "客户等级 A > B > C"),
    "planning.priority.w_bottleneck": ("Passes a bottleneck", "经过瓶颈机台"),
    "planning.priority.w_operations": ("More operations", "工序多优先"),
    "planning.priority.rank": ("Rank", "排序"),
    "planning.priority.score": ("Score", "总分"),
    "planning.priority.due_points": ("Due pts", "交期分"),
    "planning.priority.customer_points": ("Class pts", "等级分"),
    "planning.priority.bottleneck_points": ("Bottleneck pts", "瓶颈分"),
    "planning.priority.operations_points": ("Operations pts", "工序分"),
    "planning.priority.days_to_due": ("Days to due", "距交期天数"),
    "planning.priority.steps": ("Operations", "工序数"),
    "planning.priority.bottleneck_machines": ("Bottleneck machines", "瓶颈机台"),
    "planning.priority.required_h": ("Required h", "需求工时"),
    "planning.priority.finish": ("Expected finish", "预计完工"),
    "planning.priority.lateness": ("Expected lateness (days)", "预计延误(天)"),
    "planning.priority.late": ("Late at current load", "按当前负荷将延误"),
    "planning.priority.open_count": ("Open order lines", "未交订单行"),
    "planning.priority.chart": ("Why the top lines rank where they do (points per principle)", "排名靠前订单行的得分构成"),
    "planning.priority.component": ("Principle", "原则"),
    "planning.priority.points": ("Points", "分数"),
    "planning.priority.rules": (
        "Score = Σ weight × component. Due date: 1 when due today or overdue, falling to 0 for lines due {days} days or more ahead. Class: A 1, B 0.5, C 0. "
        "Bottleneck: 1 when a step of the line is on a machine loaded above 100 % in that step's week. Operations: steps / most steps of any open line. "
        "Ties: earlier promised date, then order no., line no. The weights only sort this list: stock, expected finish and lateness come from the projection shared by all planning pages.",
        "总分 = Σ 权重 × 分项。交期：今天到期或已逾期为 1，{days} 天及以后到期为 0，中间线性。等级：A 1、B 0.5、C 0。"
        "瓶颈：该行某道工序所在机台在该工序所在周负荷超过 100 % 时为 1。工序：工序数 / 未交订单行中最多的工序数。"
        "同分时：交期早者优先，其次订单号、行号。权重只改变本列表的排序：库存分配、预计完工和延误来自所有计划页面共用的预测。"),
    # MRP
    "planning.mrp.intro": ("Material requirements for the next {weeks} weeks from open order lines, stock on hand and open purchase orders.",
                           "根据未交订单、现有库存和未到货采购单计算未来 {weeks} 周的物料需求。"),
    "planning.mrp.empty": ("No materials in the master data: add materials and bills of materials under Admin → Master data.",
                           "基础资料中没有物料：请在 系统管理 → 基础资料 中添加物料和 BOM。"),
    "planning.mrp.material": ("Material", "物料"),
    "planning.mrp.name": ("Name", "名称"),
    "planning.mrp.unit": ("Unit", "单位"),
    "planning.mrp.on_hand_start": ("Stock at start", "期初库存"),
    "planning.mrp.gross": ("Gross requirement", "毛需求"),
    "planning.mrp.scheduled": ("Scheduled receipts", "预计到货"),
    "planning.mrp.projected": ("Projected on hand", "预计库存"),
    "planning.mrp.safety": ("Safety stock", "安全库存"),
    "planning.mrp.net": ("Net requirement", "净需求"),
    "planning.mrp.ending": ("Ending stock", "期末库存"),
    "planning.mrp.need_date": ("Need date", "需求日期"),
    "planning.mrp.lead": ("Lead time (days)", "采购周期(天)"),
    "planning.mrp.release": ("Order release date", "下单日期"),
    "planning.mrp.shortage": ("Shortage", "缺料"),
    "planning.mrp.supplier": ("Last supplier", "最近供应商"),
    "planning.mrp.quantity": ("Quantity to order", "建议采购量"),
    "planning.mrp.planned_orders": ("Planned purchase orders", "计划采购单"),
    "planning.mrp.no_orders": ("Nothing to order in the horizon: stock and open purchase orders cover every requirement and safety stock.",
                               "计划期内无需采购：库存与未到货采购单已满足全部需求和安全库存。"),
    "planning.mrp.shortages": ("Shortages (release date already past)", "缺料(应下单日期已过)"),
    "planning.mrp.to_order": ("Planned orders", "计划采购单数"),
    "planning.mrp.only_needed": ("Only materials with a net requirement", "只显示有净需求的物料"),
    "planning.mrp.detail": ("Week by week", "逐周明细"),
    "planning.mrp.download": ("Download planned orders (XLSX)", "下载计划采购单(XLSX)"),
    "planning.mrp.on_hand": ("On hand today", "今日库存"),
    "planning.mrp.basis": ("Stock basis", "库存依据"),
    "planning.mrp.basis.stocktake": ("stocktake + moves since", "盘点 + 之后进出"),
    "planning.mrp.basis.moves": ("all moves (no stocktake)", "全部进出(无盘点)"),
    "planning.mrp.rules": (
        "Gross requirement = the projection's quantity still to make at the operation that consumes the material (after finished stock and work in progress) × BOM quantity per unit × (1 + loss rate), needed when that operation must start (promised date − {lead} days per operation from it to the last). "
        "Stock on hand = latest stocktake + moves since (or, without a stocktake, all moves from 0) up to the plan date. "
        "Projected = previous week's stock + open purchase orders (ordered − received) − gross requirement; net requirement = what brings it back to safety stock (ordered lot for lot). "
        "Release date = need date − material lead time; a release date before the plan date is a shortage.",
        "毛需求 = 预测中消耗该物料工序的待生产数量(已扣除成品库存和在制品) × BOM 单位用量 × (1 + 损耗率)，在该工序应开工时需要(承诺交期 − 自该工序至最后工序每道 {lead} 天)。"
        "现有库存 = 最近一次盘点 + 之后的进出(无盘点时从 0 累计全部进出)，截至计划基准日。"
        "预计库存 = 上周库存 + 未到货采购(订购 − 已收) − 毛需求；净需求 = 补足安全库存所需数量(按需订购)。"
        "下单日期 = 需求日期 − 采购周期；下单日期早于计划基准日即为缺料。"),
    # progress
    "planning.progress.intro": ("Plan against actual for every open order line and week; late and projected late lines first.",
                                "每个未交订单行及每周的计划与实际对比；已逾期和预计延误的订单行排在前面。"),
    "planning.progress.status": ("Status", "状态"),
    "planning.progress.status.behind": ("behind", "落后"),
    "planning.progress.shipped_share": ("Shipped %", "出货 %"),
    "planning.progress.start": ("Production start", "计划开工"),
    "planning.progress.days_late": ("Days late", "逾期天数"),
    "planning.progress.covered": ("Covered by stock", "库存覆盖"),
    "planning.progress.gap": ("Still to produce", "待生产"),
    "planning.progress.behind_count": ("Behind", "落后订单行"),
    "planning.progress.on_track_count": ("On track", "正常订单行"),
    "planning.progress.weekly": ("Per week: production needed vs good output", "逐周：计划需生产数量与良品产出"),
    "planning.progress.products": ("Products", "产品"),
    "planning.progress.all_products": ("All products", "全部产品"),
    "planning.progress.due_qty": ("Due (ordered)", "到期订单量"),
    "planning.progress.shipped_qty": ("Shipped of due", "其中已出货"),
    "planning.progress.needed_qty": ("Production needed", "计划需生产"),
    "planning.progress.produced_qty": ("Good output", "良品产出"),
    "planning.progress.cum_gap": ("Cumulative gap", "累计差额"),
    "planning.progress.series": ("Series", "系列"),
    "planning.progress.qty": ("Quantity", "数量"),
    "planning.progress.rules": (
        "Covered by stock: finished-goods stock allocated to the line by the projection (in its sequence); still to produce = remaining − covered. "
        "Late: promised date passed. Projected late: the projection finishes it after its promised date. Behind: production should have started (promised date − {lead} days per routing step) and stock does not cover the line. "
        "Per week, production needed is the ordered quantity whose production starts that week; good output is the finished output (the last operation of each product); the cumulative gap is cumulative needed − cumulative good output over the weeks shown.",
        "库存覆盖：预测按其顺序分配给该行的成品库存；待生产 = 未交数量 − 库存覆盖。"
        "已逾期：已过承诺交期。预计延误：预测的完工日晚于承诺交期。落后：应已开工(承诺交期 − 每道工序 {lead} 天)但库存不足。"
        "逐周：计划需生产 = 当周开工的订单数量；良品产出为成品产出(各产品最后一道工序)；累计差额 = 所示各周累计计划需生产 − 累计良品产出。"),
}
MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _M.items()}
