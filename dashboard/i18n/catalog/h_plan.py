"""Messages of the planning projection shared by the four planning pages (issue 13, item 4)."""
_M = {
    "hplan.late": ("Late lines (promised date passed)", "已逾期订单行(已过承诺交期)"),
    "hplan.projected_late": ("Projected late (finish after promised date)", "预计延误订单行(预计完工晚于交期)"),
    "hplan.late_help": ("The same lines on Capacity, Priority, MRP and Progress: all four read one projection.",
                        "产能负荷、排产优先级、物料需求和生产进度四个页面读取同一个预测，延误订单行完全一致。"),
    "hplan.unrouted": ("{n} open lines have a product without routing: they cannot be loaded on a machine and are never projected late.",
                       "{n} 个未交订单行的产品没有工艺路线：无法排到机台，不计入预计延误。"),
    "hplan.projection.title": ("How the projection works", "预测如何计算"),
    "hplan.projection.rules": (
        "One projection of every open order line feeds all planning pages. Sequence (the plant's scheduling principles): earliest promised date first, then customer class A, B, C, then more operations first. "
        "In that sequence each line takes finished-goods stock of its product (latest stocktake + finished receipts − shipments since), then work in progress between operations (good output of an operation not yet taken by the next), most advanced first; the rest is still to make. "
        "The machines are then loaded forward from the plan date: each operation starts no earlier than the day the line's previous operation finishes and takes the earliest free hours of its machine "
        "(hours = quantity × ideal cycle ÷ 3600 ÷ the machine's availability × performance of the last 4 weeks, 0.85 without history; shift calendar minus planned maintenance). "
        "An operation that several machines can run goes to the one on which it finishes first (tie: the lower ideal cycle). "
        "Late: promised date before the plan date. Projected late: the last operation finishes after the promised date, or the work does not fit in a year.",
        "同一个预测覆盖全部未交订单行，供所有计划页面使用。顺序(工厂排产原则)：承诺交期最早优先，其次客户等级 A、B、C，再次工序多者优先。"
        "按此顺序，每行先分配该产品的成品库存(最近盘点 + 之后成品入库 − 出货)，再分配工序间在制品(某工序良品尚未被下道工序领用的数量)，越接近完工越先分配；其余为待生产。"
        "然后自计划基准日起向前排产：每道工序最早在上道工序完工当天开始，占用该机台最早的空闲工时"
        "(工时 = 数量 × 理想节拍 ÷ 3600 ÷ 该机台近 4 周时间开动率 × 性能开动率，无记录时取 0.85；班次日历减去计划保养)。"
        "一道工序可在多台机台加工时，排到最早完工的机台(相同时取理想节拍较短者)。"
        "已逾期：承诺交期早于计划基准日。预计延误：最后一道工序完工晚于承诺交期，或一年内排不下。"),
    "hplan.status": ("Status", "状态"),
    "hplan.status.late": ("late", "已逾期"),
    "hplan.status.projected_late": ("projected late", "预计延误"),
    "hplan.status.on_track": ("on track", "正常"),
    "hplan.from_stock": ("From stock", "库存分配"),
    "hplan.from_wip": ("From WIP", "在制品分配"),
    "hplan.to_make": ("Still to make", "待生产"),
    "hplan.projected_finish": ("Projected finish", "预计完工"),
    "hplan.lateness": ("Projected lateness (days)", "预计延误(天)"),
    "hplan.late_lines": ("Late and projected-late lines ({n})", "已逾期及预计延误的订单行({n})"),
    "hplan.no_late_lines": ("No line is late or projected late.", "没有已逾期或预计延误的订单行。"),
    "hplan.capacity.worked_ahead": ("A week above 100 % needs more hours than it has: the projection works that load ahead in the free hours of earlier days. Lines that still end after their promised date: {n} (see the list below).",
                                    "负荷超过 100 % 的周所需工时超过该周可用工时：预测会把这部分工作提前到之前有空闲工时的日子。提前后仍晚于交期完工的订单行：{n} 行(见下方列表)。"),
    "hplan.sequence": ("Sequence", "排产顺序"),
}
MESSAGES = {key: {"en": en, "zh": zh} for key, (en, zh) in _M.items()}
