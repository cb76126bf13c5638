"""Run the knowledge base's rules over facts and rank the diagnoses."""

from troubleshoot.engine.diagnose import Diagnosis, FiredRule, Result, diagnose

__all__ = ["Diagnosis", "FiredRule", "Result", "diagnose"]
