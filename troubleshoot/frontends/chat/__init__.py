"""Chat front ends: one reply builder (``reply``), its Markdown and Slack renderings, the
thread store, and the HTTP service that serves Slack, Mattermost and a JSON API
(``docs/chat.md``)."""
