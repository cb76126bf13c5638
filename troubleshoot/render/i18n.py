"""The guide's own words (headings and labels) in each language the kb is written in."""

from __future__ import annotations

from troubleshoot.lang import Lang

STRINGS: dict[Lang, dict[str, str]] = {
    Lang.EN: {
        "guide_title": "Troubleshooting guide",
        "observed": "What was observed",
        "context": "Context",
        "no_facts": "No symptoms were given.",
        "causes": "Likely causes, most likely first",
        "confidence": "confidence",
        "why_fits": "Why this fits",
        "mechanism": "What is going on",
        "caveats": "Caveats",
        "what_to_do": "What to do, cheapest first",
        "see_also": "See also",
        "also_considered": "Also considered",
        "sources": "Sources",
        "section": "section",
        "beyond": "our addition, beyond the articles",
        "none_fired": (
            "None of the knowledge base's rules fits these facts. The symptoms below are how "
            "to check each one yourself; `troubleshoot interview` asks the questions that "
            "tell the causes apart."
        ),
        "absent": "not observed",
        "origin_given": "given",
        "origin_asked": "answered",
        "origin_detected": "detected",
        "origin_chat": "from chat",
        "origin_implied": "implied",
        "step": "step",
        "value": "value",
        "line": "line",
        "nothing_found": "No problem symptoms were found in what was read:",
        "no_series": "no metric series",
        "nothing_found_next": (
            "Every symptom that can be seen in metrics and logs was checked "
            "(`troubleshoot kb symptoms` lists them; `--verbose` shows what could not be "
            "judged). Some symptoms cannot be seen in a log: `troubleshoot interview --from` "
            "with the same files asks about them, or name what you see with `--symptom`."
        ),
        "runs_read": (
            "%(runs)d runs were read; runs with the same findings share a section "
            "(%(sections)d in all)."
        ),
        "run": "Run",
        "symptoms": "Symptoms",
        "top_cause": "Most likely cause",
        "runs_label": "Runs",
        "and_more": "and %(n)d more",
        "evidence_of_first": "The evidence shown is that of the first of these runs.",
        "when_applies": "When it applies",
        "what_to_do_plain": "What to do",
        "related": "Related",
        "how_to_check": "How to check",
        "how_detected": "How troubleshoot detects it",
        "interview_question": "Interview question",
        "possible_causes": "Possible causes",
        "report_charts": "Curves",
        "report_marked": "Marked steps",
        "rule_and": " and ",
        "rule_or": " or ",
        "rule_not": "not ",
        "checklist": "Checklist: every cause tied to what was observed",
        "checklist_intro": (
            "Causes the facts support come first, by confidence; the others the knowledge "
            "base ties to these symptoms follow, most likely first. "
            "`troubleshoot kb show <id>` explains each."
        ),
        "not_yet_supported": "also possible, not yet supported by the facts",
        "questions_apart": "Questions that would tell the first of these apart",
        "tells_apart": "bears on",
    },
    Lang.ZH: {
        "guide_title": "故障排查指南",
        "observed": "观察到的现象",
        "context": "背景信息",
        "no_facts": "没有给出任何症状。",
        "causes": "可能的原因(按可能性从高到低)",
        "confidence": "置信度",
        "why_fits": "为什么符合",
        "mechanism": "发生了什么",
        "caveats": "注意",
        "what_to_do": "怎么做(代价低的在前)",
        "see_also": "另见",
        "also_considered": "其他考虑过的原因",
        "sources": "参考来源",
        "section": "章节",
        "beyond": "本项目补充,超出原文",
        "none_fired": (
            "知识库中没有规则与这些事实相符。下面列出了每个症状的自查方法;"
            "`troubleshoot interview` 会提出能区分各种原因的问题。"
        ),
        "absent": "未出现",
        "origin_given": "用户给出",
        "origin_asked": "问答得到",
        "origin_detected": "自动检测",
        "origin_chat": "来自聊天",
        "origin_implied": "由其他症状推出",
        "step": "步",
        "value": "值",
        "line": "行",
        "nothing_found": "在读取的内容中没有发现问题症状:",
        "no_series": "没有指标序列",
        "nothing_found_next": (
            "所有能从指标和日志中看出的症状都已检查(`troubleshoot kb symptoms` 列出它们;"
            "`--verbose` 显示哪些无法判断)。有些症状在日志里看不出来:"
            "用同样的文件运行 `troubleshoot interview --from` 会询问这些症状,"
            "或者用 `--symptom` 说明你看到的现象。"
        ),
        "runs_read": "共读取 %(runs)d 次训练;结论相同的训练合并为一节(共 %(sections)d 节)。",
        "run": "训练",
        "symptoms": "症状",
        "top_cause": "最可能的原因",
        "runs_label": "训练",
        "and_more": "另有 %(n)d 个",
        "evidence_of_first": "下面的证据来自这些训练中的第一个。",
        "when_applies": "规则",
        "what_to_do_plain": "怎么做",
        "related": "相关",
        "how_to_check": "如何自查",
        "how_detected": "自动检测",
        "interview_question": "问题",
        "possible_causes": "可能的原因",
        "report_charts": "曲线",
        "report_marked": "标记的步数",
        "rule_and": " 且 ",
        "rule_or": " 或 ",
        "rule_not": "非 ",
        "checklist": "排查清单:与观察到的现象相关的全部原因",
        "checklist_intro": (
            "有事实支持的原因排在前面,按置信度排序;知识库中与这些症状相关的其他原因随后列出,"
            "可能性高的在前。`troubleshoot kb show <id>` 可查看每一条的说明。"
        ),
        "not_yet_supported": "也有可能,但目前的事实尚不支持",
        "questions_apart": "能区分排在前面的原因的问题",
        "tells_apart": "涉及",
    },
}
