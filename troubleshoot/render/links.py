"""Addresses of the documentation site's pages (``troubleshoot site build``), for the pages
that link to it: the guide, the report and ``kb show``. The base address is the front
end's to give (``--site-url`` or ``TROUBLESHOOT_SITE_URL``); without one nothing links."""

from __future__ import annotations

from troubleshoot.lang import Lang


def page_url(base: str | None, lang: Lang, kind: str, item_id: str) -> str | None:
    """``base/<lang>/<kind>/<id>/`` (kind: symptoms, lessons or sources), or None."""
    if not base:
        return None
    return f"{base.rstrip('/')}/{lang.value}/{kind}/{item_id}/"
