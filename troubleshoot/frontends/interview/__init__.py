"""The guided interview: ask only what the rules still need, most telling question first.

``session`` holds the answers, ``belief`` and ``select`` decide what to ask next or that
the conclusion is clear, ``terminal`` talks to the person (or reads an answers file).
"""
