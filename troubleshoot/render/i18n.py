"""The pages' own words (headings, labels, the wording of evidence) in each language the kb
is written in."""

from __future__ import annotations

from troubleshoot.facts import Phrase, PhrasedError
from troubleshoot.lang import Lang

STRINGS: dict[Lang, dict[str, str]] = {
    Lang.EN: {
        "guide_title": "Troubleshooting guide",
        "scan_title": "Scan of training runs",
        "scan_counts": (
            "{targets} log files or run folders scanned, {runs} runs diagnosed, {failed} could "
            "not be read ({reused} unchanged since the last scan and not diagnosed again)."
        ),
        "scan_symptoms": "Symptoms, by how many runs show them",
        "scan_no_symptoms": "No run shows a problem symptom.",
        "scan_worst": "The worst runs first",
        "scan_failed": "Runs that could not be read",
        "scan_col_symptom": "symptom",
        "scan_col_runs": "runs",
        "scan_col_run": "run",
        "scan_col_symptoms": "symptoms",
        "scan_col_top": "most likely cause",
        "scan_col_guide": "guide",
        "observed": "What was observed",
        "context": "Context",
        "no_facts": "No symptoms were given.",
        "causes": "Likely causes, most likely first",
        "likelihood_likely": "likely",
        "likelihood_possible": "possible",
        "likelihood_worth-a-check": "worth a check",
        "checker_title": "Symptom checker",
        "checker_intro": (
            "Tick what you see and fill in what you know. The causes below are ranked by the "
            "same rules, in the same order, as `troubleshoot diagnose` ranks them; this page "
            "computes them itself and sends nothing anywhere."
        ),
        "checker_symptoms": "What do you see?",
        "checker_group_metrics": "Loss and accuracy",
        "checker_group_log": "Error messages",
        "checker_group_probes": "Inside the network (gradients, activations, logits)",
        "checker_group_question": "Other observations",
        "checker_context": "What do you know about the training?",
        "checker_unknown": "don't know",
        "checker_yes": "yes",
        "checker_no": "no",
        "checker_thresholds": "the rules tell apart",
        "checker_clear": "Clear everything",
        "checker_implied": "follows from what you ticked",
        "checker_nothing_ticked": "Tick a symptom to see the causes that fit it.",
        "checker_no_fit": (
            "None of the knowledge base's rules fits this. `troubleshoot interview` asks the "
            "questions that tell the causes apart."
        ),
        "checker_not_a_number": "not a number the rules can use: left out",
        "checker_noscript": (
            "The checker ranks the causes with JavaScript. Without it, "
            "`troubleshoot diagnose --symptom ID` gives the same ranking."
        ),
        "why_fits": "Why this fits",
        "mechanism": "What is going on",
        "caveats": "Caveats",
        "what_to_do": "What to do, cheapest first",
        "confirm": "Check that this is it",
        "confirm_shows": "It is, if",
        "fixed_when": "Fixed when",
        "otherwise": "If that did not help",
        "code_wrong": "wrong",
        "code_right": "right",
        "more_steps": "Further steps (%(n)d): `--full`.",
        "more_reasons": "Further reasons (%(n)d): `--full`.",
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
        # Why an input could not be read (read.UnreadableInput), one phrase a line.
        "e_accepted": (
            "accepted: Caffe logs, plain-text training output (Keras, PyTorch, Lightning, "
            "Hugging Face, tracebacks), CSV/TSV metric files (Keras CSVLogger, Lightning "
            "metrics.csv, Ultralytics results.csv, W&B exports, per-layer statistics), JSON "
            "Lines or JSON metric files (detectron2 metrics.json, mmengine scalars.json, Hugging "
            "Face trainer_state.json), TensorBoard event files, MLflow runs (an mlruns folder or "
            "mlflow.db) - each possibly gzip-compressed"
        ),
        "e_empty": "{source}: the file is empty",
        "e_not_a_log": "{source}: this is {kind}, not a training log or metric file",
        "e_binary": "{source}: this is binary data (first bytes {bytes}), not a training log or "
        "metric file",
        "file_png": "a PNG image",
        "file_jpeg": "a JPEG image",
        "file_gif": "a GIF image",
        "file_pdf": "a PDF document",
        "file_zip": "a zip archive (a PyTorch .pt/.pth checkpoint is one)",
        "file_hdf5": "an HDF5 file (Keras .h5 weights are one)",
        "file_numpy": "a NumPy array file",
        "file_pickle": "a Python pickle",
        "file_wandb": "a W&B .wandb run file (export the run's history as CSV instead)",
        "file_program": "an executable program",
        "file_sqlite": "an SQLite database without MLflow tables",
        "file_gzip": "gzip data that does not decompress",
        "e_no_metrics": "{source}: no training metrics found in this text, nor a known error "
        "message or a Python traceback (it looks for a loss, accuracy or learning rate printed "
        "as 'loss: 0.12' or '损失: 0.12', or beside a step, epoch or iteration counter, on more "
        "than one line; it starts: '{start}...')",
        "e_no_metrics_blank": "{source}: no training metrics found in this text, nor a known "
        "error message or a Python traceback (it has only blank lines)",
        "e_no_header": "{source}: a table without a header row",
        "e_no_metric_columns": "{source}: no training metrics found in this table (it looks for "
        "columns such as loss, val_acc, lr, step or epoch; its columns are {columns})",
        "e_cannot_read": "{source}: cannot be read ({problem})",
        "e_read_failed": "{source}: reading failed ({problem})",
        "reader_ended": "the process reading it stopped, exit status {status}",
        "e_bad_gzip": "{source}: starts like a gzip file but does not decompress ({problem})",
        "e_sqlite_closed": "{source}: the SQLite database does not open ({problem})",
        "e_not_mlflow": "{source}: an SQLite database but not an MLflow one ({problem})",
        "e_mlflow_no_metrics": "{source}: an MLflow database without runs that have metrics",
        "e_no_scalars": "{source}: TensorBoard event files without scalar values (histograms, "
        "images, audio and text are not read)",
        "e_json_no_rows": "{source}: a JSON object without metric rows; troubleshoot reads JSON "
        "Lines, a JSON array of row objects, or a Hugging Face trainer_state.json",
        "e_none_read": "none of the inputs could be read:",
        "e_no_such_path": "{source}: no such file or folder",
        "e_no_match": "{source}: no file or folder matches",
        "e_empty_folder": "{source}: no training logs or metric files found in this folder",
        "e_read_nothing": "{source}: read as {format}, but it holds no metric values, error "
        "messages or settings",
        "e_folder_unread": "{source}: nothing in this folder could be read ({files})",
        "e_no_dask": "running a scan on Dask needs dask.distributed: pip install "
        "'troubleshoot[fleet]'",
        "os_denied": "permission denied",
        "os_is_folder": "it is a folder",
        "os_missing": "no such file or folder",
        "os_no_space": "no space left on the device",
        # Why a word, a value or a file of facts or answers was not taken (knowledge.vocab's
        # UnknownTerm, the YAML files' errors).
        "e_did_you_mean": "Did you mean: {names}?",
        "e_symptoms_listed": "`troubleshoot kb symptoms` lists them all.",
        "e_context_listed": "`troubleshoot kb context` lists every key with its values and "
        "synonyms.",
        "e_both_listed": "`troubleshoot kb symptoms` and `troubleshoot kb context` list them.",
        "e_unknown_symptom": "unknown symptom '{word}'.",
        "e_unknown_lesson": "unknown lesson '{word}'.",
        "e_unknown_key": "unknown context key '{word}'.",
        "e_valid_keys": "Valid keys: {keys}.",
        "e_bad_number": "no number in '{text}'",
        "e_several_numbers": "more than one number in '{text}' ({numbers})",
        "e_not_positive": "'{text}' must be above zero",
        "e_not_whole": "'{text}' is not a whole number",
        "e_not_text": "not '{text}'",
        "e_takes": "{name} takes {what}, {why}.",
        "e_a_number": "a number",
        "e_a_whole_number": "a whole number",
        "e_a_number_in": "a number ({unit_en})",
        "e_a_whole_number_in": "a whole number ({unit_en})",
        "e_amounts": "It also takes these words for an amount: {words}.",
        "e_takes_boolean": "{name} takes true or false (or yes, no), not '{text}'.",
        "e_takes_choice": "{name} takes one of {values}, not '{text}'.",
        "e_not_assignment": "context must look like key=value, not '{text}'.",
        "e_not_utf8": "{source}: not UTF-8 text",
        "e_not_yaml": "{source}: not valid YAML (line {line}, column {column})",
        "e_in_file": "{source}: {problem}",
        "e_facts_shape": "{source}: a facts file has only 'symptoms', 'absent' and 'context'",
        "e_answers_shape": "{source}: an answers file maps symptom ids and context keys to answers",
        "e_not_a_question": "'{word}' is neither a symptom id nor a context key.",
        "e_bad_answer": "{source}: {name}: {problem}",
        "w_not_json_lines": "{source}: {n} line(s) that are not JSON were skipped",
        "w_json_no_array": "no array of rows found in the JSON document",
        "w_json_unclosed": "the JSON document ends before its array is closed (still being "
        "written?)",
        "w_json_stops": "the JSON document stops parsing at line {line}; rows after it were "
        "skipped",
        "w_not_read": "not read: {problem}",
        "w_skipped_files": "skipped {n} file(s) that are not training logs or metric files: "
        "{files}",
        "w_damaged": "{source}: compressed data is damaged ({problem})",
        "w_damaged_after": "{source}: compressed data is damaged after byte {byte} ({problem}); "
        "read what came before",
        "w_long_line": "{source}: a line longer than {mb} MB was skipped",
        "w_old_test_score": "{source}: old-style 'Test score' lines named by their values "
        "(accuracy within [0, 1], loss above 1)",
        "w_bad_steps": "{series}: points with a negative or non-finite step were dropped",
        "w_more_events": "{kind}: {n} more such lines not listed",
        "w_no_line_break": "{source}: the last line has no line break (still being written?); "
        "its values were ignored",
        "w_huge_values": "{source}: {series} has values of 1e300 or more (kept)",
        "w_ragged": "{source}: {n} row(s) with a different number of cells than the header",
        "w_csv_stops": "{source}: stops at line {line} ({problem})",
        "w_tb_damaged": "{source}: stops at a damaged or cut record ({problem}); read what came "
        "before",
        "note_resumed": "{source}: {series} goes back in step {resumes} time(s); treated as "
        "resumed runs, later points replace earlier ones ({replaced} of its {points} points "
        "replaced)",
        "note_negative_loss": "{source}: {series} takes negative values; loss-shape checks skipped",
        "note_few_points": "{source}: {series} has {points} points, {usable} usable; loss-shape "
        "checks need {need} (a shorter excerpt is judged only for NaN, a loss growing at every "
        "display and a loss at chance, with low confidence)",
        "note_left_out_nonfinite": "{n} non-finite loss value(s) left out of those checks",
        "note_left_out_87": "{n} loss value(s) at {level}, Caffe's NaN in disguise, left out of "
        "those checks",
        "origin_given": "given",
        "origin_asked": "answered",
        "origin_detected": "detected",
        "origin_chat": "from chat",
        "origin_implied": "implied",
        "step": "step",
        "iteration": "iteration",
        "epoch": "epoch",
        "value": "value",
        "line": "line",
        "nothing_found": "No problem symptoms were found in what was read:",
        "no_series": "no metric series",
        "not_judged": "What could not be judged",
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
        "report_not_drawn": "The curves of {n} more runs of this section are not drawn.",
        "marker": "%(label)s at %(step)s",
        "rule_and": " and ",
        "rule_or": " or ",
        "rule_not": "not ",
        "yes": "yes",
        "kind_diagnosis": "diagnosis",
        "kind_practice": "practice",
        "kind_explainer": "explainer",
        "no": "no",
        # What detection saw (facts.Phrase: the key and its values, str.format fields).
        "ev_acc_at_chance": "{name} ends at {final:.4g}, at most {limit:.3g} (chance 1/{n})",
        "ev_acc_at_chance_no_classes": (
            "{name} ends at {final:.4g}, at most {limit:.3g} (no class count known)"
        ),
        "ev_acc_one_class": (
            "{name} is {level:.4g} at each of {n} evaluations: not one prediction changed, "
            "as when every input gets the same class, and {level:.4g} is that class's share"
        ),
        "ev_acc_one_class_mostly": (
            "{name} is {level:.4g} at {n} of {total} evaluations, the first and the last among "
            "them, while the validation loss never improved: a model answering one class (now "
            "and then another), and {level:.4g} is that class's share"
        ),
        "ev_acc_low_plateau": "{name} levels off at {level:.4g} (chance {chance:.3g})",
        "ev_underfitting": "training accuracy {train:.4g} and validation {val:.4g}",
        "ev_acc_jump": "{name} flat at {level:.3g} for {flat} of {n} points, then {after:.3g}",
        "ev_val_acc_up_val_loss_up": (
            "validation accuracy still rises {then:.4g} -> {now:.4g} as its loss rises"
        ),
        "ev_val_loss_plateau": (
            "no improvement over {best:.4g} in the last {evals} evaluations, "
            "while training loss fell {then:.4g} -> {now:.4g}"
        ),
        "ev_val_far_below_train": (
            "validation accuracy {val:.4g} against training {train:.4g} (chance {chance:.3g})"
        ),
        "ev_val_far_below_train_loss": (
            "validation accuracy {val:.4g} (loss {val_loss:.4g}) "
            "while training loss is {train_loss:.4g}"
        ),
        "ev_val_much_better_than_test": "{val_name} {val:.4g} against {test_name} {test:.4g}",
        "ev_kl_negative": "KL below zero ({below} of {n} points)",
        "ev_loss_87": "{hits} losses at {level:g} (-ln FLT_MIN)",
        "ev_loss_87_weighted": (
            "{hits} losses at {level:g} (-ln FLT_MIN), times a loss weight ({value:.6g})"
        ),
        "ev_loss_nan": "first non-finite loss ({bad} of {n} points)",
        "ev_loss_nan_logged_zero": (
            "training loss logged as exactly 0 from here to the NaN evaluation"
            " (the trainer leaves non-finite steps out of the loss it logs)"
        ),
        "ev_nan_at_evaluation_only": (
            "training went on with finite losses after the NaN evaluation"
            " ({n} logged, the last {last:.4g}): only evaluation turns NaN"
        ),
        "ev_loss_nan_sudden": (
            "NaN right after a normal loss ({before:.4g}, lowest {lowest:.4g}; no growth before it)"
        ),
        "ev_periodic_nan": "NaN every {period:g} steps ({times} times)",
        "ev_periodic_spike": "spike every {period:g} steps ({times} times)",
        "ev_huge_initial": (
            "first losses >= {start:.4g}, above {limit:.4g} ({factor:g} x ln({n}))"
        ),
        "ev_huge_initial_absolute": "first losses >= {start:.4g}, above {limit:.4g} (absolute)",
        "ev_flat_from_start": "loss stays near {level:.4g} from the start (first {first:.4g})",
        "ev_flat_at_chance": (
            "loss stays near {level:.4g} from the start (first {first:.4g}), "
            "at ln({n}) = {chance:.4g}"
        ),
        "ev_slow_decrease_start": (
            "loss falls steadily (tau {tau:.2f}) but ends at {final:.4g}, {share:.0%} of the start"
        ),
        "ev_slow_decrease_chance": (
            "loss falls steadily (tau {tau:.2f}) but ends at {final:.4g}, "
            "{share:.0%} of ln(num_classes)"
        ),
        "ev_plateau_start": (
            "loss fell from {first:.4g}, then stayed at {end:.4g} ({share:.0%} of the start)"
        ),
        "ev_plateau_chance": (
            "loss fell from {first:.4g}, then stayed at {end:.4g} ({share:.0%} of ln(num_classes))"
        ),
        "ev_plateau_then_drop": (
            "flat at {level:.4g} for {flat} of {n} points, then falls to {final:.4g}"
        ),
        "ev_near_zero": "smoothed loss <= {limit:.3g} after {share:.0%} of the steps",
        "ev_oscillating": (
            "median swing {swing:.0%} of the level, direction changes {turns:.0%} of steps"
        ),
        "ev_spikes": (
            "loss jumps to {factor:g}x or more of the previous {window} points, then falls back"
        ),
        "ev_constant": "{loss} stays at {value:.6g} from here to the end",
        "ev_constant_with_acc": "{loss} stays at {value:.6g} from here to the end ({acc} too)",
        "ev_nan_in_layer": "first non-finite layer statistic",
        "ev_grad_zero": "weight gradients exactly 0 at every logged step in: {layers}",
        "ev_grad_vanishing": "gradient of {first} is {ratio:.2g} x that of {last}",
        "ev_grad_exploding": "gradient of {layer} reaches {value:.3g} (>= {limit:g})",
        "ev_dead_relu": "{share:.0%} of {layer} outputs are zero",
        "ev_dead_relu_input": "{layer} outputs 0 while its input is {input:.3g}",
        "ev_logits_huge": "mean |output| of {layer} (the layer before the loss) is {value:.3g}",
        "ev_read_from": "read from the {format} input",
        "ev_lowest_loss": "lowest smoothed loss",
        "ev_few_points": "from {points} points only",
        "ev_one_point": "from one point only",
        "ev_overfitting_few": (
            "validation loss up at each of {points} evaluations, {first:.4g} -> {final:.4g}, "
            "while training loss is {train:.4g}"
        ),
        "ev_overfitting_gap": (
            "validation loss {val:.4g} while training loss is {train:.4g}, "
            "far below it at the same evaluation"
        ),
        "ev_overfitting_acc_gap": (
            "validation accuracy {val:.4g} while training accuracy is {train:.4g} "
            "at the same evaluation"
        ),
        "ev_growing": "loss rises at every one of {points} displays, {first:.4g} -> {final:.4g}",
        "ev_at_chance_every": (
            "loss between {low:.4g} and {high:.4g} at every display after the first, "
            "at ln({n}) = {chance:.4g}"
        ),
        "ev_diverging": "final level {final:.4g} = {ratio:.3g} x the lowest",
        "ev_lowest_val_loss": "lowest validation loss",
        "ev_overfitting": (
            "validation loss back up to {final:.4g} "
            "while training loss fell {then:.4g} -> {now:.4g}"
        ),
        "ev_classes_from_loss": "initial loss {first:.4g} ≈ ln {n} = {chance:.4g}",
        "ev_classes_from_acc": "accuracy stays near {level:.3g}, about 1/{n}",
        "ev_classes_loss_agrees": "initial loss {first:.4g}, near ln {n} = {chance:.4g}",
        "note_inferred": "inferred from the run, as no class count was stated",
        "note_when_read": "read from the run, as nobody said when the problem shows",
        "note_retrieved": "the question reads like this symptom (shared words: {words})",
        "note_from_definition": "read from the net definition the log prints",
        "note_from_output": "read from what the run prints or logs, as no class count was stated",
        "ev_classes_setting": "{name} = {n}, as the run states it",
        "ev_classes_width": "{n} outputs from {layer}, the last {kind} layer of the printed model",
        "ev_num_output": (
            "num_output: {n} in layer {layer}, the last InnerProduct before the loss"
        ),
        "note_implied": "implied by {symptom}",
        "note_from_file": "from {file}",
        "checklist": "Checklist: every cause tied to what was observed",
        "checklist_intro": (
            "Causes the facts support come first, most likely first; the others the knowledge "
            "base ties to these symptoms follow, most likely first. "
            "`troubleshoot kb show <id>` explains each."
        ),
        "not_yet_supported": "also possible, not yet supported by the facts",
        "resembles": "not observed: the question's words resemble “%(symptom)s”",
        "checklist_resembled": (
            "Causes marked “not observed” belong to symptoms the question's words resemble "
            "without saying they were seen: check those symptoms first."
        ),
        "questions_apart": "Questions that would tell the first of these apart",
        "tells_apart": "bears on",
        # The documentation site (troubleshoot site build).
        "site_title": "troubleshoot: why training goes wrong",
        "site_home": "Home",
        "site_symptoms": "Symptoms",
        "site_lessons": "Lessons",
        "site_sources": "Sources",
        "site_docs": "User guide",
        "site_checker": "Symptom checker",
        "site_search": "Search",
        "site_search_go": "Search",
        "site_search_needs_js": "Search runs in the browser and needs JavaScript.",
        "site_other_lang": "中文",
        "site_intro": (
            "Find what you see below, open it, and follow the causes in order of likelihood. "
            "Each lesson says how to check it is the cause, what to change, and when it is "
            "fixed, and cites the article it comes from."
        ),
        "site_checker_intro": (
            "Tick what you see and what you know; the likely causes update as you go."
        ),
        "site_everything_else": "Everything else",
        "site_all_lessons_kind": "%(kind)s lessons",
        "site_chart": "A real run that shows it",
        "site_chart_from": "from",
        "site_causes_ranked": "Causes, most likely first",
        "site_takes": "What the knowledge base takes from it",
        "site_whole": "The source as a whole",
        "site_original": "Original",
        "site_no_address": "This source has no public address.",
        "site_not_copied": "The article's text is not copied here; read it at its address.",
        "site_only_english": "This page of the user guide is written in English only.",
        "site_cited_steps": "steps",
        "site_lessons_count": "%(n)d lessons",
        "site_language": "Language",
        "site_page": "on the web",
    },
    Lang.ZH: {
        "guide_title": "故障排查指南",
        "scan_title": "训练批量检查",
        "scan_counts": (
            "检查了{targets}个日志文件或训练文件夹，诊断了{runs}次训练，{failed}个无法读取"
            "（其中{reused}个自上次检查以来没有变化，未重新诊断）。"
        ),
        "scan_symptoms": "各症状出现在多少次训练中",
        "scan_no_symptoms": "没有一次训练出现问题症状。",
        "scan_worst": "问题最严重的训练排在前面",
        "scan_failed": "无法读取的训练",
        "scan_col_symptom": "症状",
        "scan_col_runs": "训练次数",
        "scan_col_run": "训练",
        "scan_col_symptoms": "症状",
        "scan_col_top": "最可能的原因",
        "scan_col_guide": "指南",
        "observed": "观察到的现象",
        "context": "背景信息",
        "no_facts": "没有给出任何症状。",
        "causes": "可能的原因(按可能性从高到低)",
        "likelihood_likely": "很可能",
        "likelihood_possible": "有可能",
        "likelihood_worth-a-check": "值得一查",
        "checker_title": "症状自查",
        "checker_intro": (
            "勾选你看到的现象,填写你了解的训练信息。下面的原因与 `troubleshoot diagnose` "
            "使用同一套规则、按同样的顺序排列;结果由本页自行计算,不会向任何地方发送数据。"
        ),
        "checker_symptoms": "你看到了什么?",
        "checker_group_metrics": "loss 与准确率",
        "checker_group_log": "报错信息",
        "checker_group_probes": "网络内部(梯度、激活值、logits)",
        "checker_group_question": "其他现象",
        "checker_context": "关于这次训练,你知道些什么?",
        "checker_unknown": "不清楚",
        "checker_yes": "是",
        "checker_no": "否",
        "checker_thresholds": "规则的分界",
        "checker_clear": "全部清除",
        "checker_implied": "可由已勾选的现象推出",
        "checker_nothing_ticked": "勾选一个现象,这里会列出与之相符的原因。",
        "checker_no_fit": (
            "知识库中没有规则符合这些情况。`troubleshoot interview` 会提出能区分各种原因的问题。"
        ),
        "checker_not_a_number": "不是规则能用的数值,已忽略",
        "checker_noscript": (
            "本页用 JavaScript 对原因排序。没有 JavaScript 时,"
            "`troubleshoot diagnose --symptom ID` 给出同样的排序。"
        ),
        "why_fits": "为什么符合",
        "mechanism": "发生了什么",
        "caveats": "注意",
        "what_to_do": "怎么做(代价低的在前)",
        "confirm": "确认是不是这个原因",
        "confirm_shows": "如果是,会看到",
        "fixed_when": "修好的标志",
        "otherwise": "如果没有用",
        "code_wrong": "错误写法",
        "code_right": "正确写法",
        "more_steps": "另有 %(n)d 个步骤:见 `--full`。",
        "more_reasons": "另有 %(n)d 条理由:见 `--full`。",
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
        "e_accepted": (
            "可以读取:Caffe 日志、纯文本的训练输出(Keras、PyTorch、Lightning、Hugging Face、"
            "报错堆栈)、CSV/TSV 指标文件(Keras CSVLogger、Lightning metrics.csv、Ultralytics "
            "results.csv、W&B 导出文件、逐层统计)、JSON Lines 或 JSON 指标文件(detectron2 "
            "metrics.json、mmengine scalars.json、Hugging Face trainer_state.json)、TensorBoard "
            "事件文件、MLflow 运行记录(mlruns 文件夹或 mlflow.db),以上均可经 gzip 压缩"
        ),
        "e_empty": "{source}:文件是空的",
        "e_not_a_log": "{source}:这是{kind},不是训练日志或指标文件",
        "e_binary": "{source}:这是二进制数据(开头的字节为 {bytes}),不是训练日志或指标文件",
        "file_png": " PNG 图片",
        "file_jpeg": " JPEG 图片",
        "file_gif": " GIF 图片",
        "file_pdf": " PDF 文档",
        "file_zip": " zip 压缩包(PyTorch 的 .pt/.pth 检查点就是这种格式)",
        "file_hdf5": " HDF5 文件(Keras 的 .h5 权重就是这种格式)",
        "file_numpy": " NumPy 数组文件",
        "file_pickle": " Python pickle 文件",
        "file_wandb": " W&B 的 .wandb 运行文件(请改为把这次运行的历史导出为 CSV)",
        "file_program": "可执行程序",
        "file_sqlite": "不含 MLflow 表的 SQLite 数据库",
        "file_gzip": "无法解压的 gzip 数据",
        "e_no_metrics": "{source}:这段文本中既没有训练指标,也没有已知的报错信息或 Python "
        "报错堆栈(程序寻找以 'loss: 0.12' 或 '损失: 0.12' 形式、或在步数、epoch、"
        "迭代计数旁边打印的 loss、准确率或学习率,且不止一行;文本开头是:“{start}……”)",
        "e_no_metrics_blank": "{source}:这段文本中既没有训练指标,也没有已知的报错信息或 "
        "Python 报错堆栈(只有空行)",
        "e_no_header": "{source}:表格没有表头行",
        "e_no_metric_columns": "{source}:这个表格中没有训练指标(程序寻找 loss、val_acc、lr、"
        "step 或 epoch 这样的列;它的列是 {columns})",
        "e_cannot_read": "{source}:无法读取({problem})",
        "e_read_failed": "{source}:读取失败({problem})",
        "reader_ended": "读取它的进程中途退出,退出状态 {status}",
        "e_bad_gzip": "{source}:开头像 gzip 文件,但无法解压({problem})",
        "e_sqlite_closed": "{source}:无法打开这个 SQLite 数据库({problem})",
        "e_not_mlflow": "{source}:是 SQLite 数据库,但不是 MLflow 的数据库({problem})",
        "e_mlflow_no_metrics": "{source}:MLflow 数据库中没有带指标的运行记录",
        "e_no_scalars": "{source}:TensorBoard 事件文件中没有标量值(不读取直方图、图像、音频和文本)",
        "e_json_no_rows": "{source}:JSON 对象中没有指标行;troubleshoot 读取 JSON Lines、"
        "由行对象组成的 JSON 数组,或 Hugging Face 的 trainer_state.json",
        "e_none_read": "所有输入都无法读取:",
        "e_no_such_path": "{source}:没有这个文件或文件夹",
        "e_no_match": "{source}:没有匹配的文件或文件夹",
        "e_empty_folder": "{source}:这个文件夹中没有找到训练日志或指标文件",
        "e_read_nothing": "{source}:按 {format} 格式读取,但其中没有指标值、报错信息或设置",
        "e_folder_unread": "{source}:这个文件夹中没有能读取的内容({files})",
        "e_no_dask": "在 Dask 上运行批量检查需要 dask.distributed:pip install "
        "'troubleshoot[fleet]'",
        "os_denied": "没有权限",
        "os_is_folder": "这是一个文件夹",
        "os_missing": "没有这个文件或文件夹",
        "os_no_space": "磁盘空间不足",
        "e_did_you_mean": "你是不是想输入:{names}?",
        "e_symptoms_listed": "`troubleshoot kb symptoms` 列出全部症状。",
        "e_context_listed": "`troubleshoot kb context` 列出每个键及其取值和同义词。",
        "e_both_listed": "`troubleshoot kb symptoms` 和 `troubleshoot kb context` 列出它们。",
        "e_unknown_symptom": "没有症状“{word}”。",
        "e_unknown_lesson": "没有经验条目“{word}”。",
        "e_unknown_key": "没有背景信息键“{word}”。",
        "e_valid_keys": "可用的键:{keys}。",
        "e_bad_number": "“{text}”中没有数字",
        "e_several_numbers": "“{text}”中有不止一个数字({numbers})",
        "e_not_positive": "“{text}”必须大于零",
        "e_not_whole": "“{text}”不是整数",
        "e_not_text": "而不是“{text}”",
        "e_takes": "{name} 需要{what},{why}。",
        "e_a_number": "一个数字",
        "e_a_whole_number": "一个整数",
        "e_a_number_in": "一个数字({unit_zh})",
        "e_a_whole_number_in": "一个整数({unit_zh})",
        "e_amounts": "也可以用这些词表示数量:{words}。",
        "e_takes_boolean": "{name} 需要 true 或 false(也可以是 yes、no、是、否),而不是“{text}”。",
        "e_takes_choice": "{name} 需要以下取值之一:{values},而不是“{text}”。",
        "e_not_assignment": "背景信息要写成 key=value 的形式,而不是“{text}”。",
        "e_not_utf8": "{source}:不是 UTF-8 文本",
        "e_not_yaml": "{source}:不是有效的 YAML(第 {line} 行,第 {column} 列)",
        "e_in_file": "{source}:{problem}",
        "e_facts_shape": "{source}:事实文件只能包含 'symptoms'、'absent' 和 'context'",
        "e_answers_shape": "{source}:回答文件应把症状编号和背景信息键映射到回答",
        "e_not_a_question": "“{word}”既不是症状编号,也不是背景信息键。",
        "e_bad_answer": "{source}:{name}:{problem}",
        "w_not_json_lines": "{source}:跳过了 {n} 行不是 JSON 的内容",
        "w_json_no_array": "JSON 文档中没有找到由行组成的数组",
        "w_json_unclosed": "JSON 文档在数组闭合之前就结束了(还在写入?)",
        "w_json_stops": "JSON 文档在第 {line} 行无法继续解析;其后的行被跳过",
        "w_not_read": "未能读取:{problem}",
        "w_skipped_files": "跳过了 {n} 个不是训练日志或指标文件的文件:{files}",
        "w_damaged": "{source}:压缩数据已损坏({problem})",
        "w_damaged_after": "{source}:压缩数据在第 {byte} 字节之后损坏({problem});已读取之前的内容",
        "w_long_line": "{source}:跳过了一行超过 {mb} MB 的内容",
        "w_old_test_score": "{source}:旧式的 'Test score' 行按数值命名"
        "(在 [0, 1] 之内的是准确率,大于 1 的是 loss)",
        "w_bad_steps": "{series}:步数为负或非有限值的点已丢弃",
        "w_more_events": "{kind}:另有 {n} 行同类内容未列出",
        "w_no_line_break": "{source}:最后一行没有换行符(还在写入?);其中的数值已忽略",
        "w_huge_values": "{source}:{series} 有不小于 1e300 的值(已保留)",
        "w_ragged": "{source}:有 {n} 行的单元格数与表头不同",
        "w_csv_stops": "{source}:在第 {line} 行中断({problem})",
        "w_tb_damaged": "{source}:在一条损坏或被截断的记录处中断({problem});已读取之前的内容",
        "note_resumed": "{source}:{series} 的步数回退了 {resumes} 次;按续训处理,后面的点替换"
        "前面的点({points} 个点中替换了 {replaced} 个)",
        "note_negative_loss": "{source}:{series} 出现负值;跳过 loss 形状检查",
        "note_few_points": "{source}:{series} 有 {points} 个点,可用 {usable} 个;loss 形状检查"
        "需要 {need} 个(更短的片段只检查 NaN、每次显示都在增长的 loss 和停在随机水平的 loss,"
        "且置信度低)",
        "note_left_out_nonfinite": "有 {n} 个非有限的 loss 值未参与这些检查",
        "note_left_out_87": "有 {n} 个 loss 值为 {level}(Caffe 中伪装的 NaN),未参与这些检查",
        "origin_given": "用户给出",
        "origin_asked": "问答得到",
        "origin_detected": "自动检测",
        "origin_chat": "来自聊天",
        "origin_implied": "由其他症状推出",
        "step": "步",
        "iteration": "迭代",
        "epoch": "epoch",
        "value": "值",
        "line": "行",
        "nothing_found": "在读取的内容中没有发现问题症状:",
        "no_series": "没有指标序列",
        "not_judged": "未能判断的部分",
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
        "report_not_drawn": "本节另有 {n} 次训练的曲线没有画出。",
        "marker": "%(label)s 在第 %(step)s 步",
        "rule_and": " 且 ",
        "rule_or": " 或 ",
        "rule_not": "非 ",
        "yes": "是",
        "kind_diagnosis": "诊断",
        "kind_practice": "做法",
        "kind_explainer": "讲解",
        "no": "否",
        "ev_acc_at_chance": "{name} 最终为 {final:.4g},不高于 {limit:.3g}(随机水平 1/{n})",
        "ev_acc_at_chance_no_classes": "{name} 最终为 {final:.4g},不高于 {limit:.3g}(类别数未知)",
        "ev_acc_one_class": (
            "{name} 在全部 {n} 次评估中都是 {level:.4g}:没有一个预测变过,"
            "就像每个输入都被判成同一类,{level:.4g} 正是这一类所占的比例"
        ),
        "ev_acc_one_class_mostly": (
            "{name} 在 {total} 次评估中有 {n} 次是 {level:.4g}(包括第一次和最后一次),"
            "而验证 loss 从未变好:模型把输入都判成同一类(偶尔换成另一类),"
            "{level:.4g} 正是这一类所占的比例"
        ),
        "ev_acc_low_plateau": "{name} 停在 {level:.4g}(随机水平 {chance:.3g})",
        "ev_underfitting": "训练准确率 {train:.4g},验证准确率 {val:.4g}",
        "ev_acc_jump": "{name} 在 {n} 个点中的前 {flat} 个停在 {level:.3g},之后升到 {after:.3g}",
        "ev_val_acc_up_val_loss_up": (
            "验证 loss 上升的同时,验证准确率仍从 {then:.4g} 升到 {now:.4g}"
        ),
        "ev_val_loss_plateau": (
            "最近 {evals} 次评估都没有好于 {best:.4g},而训练 loss 从 {then:.4g} 降到 {now:.4g}"
        ),
        "ev_val_far_below_train": (
            "验证准确率 {val:.4g},训练准确率 {train:.4g}(随机水平 {chance:.3g})"
        ),
        "ev_val_far_below_train_loss": (
            "验证准确率 {val:.4g}(loss {val_loss:.4g}),而训练 loss 为 {train_loss:.4g}"
        ),
        "ev_val_much_better_than_test": "{val_name} 为 {val:.4g},{test_name} 为 {test:.4g}",
        "ev_kl_negative": "KL 小于 0({n} 个点中有 {below} 个)",
        "ev_loss_87": "有 {hits} 个 loss 等于 {level:g}(-ln FLT_MIN)",
        "ev_loss_87_weighted": (
            "有 {hits} 个 loss 等于 {level:g}(-ln FLT_MIN)乘以一个 loss 权重({value:.6g})"
        ),
        "ev_loss_nan": "loss 第一次出现非有限值({n} 个点中有 {bad} 个)",
        "ev_loss_nan_logged_zero": (
            "从这里到评估出现 NaN 为止,训练 loss 都记录为 0(训练器记录 loss 时会略去非有限值的步)"
        ),
        "ev_nan_at_evaluation_only": (
            "评估出现 NaN 之后训练仍在继续,loss 都是有限值(共 {n} 个,最后一个为 {last:.4g}):"
            "只有评估时才变成 NaN"
        ),
        "ev_loss_nan_sudden": (
            "loss 正常时突然变成 NaN(之前为 {before:.4g},最低 {lowest:.4g};此前没有上升)"
        ),
        "ev_periodic_nan": "每隔 {period:g} 步出现一次 NaN(共 {times} 次)",
        "ev_periodic_spike": "每隔 {period:g} 步出现一次尖峰(共 {times} 次)",
        "ev_huge_initial": "最初的 loss >= {start:.4g},高于 {limit:.4g}({factor:g} × ln({n}))",
        "ev_huge_initial_absolute": "最初的 loss >= {start:.4g},高于绝对阈值 {limit:.4g}",
        "ev_flat_from_start": "loss 从一开始就停在 {level:.4g} 附近(第一个值 {first:.4g})",
        "ev_flat_at_chance": (
            "loss 从一开始就停在 {level:.4g} 附近(第一个值 {first:.4g}),即 ln({n}) = {chance:.4g}"
        ),
        "ev_slow_decrease_start": (
            "loss 稳定下降(tau {tau:.2f}),但最终为 {final:.4g},是初始值的 {share:.0%}"
        ),
        "ev_slow_decrease_chance": (
            "loss 稳定下降(tau {tau:.2f}),但最终为 {final:.4g},是 ln(类别数)的 {share:.0%}"
        ),
        "ev_plateau_start": "loss 从 {first:.4g} 降下来后停在 {end:.4g}(初始值的 {share:.0%})",
        "ev_plateau_chance": (
            "loss 从 {first:.4g} 降下来后停在 {end:.4g}(ln(类别数)的 {share:.0%})"
        ),
        "ev_plateau_then_drop": "在 {n} 个点中的前 {flat} 个停在 {level:.4g},之后降到 {final:.4g}",
        "ev_near_zero": "走完 {share:.0%} 的步数时,平滑后的 loss 已 <= {limit:.3g}",
        "ev_oscillating": (
            "相邻两步变化的中位数是 loss 水平的 {swing:.0%},{turns:.0%} 的步改变了方向"
        ),
        "ev_spikes": "loss 跳到前 {window} 个点的 {factor:g} 倍以上,随后又回落",
        "ev_constant": "{loss} 从这里到结束一直是 {value:.6g}",
        "ev_constant_with_acc": "{loss} 从这里到结束一直是 {value:.6g}({acc} 也不变)",
        "ev_nan_in_layer": "逐层统计量第一次出现非有限值",
        "ev_grad_zero": "以下各层的权重梯度在记录的每一步都恰好为 0:{layers}",
        "ev_grad_vanishing": "{first} 的梯度是 {last} 的 {ratio:.2g} 倍",
        "ev_grad_exploding": "{layer} 的梯度达到 {value:.3g}(>= {limit:g})",
        "ev_dead_relu": "{layer} 的输出有 {share:.0%} 为 0",
        "ev_dead_relu_input": "{layer} 输出为 0,而它的输入为 {input:.3g}",
        "ev_logits_huge": "{layer}(损失前的最后一层)输出绝对值的均值为 {value:.3g}",
        "ev_read_from": "从 {format} 格式的输入中读出",
        "ev_lowest_loss": "平滑后 loss 的最低点",
        "ev_few_points": "仅凭 {points} 个点",
        "ev_one_point": "仅凭 1 个点",
        "ev_overfitting_few": (
            "验证 loss 在 {points} 次评估中逐次上升,从 {first:.4g} 升到 {final:.4g},"
            "而训练 loss 只有 {train:.4g}"
        ),
        "ev_overfitting_gap": (
            "同一次评估时验证 loss 为 {val:.4g},而训练 loss 只有 {train:.4g},远低于它"
        ),
        "ev_overfitting_acc_gap": "同一次评估时验证准确率为 {val:.4g},而训练准确率已达 {train:.4g}",
        "ev_growing": "loss 在全部 {points} 次输出中逐次上升,从 {first:.4g} 升到 {final:.4g}",
        "ev_at_chance_every": (
            "第一次输出之后,每次的 loss 都在 {low:.4g} 到 {high:.4g} 之间,"
            "停在 ln({n}) = {chance:.4g} 附近"
        ),
        "ev_diverging": "最终水平 {final:.4g},是最低点的 {ratio:.3g} 倍",
        "ev_lowest_val_loss": "验证 loss 的最低点",
        "ev_overfitting": "验证 loss 回升到 {final:.4g},而训练 loss 从 {then:.4g} 降到 {now:.4g}",
        "ev_classes_from_loss": "初始 loss {first:.4g} ≈ ln {n} = {chance:.4g}",
        "ev_classes_from_acc": "准确率一直在 {level:.3g} 附近,约为 1/{n}",
        "ev_classes_loss_agrees": "初始 loss {first:.4g},接近 ln {n} = {chance:.4g}",
        "note_inferred": "未给出类别数,由运行记录推断",
        "note_when_read": "未说明问题何时出现,由运行记录读出",
        "note_retrieved": "问题的描述与此症状相近(共同的词:{words})",
        "note_from_definition": "从日志打印的网络定义中读出",
        "note_from_output": "未给出类别数,从运行自身打印或记录的内容中读出",
        "ev_classes_setting": "运行记录中写明 {name} = {n}",
        "ev_classes_width": "打印出的模型中最后一个 {kind} 层 {layer} 有 {n} 个输出",
        "ev_num_output": ("层 {layer} 的 num_output: {n},即损失层之前的最后一个 InnerProduct 层"),
        "note_implied": "由 {symptom} 推出",
        "note_from_file": "来自 {file}",
        "checklist": "排查清单:与观察到的现象相关的全部原因",
        "checklist_intro": (
            "有事实支持的原因排在前面,按可能性排序;知识库中与这些症状相关的其他原因随后列出,"
            "可能性高的在前。`troubleshoot kb show <id>` 可查看每一条的说明。"
        ),
        "not_yet_supported": "也有可能,但目前的事实尚不支持",
        "resembles": "并未观察到:问题的措辞接近“%(symptom)s”",
        "checklist_resembled": (
            "标注“并未观察到”的原因属于问题措辞相近、但并未说明已出现的症状:请先确认这些症状。"
        ),
        "questions_apart": "能区分排在前面的原因的问题",
        "tells_apart": "涉及",
        "site_title": "troubleshoot:训练为什么出问题",
        "site_home": "首页",
        "site_symptoms": "症状",
        "site_lessons": "经验条目",
        "site_sources": "来源",
        "site_docs": "使用指南",
        "site_checker": "症状自查",
        "site_search": "搜索",
        "site_search_go": "搜索",
        "site_search_needs_js": "搜索在浏览器中运行,需要启用 JavaScript。",
        "site_other_lang": "English",
        "site_intro": (
            "在下面找到你看到的现象,点开后按可能性从高到低逐个排查原因。每条经验都说明如何确认原因、"
            "改什么、怎样算解决,并注明出自哪篇文章。"
        ),
        "site_checker_intro": "勾选你看到的现象和已知的情况,可能的原因会随之更新。",
        "site_everything_else": "其他症状",
        "site_all_lessons_kind": "%(kind)s类条目",
        "site_chart": "出现这一症状的真实训练记录",
        "site_chart_from": "来源",
        "site_causes_ranked": "可能的原因(按可能性从高到低)",
        "site_takes": "知识库从中采用的内容",
        "site_whole": "整篇来源",
        "site_original": "原文",
        "site_no_address": "这一来源没有公开地址。",
        "site_not_copied": "本站不转载文章原文,请到原地址阅读。",
        "site_only_english": "使用指南的这一页只有英文版。",
        "site_cited_steps": "步骤",
        "site_lessons_count": "%(n)d 条",
        "site_language": "语言",
        "site_page": "网页版",
    },
}


def say(words: Phrase | str, lang: Lang) -> str:
    """A phrase in ``lang`` (and the phrases it holds); text quoted as found (a log line)
    stays as it is."""
    if isinstance(words, str):
        return words
    values = {k: say(v, lang) if isinstance(v, Phrase) else v for k, v in words.values}
    return STRINGS[lang][words.key].format(**values)


def say_lines(error: PhrasedError, lang: Lang) -> str:
    """An error of reading or of the vocabulary in ``lang``, a line per phrase."""
    return "\n".join(say(words, lang) for words in error.words)
