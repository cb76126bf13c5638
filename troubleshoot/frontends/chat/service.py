"""What every route of the chat service shares: the knowledge base, the thread store, the
settings and the rate limit; and the one way a route turns words into a stored reply."""

from __future__ import annotations

from dataclasses import dataclass

from troubleshoot.frontends.chat.config import Settings
from troubleshoot.frontends.chat.limits import RateLimit
from troubleshoot.frontends.chat.reply import Pick, Reply, Thread, reply
from troubleshoot.frontends.chat.threads import ThreadStore
from troubleshoot.frontends.chat.worker import in_worker
from troubleshoot.knowledge.load import KnowledgeBase
from troubleshoot.lang import Lang


@dataclass
class Service:
    kb: KnowledgeBase
    store: ThreadStore
    settings: Settings
    limit: RateLimit

    async def answer(
        self,
        platform: str,
        channel: str,
        thread: str,
        said: str | Pick,
        lang: Lang | None = None,
    ) -> Reply:
        """The reply to ``said`` in a thread, the thread loaded and saved around it on the
        consulting thread (``worker``)."""

        def work() -> Reply:
            state = self.store.load(platform, channel, thread) or Thread(lang=lang)
            built = reply(self.kb, state, said, self.settings.site_url)
            self.store.save(platform, channel, thread, state)
            return built

        return await in_worker(work)
