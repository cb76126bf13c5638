"""``troubleshoot site serve``: the built site on a local address, for a preview."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class _Quiet(SimpleHTTPRequestHandler):
    """Serves the folder; logs nothing per request (the command prints its address)."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def server(folder: Path, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server for ``folder`` (port 0: any free port; ``server_address`` says which)."""
    handler = functools.partial(_Quiet, directory=str(folder))
    return ThreadingHTTPServer((host, port), handler)
