# ruff: noqa: E501  (a phrase book: a sentence and its Chinese, each whole on its line)
"""The report's words in Chinese: each English sentence, heading, axis and legend the report
writes, and its Chinese (``ZH``). A sentence with numbers is a template whose ``{fields}`` both
languages fill alike (``Labels.say``). What a Chinese report asks for and this book lacks is
kept in ``MISSING`` and shown in English, and the report command names it; a test builds a
Chinese report and holds the set empty.
"""

from __future__ import annotations

import re

MISSING: set[str] = set()


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang`` (en: itself); a text this book lacks stays English, noted."""
    if lang != "zh" or not text:
        return text
    found = ZH.get(text)
    if found is None:
        MISSING.add(text)
        return text
    return found


_HAN = re.compile(r"[\u3400-\u9fff]")


def chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (a label or a sentence already said)."""
    return bool(_HAN.search(text))


ZH: dict[str, str] = {
    # the page
    "Contents": "目录",
    "Generated {when} by {command}": "由 {command} 于 {when} 生成",
    # headings
    "Summary": "摘要",
    "The office today": "办公室现状",
    "What was inert": "未起作用的改革杠杆",
    "Statutory and committed limits": "法定时限与承诺时限",
    "Where the lead time goes": "办理时间花在哪里",
    "Promised against lived time": "承诺时间与实际经历时间",
    "Lead-time distribution": "办理时间分布",
    "Scenario and staffing used": "所用情景与人员配置",
    "Regenerate every number": "重现每一个数字",
    "Each design against single": "各方案与单事项办理相比",
    "Staffing": "人员配置",
    "Against the targets": "对照目标",
    "Missing or failed runs": "缺失或失败的运行",
    "Beside the published figures": "与公开数据对照",
    "Cheapest staffing that meets the targets": "达到目标的最低成本人员配置",
    "What one more person buys": "增加一人的效果",
    "Queue at the windows over the day": "窗口排队的日内变化",
    "Sensitivity to the estimates": "对估计参数的敏感性",
    "Requests through the tiers": "诉求在前、中、后台的处理",
    "Where the inputs come from": "输入数据的来源",
    "Which lever gives how much (Shapley values)": "各改革杠杆的贡献（Shapley 值）",
    "One applicant's journey": "一位申请人的办事经历",
    "Headline: {lead} against {single}": "要点：{lead}与{single}相比",
    # paragraphs
    "Levers a design switches on that find nothing to act on in this office, with why: their share of any "
    "change is none by construction, not a finding. Give the office what they act on (an item list with "
    "documents and limits, a mapping of the log's activities to roles) to see what they would do.": (
        "方案开启、但在本办公室找不到作用对象的改革杠杆及其原因：它们对任何变化的贡献按构造为零，并非研究发现。"
        "为办公室补充它们所作用的内容（含材料和时限的事项清单、把日志活动映射到角色的映射文件），即可看到其效果。"
    ),
    "Share of item decisions within the item's statutory limit (法定时限) and within its committed limit "
    "(承诺时限), counted in working days from when the item could start (accepted, and its prerequisites' "
    "outputs available) to its decision, at the base staffing (all replications); the items that miss "
    "either in more than one decision in a hundred are named. Offices report the statutory limit by the "
    "law's clock, which stops for expert review, testing, inspection and hearings (行政许可法 art. 45) and "
    "while the applicant gathers supplementary documents (补正): the steps a scenario marks "
    "`counted: false`.": (
        "在法定时限和承诺时限内作出决定的事项比例，按工作日计算，从事项可以开始（已受理且前置事项结果已具备）"
        "到作出决定，基准人员配置下（全部重复）；超时比例超过百分之一的事项逐一列出。法定时限按法律口径计算："
        "专家评审、检验、检测、听证期间（行政许可法第四十五条）以及申请人补正材料期间不计入，即情景中标为 "
        "`counted: false` 的环节。"
    ),
    "Each case's lead time split into its parts along the path that finished last (the item whose result "
    "came last, through the items it waited for), so the parts add up to the lead time; mean calendar days "
    "with 95 % intervals, at the base staffing. The applicant's own time (fixing a rejected dossier, coming "
    "when the windows open, coming for a result) and delivery are parts no staffing removes. Calendar days, "
    "not the headline's working days: the parts run on different clocks (an applicant prepares and the post "
    "travels on any day, the office works on working days), and each night and weekend a case waits through "
    "belongs to the part it waits in; the last column is the same lead time in working days.": (
        "沿最后完成的路径（最后出结果的事项及其所等待的事项）把每个案件的办理时间拆分为各组成部分，各部分之和即"
        "办理时间；为基准人员配置下的平均日历天数及 95% 置信区间。申请人自己的时间（补正被退回的材料、等窗口开门、"
        "来取结果）和寄送时间，是任何人员配置都无法消除的部分。这里用日历天而非标题结果的工作日：各部分按不同的"
        "时钟运行（申请人准备材料、邮件寄送不分工作日，办公室只在工作日办公），案件度过的每个夜晚和周末都计入它"
        "当时所处的部分；最后一列是以工作日计的同一办理时间。"
    ),
    "What the office promises (the limits it works to: each item's one after another when items wait for "
    "each other, the longest chain of prerequisites in parallel, a bundle's own committed limit when it has "
    "one) beside what applicants live, both in working days. A promise runs from acceptance; lived time "
    "also holds the trips, queues and fixes before it and the delivery after. Published reductions of "
    "办理时限 are reductions of promises.": (
        "办公室的承诺（其遵循的时限：事项相互等待时逐项相加，并联时取最长的前置链，一件事有自身承诺时限时取之）"
        "与申请人实际经历的时间并列，均以工作日计。承诺从受理起算；实际时间还包括受理前的跑动、排队和补正，"
        "以及之后的寄送。公开的“办理时限”压缩，是承诺的压缩。"
    ),
    "Headcount of each staff pool the scenario uses, at each staffing level (every pool times the level, "
    "rounded half up, at least one: a small pool moves in whole people).": (
        "情景中各人员岗位在各人员配置水平下的人数（各岗位乘以该水平，四舍五入，至少一人：小岗位按整人变化）。"
    ),
    "The busiest pool of each configuration (the bottleneck), utilisation with its 95 % interval:": (
        "各配置中最繁忙的岗位（瓶颈）及其利用率（95% 置信区间）："
    ),
    "Demand: applicants of each need per open hour, and the items each need holds.": (
        "需求：每个办事需求每开放小时的申请人数，及其包含的事项。"
    ),
    "Tidy tables with code names: `collected/runs.csv` (a row per configuration), "
    "`collected/replications.csv` (a row per replication); each job folder keeps its `.hydra/` config and "
    "parquet tables.": (
        "以代码名称保存的整洁数据表：`collected/runs.csv`（每个配置一行）、`collected/replications.csv`"
        "（每次重复一行）；每个作业文件夹保留其 `.hydra/` 配置和 parquet 数据表。"
    ),
    "Paired on common random numbers: replication r of both designs serves the same applicants with the "
    "same work, so the change's interval is narrow.": (
        "采用共同随机数配对：两种方案的第 r 次重复服务同样的申请人、同样的工作量，因此变化的置信区间很窄。"
    ),
    "Per applicant, by design, at the base staffing.": "每位申请人，按方案，基准人员配置。",
    "Mean lead time (working days, 95 % CI) at each staffing level, every pool's headcount times the level; "
    "the people counted are those of the pools the design gives work.": (
        "各人员配置水平下的平均办理时间（工作日，95% 置信区间），各岗位人数乘以该水平；只计方案中有工作的岗位人员。"
    ),
    "Read across a row: the staffing level at which a pool drops below 85 %.": (
        "横向读一行：该岗位利用率降到 85% 以下时的人员配置水平。"
    ),
    "Each configuration judged by the conservative end of each measure's 95 % interval, as the staffing "
    "search judges (a case still open at the end counts as late).": (
        "按各指标 95% 置信区间的保守一端评判每个配置，与人员配置搜索的评判方式相同（运行结束时仍未办结的案件计为超时）。"
    ),
    "Per design, the least-cost headcount found by greedy marginal allocation from a roomy start (every pool "
    "offered at most 85 % of its hours), trimmed and traded for cheaper people, then again on twice the "
    "replications (sim/experiment/staffing.py). A target is met when the conservative end of its 95 % "
    "interval is on the right side of it. Cost is the headcount unless costs say otherwise; pools the design "
    "gives no work (a signing step it cuts) keep their configured headcount and are not counted.": (
        "每种方案下，从宽裕的起点（每个岗位负荷不超过其工时的 85%）出发，用贪心的边际分配找到成本最低的人数，"
        "再削减并换成更便宜的人员，然后用两倍的重复次数复核（sim/experiment/staffing.py）。当 95% 置信区间的"
        "保守一端位于目标正确一侧时即视为达标。除非另设成本，成本即人数；方案中没有工作的岗位（被削减的签批环节）"
        "保持原配置人数且不计入。"
    ),
    "The cheapest staffing with one more person in one pool, judged on the same replications: the first "
    "target's measure (mean) and its change.": (
        "在最低成本配置的基础上给某一岗位再增加一人，用相同的重复评判：第一个目标的指标（均值）及其变化。"
    ),
    "The items of the need, what each waits for, and the department that decides it.": (
        "该需求的各事项、各自等待的对象，以及作出决定的部门。"
    ),
    "Applicants waiting at any window, averaged over each hour of the working days after the warm-up and "
    "over the {n} replications, from the saved event log of one applicant in {every} (each standing for "
    "{every}): when to open more windows.": (
        "预热期后各工作日每个小时在窗口等待的申请人数，按 {n} 次重复平均；依据所保存的事件日志估计，"
        "每 {every} 名申请人记录一名（每名代表 {every} 名）：何时应多开窗口。"
    ),
    "The jobs saved no event log (record_steps=false), so there is no journey or queue over the day to "
    "draw from them; run the study with record_steps=true (log_sample sets the share of applicants "
    "logged).": (
        "各作业未保存事件日志（record_steps=false），因此无法据此绘制办事历程和一天中的排队情况；"
        "请以 record_steps=true 运行研究（log_sample 设定记录的申请人比例）。"
    ),
    "Each estimate multiplied low and high (configs/sensitivity/), the others as configured; reduction of "
    "each reformed design against single, paired by replication. An estimate that only a lever of the full "
    "standard uses (the one-time notice's factor, the one form's share, false commitments) moves only the "
    "full standard.": (
        "每个估计参数分别乘以低值和高值（configs/sensitivity/），其余保持配置；各改革方案相对单事项办理的降幅，按"
        "重复配对。只被一件事全标准某个杠杆使用的估计参数（一次告知系数、一表申请比例、虚假承诺比例）只影响一件事全标准。"
    ),
    "Department parts past their supervision deadline, per run (mean over replications):": (
        "各部门超过督办期限的部分，每次运行（各重复的平均）："
    ),
    "Change against single, paired by replication. The reform's stages switch several levers at once (one "
    "window; bundled; the full standard); a design named after one lever switches that lever alone, which "
    "misleads where levers interact: the Shapley values share the whole reduction among the levers.": (
        "与单事项办理相比的变化，按重复配对。改革的各阶段同时开启多个杠杆（一窗受理；一件事打包办；一件事全标准）；以单个杠杆"
        "命名的方案只开启该杠杆，而杠杆之间有交互时会产生误导：Shapley 值把总降幅分摊到各杠杆。"
    ),
    # templates with numbers (Labels.say)
    "Staffing ×{scale} is the base; {n} replications per configuration{held}; intervals are 95 % t "
    "intervals across replications (Wilson score intervals for shares); lead time runs from first contact "
    "to the last result in hand, in working days of the windows' calendar (calendar days when the office "
    "never closes). P50 and P90: the median and the 90th percentile of applicants' lead times in a "
    "replication, averaged over replications.": (
        "以人员配置 ×{scale} 为基准；每个配置 {n} 次重复{held}；区间为各重复间的 95% t 区间（比例用 Wilson 区间）；"
        "办理时间从首次接触到拿到最后一个结果，按窗口日历的工作日计（办公室从不关门时按日历天）。P50 和 P90："
        "一次重复中申请人办理时间的中位数和第 90 百分位数，再对各重复取平均。"
    ),
    "The calibrated scenario beside the office's own log (`{folder}/calibration.md` has the whole "
    "calibration). {verdict} The stages below change this model, not the office: read them as far as this "
    "table allows.": (
        "校准后的情景与办公室自身日志对照（完整校准见 `{folder}/calibration.md`）。{verdict}下面各阶段改变的是这个"
        "模型，而不是办公室本身：请在此表所允许的范围内解读。"
    ),
    "Here ({scenario}, {n} replications, at the base staffing of {headcount} people), **{design}** cuts an "
    "applicant's {saving}; nine applicants in ten are done within {p90} working days, against {base} under "
    "{single}.": (
        "在本情景（{scenario}，{n} 次重复，基准人员配置 {headcount} 人）下，**{design}**使申请人的{saving}；"
        "十位申请人中有九位在 {p90} 个工作日内办结，而{single}下为 {base} 个工作日。"
    ),
    "The **{design}** cuts {saving}.": "**{design}**使{saving}。",
    "{measure} from {before} to {after}{unit} ({change})": "{measure}由 {before}{unit}变为 {after}{unit}（{change}）",
    "{first} and {last}": "{first}，{last}",
    "The busiest staff at the base staffing (utilisation, 95 % CI): {named}.": (
        "基准人员配置下最繁忙的岗位（利用率，95% 置信区间）：{named}。"
    ),
    "{pool} under {designs} ({values})": "{pool}（{designs}：{values}）",
    "every design": "所有方案",
    " With staff ×{low}, mean lead time is {values} working days.": "人员配置为 ×{low} 时，平均办理时间（工作日）为 {values}。",
    "The applicant of replication 0 whose lead time is the median of the need with the most items ({need}), "
    "served under each design: the same person with the same work (common random numbers). Each lane is a "
    "place the case went through.": (
        "第 0 次重复中、事项最多的需求（{need}）里办理时间处于中位数的那位申请人，在各方案下的办事经历："
        "同一个人、同样的工作（共同随机数）。每条泳道是案件经过的一个地方。"
    ),
    # units and measures in prose
    "lead time": "办理时间",
    "trips": "跑动次数",
    "documents": "提交材料份数",
    "working days": "个工作日",
    # charts
    "Per applicant, by design: mean (bars, 95 % CI) and P90 (diamonds)": "每位申请人，按方案：均值（柱，95% 置信区间）与 P90（菱形）",
    "lead time (working days)": "办理时间（工作日）",
    "trips per applicant": "每位申请人跑动次数",
    "documents per applicant": "每位申请人提交材料份数",
    "share of applicants done": "已办结申请人比例",
    "Lead-time distribution (all replications)": "办理时间分布（全部重复）",
    "statutory limit ({days} working days)": "法定时限（{days} 个工作日）",
    "change against single-item processing (%)": "与单事项办理相比的变化（%）",
    "Each design against single (bars: 95 % CI; below 0: less than single)": "各方案与单事项办理相比（柱：95% 置信区间；低于 0：少于单事项办理）",
    "one ordering": "一种排序",
    "reduction (percentage points of single)": "降幅（占单事项办理的百分点）",
    "mean lead time (calendar days)": "平均办理时间（日历天）",
    "staff in the pools the design uses (people)": "方案所用岗位的人员（人）",
    "lead time per applicant (working days)": "每位申请人办理时间（工作日）",
    "Lead time against staff (bands: 95 % CI)": "办理时间与人员（带：95% 置信区间）",
    "staffing": "人员配置",
    "days since the applicant's first contact (calendar)": "自申请人首次接触起的天数（日历天）",
    "One applicant's journey, the same applicant under each design": "一位申请人的办事经历：同一申请人在各方案下",
    "hour of the day (working days)": "一天中的小时（工作日）",
    "applicants waiting at the windows": "在窗口等待的申请人",
    "Queue at the windows over the day (time-average over the replications)": "窗口排队的日内变化（各次重复的时间平均）",
    "{need}: items, what waits for what (arrows), departments": "{need}：事项、等待关系（箭头）与部门",
    # joining
    " ": "",
    ", ": "、",
    "; ": "；",
    "{study}: {scenario}": "{study}：{scenario}",
    # attribution
    "Each lever switched on one at a time from {start} to {towards}, in {n} sampled orderings ({pairs} antithetic pairs: an ordering and its reverse), {reps} replication(s) per design along each, on common random numbers. A lever's value is its effect averaged over the orderings (its Shapley value), in percentage points of the start's mean: the values add up to the total reduction. Intervals are 95 % t intervals across pairs; after the semicolon, the smallest and largest effect met in one ordering. A wide range is an interaction: the lever's effect depends on which others are already on (a merged checklist without data sharing holds items back; with it, it saves trips).": (
        "从{start}到{towards}，逐个开启各改革杠杆，共抽样 {n} 种开启顺序（{pairs} 对对偶顺序：一种顺序及其逆序），"
        "每种顺序上每个方案 {reps} 次重复，采用共同随机数。一个杠杆的值是它在各顺序中效果的平均（即 Shapley 值），"
        "以起点均值的百分点计：各杠杆的值相加等于总降幅。区间为各对之间的 95% t 区间；分号后是单一顺序中出现的"
        "最小和最大效果。范围宽说明存在交互：杠杆的效果取决于哪些其他杠杆已经开启（没有数据共享时，合并清单会让事项"
        "相互等待；有了数据共享，它就能减少跑动）。"
    ),
    " Left out, as they cannot act on this scenario (value exactly 0): {named}.": "未纳入（在本情景中无作用对象，值恰为 0）：{named}。",
    "Which lever gives how much, {start} to {towards} (Shapley values; bars: 95 % CI)": "从{start}到{towards}，各杠杆贡献多少（Shapley 值；柱：95% 置信区间）",
    "{measure}: total {value} % [{low}, {high}]": "{measure}：合计 {value}% [{low}, {high}]",
    "{measure} (pp)": "{measure}（百分点）",
    # statistics
    "mean": "均值",
    "P50": "P50（中位数）",
    "P90": "P90",
    "P90 (working days)": "P90（工作日）",
    # staffing
    "staff ×{scale}": "人员 ×{scale}",
    "statutory limit of the slowest item ({days} working days)": "最慢事项的法定时限（{days} 个工作日）",
    # the journey
    "waiting in a queue": "排队等待",
    "in someone's hands (work pauses while closed)": "正在办理（下班期间暂停）",
    "a trip to a window": "到窗口跑一次",
    "{design}: {trips} trip(s), done after {days} days": "{design}：跑动 {trips} 次，{days} 天后办结",
    "{days} working days": "{days} 个工作日",
    "{days} d": "{days} 天",
    # where the lead time goes (parts)
    "queue at windows": "窗口排队",
    "service at windows": "窗口办理",
    "applicant's own time": "申请人自己的时间",
    "back-office queue": "后台排队",
    "back-office work": "后台办理",
    "waiting for a batch, sitting or slot": "等待批次、会议或时段",
    "delivery": "寄送",
    "lead time (calendar days)": "办理时间（日历天）",
    # limits
    "decisions": "决定数",
    "within statutory": "法定时限内",
    "within statutory, law's clock": "法定时限内（法律口径）",
    "within committed": "承诺时限内",
    "items missing either for more than 1 %": "超时比例超过 1% 的事项",
    "{item} ({share} % statutory, {within})": "{item}（法定时限内 {share}%，{within}）",
    "{share} % committed": "承诺时限内 {share}%",
    "no commitment": "无承诺时限",
    "none": "无",
    # promises and demand
    "promised (working days)": "承诺（工作日）",
    "lived: mean": "实际：均值",
    "lived: P90": "实际：P90",
    "arrivals per open hour": "每开放小时到达人数",
    # what was inert, and why (sim/domain/inert.py)
    "every item can be filed online already": "所有事项已可网上申报",
    "every need is one item: nothing runs beside another": "每个办事需求只有一个事项：没有可以并行的环节",
    "no applicant takes up a specialist (channels)": "没有申请人选择帮办代办（channels）",
    "no applicant takes up the online channel (channels)": "没有申请人选择网上办理（channels）",
    "no applicant's nearest centre is another's (away.share)": "没有申请人的最近服务中心属于其他区（away.share）",
    "no document is held by government (held_by)": "没有由政府部门持有的材料（held_by）",
    "no item has a committed limit (committed_days)": "没有事项设定承诺时限（committed_days）",
    "no item is handed in at a window (the office has none)": "没有在窗口递交的事项（本办公室没有窗口）",
    "no item may be approved on a commitment": "没有可以告知承诺审批的事项",
    "no item names minor documents": "没有事项列出可容缺的次要材料",
    "no item needs another item's output within a need": "同一办事需求中没有事项需要另一事项的结果",
    "no item says which of its steps 减环节 keeps (reduced_steps)": "没有事项说明减环节后保留哪些环节（reduced_steps）",
    "no item's dossiers are sent back at its window": "没有事项的申请材料会在窗口被退回",
    "no item's files are standard enough for rules (automatable)": "没有事项的材料标准到可以按规则自动审批（automatable）",
    "no item's result is collected at a window": "没有需要到窗口领取结果的事项",
    "no need has two items handed in at windows: nothing to merge": "没有办事需求包含两个在窗口递交的事项：无可合并",
    "no need has two items with application forms (forms)": "没有办事需求包含两个有申请表的事项（forms）",
    "no need has two items with booked site visits": "没有办事需求包含两个需预约现场核查的事项",
    "no need's items can all find their applicants from shared data (proactive)": "没有办事需求的全部事项能从共享数据中找到申请人（proactive）",
    "no need's items may all be filed at any centre (anywhere)": "没有办事需求的全部事项可在任一服务中心申报（anywhere）",
    "the office has no enterprise service specialists (specialists.staff)": "办公室没有企业帮办代办专员（specialists.staff）",
    # the office today (sim/calibrate/validation.py)
    ".": "。",
    "yes": "是",
    "no": "否",
    "The office lies inside the span one run falls in on {inside} of {n} measures": "在 {n} 个指标中，办公室有 {inside} 个落在单次运行的预测区间内",
    "; not on {missed}.": "；不在区间内的是：{missed}。",
    "The model keeps all {n} tolerances.": "模型满足全部 {n} 项容差。",
    "The model keeps {kept} of {n} tolerances": "模型满足 {n} 项容差中的 {kept} 项",
    "it misses {measures}": "未满足的是{measures}",
    "{measures} is beyond what the log's own halves reach": "{measures}超出了日志自身前后两半所能达到的一致程度",
    "{measures} are beyond what the log's own halves reach": "{measures}超出了日志自身前后两半所能达到的一致程度",
    "office": "办公室",
    "office (log)": "办公室（日志）",
    "model (mean, 95 % CI, n={n})": "模型（均值，95% 置信区间，n={n}）",
    "one run like the log (95 %)": "与日志同长的单次运行（95%）",
    "office inside": "办公室在区间内",
    "tolerance": "容差",
    "within tolerance": "满足容差",
    "the log's halves": "日志前后两半之差",
    "attainable": "可达到",
    "gap": "差距",
    "cases per week": "每周案件数",
    "events per case": "每案事件数",
    "mean case duration (hours)": "案件平均时长（小时）",
    "P50 case duration (hours)": "案件时长中位数（小时）",
    "P90 case duration (hours)": "案件时长 P90（小时）",
    "share done within an hour": "一小时内办结比例",
    "share done within a day": "一天内办结比例",
    "rework share": "返工比例",
    "work in progress (cases)": "在办案件数",
    "variant coverage": "流程变体覆盖率",
    "directly-follows distance": "直接跟随关系距离",
    "case duration EMD (hours)": "案件时长 EMD（小时）",
    "case arrival EMD (hours)": "案件到达 EMD（小时）",
    "circadian EMD (hours)": "日内分布 EMD（小时）",
    "lead time mean (working days)": "办理时间均值（工作日）",
    "lead time P50 (working days)": "办理时间中位数（工作日）",
    "lead time P90 (working days)": "办理时间 P90（工作日）",
    "completed per week": "每周办结数",
    # small pieces
    "Lead time (working days)": "办理时间（工作日）",
    "{value} ({design})": "{value}（{design}）",
    "{value}; {low} to {high}": "{value}；{low} 至 {high}",
    "{n} (as ×1)": "{n}（同 ×1）",
    # attribution through a broken office
    "Flagged: {n} ordering(s) of {pairs} pair(s) pass through a design that leaves cases unfinished or offers a pool its staffed hours or more (a merged checklist handed to one department's window before the one-stop window opens, say). Such a step measures a queue that grows without end, not the lever: its effect would be an artefact.": (
        "已标记：{pairs} 对顺序中有 {n} 种顺序经过了会留下未办结案件、或让某岗位负荷达到或超过其工时的方案"
        "（例如在一窗受理开通之前，就把合并清单交给某一个部门的窗口）。这样的一步衡量的是一个无限增长的队列，"
        "而不是杠杆本身：其效果是假象。"
    ),
    " Their pairs are left out of the values below.": "下表的值已剔除这些顺序所在的对。",
    " Fewer than two pairs would remain without them, so the values below include them: read them as the sweep's, not the levers'; more pairs, or more staff, give values to cite.": (
        "剔除后剩下不到两对，因此下表的值仍包含它们：应视为本次扫描的结果，而非杠杆的效果；增加对数或人员后得到的值才可引用。"
    ),
    "ordering": "顺序",
    "after lever": "开启的杠杆",
    "position": "位次",
    "cases finished": "办结案件比例",
    "offered load": "负荷",
    # the checklist
    "The checklist": "材料清单",
    "The distinct documents each need asks for (one document is one, wherever it is named: the length of its merged checklist) beside the documents an applicant hands over under each design, counting every copy and every return with a fixed dossier (mean per applicant, at the base staffing). The gap is what a merged checklist, data sharing and held documents can remove; applicants found by shared data hand over none.": (
        "各办事需求所要求的不同材料数（同一份材料无论在哪里列出都只算一份：即合并清单的长度），与各方案下申请人实际"
        "提交的材料份数并列（每份复印件、每次补正后重新提交都计入；每位申请人的平均值，基准人员配置）。两者之差就是"
        "一张清单、数据共享和免提交可以消除的部分；通过共享数据主动找到的申请人不提交任何材料。"
    ),
    "distinct documents": "不同材料数",
    "handed over (mean)": "实际提交（均值）",
    # where the inputs come from
    "{n} inputs described by the scenario: {sourced} sourced (S), {recalled} recalled from a statute or figure not retrieved (R: verify before citing), {estimates} estimates (E). A key with * covers every name there; a named key is its exception. Where the sensitivity study ran (+experiment=sensitivity), an estimate's row says how many points the lived-time reduction moved between its low and high case; those rows come first, the largest first.": (
        "情景描述了 {n} 项输入：{sourced} 项有出处（S），{recalled} 项凭记忆引自未核实的法规或数据（R：引用前请核实），"
        "{estimates} 项为估计（E）。带 * 的键涵盖该处所有名称；具名的键是其例外。运行了敏感性研究"
        "（+experiment=sensitivity）时，估计参数所在行给出其低、高取值之间实际办理时间降幅变动的百分点；"
        "这些行排在最前，变动最大的在先。"
    ),
    "input": "输入",
    "tag": "标记",
    "source": "出处",
    "moves lived time": "对实际办理时间的影响",
    "varied: study not run": "可变：未运行敏感性研究",
    "{design}: {points} points": "{design}：{points} 个百分点",
    "{points} points": "{points} 个百分点",
    # uncertainty from the estimates
    "Uncertainty from the estimates": "估计参数带来的不确定性",
    "{estimates} varied at once over their ranges (low to high, in log space: {ranges}), {how}, each point under every design on {reps} replication(s) of common random numbers (sim/experiment/uncertainty.py; sampling and statistics by SALib). A point's reduction is its design against single on the same replications. The band is the 2.5th to 97.5th percentile of the reductions over the points; beside it, the noise: the median half-width of one point's 95 % interval over replications.": (
        "{estimates}同时在各自范围内变动（从低到高，取对数尺度：{ranges}），{how}；每个点在每种方案下以共同随机数运行 {reps} 次重复"
        "（sim/experiment/uncertainty.py；抽样与统计由 SALib 完成）。一个点的降幅是该方案与单事项办理在相同重复上的对比。"
        "区间带是各点降幅的第 2.5 至第 97.5 百分位数；旁边是噪声：单个点在各重复间 95% 区间半宽的中位数。"
    ),
    "Every estimate multiplier": "所有估计参数的乘数",
    " Not varied, as they multiply nothing in this office: {names}.": "未变动（在本办事机构中不作用于任何输入）：{names}。",
    " Inputs the scenario tags as estimates that no multiplier varies are held at their values, "
    "and the band does not cover them: {keys}.": "情景中标为估计、但没有乘数变动的输入保持原值，区间不涵盖它们：{keys}。",
    "The estimates": "这些估计参数",
    "by Morris's method: {trajectories} trajectories of {points} points on a {levels}-level grid": (
        "采用 Morris 方法：{trajectories} 条轨迹，每条 {points} 个点，{levels} 级网格"
    ),
    "by Sobol's method: Saltelli's design of {samples} × {k} = {total} points, the other estimates at 1": (
        "采用 Sobol 方法：Saltelli 设计，{samples} × {k} = {total} 个点，其余估计参数取 1"
    ),
    " {overloaded} of {total} point(s) overload the office (a design finishes fewer than 99 % of its cases, "
    "or offers a pool its staffed hours at the configured staff: such a point is not run): the band leaves "
    "them out, so it is the band of the offices this staffing can serve.": (
        "{total} 个点中有 {overloaded} 个使办公室超负荷（在现有人员下，某方案办结的案件少于 99%，"
        "或某岗位负荷达到其工时：这样的点不运行）："
        "区间带剔除了这些点，因此它是现有人员配置能够承受的办公室的区间带。"
    ),
    "Morris screening": "Morris 筛选",
    "Sobol indices": "Sobol 指数",
    "Every point overloads the office: no band to give.": "每个点都使办公室超负荷：无法给出区间带。",
    "No step between two served points: no screening to give.": "没有两个可服务点之间的步长：无法给出筛选结果。",
    "Which estimates move the lead-time reduction, the most first (points of reduction when the estimate "
    "moves across a grid step; Morris mu* ± its 95 % bootstrap half-width, sigma, the spread of the effects, "
    "in brackets: large where the estimate interacts with others or acts unevenly), from {used} of the "
    "{possible} elementary effects of {trajectories} trajectories: a step from or to a point that overloads "
    "the office, or was not run, has none.": (
        "哪些估计参数影响办理时间的降幅，影响最大的在前（估计参数跨过一个网格步长时降幅变化的百分点；Morris mu* ± 95% 自助法半宽，"
        "括号内为效应的离散程度 sigma：估计参数与其他参数交互或作用不均匀时较大），基于 {trajectories} 条轨迹的 {possible} 个"
        "基本效应中的 {used} 个：起点或终点使办公室超负荷或尚未运行的步长不计。"
    ),
    "some points overload the office; narrow the ranges or add staff": "部分点使办公室超负荷；请缩小范围或增加人员",
    "{run} of {size} points were run": "{size} 个点中只运行了 {run} 个",
    "No Sobol indices: they need every point of the design, and {reason}.": (
        "无法给出 Sobol 指数：它需要设计中的每个点，而{reason}。"
    ),
    "How the variance of the lead-time reduction divides among the estimates: S1, the share an estimate explains alone; ST, with every interaction it takes part in (each ± its 95 % bootstrap half-width; an index is a share, 0 to 1, and its bootstrap may cross them at few samples: more samples narrow it).": (
        "办理时间降幅的方差如何在各估计参数间分配：S1 是某估计参数单独解释的份额；ST 包括它参与的全部交互作用"
        "（各附 95% 自助法半宽；指数是 0 到 1 之间的份额，样本少时自助法区间可能越出这一范围：样本越多，区间越窄）。"
    ),
    "over the estimates' ranges": "在估计参数范围内",
    "noise at one point": "单点噪声",
    "±{value} points": "±{value} 个百分点",
    "points": "点数",
    "estimate": "估计参数",
    "{design}: mu* (sigma)": "{design}：mu*（sigma）",
    "{design}: {index}": "{design}：{index}",
    " Over the estimates' ranges ({points} points of a global study), **{design}** changes lead time by {median} % [{low}, {high}] (2.5th to 97.5th percentile); simulation noise at one point is ±{noise} points: the estimates, not the replications, bound what can be claimed.": (
        "在估计参数的范围内（全局研究的 {points} 个点），**{design}**使办理时间变化 {median}% [{low}, {high}]（第 2.5 至第 97.5 百分位数）；"
        "单点的模拟噪声为 ±{noise} 个百分点：能下多大结论，取决于估计参数，而非重复次数。"
    ),
    "Over the estimates' ranges (whiskers: 2.5 % to 97.5 %)": "在估计参数范围内（须线：2.5% 至 97.5%）",
    "mu*: mean absolute effect (points of lead-time reduction)": "mu*：平均绝对效应（办理时间降幅的百分点）",
    "sigma: spread of the effects": "sigma：效应的离散程度",
    "Which estimates matter (Morris screening)": "哪些估计参数重要（Morris 筛选）",
    "share of the variance of the lead-time reduction": "办理时间降幅方差中的份额",
    "Sobol indices: ST bars (95 % interval), S1 marks": "Sobol 指数：柱为 ST（95% 区间），短线为 S1",
    # the published figures, the design comparison held to all comparisons at once
    " No measurable change from {designs}: alone, such a design meets nothing it can act on (a merged checklist with no one window to take it, results by post that no one waits for); its effect shows with the others, in the Shapley values' range.": (
        "{designs}没有可测量的变化：单独使用时，这类方案没有可作用的对象（合并的清单却没有一窗受理来接收，"
        "结果邮寄却没有人在等）；它的作用要与其他杠杆一起才显现，见 Shapley 值的范围。"
    ),
    "The intervals above hold each comparison on its own. Held to all {m} at once (designs × measures): each change with its simultaneous 95 % interval (Bonferroni's, each at {level} %) and Holm's adjusted p-value against no change (paired t tests over {n} replications); {told} of the {m} changes are told from none at the family-wise 5 % level.": (
        "上面的区间只针对单个比较。将全部 {m} 个比较（方案 × 指标）放在一起看：每项变化给出联合 95% 区间"
        "（Bonferroni 法，每个取 {level}%）和相对于无变化的 Holm 校正 p 值（基于 {n} 次重复的配对 t 检验）；"
        "在族错误率 5% 的水平下，{m} 项变化中有 {told} 项可与无变化区分。"
    ),
    "Reported: {source}. The model is not tuned to these numbers; the gap is the finding. Each stage of the reform against single, with its 95 % interval. Time is given twice: as lived (the simulated lead time) and as promised (each need's promised working days against single's, weighted by its demand), because a published time reduction may be either; the source says 办理时间 without saying which. The promised time is an input, not a finding: it follows from the limits the scenario commits to (the committed limits are estimates set against the statutory ones), so its agreement with a published figure is by construction; the lived time is the model's evidence, and the one to set beside a measured one.": (
        "公布数据：{source}。模型没有按这些数字调参；差距本身就是发现。改革的每个阶段都与单事项办理对比，附 95% 区间。"
        "时间给出两种：实际办理时间（模拟的办理时长）和承诺时间（每项需求的承诺工作日与单事项办理相比，按需求量加权），"
        "因为公布的时间降幅可能是其中任一种；来源只说“办理时间”，没有说明是哪一种。承诺时间是输入而非发现："
        "它来自场景所承诺的时限（承诺时限是参照法定时限设定的估计值），所以它与公布数字吻合是构造使然；"
        "实际办理时间才是模型的证据，也才应与实测数字对照。"
    ),
    "time, lived": "实际办理时间",
    "time, promised": "承诺办理时间",
    "reported": "公布值",
    "{change} % (a rule: no interval)": "{change}%（按规则计算：无区间）",
    "{design}: gap": "{design}：差距",
    # the requests' report
    "all runs": "全部运行",
    "Per configuration, over requests arriving after the warm-up: requests per run, the share closed by the horizon and the share closed unresolved (hard requests told their policy change will not come), each with its 95 % interval over the configuration's {n} replications, working days to close (mean with 95 % CI, and P90), the tier each reached, the share with a department part past its supervision deadline, the share of firms satisfied (an explicit assumption of the scenario, not data), and utilisation of the specialists, the coordinators and the meeting's seats.": (
        "按配置统计预热期之后到达的诉求：每次运行的诉求数、在模拟期末前办结的比例、未解决即办结的比例"
        "（被告知政策不会调整的疑难诉求），各附该配置 {n} 次重复的 95% 区间；办结所需工作日（均值及 95% 置信区间，以及 P90）；"
        "各诉求到达的层级；部门环节超过督办时限的比例；企业满意的比例（场景的明确假设，并非数据）；"
        "以及专员、协调员和联席会议席位的利用率。"
    ),
    "Reported: {source}. The scenario's request rates are set from the reported count over the reporting window; closure and satisfaction are outputs, not tuned.": (
        "公布数据：{source}。场景的诉求到达率按报告期内公布的数量设定；办结与满意度是输出，未经调参。"
    ),
    "{capacity} requests every {days} days": "每 {days} 天 {capacity} 件诉求",
    "joint meeting": "联席会议",
    "working days to close": "办结所需工作日",
    "Requests: mean time to close by class (tick: P90)": "诉求：各类别平均办结时间（刻线：P90）",
    # the staffing search
    "staff cost (headcount unless costs are set)": "人员成本（未设成本时为人数）",
    "Staffings the search judged (ringed: the cheapest meeting the targets)": "搜索评估过的人员配置（圈出：满足目标的最低成本配置）",
    "target ({goal})": "目标（{goal}）",
    "**{design}**: {why}.": "**{design}**：{why}。",
    "staffings judged": "评估过的人员配置",
    "cost": "成本",
    # the one-at-a-time sensitivity study
    "base": "基准",
    "low": "低",
    "high": "高",
    "estimate low": "估计参数取低值",
    "estimate high": "估计参数取高值",
    "Sensitivity of {design} against single: each estimate low and high, the others as configured": (
        "{design}相对单事项办理的敏感性：每个估计参数取低值和高值，其余按配置"
    ),
    "reduction in {measure} (%)": "{measure}降幅（%）",
    # the warm-up, checked
    "Warm-up": "预热期",
    "replications": "重复次数",
    "MSER-5 cut, median (days)": "MSER-5 截断点，中位数（天）",
    "MSER-5 cut, largest (days)": "MSER-5 截断点，最大值（天）",
    "cases cut, largest": "截去的案件数，最大值",
    "The configured warm-up of {warmup} days covers every replication's MSER-5 cut (at most {largest} days): what it removes is at least what the output shows as transient.": (
        "设定的 {warmup} 天预热期覆盖了每次重复的 MSER-5 截断点（最多 {largest} 天）：它剔除的至少是输出中显示为暂态的部分。"
    ),
    "The configured warm-up of {warmup} days is shorter than MSER-5's cut in some replications (at most {largest} days): lengthen it (scenario.warmup) or read the early weeks in Welch's plot before relying on the means.": (
        "设定的 {warmup} 天预热期短于部分重复的 MSER-5 截断点（最多 {largest} 天）：请延长预热期（scenario.warmup），"
        "或在采信均值之前先看 Welch 图中最初几周的情况。"
    ),
    "Each run starts from an empty office; the first {warmup} days of arrivals are left out of every statistic. MSER-5 (White, 1997) finds, from each replication's finished cases' lead times in arrival order in batches of five, the cut that minimises the standard error of what remains (searched over the first half of the run), at the base staffing. {verdict}": (
        "每次运行都从空办公室开始；最初 {warmup} 天到达的案件不计入任何统计。MSER-5（White, 1997）按到达顺序、"
        "每五件一批，取每次重复已办结案件的办理时间，找出使剩余部分均值标准误最小的截断点（在运行的前一半内搜索），"
        "基于基准人员配置。{verdict}"
    ),
    "Welch's plot: weekly mean lead time by arrival, averaged over replications.": "Welch 图：按到达周计算的平均办理时间，对各次重复取平均。",
    "configured warm-up": "设定的预热期",
    "day of arrival": "到达日",
    "mean lead time (working days)": "平均办理时间（工作日）",
    "Welch's plot (dotted: MSER-5's median cut per design)": "Welch 图（虚线：各方案 MSER-5 截断点的中位数）",
    # utilisation with and without other work
    "other work (share of hours)": "其他工作（占工时的份额）",
    "{all} % ({cases} % on cases)": "{all}%（其中案件 {cases}%）",
    "No pool gives hours to other work: every utilisation is case work.": "没有岗位把工时用于其他工作：利用率全部是办件工作。",
    "Utilisation here and in the charts counts all work, including the share of every hour staff give to work the model does not follow as cases (background, set per pool); the pools that have some, at the base staffing, with and without it:": (
        "此处和图中的利用率计入全部工作，包括工作人员每小时用于模型不按案件跟踪的其他工作的份额（背景工作，按岗位设定）；"
        "下表列出有背景工作的岗位在基准人员配置下计入与不计入背景工作的利用率："
    ),
    "Utilisation of each staff pool (%, other work included); outlined: at or above 85 %, where queues grow fast": (
        "各岗位利用率（%，含其他工作）；加框：不低于 85%，排队会迅速增长"
    ),
    # each need on its own
    "Each need": "各项需求",
    "Each need (a bundle, or a single item) on its own: its applicants' mean under single and each design's change against it, paired by replication, with its 95 % interval over the {n} replications (the needs with most applicants first; all of it in collected/per_need.csv). A need with few applicants has a wide interval: its change is measured on them alone.": (
        "逐项需求（一件事或单个事项）单独来看：单事项办理下其申请人的均值，以及各方案相对它的变化，按重复配对，"
        "附 {n} 次重复的 95% 区间（申请人最多的需求在前；全部数据见 collected/per_need.csv）。"
        "申请人少的需求区间较宽：它的变化只基于这些申请人。"
    ),
    # the methods, in STRESS-DES order
    "Methods": "方法",
    "In the order of the STRESS-DES guidelines for reporting discrete-event simulation (Monks et al., 2019).": (
        "按离散事件仿真报告指南 STRESS-DES（Monks 等，2019）的顺序。"
    ),
    "1. Objectives": "1. 目标",
    "2. Logic": "2. 模型逻辑",
    "3. Data": "3. 数据",
    "4. Experimentation": "4. 实验",
    "5. Implementation": "5. 实现",
    "6. Code access": "6. 代码获取",
    "{design}: {levers}": "{design}：{levers}",
    "What each design would change for the applicants of {scenario} against single-item processing (each item applied for on its own): lead time from first contact to the last result in hand, in-person trips and documents handed over, and the staff it keeps busy.": (
        "与单事项办理（每个事项单独申请）相比，各方案会给“{scenario}”的申请人带来什么变化：从首次接触到拿到最后一项结果的办理时间、"
        "现场跑动次数、提交材料份数，以及占用的工作人员。"
    ),
    "A discrete-event simulation (SimPy) of applicants as entities: each need's items filed at windows, worked by the departments' pools (clerks, reviewers, inspectors, signing leaders; {departments} department(s), {items} item(s), {needs} need(s)) on working calendars, returned for correction, batched, decided and delivered. A design is a set of levers on that office; the designs compared switch these: {levers}. The model's rules are in README.md (The model in one page) and sim/model/.": (
        "以申请人为实体的离散事件仿真（SimPy）：每项需求的事项在窗口提交，由各部门的岗位（窗口人员、审核人员、勘验人员、签批领导；"
        "{departments} 个部门、{items} 个事项、{needs} 项需求）按工作日历办理，经补正退回、批量处理、作出决定并送达。"
        "方案是作用于该办公室的一组改革杠杆；所比较的方案开启了以下杠杆：{levers}。模型规则见 README.md（The model in one page）和 sim/model/。"
    ),
    "Every input is in the scenario's configuration ({scenario}.yaml, each job's saved config) and the catalogue it draws on, tagged sourced, recalled or estimate with its source or reason (configs/scenario/README.md and the section Where the inputs come from). Applicants of each need arrive as a Poisson stream ({rate} per open hour in all, shaped over the day by the scenario's profile where it has one); no parameter is tuned to a published reduction.": (
        "所有输入都在场景配置（{scenario}.yaml，以及每个作业保存的配置）及其引用的事项目录中，每项都标注为有来源、凭记忆或估计，"
        "并注明来源或理由（configs/scenario/README.md 及“输入从何而来”一节）。每项需求的申请人按泊松流到达（合计每开放小时 {rate} 人，"
        "场景有日内分布时按其调整）；没有任何参数按公布的降幅调参。"
    ),
    "Each configuration runs {n} independent replications of {days} days from an empty office; the first {warmup} days of arrivals are left out (checked by MSER-5, section Warm-up). Designs share common random numbers (replication r of every design serves the same applicants), and are compared paired by replication; intervals are 95 % t intervals across replications (Wilson's for shares), with Bonferroni's simultaneous intervals and Holm's adjusted p-values where several designs are set against one. The estimates' own uncertainty is the uncertainty study's (Morris, Sobol), where it ran.": (
        "每个配置从空办公室开始，独立重复运行 {n} 次，每次 {days} 天；最初 {warmup} 天到达的案件不计入（由 MSER-5 检验，见“预热期”一节）。"
        "各方案使用共同随机数（各方案的第 r 次重复服务同一批申请人），按重复配对比较；区间为跨重复的 95% t 区间（比例用 Wilson 区间），"
        "多个方案与同一基准比较时另给出 Bonferroni 联合区间和 Holm 校正 p 值。估计参数本身的不确定性见不确定性研究（Morris、Sobol），如已运行。"
    ),
    "The jobs recorded no software versions (results written before version 0.5.0): rerun them to record Python, the packages, the platform and the commit.": (
        "这些作业没有记录软件版本（结果写于 0.5.0 版之前）：请重新运行，以记录 Python、软件包、平台和提交版本。"
    ),
    "Python {python} ({implementation}) on {platform}; {packages}; {commit}.": (
        "Python {python}（{implementation}），运行于 {platform}；{packages}；{commit}。"
    ),
    "commit {commit}{clean}": "提交 {commit}{clean}",
    " (with uncommitted changes)": "（含未提交的修改）",
    "no git checkout": "非 git 检出",
    "The simulator's source with this report's configuration (each job's .hydra/config.yaml and its SHA-256 in summary.json); cite it as CITATION.cff says, with the version and commit above. The commands in Regenerate every number rebuild every table and figure.": (
        "仿真器源代码及本报告的配置（每个作业的 .hydra/config.yaml 及 summary.json 中的 SHA-256）；引用时请按 CITATION.cff，"
        "并注明上面的版本和提交。“重现每一个数字”中的命令可重建每张表和每幅图。"
    ),
    "lead time (working days; the axis ends where 99.5 % of applicants are done)": (
        "办理时间（工作日；坐标轴止于 99.5% 的申请人办结之处）"
    ),
    # table headers
    "measure": "指标",
    "statistic": "统计量",
    "change (95 % CI)": "变化（95% 置信区间）",
    "design": "方案",
    "lever": "改革杠杆",
    "why it changes nothing here": "在此不起作用的原因",
    "pool": "岗位",
    "busiest pool": "最繁忙岗位",
    "utilisation": "利用率",
    "need": "办事需求",
    "items": "事项",
}
