"""The knowledge base: YAML files in ``kb/`` loaded into validated, typed objects."""

from troubleshoot.knowledge.load import KnowledgeBase, KnowledgeBaseError, default_kb_path, load_kb

__all__ = ["KnowledgeBase", "KnowledgeBaseError", "default_kb_path", "load_kb"]
