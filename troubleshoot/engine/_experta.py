"""The one place experta is imported.

experta 1.9.4 (its last release) pins ``frozendict==1.2``, whose ``frozendict`` subclasses
``collections.Mapping``; that alias was removed in Python 3.10, so importing experta fails
with an AttributeError. Restoring the alias before the first import is enough: experta
itself already uses ``collections.abc``, and its own 299 tests pass this way on 3.11-3.13.
With uv's override (frozendict >= 2.3) the alias is simply unused. See docs/install.md.
"""

import collections
import collections.abc

if not hasattr(collections, "Mapping"):
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

from experta import AND, AS, NOT, OR, Fact, KnowledgeEngine, P, Rule

__all__ = ["AND", "AS", "NOT", "OR", "Fact", "KnowledgeEngine", "P", "Rule"]
