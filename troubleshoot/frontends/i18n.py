"""Every word the front ends say or understand, in English and Chinese.

Questions, choices and ``why`` texts come from the knowledge base; this holds the rest:
the interview's prompts, commands, help, errors and the headings of its ``why``/``how``
answers, the command line's terminal summary, and the headings of ``kb symptoms`` and
``kb context``.
"""

from __future__ import annotations

from troubleshoot.lang import Lang

TEXT: dict[Lang, dict[str, str]] = {
    Lang.EN: {
        "title": "troubleshoot interview",
        "summary_symptoms": "Symptoms found",
        "summary_causes": "Likely causes",
        "summary_none": "No problem symptoms found.",
        "chat_failed": "Sorry, something went wrong while answering this. Please try again.",
        "summary_runs": "Runs",
        "summary_more_runs": "... and {n} more runs (see the guide)",
        "summary_more_runs_than_the_guide": (
            "... and {n} more runs: the guide's table lists the first {table},"
            " --format json lists every run"
        ),
        "summary_more_evidence": " (+{n} more)",
        "error": "error: ",
        "warning": "warning: {text}",
        "note": "note: {text}",
        "col_symptom": "symptom",
        "col_evidence": "evidence",
        "col_cause": "cause",
        "col_likelihood": "likelihood",
        "col_run": "run",
        "col_symptoms": "symptoms",
        "col_top_cause": "most likely cause",
        "col_title": "title",
        "col_via": "detected via",
        "col_key": "key",
        "col_type": "type",
        "col_values": "allowed values (synonyms)",
        "col_question": "question",
        "type_number": "a number",
        "type_integer": "a whole number",
        "type_boolean": "true or false (yes/no)",
        "col_id": "id",
        "col_kind": "kind",
        "ctype_choice": "choice",
        "ctype_boolean": "boolean",
        "ctype_number": "number",
        "ctype_integer": "integer",
        "via_metrics": "metrics",
        "via_log": "log",
        "via_probes": "probes",
        "via_question": "question",
        "intro": (
            "I will ask a few questions to find out why your training goes wrong. Answer "
            "with a number or a word; '0' means not sure. Type 'help' for the commands."
        ),
        "help": (
            "Commands, at any question:\n"
            "  why   why I ask this question, and which rules need it\n"
            "  how   how the current ranking is reached (rules, weights, facts)\n"
            "  back  change the previous answer\n"
            "  0     not sure / skip (also: skip)\n"
            "  quit  stop now; your answers are kept and --resume continues\n"
            "  help  this list"
        ),
        "known": "Already known:",
        "question": "Question {n}",
        "opening": "What do you see? Type the numbers that apply (e.g. 1 4), or a few "
        "words (nan, oom, 87, overfitting).",
        "opening_more": "Besides what is already known, do you see any of these? Type the "
        "numbers that apply, or a few words.",
        "opening_note": "A letter shows more symptoms. What you do not pick counts as not seen.",
        "opening_page_note": "Numbers from every list can go together; m shows the first list.",
        "more_group": "more: {group} ({n})",
        "no_match": "I did not recognise a symptom in '{text}'. Type the numbers of a list, a "
        "letter for more, or other words.",
        "group_metrics": "Loss and accuracy",
        "group_log": "Error messages",
        "group_probes": "Inside the network (gradients, activations, logits)",
        "group_question": "Other observations",
        "yes": "Yes",
        "no": "No",
        "not_sure": "Not sure / skip",
        "none_of_these": "None of these / not sure",
        "number_hint": "Type a number{unit}.",
        "unit": " ({unit})",
        "bad_choice": "Please type a number from 1 to {n}, or 0 if you are not sure.",
        "bad_yes_no": "Please answer 1 (yes), 2 (no) or 0 (not sure).",
        "bad_number": "I could not read a number in '{text}'. Type just the number, "
        "for example {example}, or 0 if you are not sure.",
        "several_numbers": "I found more than one number in '{text}' ({numbers}). "
        "Type just one number.",
        "not_whole": "'{text}' is not a whole number; type a whole number.",
        "not_positive": "'{text}' must be above zero.",
        "bad_option": "'{token}' is not one of the numbers 1 to {n}.",
        "answered": "→ {answer}",
        "picked_none": "none",
        "list_sep": ", ",
        "back_none": "There is no earlier answer to change.",
        "back_done": "Going back to: {question}",
        "saved": "Your answers so far are saved in {path}.",
        "resume_hint": "Continue later with: {command}",
        "quit": "Stopped.",
        "not_saved": "Nothing was saved: with --state FILE the answers are kept for --resume.",
        "interrupted": "Interrupted.",
        "hangup": "The terminal closed.",
        "input_ended": "Input ended.",
        "resuming": "Resuming the interview saved in {path} ({n} answer(s) so far).",
        "finished": "This interview was already finished; here is its conclusion again.",
        "moved": "An unfinished interview in {path} was moved to {backup}.",
        "conclusion": "Conclusion after {n} question(s)",
        "reason_clear": "The leading diagnosis is clear: what is still open is unlikely "
        "to overtake it.",
        "reason_settled": "Nothing left to ask could change the leading diagnosis.",
        "reason_no-fit": "No rule of the knowledge base fits these answers.",
        "rank": "{rank}. {title} ({id}): {likelihood}",
        "rank_scored": "{rank}. {title} ({id}): {likelihood}, score {score:.2f}",
        "rank_open": "{rank}. {title} ({id}): possible, not yet supported by your answers",
        "end_prompt": "Type 'how' to see the reasoning or 'back' to change your last "
        "answer; press Enter for the guide.",
        "wrote": "Wrote {path}",
        "cannot_write": "cannot write {path}: {problem}",
        "no_folder": "the folder {folder} does not exist",
        "kb_broken": "the knowledge base does not load:\n{problem}",
        "why_title": "Why I ask this",
        "why_one": 'The answer decides whether "{cause}" fits.',
        "why_between": 'The answer tells "{first}" apart from "{second}"{more}.',
        "why_more": " and {n} other causes",
        "why_framework": "Nothing left to ask changes the leading cause, but its fix is "
        "written differently per framework: the guide will show yours.",
        "why_confirm": "You did not pick this in the list, but it sits next to a symptom you "
        "picked that the leading cause rests on: asked once, in case that pick was meant for "
        "this one.",
        "how_pending": "The pending question ({question}) decides these rules:",
        "why_rule": "rule {ref} (weight {weight:.2f}) needs {condition}",
        "why_matters": "Why it matters: {text}",
        "why_check": "To check it yourself: {text}",
        "why_opening": "Knowing what you see narrows the {n} candidate causes still possible "
        "down to those that explain it; each option is a symptom some rule needs.",
        "why_opening_more": "Candidate causes that could explain what is already known: {n}; "
        "what else you see tells them apart. Each option is a symptom some rule needs.",
        "why_gain": "Expected information gain: {gain:.2f} bits.",
        "how_title": "How the ranking is reached",
        "how_none": "No rule has fired yet: nothing known so far points at a cause.",
        "how_score": (
            "score = 1 − Π(1 − weight) over the fired rules; "
            "likely, possible and worth a check are bands of it"
        ),
        "how_rule": "rule {ref}, weight {weight:.2f}: {because}",
        "how_facts": "facts: {facts}",
        "missing_answer": "no answer for question {ref} ({text}) in {file}. Add a line "
        "such as '{name}: skip', or pass --skip-missing.",
        "missing_input": "the input ended before question {ref} ({text}) was answered.",
        "no_state": "no saved interview at {path}; start one with 'troubleshoot interview'.",
        "state_not_json": "{path} is not a saved interview: it is not JSON text.",
        "state_version": "{path} was saved by another version of troubleshoot, in a format "
        "this one does not read; start a new interview.",
        "state_content": "{path} is not a saved interview: it lacks the answers one holds.",
        "resume_conflict": "--resume continues a saved interview; it takes no new facts "
        "(--from, --facts, --symptom, --context, --absent).",
        "ask_out_of_scope": (
            "I found no training problem I know of in this (an off-topic question, or one the "
            "knowledge base does not cover), so there is nothing to diagnose. Ask about what "
            "your training run does, in your own words or "
            "with a pasted log excerpt or traceback: a loss that becomes NaN or will not go "
            "down, overfitting, accuracy stuck at chance, an error such as CUDA out of memory. "
            'For example: troubleshoot ask "loss becomes nan after 2000 iterations, caffe, '
            'lr 0.1".'
        ),
        "ask_empty": "the question is empty: say what your training does (troubleshoot ask --help)",
        "ask_too_long": (
            "the text is longer than {limit} characters; give a whole log to troubleshoot "
            "diagnose as a file"
        ),
        # Chat replies (troubleshoot/frontends/chat/).
        "chat_out_of_scope": (
            "I found no training problem I know of in this (an off-topic question, or one the "
            "knowledge base does not cover), so I have nothing to diagnose. I can help with "
            "what a training run does: a loss that becomes "
            "NaN or will not go down, overfitting, accuracy stuck at chance, or an error such "
            "as CUDA out of memory. Describe it in your own words or paste a few log lines or "
            'a traceback, e.g. "loss becomes nan after 2000 iterations, caffe, lr 0.1".'
        ),
        "chat_you_asked": "You asked",
        "chat_causes": "Likely causes",
        "chat_no_cause": (
            "No cause in the knowledge base fits what you described yet. Say more: the curves, "
            "an error message, the framework, the learning rate."
        ),
        "chat_why": "Why it fits",
        "chat_first_steps": "First steps",
        "chat_guide": "Full guide",
        "chat_more_causes": "{n} more cause(s) in the full answer (troubleshoot ask).",
        "chat_sources": "Sources",
        "chat_follow_up": "To tell these apart",
        "chat_reply_with": "Reply with the number of your answer, or tell me more.",
        "chat_reply_number": "Reply with a number, 0 if you are not sure, or tell me more.",
        "chat_answered": "Noted: {question} {answer}",
        "chat_bad_answer": "I could not read that as an answer",
        "chat_empty": 'Ask about your training run in your own words, e.g. "loss becomes nan '
        'after 2000 iterations, caffe, lr 0.1".',
        "chat_too_long": "This conversation is longer than {limit} characters: start a new "
        "one, and give a whole log to troubleshoot diagnose as a file.",
        "chat_no_thread": "That conversation has expired or was never started; ask again.",
        "chat_slow_down": "Too many questions at once; try again in a minute.",
    },
    Lang.ZH: {
        "summary_symptoms": "发现的症状",
        "summary_causes": "可能的原因",
        "summary_none": "没有发现问题症状。",
        "chat_failed": "抱歉，回答这个问题时出错了，请再试一次。",
        "summary_runs": "训练",
        "summary_more_runs": "……另有 {n} 次训练(见指南)",
        "summary_more_runs_than_the_guide": (
            "……另有 {n} 次训练:指南的表格列出前 {table} 次,--format json 列出全部"
        ),
        "summary_more_evidence": "(另有 {n} 条)",
        "error": "错误:",
        "warning": "警告:{text}",
        "note": "说明:{text}",
        "col_symptom": "症状",
        "col_evidence": "证据",
        "col_cause": "原因",
        "col_likelihood": "可能性",
        "col_run": "训练",
        "col_symptoms": "症状",
        "col_top_cause": "最可能的原因",
        "col_title": "名称",
        "col_via": "获取方式",
        "col_key": "键",
        "col_type": "类型",
        "col_values": "可用取值(同义词)",
        "col_question": "问题",
        "type_number": "数字",
        "type_integer": "整数",
        "type_boolean": "true 或 false(是/否)",
        "col_id": "编号",
        "col_kind": "类别",
        "ctype_choice": "选项",
        "ctype_boolean": "是/否",
        "ctype_number": "数字",
        "ctype_integer": "整数",
        "via_metrics": "指标",
        "via_log": "日志",
        "via_probes": "逐层统计",
        "via_question": "提问",
        "title": "troubleshoot 问答诊断",
        "intro": "我会问几个问题,找出训练出问题的原因。请输入编号或文字回答;"
        "'0' 表示不确定。输入 '帮助'(或 help)查看可用命令。",
        "help": (
            "在任何问题处都可以输入:\n"
            "  为什么 (why)   为什么问这个问题,哪些规则需要它\n"
            "  怎么 (how)     当前排名是怎么得出的(规则、权重、事实)\n"
            "  返回 (back)    修改上一个回答\n"
            "  0              不确定/跳过(也可输入 跳过)\n"
            "  退出 (quit)    现在停止;回答会保存,用 --resume 继续\n"
            "  帮助 (help)    显示本列表"
        ),
        "known": "已知信息:",
        "question": "第 {n} 题",
        "opening": "你观察到了哪些现象?输入符合项的编号(例如:1 4),或几个词(nan、oom、87、过拟合)。",
        "opening_more": "除了已知信息,你还观察到下面哪些现象?输入符合项的编号,或几个词。",
        "opening_note": "输入字母可查看更多症状。没有选的项按未观察到处理。",
        "opening_page_note": "各个列表中的编号可以一起输入;输入 m 回到第一个列表。",
        "more_group": "更多:{group}({n} 项)",
        "no_match": "没能从“{text}”中认出症状。请输入列表中的编号、输入字母查看更多,或换个说法。",
        "group_metrics": "loss 与准确率",
        "group_log": "报错信息",
        "group_probes": "网络内部(梯度、激活值、logits)",
        "group_question": "其他现象",
        "yes": "是",
        "no": "否",
        "not_sure": "不确定/跳过",
        "none_of_these": "都没有/不确定",
        "number_hint": "请输入一个数字{unit}。",
        "unit": "({unit})",
        "bad_choice": "请输入 1 到 {n} 之间的编号;不确定请输入 0。",
        "bad_yes_no": "请回答 1(是)、2(否)或 0(不确定)。",
        "bad_number": "无法从“{text}”中读出数字。请只输入数字,例如 {example};不确定请输入 0。",
        "several_numbers": "“{text}”中有不止一个数字({numbers})。请只输入一个数字。",
        "not_whole": "“{text}”不是整数;请输入整数。",
        "not_positive": "“{text}”必须大于零。",
        "bad_option": "“{token}”不是 1 到 {n} 之间的编号。",
        "answered": "→ {answer}",
        "picked_none": "无",
        "list_sep": "、",
        "back_none": "没有可以修改的上一个回答。",
        "back_done": "回到问题:{question}",
        "saved": "目前的回答已保存在 {path}。",
        "resume_hint": "之后可以这样继续:{command}",
        "quit": "已停止。",
        "not_saved": "没有保存回答:加上 --state 文件名,回答会被保存,之后可用 --resume 继续。",
        "interrupted": "已中断。",
        "hangup": "终端已关闭。",
        "input_ended": "输入已结束。",
        "resuming": "继续保存在 {path} 中的问答(已有 {n} 个回答)。",
        "finished": "这次问答已经结束;下面再次给出结论。",
        "moved": "{path} 中未完成的问答已移到 {backup}。",
        "conclusion": "{n} 个问题之后的结论",
        "reason_clear": "首要诊断已经明确:尚未确定的因素不太可能改变它。",
        "reason_settled": "剩下的问题都无法改变首要诊断。",
        "reason_no-fit": "知识库中没有规则与这些回答相符。",
        "rank": "{rank}. {title}({id}):{likelihood}",
        "rank_scored": "{rank}. {title}({id}):{likelihood},得分 {score:.2f}",
        "rank_open": "{rank}. {title}({id}):有可能,你的回答还没有支持它",
        "end_prompt": "输入 '怎么' 查看推理过程,输入 '返回' 修改上一个回答;直接回车查看指南。",
        "wrote": "已写入 {path}",
        "cannot_write": "无法写入 {path}:{problem}",
        "no_folder": "文件夹 {folder} 不存在",
        "kb_broken": "知识库无法加载:\n{problem}",
        "why_title": "为什么问这个问题",
        "why_one": "这个回答决定“{cause}”是否成立。",
        "why_between": "这个回答能区分“{first}”与“{second}”{more}。",
        "why_more": "以及另外 {n} 个原因",
        "why_framework": "剩下的问题已不会改变首要原因,但它的修复方法因框架而异:"
        "指南将只给出你所用框架的做法。",
        "why_confirm": "你在列表中没有选这一项,但它紧挨着你选的一个症状,"
        "而首要原因正是依据那个症状得出的:只问这一次,以防你本想选的是这一项。",
        "how_pending": "当前的问题({question})决定以下规则:",
        "why_rule": "规则 {ref}(权重 {weight:.2f})需要 {condition}",
        "why_matters": "为什么重要:{text}",
        "why_check": "自己检查的方法:{text}",
        "why_opening": "了解你观察到的现象,可以把目前仍可能的 {n} 个候选原因"
        "缩小到能解释这些现象的几个;每个选项都是某条规则需要的症状。",
        "why_opening_more": "有 {n} 个候选原因可以解释已知信息;你还观察到什么,"
        "能把它们区分开。每个选项都是某条规则需要的症状。",
        "why_gain": "预期信息增益:{gain:.2f} 比特。",
        "how_title": "排名是怎么得出的",
        "how_none": "还没有规则被触发:目前已知的事实还不指向任何原因。",
        "how_score": (
            "得分 = 1 − Π(1 − 权重),对所有触发的规则求积;很可能、有可能、值得一查是它的分档"
        ),
        "how_rule": "规则 {ref},权重 {weight:.2f}:{because}",
        "how_facts": "依据的事实:{facts}",
        "missing_answer": "{file} 中没有问题 {ref}({text})的答案。请加一行,例如 "
        "'{name}: skip',或使用 --skip-missing。",
        "missing_input": "输入在问题 {ref}({text})得到回答之前就结束了。",
        "no_state": "{path} 中没有保存的问答;用 'troubleshoot interview' 开始一次新的问答。",
        "state_not_json": "{path} 不是保存的问答:它不是 JSON 文本。",
        "state_version": "{path} 是另一个版本的 troubleshoot 保存的,格式不同,无法读取;"
        "请开始一次新的问答。",
        "state_content": "{path} 不是保存的问答:其中没有问答应有的回答。",
        "resume_conflict": "--resume 继续已保存的问答,不接受新的事实"
        "(--from、--facts、--symptom、--context、--absent)。",
        "ask_out_of_scope": (
            "我没能从中找到知识库所涵盖的训练问题(问题与训练无关,或不在知识库范围内),"
            "所以没有可诊断的内容。请用自己的话描述训练中出现"
            "的情况,也可以贴上日志片段或报错堆栈:例如loss变成NaN或不下降、过拟合、准确率停在随机"
            '水平、CUDA out of memory之类的报错。例如:troubleshoot ask "训练2000次迭代后loss变成'
            'nan,caffe,学习率0.1"。'
        ),
        "ask_empty": "问题是空的:请描述训练中出现的情况(troubleshoot ask --help)",
        "ask_too_long": "文本超过 {limit} 个字符;完整的日志请作为文件交给 troubleshoot diagnose",
        "chat_out_of_scope": (
            "我没能从中找到知识库所涵盖的训练问题(问题与训练无关,或不在知识库范围内),"
            "所以没有可诊断的内容。我能帮忙分析训练中出现的情况:"
            "loss变成NaN或不下降、过拟合、准确率停在随机水平,或者CUDA out of memory之类的报错。"
            '请用自己的话描述,也可以贴上几行日志或报错堆栈,例如"训练2000次迭代后loss变成nan,'
            'caffe,学习率0.1"。'
        ),
        "chat_you_asked": "你的问题",
        "chat_causes": "可能的原因",
        "chat_no_cause": (
            "知识库中还没有原因符合你的描述。请再多说一些:曲线、报错信息、框架、学习率。"
        ),
        "chat_why": "依据",
        "chat_first_steps": "先试这些",
        "chat_guide": "完整指南",
        "chat_more_causes": "另有{n}个原因见完整回答(troubleshoot ask)。",
        "chat_sources": "出处",
        "chat_follow_up": "为了区分这些原因",
        "chat_reply_with": "请回复答案的编号,或者补充更多情况。",
        "chat_reply_number": "请回复一个数字(不确定就回复0),或者补充更多情况。",
        "chat_answered": "已记下:{question} {answer}",
        "chat_bad_answer": "没能把这条回复当作答案读懂",
        "chat_empty": (
            '请用自己的话描述训练中出现的情况,例如"训练2000次迭代后loss变成nan,caffe,学习率0.1"。'
        ),
        "chat_too_long": (
            "这段对话超过 {limit} 个字符:请开始新的对话,"
            "完整的日志请作为文件交给 troubleshoot diagnose。"
        ),
        "chat_no_thread": "这段对话已过期或不存在,请重新提问。",
        "chat_slow_down": "提问过于频繁,请一分钟后再试。",
    },
}

# What people type for each command and reply, in either language (matched lower-cased).
WORDS: dict[str, set[str]] = {
    "why": {"why", "w", "为什么", "为啥"},
    "how": {"how", "怎么", "如何", "怎么得出的"},
    "back": {"back", "b", "undo", "返回", "上一步", "后退"},
    "quit": {"quit", "q", "exit", "退出"},
    "help": {"help", "h", "帮助"},
    "skip": {
        "0",
        "skip",
        "s",
        "not sure",
        "unsure",
        "don't know",
        "dont know",
        "idk",
        "?",
        "跳过",
        "不确定",
        "不知道",
        "none",
    },
    "yes": {"1", "yes", "y", "true", "是", "有", "对", "是的"},
    "no": {"2", "no", "n", "false", "否", "没有", "无", "不是", "不"},
}


def t(lang: Lang, key: str, **values: object) -> str:
    text = TEXT[lang][key]
    return text.format(**values) if values else text
