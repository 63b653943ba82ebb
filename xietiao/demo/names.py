"""Demo words: names of projects and people, item templates, and the sentences units and the bureau write."""

from __future__ import annotations

import random
from datetime import date

from xietiao.jsonvalue import JSONValue
from xietiao.ledger.colours import zh_date

SECRET_MARKER = "玄鸟"

LEAD = "@lead"  # placeholder: the project's own lead unit
TOWN = "@town"  # placeholder: the street or town the project lies in

CATEGORIES = ("产业", "交通", "能源", "水利", "社会事业")
CATEGORY_WEIGHTS = (35, 20, 12, 13, 20)
PLANS = (
    "投资专班攻坚项目",
    "区年度重大建设项目计划",
    "区级政府投资项目计划",
    "省市县长工程",
    "省“4+1”重大项目建设计划",
)
# The project form's reasons for close attention (choices of focus_reason), with how often each is picked.
FOCUS = (
    "区委区政府主要领导要求上会",
    "事关全区长远和全局发展",
    "要素保障有难度",
    "进展缓慢或推进不力",
    "招引或落地困难",
)
FOCUS_WEIGHTS = (1, 3, 4, 3, 1)
FOCUS_NOTES = ("用地、资金等要素需区级统筹。", "年度投资计划完成压力较大。", "需多部门联合攻关。")

# Who leads a project of each category; TOWN means the project's own street or town.
CATEGORY_LEADS = {
    "产业": ("区经信局", "XX经开集团", "区商务局", "区科技局", TOWN),
    "交通": ("区交通运输局", "区交通工程建设中心", "XX铁投集团", "XX高铁新城建设中心"),
    "能源": ("区发展改革局", "区供电分局", "XX经开集团"),
    "水利": ("区水利局", "区温瑞塘河工程建设中心", TOWN),
    "社会事业": (
        "区教育局",
        "区卫生健康局",
        "区民政局",
        "区文广旅体局",
        "市高教新区建设中心",
        "XX新城建设集团",
        "XX中心区建设中心",
        "区西部生态新城建设中心",
        "XX旅投集团",
    ),
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾叶潘蔡"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀兰霞平刚英华建国海燕晓东志红文斌宇浩辉琳"
_BRANDS = (
    "瓯澜",
    "鼎诚",
    "瑞科",
    "凯越",
    "锦川",
    "华屹",
    "远帆",
    "德翔",
    "恒睿",
    "嘉沃",
    "泰铭",
    "启澄",
    "宏屿",
    "联拓",
    "晟达",
    "博衡",
)
_INDUSTRIES = (
    "新材料",
    "智能装备",
    "汽车零部件",
    "生物医药",
    "光电",
    "精密机械",
    "新能源电池",
    "智能电气",
    "数字科技",
    "绿色包装",
)
_SPOTS = ("", "东片", "西片", "滨江", "湖滨", "工业区", "中心区", "新区", "北部", "南部")
_ROADS = ("大道", "中路", "东路", "北路", "环路", "快速路")
_RIVERS = ("塘河", "梧溪", "东湖河", "西山河", "南塘河", "仙岩溪", "新桥河", "河口浦", "北山溪")
_NAME_PATTERNS = {
    "产业": (
        "{brand}{industry}智能制造基地项目",
        "{brand}{industry}产业园项目",
        "{brand}年产{n}万套{industry}产品生产线项目",
        "{brand}{industry}数字化工厂项目",
        "{brand}总部及研发中心项目",
    ),
    "交通": (
        "{place}{road}改建工程",
        "{place}{road}快速化改造工程",
        "{place}互通及连接线工程",
        "{place}公交综合枢纽项目",
        "{place}{road}延伸段工程",
        "{place}智慧停车场及配套工程",
    ),
    "能源": (
        "{place}{n}兆瓦分布式光伏发电项目",
        "{place}220千伏输变电工程",
        "{place}天然气门站及管网工程",
        "{place}用户侧储能电站项目",
        "{place}公共充电基础设施项目",
    ),
    "水利": (
        "{river}{place}段综合整治工程",
        "{place}排涝泵站工程",
        "{place}水系连通及生态修复工程",
        "{place}供水管网提升改造工程",
        "{river}堤防加固工程",
    ),
    "社会事业": (
        "{place}中学新建工程",
        "{place}实验小学扩建工程",
        "区人民医院{place}院区项目",
        "{place}养老服务中心项目",
        "{place}全民健身中心项目",
        "{place}文化综合体项目",
        "{place}幼儿园新建工程",
    ),
}
_OVERVIEWS = {
    "产业": "项目位于{town}，总用地约{mu}亩，新建厂房、研发楼及配套设施，达产后年产值约{value}亿元。",
    "交通": "项目位于{town}，全长约{km}公里，按城市主干路标准建设，含桥梁、排水、照明及绿化工程。",
    "能源": "项目位于{town}，建设发电及输配电设施，建成后可新增清洁能源供给，提升区域供电保障能力。",
    "水利": "项目位于{town}，整治河道约{km}公里，新建护岸、闸站和滨水绿道，提高区域防洪排涝能力。",
    "社会事业": "项目位于{town}，总建筑面积约{area}万平方米，建成后补齐区域公共服务短板。",
}
MILESTONE_TASKS = {
    "前期工作": ("完成可研批复和用地预审", "完成初步设计审批", "取得建设用地规划许可证", "完成环评批复和能评审查"),
    "开工": ("主体工程开工建设", "完成桩基施工并全面开工", "取得施工许可证并进场施工"),
    "竣工": ("主体工程完工并通过竣工验收", "完成竣工验收备案", "全线贯通并完成交工验收"),
    "投产运营": ("设备安装调试完成并投产", "正式投入运营"),
    "其他": ("交付使用", "通车运行", "完成财务竣工决算"),
}

# (kind, lead unit, coordinating units, what is to be done); {when} is the deadline phrase.
ITEM_TEMPLATES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("审批", "区自然资源和规划分局", ("区发展改革局",), "加快办理项目用地预审与选址意见书，{when}出具用地预审意见"),
    ("审批", "区生态环境分局", (LEAD,), "加快环境影响报告书技术审查，{when}完成环评批复"),
    ("审批", "区住建局", ("区政务服务中心",), "开辟审批绿色通道，并联开展施工图审查，{when}核发施工许可证"),
    ("审批", "区发展改革局", ("区财政局",), "加快可行性研究报告审查，{when}完成可研批复"),
    ("审批", "区水利局", (LEAD,), "指导业主完善水土保持方案和防洪影响评价，{when}完成审批"),
    (
        "审批",
        "区政务服务中心",
        ("区住建局", "区自然资源和规划分局"),
        "实行容缺受理和联合审图，{when}完成工程规划许可办理",
    ),
    ("征拆", TOWN, ("区自然资源和规划分局",), "加快项目红线范围内房屋征收，{when}完成剩余征拆任务并净地交付"),
    ("征拆", TOWN, ("区供电分局",), "做好杆线迁改涉及的政策处理，{when}完成迁改并移交施工作业面"),
    ("征拆", TOWN, ("区农业农村局",), "落实青苗补偿和坟墓迁移等政策处理，{when}完成征拆扫尾"),
    ("征拆", "区住建局", (TOWN,), "指导完善征收补偿安置方案，{when}启动征拆签约"),
    ("资金", "区财政局", ("区发展改革局",), "将项目建设资金纳入年度财政预算，{when}落实首期建设资金"),
    ("资金", "区财政局", (LEAD,), "按工程进度审核并加快资金拨付，{when}将进度款拨付到位"),
    ("资金", "区发展改革局", ("区财政局",), "指导项目申报地方政府专项债券，{when}完成申报材料报送"),
    ("资金", "区财政局", ("XX新城建设集团",), "统筹国有集团融资安排，{when}落实项目资本金"),
    ("资金", "区财政局", (LEAD,), "加快上级补助资金拨付，{when}完成资金下达"),
    ("土地", "区自然资源和规划分局", (TOWN,), "统筹安排新增建设用地指标，{when}完成用地组卷报批"),
    ("土地", "区自然资源和规划分局", ("区农业农村局",), "落实耕地占补平衡指标，{when}完成农用地转用审批"),
    ("土地", "区自然资源和规划分局", (TOWN,), "加快办理使用林地审核手续，{when}取得林地批复"),
    ("土地", "区自然资源和规划分局", ("区发展改革局",), "优化规划设计条件并启动土地出让，{when}完成挂牌出让"),
    ("其他", "区供电分局", (LEAD,), "优化供电方案，开辟电力接入绿色通道，{when}完成项目电力接入"),
    ("其他", "区交通运输局", ("区公安分局",), "审定施工期间交通组织方案，{when}完成临时交通改道"),
    ("其他", "区经信局", ("区发展改革局",), "协调落实项目用能指标，{when}完成节能审查"),
    ("其他", "区生态环境分局", (LEAD,), "协调落实主要污染物排放总量指标，{when}完成排污权交易"),
    ("其他", "区水利局", (TOWN,), "协调涉河施工审批和临时排水，{when}完成围堰施工许可"),
)
ISSUE_KINDS = ("审批", "征拆", "资金", "土地", "其他")
ISSUE_KIND_WEIGHTS = (25, 20, 20, 20, 15)
_OPENERS = ("由{lead}牵头，{co}配合，", "协调{lead}会同{co}", "{lead}负责、{co}协助，", "请{lead}")
_WHEN = ("{day}前", "力争{day}前", "确保{day}前", "于{day}前")

_PROBLEMS = {
    "审批": (
        "可研报告已报送，因规划选址调整审批进度滞后",
        "环评技术审查意见迟迟未反馈，后续开工手续无法办理",
        "施工图审查意见反复修改，施工许可办理受阻",
    ),
    "征拆": (
        "红线范围内尚有{n}户房屋未签约，施工单位无法进场",
        "杆线迁改和青苗补偿等政策处理未完成，影响施工作业面移交",
        "安置房源不足，征拆补偿方案迟迟未定",
    ),
    "资金": (
        "年度建设资金缺口约{n}万元，财政预算尚未安排",
        "工程进度款拨付滞后，施工单位资金周转困难",
        "专项债券额度未落实，项目资本金不足",
    ),
    "土地": (
        "新增建设用地指标未落实，用地报批无法推进",
        "项目涉及林地约{n}亩，使用林地审核尚未完成",
        "耕地占补平衡指标缺口较大，农用地转用审批受阻",
    ),
    "其他": (
        "专线电力接入方案未确定，设备调试受影响",
        "施工期间交通组织方案未获审定，道路封闭施工无法实施",
        "用能指标未落实，节能审查无法通过",
    ),
}
_COORDINATED = (
    "已由区发展改革局组织专题协调，{co}参加，问题仍未解决",
    "业主单位已多次与{co}对接，尚未形成一致意见",
    "主管部门已召开现场会研究，仍需区政府层面协调",
)
_STEPS = {
    "审批": ("整理申报材料", "提交审批部门受理", "组织专家评审", "根据评审意见修改完善", "会签出具批复"),
    "征拆": ("开展入户调查摸底", "公示补偿安置方案", "推进签约腾空", "组织房屋拆除", "完成场地清表交地"),
    "资金": ("编制资金需求计划", "报送财政部门审核", "纳入预算或债券安排", "办理拨付手续", "资金到位"),
    "土地": ("编制用地报批材料", "落实用地指标", "组卷上报审批", "取得用地批复", "办理供地手续"),
    "其他": ("对接主管部门", "编制实施方案", "方案评审修改", "组织实施", "完成验收"),
}
_DIFFICULTIES = (
    "个别事项需上级部门审核，周期较长",
    "相关单位意见尚未统一，需进一步协调",
    "受天气影响施工窗口期紧张",
    "补充材料较多，仍在完善中",
)
CLOSED_REASONS = (
    "经核实，该事项已落实到位，予以销号。",
    "责任单位已提交办结材料，经核实予以销号。",
    "项目实施方案调整，该事项不再需要协调，予以销号。",
)
RETURN_REASONS = (
    "进展描述过于简略，请补充具体办理节点和时间。",
    "投资估算与可研批复不一致，请核实后重新提交。",
    "该问题尚未经主管部门先行协调，请先对接主管部门后再提交。",
)
PLACES = ("区行政中心三号楼第二会议室", "区行政中心一号楼会议室", "区发展改革局十二楼会议室")
CONVENERS = ("常务副区长", "区政府联系副主任（受常务副区长委托）")


def person(rng: random.Random) -> dict[str, JSONValue]:
    """An invented name with a placeholder-range phone number."""
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return {"name": rng.choice(_SURNAMES) + given, "phone": f"1380577{rng.randrange(10000):04d}"}


def place_of(rng: random.Random, town: str) -> str:
    return town[:2] + rng.choice(_SPOTS)


def project_name(rng: random.Random, category: str, town: str, used: set[str]) -> str:
    """A new project name; later phases get 二期, 三期 so names stay unique."""
    base = rng.choice(_NAME_PATTERNS[category]).format(
        brand=rng.choice(_BRANDS),
        industry=rng.choice(_INDUSTRIES),
        place=place_of(rng, town),
        road=rng.choice(_ROADS),
        river=rng.choice(_RIVERS),
        n=rng.choice((5, 10, 20, 30, 50)),
    )
    name, phase = base, 1
    while name in used:
        phase += 1
        name = f"{base}（{'二三四五六七八九'[(phase - 2) % 8]}期）" if phase < 10 else f"{base}（{phase}期）"
    used.add(name)
    return name


def overview(rng: random.Random, category: str, town: str) -> str:
    return _OVERVIEWS[category].format(
        town=town,
        mu=rng.randrange(50, 400),
        value=rng.randrange(3, 40),
        km=rng.randrange(2, 15),
        area=rng.randrange(2, 12),
    )


def owner(rng: random.Random, category: str, lead: str) -> str:
    if category == "产业":
        return f"{rng.choice(_BRANDS)}{rng.choice(_INDUSTRIES)}有限公司"
    return lead


def _units_phrase(units: list[str]) -> str:
    return "、".join(units)


def item_content(rng: random.Random, body: str, lead: str, co: list[str], deadline: date) -> str:
    """The wording of an agreed item: who leads, who helps, what, by when."""
    openers = _OPENERS if co else (_OPENERS[0].replace("{co}配合，", ""), _OPENERS[3])
    opener = rng.choice(openers).format(lead=lead, co=_units_phrase(co))
    when = rng.choice(_WHEN).format(day=zh_date(deadline))
    return opener + body.format(when=when)


def issue_texts(rng: random.Random, kind: str, co: list[str], lead: str, body: str) -> dict[str, str]:
    """Problem, coordination so far and the ask of an issue (议题)."""
    return {
        "problem": rng.choice(_PROBLEMS[kind]).format(n=rng.randrange(3, 60) * (10 if kind == "资金" else 1)),
        "coordinated": rng.choice(_COORDINATED).format(co=_units_phrase(co) or "相关部门"),
        "ask": f"提请区政府协调{lead}{body.format(when='尽快')}",
    }


def progress_texts(rng: random.Random, kind: str, percent: int, trouble: bool) -> dict[str, str]:
    steps = _STEPS[kind]
    at = min(len(steps) - 1, percent * len(steps) // 100)
    done = "、".join(steps[:at]) or "前期对接"
    return {
        "progress": f"已完成{done}，目前正在{steps[at]}。",
        "next_steps": f"下月计划{steps[min(at + 1, len(steps) - 1)]}。",
        "difficulties": rng.choice(_DIFFICULTIES) if trouble else "",
    }


def solved_text(kind: str) -> str:
    return f"{_STEPS[kind][-1]}，相关手续已办结，附办结材料。"


def discussion_text(rng: random.Random, proposer: str, kind: str, leads: list[str]) -> str:
    return (
        f"{proposer}汇报了{kind}方面的卡点问题。会议明确由{_units_phrase(leads)}牵头，"
        f"{rng.choice(('倒排时间、挂图作战', '对标节点、压实责任', '专人跟踪、按月报送进展'))}。"
    )


def minutes_text(day: date, convener: str, kinds: list[str]) -> str:
    # No counts: the minutes go to the intranet site, which counts what it shows itself (a meeting
    # may take up internal projects the site leaves out).
    return (
        f"{zh_date(day)}，{convener}主持召开重大项目协调例会，听取上会项目的推进汇报，"
        f"围绕{_units_phrase(kinds)}等方面的难点问题逐项研究，形成议定事项如下。"
        "各责任单位要对照计划节点抓好落实，每月报送进展，未按期完成的在下次例会上说明原因。"
    )


def secret_note(project: str, whole: bool) -> str:
    """The material's internal note; the marker in it shows up if the site ever publishes one."""
    if whole:
        return f"{project}涉及{SECRET_MARKER}专项的选址、规模和设备参数，按涉密资料管理，不得公开。"
    return f"土地出让底价、补偿标准等敏感数据仅供会上参阅，不对外公开（{SECRET_MARKER}）。"


def supervision_note(kind: str, count: int) -> str:
    what = "约谈单位负责人" if kind == "约谈" else "发出督办函"
    return f"该单位牵头的{count}项议定事项超过计划节点3个月未完成，{what}，要求下次例会上作出说明。"


def evidence_pdf() -> bytes:
    """A one-page PDF standing in for scanned evidence; ASCII text, so no font is embedded."""
    text = b"BT /F1 14 Tf 72 760 Td (xietiao demo - evidence placeholder, not a real document) Tj ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for index, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (index, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)
