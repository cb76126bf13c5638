"""troubleshoot: an expert system that explains why deep-learning training goes wrong.

The package follows the data: ``read`` turns files into series and events, ``detect``
turns those into symptom facts with evidence, ``engine`` runs the knowledge base's rules
over the facts, ``consult`` is the core every front end calls (runs, diagnoses, the next
question), ``render`` writes the cited guide, and ``frontends`` are the ways in (command
line, interview). ``knowledge`` loads the knowledge base that the engine and the renderers
share; ``facts`` is the vocabulary every step speaks.
"""

__version__ = "0.1.0"
