"""The consultation core that every front end calls: read and detect, add what the user
stated, run the engine per run, and choose the next question worth asking.

``consultation`` is the entry point (``consult``, ``Request``, ``Consultation``); ``gather``
reads files into runs; ``session``, ``belief``, ``select``, ``questions`` and
``implication`` are the reasoning behind follow-up questions.
"""
