"""Latency of the chat service under a steady load: `/api/v1/ask` beside `/healthz`.

Starts `troubleshoot serve` on a free loopback port (its own thread database, the rate
limit lifted), warms it with one pass over the questions, then sends for ``--seconds``
seconds, at fixed instants (an open loop: a slow answer does not slow the sender),
``--rate`` asks a second (the questions of benchmarks/queries.yaml in turn, each a new
thread) and as many health checks a second on the same server. At most ``--in-flight``
requests are outstanding; a request that would exceed it is counted as dropped, so the
run is bounded whatever the server does. Errors are any status but 200 (and transport
failures). Loopback only.

Run: python benchmarks/serve_load.py [--out docs/benchmarks/serve.md]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from machine import describe, publish  # noqa: E402

QUERIES = Path(__file__).parent / "queries.yaml"
TARGET = 5.0  # p99(ask) within this many times p99(healthz) (issue 11)


@dataclass
class Stream:
    """What one endpoint's requests got."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0
    dropped: int = 0
    sent: int = 0
    note: str = ""

    def quantile(self, q: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[round(q * 100) - 1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(port: int, db: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "TROUBLESHOOT_CHAT_DB": str(db),
        "TROUBLESHOOT_RATE": "100000",
        "TROUBLESHOOT_BURST": "100000",
    }
    command = [sys.executable, "-m", "troubleshoot", "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_ready(client: httpx.AsyncClient, url: str) -> None:
    for _ in range(600):
        try:
            if (await client.get(f"{url}/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")


async def load(
    client: httpx.AsyncClient, url: str, texts: list[str], rate: float, seconds: float, cap: int
) -> dict[str, Stream]:
    streams = {"ask": Stream(), "healthz": Stream()}
    outstanding: set[asyncio.Task[None]] = set()

    async def one(name: str, i: int) -> None:
        stream = streams[name]
        began = time.perf_counter()
        try:
            if name == "ask":
                response = await client.post(
                    f"{url}/api/v1/ask", json={"text": texts[i % len(texts)]}
                )
            else:
                response = await client.get(f"{url}/healthz")
        except httpx.HTTPError:
            stream.errors += 1
            return
        if response.status_code == 200:
            stream.latencies.append(time.perf_counter() - began)
        else:
            stream.errors += 1

    start = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        for name in ("ask", "healthz"):
            streams[name].sent += 1
            if len(outstanding) >= cap:
                streams[name].dropped += 1
                continue
            task = asyncio.create_task(one(name, i))
            outstanding.add(task)
            task.add_done_callback(outstanding.discard)
    if outstanding:
        await asyncio.wait(outstanding)
    streams["elapsed"] = Stream(latencies=[time.perf_counter() - start])
    return streams


def busy() -> str:
    """The machine's load average over the last minute, against its cores: other work on
    a shared machine shows in every latency here."""
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


async def measure(rate: float, seconds: float, cap: int) -> tuple[dict[str, Stream], int]:
    texts = [entry["q"] for entry in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start(port, Path(tmp) / "threads.db")
        try:
            limits = httpx.Limits(max_connections=cap, max_keepalive_connections=cap)
            async with httpx.AsyncClient(timeout=60, limits=limits) as client:
                await wait_ready(client, url)
                for text in texts:  # warm-up: every question once, not measured
                    await client.post(f"{url}/api/v1/ask", json={"text": text})
                before = busy()
                streams = await load(client, url, texts, rate, seconds, cap)
                streams["elapsed"].note = f"{before} before the run, {busy()} after it"
                return streams, len(texts)
        finally:
            server.terminate()
            server.wait()


def page(streams: dict[str, Stream], questions: int, rate: float, seconds: float) -> str:
    elapsed = streams["elapsed"].latencies[0]
    ask, health = streams["ask"], streams["healthz"]
    ratio = ask.quantile(0.99) / health.quantile(0.99)
    met = ratio <= TARGET and not ask.errors and not ask.dropped
    rows = []
    for name, s in (("/api/v1/ask", ask), ("/healthz", health)):
        done = len(s.latencies)
        rows.append(
            f"| `{name}` | {s.sent} | {done} | {done / elapsed:.1f} | "
            f"{1000 * s.quantile(0.50):.1f} | {1000 * s.quantile(0.99):.1f} | "
            f"{1000 * max(s.latencies, default=float('nan')):.1f} | {s.errors} | {s.dropped} |"
        )
    return f"""# Chat service under load

Written by `benchmarks/serve_load.py` on {datetime.date.today().isoformat()}.
Machine: {describe()}.

`troubleshoot serve` on loopback, warmed by one pass over the {questions} questions of
`benchmarks/queries.yaml`; then for {seconds:.0f} s, {rate:.0f} asks a second (those questions
in turn, each a new thread, in both languages) and {rate:.0f} health checks a second, sent at
fixed instants from one asyncio client (httpx) on the same machine. Latency is from sending
to the whole response; throughput is completed requests over the {elapsed:.1f} s the run took.
Load average of the machine: {streams["elapsed"].note}.

| endpoint | sent | completed | per second | p50 ms | p99 ms | max ms | errors | dropped |
|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

p99 of ask / p99 of healthz: **{ratio:.1f}x** (target: at most {TARGET:.0f}x, with no errors):
**{"met" if met else "not met"}**.

Each ask reads the question, runs the engine, plans the follow-up question, renders the
guide and the JSON contract on the service's one consulting thread (`chat/worker.py`);
`/healthz` is answered on the event loop, so it measures the server's own overhead under the
same load. The load generator shares the machine's cores with the server.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--in-flight", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    streams, questions = asyncio.run(measure(args.rate, args.seconds, args.in_flight))
    publish(page(streams, questions, args.rate, args.seconds), args.out)


if __name__ == "__main__":
    main()
