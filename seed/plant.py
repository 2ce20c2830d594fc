"""The demo plant's master data: lines, machines, products with routings and BOMs, materials,
customers, suppliers, reason codes (docs/architecture.md "The plant"; docs/kinds.md).

One "cell" is the whole plant below (18 machines, 24 products). The medium and large scales
repeat the cell so that the benchmarks get their million rows while every machine still has
routings for the products it runs; cell 0 is the plant a small demo shows.
"""
from __future__ import annotations

LINES = [  # line_code, name (the plant's own, Chinese), English name, process
    ("INJ", "注塑", "Injection molding", "injection"),
    ("DMC", "模压", "DMC/BMC molding", "dmc"),
    ("FIN", "处理", "Finishing", "finishing"),
    ("MAC", "机加工", "Machining", "machining"),
]

# Machines of one cell, per line, in order (local number 1, 2, ...): (Chinese name, English name).
MACHINES = {
    "INJ": [
        ("海天 MA900 90T 注塑机", "Haitian MA900 90T"),
        ("海天 MA1200 120T 注塑机", "Haitian MA1200 120T"),
        ("海天 MA1600 160T 注塑机", "Haitian MA1600 160T"),
        ("恩格尔 victory 200T 注塑机", "Engel victory 200T"),
        ("海天 MA2500 250T 注塑机", "Haitian MA2500 250T"),
        ("震雄 JM280 280T 注塑机", "Chen Hsong JM280 280T"),
        ("海天 MA3800 380T 注塑机", "Haitian MA3800 380T"),
    ],
    "DMC": [
        ("天源 200T 油压机", "Tianyuan hydraulic press 200T"),
        ("天源 250T 油压机", "Tianyuan hydraulic press 250T"),
        ("天源 315T 油压机", "Tianyuan hydraulic press 315T"),
        ("BMC 400T 注射机", "BMC injection press 400T"),
    ],
    "FIN": [
        ("去披锋修边台", "Deflashing & trimming bench"),
        ("超声波焊接/嵌件压入机", "Ultrasonic welder & insert press"),
        ("移印包装线", "Pad printing & packing line"),
    ],
    "MAC": [
        ("兄弟 S500X2 加工中心", "Brother S500X2 CNC"),
        ("哈斯 VF-2 加工中心", "Haas VF-2 CNC"),
        ("津上 B0205 数控车床", "Tsugami B0205 CNC lathe"),
        ("钻孔攻牙中心", "Drilling & tapping centre"),
    ],
}

# material_code: (Chinese name, English name), spec, unit, standard_price, lead_time_days, safety_stock, supplier_code
# (safety stock about half of the use over the lead time; a pack or a bag is the least of a slow item)
MATERIALS = {
    "M-PA66-BK": (("PA66 GF30 树脂（黑）", "PA66 GF30 resin, black"), "Zytel-type, 25 kg bag", "kg", 24.5, 21, 1000, "S-01"),
    "M-PA66-NT": (("PA66 树脂（本色）", "PA66 resin, natural"), "25 kg bag", "kg", 21.0, 21, 100, "S-01"),
    "M-PBT-GF": (("PBT GF30 树脂", "PBT GF30 resin"), "25 kg bag", "kg", 19.5, 21, 275, "S-02"),
    "M-PC-CL": (("PC 树脂（透明）", "PC resin, clear"), "UV-stabilised, 25 kg bag", "kg", 22.0, 28, 250, "S-02"),
    "M-PP-NT": (("PP树脂（共聚）", "PP copolymer resin"), "MFI 12, 25 kg bag", "kg", 9.8, 14, 900, "S-03"),
    "M-ABS-WH": (("ABS 树脂（白）", "ABS resin, white"), "25 kg bag", "kg", 14.2, 14, 500, "S-03"),
    "M-MB-BK": (("黑色母粒", "Black masterbatch"), "40 % carbon, 25 kg bag", "kg", 35.0, 14, 25, "S-03"),
    "M-BMC-GY": (("BMC 团状模塑料（灰）", "BMC compound, grey"), "polyester, 20 kg box", "kg", 11.5, 10, 650, "S-04"),
    "M-DMC-BK": (("DMC 团状模塑料（黑）", "DMC compound, black"), "polyester, 20 kg box", "kg", 10.8, 10, 450, "S-04"),
    "M-INS-M4": (("M4 铜嵌件", "Brass insert M4"), "knurled, 5000 pcs box", "pcs", 0.18, 30, 36000, "S-05"),
    "M-INS-M6": (("M6 铜嵌件", "Brass insert M6"), "knurled, 2000 pcs box", "pcs", 0.32, 30, 5500, "S-05"),
    "M-CTN-S": (("小纸箱", "Carton, small"), "400x300x200 mm", "pcs", 1.2, 7, 100, "S-06"),
    "M-CTN-L": (("大纸箱", "Carton, large"), "600x400x400 mm", "pcs", 2.6, 7, 200, "S-06"),
    "M-BAG-PE": (("PE 胶袋", "PE bag"), "200x300 mm", "pcs", 0.05, 7, 200, "S-08"),
    "M-REL": (("脱模剂", "Mold release agent"), "aerosol 500 ml", "can", 18.0, 7, 2, "S-07"),
}

SUPPLIERS = [  # code, Chinese name, English name
    ("S-01", "广州华宇工程塑料", "Guangzhou Huayu Engineering Plastics"),
    ("S-02", "上海金禾高分子", "Shanghai Jinhe Polymer"),
    ("S-03", "东莞新达塑胶原料", "Dongguan Xinda Plastic Materials"),
    ("S-04", "常州天马复合材料", "Changzhou Tianma Composites"),
    ("S-05", "宁波恒盛五金", "Ningbo Hengsheng Hardware"),
    ("S-06", "佛山美华包装", "Foshan Meihua Packaging"),
    ("S-07", "苏州瑞特化工", "Suzhou Ruite Chemicals"),
    ("S-08", "昆山华泰胶袋", "Kunshan Huatai Film & Bags"),
]

CUSTOMERS = [  # code, Chinese name, English name, class
    ("C-001", "华南电器", "Huanan Electric Appliance", "A"),
    ("C-002", "明道照明", "Brightway Lighting", "A"),
    ("C-003", "中科开关", "Zhongke Switchgear", "A"),
    ("C-004", "恒力电动工具", "Everpower Tools", "A"),
    ("C-005", "联丰家电", "Lianfeng Home Appliances", "A"),
    ("C-006", "极光电机", "Aurora Motors", "B"),
    ("C-007", "凯达水泵", "Kaida Pumps", "B"),
    ("C-008", "海信仪表", "Haixin Meters", "B"),
    ("C-009", "旭日空调", "Sunrise Air Conditioning", "B"),
    ("C-010", "德昌连接器", "Dechang Connectors", "B"),
    ("C-011", "永泰电气", "Yongtai Electrical", "B"),
    ("C-012", "绿野风扇", "Greenfield Fans", "B"),
    ("C-013", "通达车灯", "Tongda Auto Lamps", "B"),
    ("C-014", "明辉五金", "Minghui Hardware", "C"),
    ("C-015", "兴业贸易", "Xingye Trading", "C"),
    ("C-016", "鸿运电子", "Hongyun Electronics", "C"),
    ("C-017", "佳丽厨具", "Jiali Kitchenware", "C"),
    ("C-018", "瑞丰水暖", "Ruifeng Plumbing", "C"),
    ("C-019", "百胜园林工具", "Baisheng Garden Tools", "C"),
    ("C-020", "安科安防", "Anke Security", "C"),
    ("C-021", "富达收纳", "Fuda Storage", "C"),
    ("C-022", "巧星照明", "Qiaoxing Lighting", "C"),
    ("C-023", "东方继电器", "Dongfang Relays", "C"),
    ("C-024", "威龙马达", "Weilong Motors", "C"),
    ("C-025", "康泰医疗器械", "Kangtai Medical Devices", "C"),
]

# Products of one cell: (Chinese name, English name), spec, stage, BOM [(material, qty_per_unit, loss_rate)],
# routing [(line, local machine number, ideal_cycle_s, labour_s)] in operation order. The standard
# cost is derived from the BOM and the routing (MACHINE_HOUR_RATE).
PRODUCTS = [
    (("16A 开关外壳", "Switch housing 16A"), "PA66 GF30 black", "market",
     [("M-PA66-BK", 0.028, 0.03), ("M-INS-M4", 2, 0.005), ("M-CTN-S", 1 / 400, 0.01)],
     [("INJ", 1, 22, 24), ("FIN", 2, 6, 6)]),
    (("10A 插座底座", "Socket base 10A"), "PA66 GF30 black", "market",
     [("M-PA66-BK", 0.035, 0.03), ("M-CTN-S", 1 / 300, 0.01)],
     [("INJ", 1, 26, 28)]),
    (("接线端子盖", "Terminal block cover"), "PC clear", "market",
     [("M-PC-CL", 0.012, 0.04), ("M-BAG-PE", 1 / 100, 0.02)],
     [("INJ", 2, 18, 20)]),
    (("继电器外壳", "Relay housing"), "PBT GF30", "market",
     [("M-PBT-GF", 0.018, 0.03), ("M-CTN-S", 1 / 500, 0.01)],
     [("INJ", 2, 20, 22), ("FIN", 3, 4, 5)]),
    (("电表罩", "Meter cover"), "PC clear, UV", "launch",
     [("M-PC-CL", 0.055, 0.04), ("M-CTN-S", 1 / 100, 0.01)],
     [("INJ", 2, 32, 34)]),
    (("300 mm 风扇叶", "Fan blade 300 mm"), "PP black", "market",
     [("M-PP-NT", 0.145, 0.03), ("M-MB-BK", 0.002, 0.03), ("M-CTN-L", 1 / 50, 0.01)],
     [("INJ", 3, 45, 48)]),
    (("洗衣机旋钮", "Washing-machine knob"), "ABS white", "market",
     [("M-ABS-WH", 0.022, 0.03), ("M-CTN-S", 1 / 600, 0.01)],
     [("INJ", 3, 24, 26), ("FIN", 3, 5, 6)]),
    (("家电侧板", "Appliance side panel"), "ABS white", "market",
     [("M-ABS-WH", 0.310, 0.03), ("M-CTN-L", 1 / 20, 0.01)],
     [("INJ", 3, 58, 60)]),
    (("6P 连接器外壳", "Connector housing 6P"), "PBT GF30", "market",
     [("M-PBT-GF", 0.008, 0.03), ("M-BAG-PE", 1 / 200, 0.02)],
     [("INJ", 4, 16, 17)]),
    (("电机线圈骨架", "Motor bobbin"), "PA66 natural", "market",
     [("M-PA66-NT", 0.015, 0.03), ("M-BAG-PE", 1 / 200, 0.02)],
     [("INJ", 4, 19, 20), ("FIN", 1, 4, 5)]),
    (("E27 灯头", "Lamp holder E27"), "PBT GF30, M4 insert", "market",
     [("M-PBT-GF", 0.026, 0.03), ("M-INS-M4", 1, 0.005), ("M-CTN-S", 1 / 300, 0.01)],
     [("INJ", 5, 28, 30), ("FIN", 2, 6, 7)]),
    (("线卡", "Cable clip"), "PP natural", "market",
     [("M-PP-NT", 0.004, 0.03), ("M-BAG-PE", 1 / 500, 0.02)],
     [("INJ", 5, 15, 16)]),
    (("水泵叶轮", "Pump impeller"), "PA66 GF30, M6 insert", "market",
     [("M-PA66-BK", 0.085, 0.03), ("M-INS-M6", 1, 0.005), ("M-CTN-S", 1 / 80, 0.01)],
     [("INJ", 6, 52, 55), ("MAC", 1, 30, 35)]),
    (("收纳箱盖", "Storage box lid"), "PP natural", "market",
     [("M-PP-NT", 0.420, 0.03), ("M-CTN-L", 1 / 25, 0.01)],
     [("INJ", 6, 52, 54)]),
    (("空调导风板", "Air-conditioner louver"), "ABS white", "market",
     [("M-ABS-WH", 0.065, 0.03), ("M-CTN-L", 1 / 120, 0.01)],
     [("INJ", 7, 34, 36)]),
    (("电动工具外壳", "Power-tool housing"), "PA66 GF30, 4 inserts", "market",
     [("M-PA66-BK", 0.190, 0.03), ("M-INS-M4", 4, 0.005), ("M-CTN-L", 1 / 40, 0.01)],
     [("INJ", 7, 48, 50), ("FIN", 2, 10, 12), ("MAC", 2, 30, 36)]),
    (("电机端盖", "Motor end cap"), "BMC grey", "market",
     [("M-BMC-GY", 0.380, 0.04), ("M-CTN-L", 1 / 60, 0.01)],
     [("DMC", 1, 150, 160), ("MAC", 3, 60, 66)]),
    (("3P 绝缘底座", "Insulator base 3P"), "DMC black", "market",
     [("M-DMC-BK", 0.220, 0.04), ("M-CTN-S", 1 / 80, 0.01)],
     [("DMC", 1, 120, 130), ("FIN", 1, 12, 14)]),
    (("150 mm 灯具反光罩", "Lamp reflector 150 mm"), "BMC grey", "market",
     [("M-BMC-GY", 0.300, 0.04), ("M-CTN-L", 1 / 60, 0.01)],
     [("DMC", 2, 180, 190), ("FIN", 1, 15, 16)]),
    (("断路器灭弧罩", "Breaker arc chute"), "DMC black", "market",
     [("M-DMC-BK", 0.120, 0.04), ("M-CTN-S", 1 / 150, 0.01)],
     [("DMC", 2, 95, 100), ("FIN", 1, 10, 11)]),
    (("电表底座", "Meter base"), "BMC grey, M6 inserts", "launch",
     [("M-BMC-GY", 0.550, 0.04), ("M-INS-M6", 2, 0.005), ("M-CTN-L", 1 / 40, 0.01)],
     [("DMC", 3, 210, 220), ("FIN", 1, 15, 16), ("MAC", 2, 45, 50)]),
    (("车灯灯壳", "Headlamp housing"), "BMC grey", "development",
     [("M-BMC-GY", 0.850, 0.04), ("M-CTN-L", 1 / 20, 0.01)],
     [("DMC", 3, 240, 250), ("MAC", 4, 90, 95)]),
    (("开关柜绝缘子", "Switchgear insulator"), "DMC black", "market",
     [("M-DMC-BK", 0.650, 0.04), ("M-CTN-L", 1 / 30, 0.01)],
     [("DMC", 4, 200, 210), ("MAC", 3, 75, 80)]),
    (("12P 接线板", "Terminal board 12P"), "DMC black", "market",
     [("M-DMC-BK", 0.180, 0.04), ("M-REL", 1 / 5000, 0.02), ("M-CTN-S", 1 / 120, 0.01)],
     [("DMC", 4, 110, 115), ("FIN", 1, 10, 11), ("MAC", 4, 30, 34)]),
]

# Where a material is consumed (bom.seq, docs/kinds.md): packaging at the product's last operation (packing),
# brass inserts at the insert press (FIN machine 2) when the routing passes it, everything else at
# the first operation (bom.seq left empty: the default).
PACKAGING = ("M-CTN-S", "M-CTN-L", "M-BAG-PE")
INSERTS = ("M-INS-M4", "M-INS-M6")
INSERT_PRESS = ("FIN", 2)

# Standard cost (标准成本) = BOM material at standard price incl. its normal loss + conversion: the
# machine-hour rate (工费率, ¥ per hour of ideal cycle) of each operation's line x its ideal cycle.
# A rate carries the plant's labour, utilities, maintenance and overhead per ideal machine hour; these
# are the demo plant's own (its ~150 staff and overheads over ~2,700 ideal machine hours a month),
# DMC higher for its two operators per press, finishing lower for its simple benches.
MACHINE_HOUR_RATE = {"INJ": 510.0, "DMC": 600.0, "FIN": 430.0, "MAC": 560.0}
# Sales price = standard cost x a markup drawn per product and customer: with costs close to the
# standard costs of what is shipped, cost / sales lands near 0.85-0.92 (see seed.demo's docstring).
PRICE_MARKUP = (1.06, 1.26)

# Reason codes: code -> (kind, English, Chinese, category for downtime)
REASONS = {
    # scrap 废品原因
    "SC-SHORT": ("scrap", "Short shot", "缺料", None),
    "SC-FLASH": ("scrap", "Flash", "披锋", None),
    "SC-SINK": ("scrap", "Sink marks", "缩水", None),
    "SC-BURN": ("scrap", "Burn marks", "烧焦", None),
    "SC-SILVER": ("scrap", "Silver streaks", "银纹", None),
    "SC-WARP": ("scrap", "Warpage", "变形", None),
    "SC-BLACK": ("scrap", "Black specks", "黑点", None),
    "SC-DIM": ("scrap", "Dimension out of tolerance", "尺寸不良", None),
    "SC-CRACK": ("scrap", "Crack", "开裂", None),
    "SC-BLISTER": ("scrap", "Blister", "起泡", None),
    "SC-PORE": ("scrap", "Porosity", "气孔", None),
    "SC-SCRATCH": ("scrap", "Scratch", "划伤", None),
    "SC-PRINT": ("scrap", "Print defect", "印刷不良", None),
    "SC-WELD": ("scrap", "Weld failure", "焊接不良", None),
    "SC-BURR": ("scrap", "Burr", "毛刺", None),
    "SC-THREAD": ("scrap", "Thread defect", "螺纹不良", None),
    "SC-CHIP": ("scrap", "Chipped edge", "崩边", None),
    # defects 不良 (reworkable; inspection reject reasons)
    "DF-COSMETIC": ("defect", "Cosmetic defect", "外观不良", None),
    "DF-DIM": ("defect", "Dimension deviation", "尺寸偏差", None),
    "DF-COLOR": ("defect", "Colour deviation", "色差", None),
    "DF-MOIST": ("defect", "Moisture too high", "水分超标", None),
    "DF-CONTAM": ("defect", "Contamination", "杂质", None),
    "DF-SPEC": ("defect", "Wrong specification", "规格不符", None),
    "DF-PACK": ("defect", "Packaging defect", "包装不良", None),
    # downtime 停机原因 with the six big losses
    "DT-PM": ("downtime", "Planned maintenance", "计划保养", "planned"),
    "DT-MEET": ("downtime", "Meeting / training", "班前会/培训", "planned"),
    "DT-TRIAL": ("downtime", "Mold trial", "试模", "planned"),
    "DT-HYD": ("downtime", "Hydraulic failure", "液压故障", "breakdown"),
    "DT-ELEC": ("downtime", "Electrical fault", "电气故障", "breakdown"),
    "DT-MOLD": ("downtime", "Mold damage", "模具故障", "breakdown"),
    "DT-HEAT": ("downtime", "Heater band failure", "加热圈故障", "breakdown"),
    "DT-SPINDLE": ("downtime", "Spindle fault", "主轴故障", "breakdown"),
    "DT-SETUP": ("downtime", "Mold / product change", "换模", "setup"),
    "DT-COLOR": ("downtime", "Material / colour change", "换料/换色", "setup"),
    "DT-TOOL": ("downtime", "Tool change", "换刀", "setup"),
    "DT-JAM": ("downtime", "Part stuck / jam", "卡料/掉件", "minor_stop"),
    "DT-WAIT": ("downtime", "Waiting for material", "待料", "minor_stop"),
    "DT-ROBOT": ("downtime", "Robot alarm", "机械手报警", "minor_stop"),
    "DT-SLOW": ("downtime", "Reduced speed", "降速生产", "speed"),
    "DT-ADJ": ("downtime", "Process adjustment after defects", "调机/首件确认", "quality_loss"),
    "DT-QHOLD": ("downtime", "Quality hold", "品质停机", "quality_loss"),
    # complaints 投诉原因
    "CP-DIM": ("complaint", "Dimension not to drawing", "尺寸不符", None),
    "CP-APPEAR": ("complaint", "Appearance", "外观不良", None),
    "CP-FUNC": ("complaint", "Functional failure", "功能失效", None),
    "CP-MIX": ("complaint", "Mixed parts", "混料", None),
    "CP-QTY": ("complaint", "Short quantity", "数量短缺", None),
    "CP-PACK": ("complaint", "Damaged packaging", "包装破损", None),
    "CP-LATE": ("complaint", "Late delivery", "交期延误", None),
}

# Scrap reasons per line with their usual shares.
SCRAP_MIX = {
    "INJ": {"SC-SHORT": 0.22, "SC-FLASH": 0.18, "SC-SINK": 0.15, "SC-BURN": 0.08, "SC-SILVER": 0.10,
            "SC-WARP": 0.09, "SC-BLACK": 0.08, "SC-DIM": 0.10},
    "DMC": {"SC-CRACK": 0.25, "SC-BLISTER": 0.20, "SC-SHORT": 0.15, "SC-PORE": 0.15, "SC-FLASH": 0.10,
            "SC-DIM": 0.15},
    "FIN": {"SC-SCRATCH": 0.40, "SC-PRINT": 0.25, "SC-WELD": 0.20, "SC-DIM": 0.15},
    "MAC": {"SC-DIM": 0.40, "SC-BURR": 0.25, "SC-THREAD": 0.20, "SC-CHIP": 0.15},
}

# Unplanned and planned stops per line: reason -> weight; minutes drawn in DOWNTIME_MINUTES.
DOWNTIME_MIX = {
    "INJ": {"DT-MEET": 6, "DT-TRIAL": 3, "DT-HYD": 5, "DT-ELEC": 4, "DT-MOLD": 7, "DT-HEAT": 4, "DT-COLOR": 5,
            "DT-JAM": 22, "DT-WAIT": 10, "DT-ROBOT": 14, "DT-SLOW": 6, "DT-ADJ": 10, "DT-QHOLD": 4},
    "DMC": {"DT-MEET": 6, "DT-HYD": 8, "DT-ELEC": 4, "DT-MOLD": 8, "DT-HEAT": 6, "DT-JAM": 20, "DT-WAIT": 14,
            "DT-SLOW": 8, "DT-ADJ": 12, "DT-QHOLD": 6},
    "FIN": {"DT-MEET": 8, "DT-ELEC": 6, "DT-JAM": 30, "DT-WAIT": 30, "DT-SLOW": 12, "DT-ADJ": 10},
    "MAC": {"DT-MEET": 6, "DT-SPINDLE": 8, "DT-ELEC": 5, "DT-TOOL": 20, "DT-JAM": 15, "DT-WAIT": 20,
            "DT-SLOW": 10, "DT-ADJ": 12},
}
SETUP_REASON = {"INJ": "DT-SETUP", "DMC": "DT-SETUP", "FIN": "DT-SETUP", "MAC": "DT-TOOL"}
# category -> (min, max, skew): minutes = min + (max-min) * u**skew
DOWNTIME_MINUTES = {
    "planned": (15, 45, 1.0), "breakdown": (20, 240, 2.5), "setup": (25, 60, 1.0),
    "minor_stop": (3, 15, 1.0), "speed": (20, 60, 1.0), "quality_loss": (10, 45, 1.5),
}
EVENTS_PER_SHIFT = {"INJ": 2.2, "DMC": 1.8, "FIN": 0.6, "MAC": 1.0}
BASE_SCRAP = {"INJ": 0.018, "DMC": 0.028, "FIN": 0.006, "MAC": 0.010}
BASE_DEFECT = {"INJ": 0.012, "DMC": 0.015, "FIN": 0.008, "MAC": 0.006}
OPERATORS = {"INJ": 1, "DMC": 2, "FIN": 2, "MAC": 1}

# Employees per department (the departments of data_access.kinds.base.DEPARTMENTS)
HEADCOUNT = {"production": 96, "warehouse": 8, "quality": 12, "sales": 5, "customer_service": 3,
             "purchasing": 4, "hr": 4, "engineering": 8, "finance": 4, "planning": 4, "admin": 2}
HOURLY_RATE = {"production": (22, 32), "warehouse": (22, 28), "quality": (25, 38), "sales": (35, 60),
               "customer_service": (28, 40), "purchasing": (30, 45), "hr": (28, 42), "engineering": (38, 70),
               "finance": (35, 55), "planning": (32, 50), "admin": (30, 45)}
SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
            "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Zheng", "Liang", "Xie", "Song", "Tang", "Deng"]
GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong", "Yan", "Jie", "Tao",
         "Ming", "Chao", "Xiu", "Xia", "Ping", "Gang", "Hui", "Hong", "Bo", "Dan", "Hao", "Lan", "Kai", "Rui",
         "Xin", "Yu", "Zhen", "Peng", "Hua", "Ying", "Bin", "Qing"]

# Chinese New Year (first day) — the plant closes around it, output peaks before it.
CHINESE_NEW_YEAR = ["2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29",
                    "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23",
                    "2032-02-11", "2033-01-31", "2034-02-19", "2035-02-08", "2036-01-28", "2037-02-15",
                    "2038-02-04", "2039-01-24", "2040-02-12"]

# Monthly targets come from the plant's own baseline (seed.demo._targets): each KPI's figure over the
# first twelve months of the history ("last year"), plant-wide and per line, moved by TARGET_IMPROVEMENT
# where the plant means to improve (0: hold last year's level). The share is of the way to perfect for a
# fraction (close 30 % of the gap to 100 % OTD), a cut for lower-is-better figures (15 % less scrap),
# a rise for the others.
TARGET_KPIS = ("finished_qty", "good_qty", "plan_attainment", "oee", "availability", "performance", "quality_ratio",
               "yield", "scrap_ratio", "scrap_cost", "rework_ratio", "labour_productivity", "otd_line", "otd_order", "otd_qty",
               "supplier_otd", "csat", "satisfaction_mean", "nps", "complaint_ppm", "fpy", "incoming_pass_rate",
               "attendance_rate", "turnover", "overtime_share", "cost_per_unit", "sales_revenue", "gross_margin",
               "ar_overdue_share", "dso", "material_loss", "mttr")
LINE_TARGET_KPIS = ("good_qty", "oee", "availability", "scrap_ratio", "yield")
TARGET_IMPROVEMENT = {"finished_qty": 0.03, "sales_revenue": 0.03, "gross_margin": 0.01, "ar_overdue_share": 0.20,
                      "good_qty": 0.03, "plan_attainment": 0.25, "oee": 0.10, "availability": 0.10, "yield": 0.15,
                      "quality_ratio": 0.15, "scrap_ratio": 0.15, "scrap_cost": 0.15, "rework_ratio": 0.10,
                      "labour_productivity": 0.03, "otd_line": 0.30, "otd_order": 0.30, "otd_qty": 0.30,
                      "supplier_otd": 0.20, "csat": 0.10, "complaint_ppm": 0.20, "cost_per_unit": 0.03}
