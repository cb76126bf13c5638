"""The guide's own words (headings and labels) in each language the kb is written in."""

from __future__ import annotations

LANGS = ("en", "zh")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
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
    },
    "zh": {
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
    },
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language '{lang}'; use one of {', '.join(LANGS)}")
    return lang
