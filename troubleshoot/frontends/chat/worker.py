"""The one thread that consults for the chat service.

Diagnosing is CPU work (the engine, the question planner) and must not hold up the event
loop that acknowledges Slack within three seconds and answers ``/healthz``. It runs on a
single worker thread: the core's memos are plain dictionaries, and two cores gain nothing
from a second Python thread under the GIL anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="consult")


async def in_worker(work: Callable[[], T]) -> T:
    """``work()`` on the consulting thread, awaited without blocking the loop."""
    return await asyncio.get_running_loop().run_in_executor(_POOL, work)


def on_worker(work: Callable[[], T]) -> T:
    """``work()`` on the consulting thread, waited for: for start-up, before any loop."""
    return _POOL.submit(work).result()
