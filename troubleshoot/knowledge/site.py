"""``kb/site.yaml``: how the documentation site's home page groups the symptoms, by what a
person sees. Editorial knowledge, so it lives in the knowledge base beside the symptoms."""

from __future__ import annotations

from pydantic import Field

from troubleshoot.knowledge.load import KnowledgeBase, KnowledgeBaseError, _validate
from troubleshoot.knowledge.schema import Id, Strict, Text


class Group(Strict):
    id: Id
    title: Text
    symptoms: list[Id] = Field(min_length=1)


class HomePage(Strict):
    groups: list[Group] = Field(default_factory=list)


def home_groups(kb: KnowledgeBase) -> list[Group]:
    """The groups of ``kb/site.yaml`` (none when the file is absent); an unknown symptom id
    is an error naming the file, as any other broken part of the knowledge base."""
    path = kb.path / "site.yaml"
    if not path.exists():
        return []
    problems: list[str] = []
    page = _validate(HomePage, path, problems)
    if page is not None:
        for i, group in enumerate(page.groups):
            problems += [
                f"{path}: groups.{i}.symptoms: unknown symptom '{s}'"
                for s in group.symptoms
                if s not in kb.symptoms
            ]
    if problems:
        raise KnowledgeBaseError(problems)
    assert page is not None
    return page.groups
