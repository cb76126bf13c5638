"""Does the interview find the cause for users who answer from what they actually see?

Each story of ``benchmarks/interview_stories.yaml`` is a problem as someone described it
in public, rewritten, with the causes an expert would accept. A simulated user
(``stories.SimulatedUser``) answers the interview from it with some noise, once per seed;
the interview runs its own question selection until it concludes. We count the questions
asked (the opening counts as one) and whether an accepted cause is first (top 1) and among
the first three (top 3) of the causes its conclusion names. Dev and held-out stories are
reported apart: only the dev stories are listed one by one, so that tuning on them leaves
the held-out figures honest.

Run: .venv/bin/python benchmarks/interview_stories.py [--kb kb] [--seeds 5]
         [--out docs/benchmarks/interview-stories.md]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from troubleshoot.consult.belief import Model, model_for
from troubleshoot.consult.checklist import shortlist
from troubleshoot.consult.questions import group_of
from troubleshoot.consult.select import situation
from troubleshoot.knowledge.load import KnowledgeBase, cached_kb

sys.path.insert(0, str(Path(__file__).parent))
from drive import drive
from machine import publish
from stories import (
    NEIGHBOUR_RATE,
    UNSURE_RATE,
    SimulatedUser,
    Story,
    load_stories,
)

TOP1_TARGET, TOP3_TARGET, MEAN_TARGET, MAX_TARGET = 0.8, 0.95, 4, 8
SPLITS = ("dev", "heldout")


@dataclass
class Run:
    story: Story
    seed: int  # 0: the user without noise
    asked: int
    ranking: list[str]
    transcript: list[str]
    reason: str

    @property
    def top1(self) -> bool:
        return bool(self.ranking) and self.ranking[0] in self.story.right

    @property
    def top3(self) -> bool:
        return any(lesson in self.story.right for lesson in self.ranking[:3])

    @property
    def got(self) -> str:
        return self.ranking[0] if self.ranking else "(none)"


def run(model: Model, story: Story, seed: int) -> Run:
    rates = {} if seed else {"unsure_rate": 0.0, "neighbour_rate": 0.0}
    user = SimulatedUser(model.kb, story, seed, **rates)
    done = drive(model, user.answer)
    now = situation(model, done.session)
    ranking = [c.id for c in shortlist(model.kb, done.session.facts(), now)]
    return Run(story, seed, done.asked, ranking, done.transcript, done.reason)


@dataclass
class Figures:
    runs: int
    mean: float
    worst: int
    top1: float
    top3: float

    @classmethod
    def of(cls, runs: list[Run]) -> Figures:
        return cls(
            len(runs),
            statistics.mean(r.asked for r in runs),
            max(r.asked for r in runs),
            sum(r.top1 for r in runs) / len(runs),
            sum(r.top3 for r in runs) / len(runs),
        )

    def row(self, label: str) -> str:
        return (
            f"| {label} | {self.runs} | {self.mean:.2f} | {self.worst} | {self.top1:.0%} | "
            f"{self.top3:.0%} |"
        )

    def met(self) -> dict[str, bool]:
        return {
            f"top 1 >= {TOP1_TARGET:.0%}": self.top1 >= TOP1_TARGET,
            f"top 3 >= {TOP3_TARGET:.0%}": self.top3 >= TOP3_TARGET,
            f"mean questions <= {MEAN_TARGET}": self.mean <= MEAN_TARGET,
            f"max questions <= {MAX_TARGET}": self.worst <= MAX_TARGET,
        }


def report(
    kb: KnowledgeBase, stories: list[Story], runs: list[Run], seeds: int, took: float
) -> str:
    noisy = [r for r in runs if r.seed]
    clean = [r for r in runs if not r.seed]
    by_split = {s: [r for r in noisy if r.story.split == s] for s in SPLITS}
    clean_split = {s: [r for r in clean if r.story.split == s] for s in SPLITS}
    counts = Counter(s.split for s in stories)
    lessons = {lesson for s in stories for lesson in s.right}
    lines = [
        "# Interview on users' stories: right cause and questions asked",
        "",
        "Written by `benchmarks/interview_stories.py`; rerun it to refresh these numbers.",
        "",
        f"- Date: {date.today().isoformat()}",
        f"- Machine: {platform.machine()}, Python {platform.python_version()}",
        f"- Knowledge base: {len(kb.lessons)} lessons, {len(list(kb.diagnoses()))} diagnoses, "
        f"{len(kb.symptoms)} symptoms, {len(kb.context)} context keys",
        f"- Stories: {len(stories)} ({counts['dev']} dev, {counts['heldout']} held-out), "
        f"accepting {len(lessons)} distinct diagnoses, in `benchmarks/interview_stories.yaml`",
        "- Command: `python benchmarks/interview_stories.py --out "
        f"docs/benchmarks/interview-stories.md` ({took:.1f} s)",
        "",
        "Each story retells a problem someone described in public (a GitHub issue, a forum "
        "question; the file gives the address): what the user sees, what they can deny, "
        "what they know of their setup (usually framework, optimiser, learning rate, batch "
        "size; rarely the initialisation or whether the classes are balanced) and the causes "
        "an expert would accept. A simulated user answers the interview from it: symptoms it "
        "sees (and what they imply) yes, symptoms it denies no, context it knows, everything "
        f'else "not sure". Noise, seeded: with probability {UNSURE_RATE} it says "not sure" '
        "about something it could answer, and with probability "
        f"{NEIGHBOUR_RATE} per symptom it picks in the opening it also or instead picks a "
        "neighbour (the item shown next to it in the same group of the list, or a symptom it "
        f"implies or is implied by). Every story runs with seeds 1 to {seeds}; the rows "
        '"without noise" run it once with both probabilities at 0. A run counts as top 1 '
        "(top 3) when an accepted cause is first (among the first three) of the causes the "
        "interview's conclusion names: those whose rules fired and, unless the leader is "
        'clear, the causes still possible after them (a "not sure" rules nothing out). '
        "Questions are counted until it concludes, the opening included.",
        "",
        "| | runs | questions, mean | questions, max | top 1 | top 3 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for split in SPLITS:
        name = "held-out" if split == "heldout" else split
        lines.append(Figures.of(by_split[split]).row(f"{name}, noisy user"))
        lines.append(Figures.of(clean_split[split]).row(f"{name}, without noise"))
        for kind, runs in _by_kind(kb, by_split[split]).items():
            lines.append(Figures.of(runs).row(f"{name}, noisy user, {kind}"))
    lines += [
        "",
        "Reading the rows: a story told by an error message is settled by the opening in one "
        "question, and misses there come from the noise (a neighbouring message picked "
        "instead); stories told by curves are where the interview has to ask, and where it "
        "falls short. The per-story rows below show which questions it spent.",
        "",
        "Targets of issue 13, on the noisy user:",
        "",
    ]
    lines += ["| target | dev | held-out |", "| --- | --- | --- |"]
    dev_met, held_met = Figures.of(by_split["dev"]).met(), Figures.of(by_split["heldout"]).met()
    for target in dev_met:
        lines.append(
            f"| {target} | {'met' if dev_met[target] else 'not met'} | "
            f"{'met' if held_met[target] else 'not met'} |"
        )
    lines += ["", *_pick_check(by_split, clean_split), ""]
    lines += [*_worst(by_split["dev"]), *_dev_rows(by_split["dev"], clean_split["dev"])]
    lines += [
        "",
        "Held-out stories are not listed: tune on the dev stories, then read the held-out "
        "figures above to see whether the change generalises.",
    ]
    return "\n".join(lines) + "\n"


# Top 3 runs and mean questions on 2026-12-06, before a weak conclusion checked the opening
# pick it rests on (consult/misread.py): noisy user, then without noise. What _pick_check
# compares against.
BEFORE_CHECK = {
    "dev": ((245, 260, 3.62), (52, 52, 3.62)),
    "heldout": ((232, 245, 3.51), (48, 49, 3.37)),
}


def _pick_check(by_split: dict[str, list[Run]], clean_split: dict[str, list[Run]]) -> list[str]:
    """What checking the opening pick a weak conclusion rests on changed, split by split."""
    lines = [
        "## Checking the pick a weak conclusion rests on (issue 13)",
        "",
        "Every dev miss of the noisy user comes from its noise, most from a neighbouring "
        "symptom picked in the opening instead of the one it sees. The interview takes every "
        "pick as certain and an unpicked symptom as absent, so such a slip rules the right "
        "cause out for good. Now, before it concludes without a clear leader, it asks once "
        "about the unpicked neighbour of a pick the leader rests on (the item just above or "
        "below it in the same group of the list, or a symptom it implies or is implied by) "
        "when that neighbour, picked instead, would have put another cause first "
        "(`consult/misread.py`); yes lets that cause's rules fire. A clear leader is not "
        "checked (a slip is rarer than the doubt it may keep), nor past the budget, and the "
        "belief and the rest of the selection are unchanged. A user without noise answers "
        'the check "not sure" or no: on the dev stories the causes named stayed the same, '
        "run by run. The change was fixed on the dev stories (seeds 1 to 5, and 6 to 15 as "
        "a check: 498 of 520 runs in the top 3 against 493); the held-out figures were "
        "measured once, after.",
        "",
        "| | top 3 before | top 3 now | questions before | questions now |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for split in SPLITS:
        name = "held-out" if split == "heldout" else split
        for label, runs, (hit, total, mean) in (
            ("noisy user", by_split[split], BEFORE_CHECK[split][0]),
            ("without noise", clean_split[split], BEFORE_CHECK[split][1]),
        ):
            now = Figures.of(runs)
            count = sum(r.top3 for r in runs)
            lines.append(
                f"| {name}, {label} | {hit} of {total} ({hit / total:.1%}) | {count} of "
                f"{now.runs} ({now.top3:.1%}) | {mean:.2f} | {now.mean:.2f} |"
            )
    return lines


def _by_kind(kb: KnowledgeBase, runs: list[Run]) -> dict[str, list[Run]]:
    """Runs of stories told by an error message (one question usually settles them) apart
    from stories told by curves, probes or evaluation, where the interview has to work."""
    kinds: dict[str, list[Run]] = {"error message": [], "curves and the rest": []}
    for r in runs:
        error = any(group_of(kb, s) == "log" for s in r.story.sees)
        kinds["error message" if error else "curves and the rest"].append(r)
    return {kind: found for kind, found in kinds.items() if found}


def _worst(noisy: list[Run], count: int = 10) -> list[str]:
    """The dev stories that miss a target in some run, furthest first: fewest seeds with
    an accepted cause in the top 3, then in the top 1, then the most questions."""
    stories = {r.story.id: r.story for r in noisy}
    mine = {i: [r for r in noisy if r.story.id == i] for i in stories}

    def badness(i: str) -> tuple[int, int, int]:
        runs = mine[i]
        return (sum(r.top3 for r in runs), sum(r.top1 for r in runs), -max(r.asked for r in runs))

    def fine(i: str) -> bool:
        return all(r.top1 and r.asked <= MAX_TARGET for r in mine[i])

    worst = sorted((i for i in stories if not fine(i)), key=badness)
    lines = [
        f"## The {min(count, len(worst))} dev stories furthest from the targets",
        "",
        "Stories where some noisy run misses the top 1 or asks more than "
        f"{MAX_TARGET} questions, furthest first (fewest seeds with an accepted cause in the "
        "top 3, then in the top 1, then most questions); *got* counts what the noisy runs "
        "ended with first.",
        "",
        "| story | right | got (seeds) | top 1 | top 3 | questions, max |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for i in worst[:count]:
        runs = mine[i]
        got = Counter(r.got for r in runs).most_common()
        lines.append(
            f"| `{i}` | {', '.join(f'`{x}`' for x in stories[i].right)} | "
            f"{', '.join(f'`{g}` ({n})' for g, n in got)} | {sum(r.top1 for r in runs)}/"
            f"{len(runs)} | {sum(r.top3 for r in runs)}/{len(runs)} | "
            f"{max(r.asked for r in runs)} |"
        )
    return [*lines, ""]


def _dev_rows(noisy: list[Run], clean: list[Run]) -> list[str]:
    lines = [
        "## Dev stories",
        "",
        "Top 1 and top 3 count the seeds (of the noisy user) that got there; *got* and the "
        "questions are those of the user without noise, the answers as given (`?` for not "
        "sure, `+` between symptoms picked together).",
        "",
        "| story | right | got | top 1 | top 3 | questions (noisy mean, max) "
        "| questions and answers |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |",
    ]
    for base in clean:
        mine = [r for r in noisy if r.story.id == base.story.id]
        asked = [r.asked for r in mine]
        lines.append(
            f"| `{base.story.id}` | {', '.join(f'`{x}`' for x in base.story.right)} | "
            f"`{base.got}` | {sum(r.top1 for r in mine)}/{len(mine)} | "
            f"{sum(r.top3 for r in mine)}/{len(mine)} | "
            f"{base.asked} ({statistics.mean(asked):.1f}, {max(asked)}) | "
            f"{', '.join(base.transcript)} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=Path, default=None)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    kb = cached_kb(args.kb)
    model = model_for(kb)
    stories = load_stories()
    start = time.perf_counter()
    runs = [run(model, story, seed) for story in stories for seed in range(args.seeds + 1)]
    text = report(kb, stories, runs, args.seeds, time.perf_counter() - start)
    publish(text, args.out)


if __name__ == "__main__":
    main()
