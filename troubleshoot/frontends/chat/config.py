"""The chat service's settings: a TOML file (``--config``), then environment variables,
which win. Secrets are never part of a setting's ``repr``, so logging settings leaks none.

```toml
[chat]
site_url = "https://example.org/troubleshoot"
database = "/var/lib/troubleshoot/chat.db"
max_body = 65536      # bytes; larger requests get 413
rate = 1.0            # requests a second per user, sustained
burst = 10            # requests a user may send at once
slack_signing_secret = "..."   # or SLACK_SIGNING_SECRET
slack_bot_token = "xoxb-..."   # or SLACK_BOT_TOKEN
mattermost_token = "..."       # or MATTERMOST_TOKEN
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

# Setting -> the environment variable that overrides it.
ENV = {
    "site_url": "TROUBLESHOOT_SITE_URL",
    "database": "TROUBLESHOOT_CHAT_DB",
    "max_body": "TROUBLESHOOT_MAX_BODY",
    "rate": "TROUBLESHOOT_RATE",
    "burst": "TROUBLESHOOT_BURST",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "mattermost_token": "MATTERMOST_TOKEN",
}


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    site_url: str | None = None
    database: Path = Path("troubleshoot-chat.db")
    max_body: int = 64 * 1024
    rate: float = 1.0
    burst: int = 10
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None  # the Slack Web API's address (a local fake in tests)
    mattermost_token: str | None = field(default=None, repr=False)

    def secrets(self) -> list[str]:
        """The secret values set, for the log filter that masks them."""
        found = [self.slack_signing_secret, self.slack_bot_token, self.mattermost_token]
        return [s for s in found if s]


def load_settings(path: Path | None, env: Mapping[str, str]) -> Settings:
    """Settings from the ``[chat]`` table of ``path`` (if given), overridden by ``env``."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = dict(tomllib.loads(path.read_text(encoding="utf-8")).get("chat", {}))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
    for name, var in ENV.items():
        if env.get(var):
            raw[name] = env[var]
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")
    try:
        values: dict[str, Any] = {}
        for name, value in raw.items():
            kind = {"database": Path, "max_body": int, "rate": float, "burst": int}.get(name, str)
            values[name] = kind(value)
    except ValueError as exc:
        raise ConfigError(f"bad setting: {exc}") from None
    settings = Settings(**values)
    if settings.max_body <= 0 or settings.rate <= 0 or settings.burst <= 0:
        raise ConfigError("max_body, rate and burst must be positive")
    return settings
