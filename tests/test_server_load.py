"""Load on loopback: 50 concurrent clients while full reindexes run; zero errors allowed.

Bounded and self-stopping: ``KB_LOAD_SECONDS`` (default 5) of load; ``bench/search.py`` runs
the full 20 s. The p95 latency is printed (``-s`` shows it), not asserted: it depends on the
machine, errors do not.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import time

import httpx

from kbtools.registry import open_kb
from kbtools.search import update_index
from kbtools.search.indexer import store_for
from tests.support import REPO
from tests.test_server import KB, kb_serve

CLIENTS = 50
QUERIES = ["customer charged twice", "cant log in", "refund late", "pasword reset", "invoice",
           "как сбросить пароль", "بازپرداخت", "vracilo denarja", "2fa", "outage at night"]


def copy_example(target):
    for name in ("docs", "playbooks", "macros"):
        shutil.copytree(REPO / name, target / name)
    for name in ("kb.yml", "owners.yml", "synonyms.yml"):
        shutil.copy(REPO / name, target / name)
    return target


async def _client(url: str, number: int, stop: float, latencies: list, errors: list) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        n = number
        first = True
        while first or time.monotonic() < stop:  # at least one request, however slow the machine
            first = False
            query = QUERIES[n % len(QUERIES)]
            n += 1
            started = time.perf_counter()
            try:
                response = await client.get("/api/search", params={"q": query, "n": 10})
                if response.status_code != 200 or "results" not in response.json():
                    errors.append(f"{response.status_code}: {response.text[:200]}")
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - started)


def _reindex_loop(root, stop: float, done: list, failures: list) -> None:
    while time.monotonic() < stop:
        result = subprocess.run([str(KB), "--root", str(root), "index", "--full"],
                                capture_output=True, text=True, timeout=120)
        if result.returncode == 0:
            done.append(1)
        else:
            failures.append(result.stderr)


def test_fifty_clients_during_reindex_have_no_errors(tmp_path):
    root = copy_example(tmp_path)
    update_index(open_kb(root))
    store = store_for(open_kb(root))
    first = store.current_name()
    seconds = float(os.environ.get("KB_LOAD_SECONDS", "5"))
    latencies: list[float] = []
    errors: list[str] = []
    reindexes: list[int] = []
    failures: list[str] = []
    with kb_serve(root) as url:
        stop = time.monotonic() + seconds
        writer = threading.Thread(target=_reindex_loop, args=(root, stop, reindexes, failures))
        writer.start()

        async def load():
            await asyncio.gather(*(_client(url, n, stop, latencies, errors)
                                   for n in range(CLIENTS)))

        asyncio.run(load())
        writer.join(timeout=180)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    print(f"\nload: {len(latencies)} requests from {CLIENTS} clients in {seconds:.0f} s, "
          f"{len(reindexes)} full reindexes, p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
          f"p95 {p95:.0f} ms, errors {len(errors)}")
    assert not errors, errors[:5]
    assert not failures, failures[:2]
    assert reindexes and store.current_name() != first
    assert len(latencies) >= CLIENTS  # every client was answered (no count depends on speed)
