"""Pro Santé Connect gateway: what it adds to a token refresh, and an e-CPS sign-in.

* Latency: token refreshes through the gateway (app -> gateway over TLS -> provider over
  TLS, connections kept open on both sides) against the same refreshes sent directly to
  the same provider with the same client credentials, alternating in blocks so that both
  see the same machine. Targets: added p50 <= 3 ms, added p99 <= 10 ms.
* Throughput: the gateway running 2 uvicorn workers against direct, 8 client threads each
  refreshing its own token chain. Target: >= 0.8x direct. The machine's CPU per refresh
  (this load generator, the provider, the gateway's workers) is measured in both runs:
  where they all share the cores, ``cores / that CPU`` bounds the rate through the
  gateway, whatever the gateway's own speed.
* CPU time per refresh of the gateway process and of the provider (``/proc``), which a
  busy machine does not distort: the gateway's own CPU per refresh bounds what it adds to
  a refresh on an idle machine, and ``2 / gateway CPU`` against ``1 / provider CPU`` (the
  provider is one Python process) is the 2-worker throughput ratio when the gateway has
  its own cores, as on a container platform.
* e-CPS sign-in from the click to an open IMAP session, the sandbox phone approving at
  once: the total minus the one polling interval the client must wait (CIBA Core 1.0
  section 7.3) is the sign-in's own work. Target: <= 1 s plus the approval.

Run alone: ``python -m benchmarks.psc_gateway``.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from client.auth.ciba import build_ecps_authenticator
from client.profiles import load_profile
from sandbox import ecps
from sandbox.identities import DOCTOR
from sandbox.operator import CLIENT_ID, Sandbox

__all__ = ["run"]

CIBA = "urn:openid:params:grant-type:ciba"
THREADS = 8


def _client(context: ssl.SSLContext, base_url: str = "") -> httpx.Client:
    """Keep-alive client with TCP_NODELAY (both paths alike)."""
    transport = httpx.HTTPTransport(
        verify=context, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return httpx.Client(base_url=base_url, verify=context, timeout=30, transport=transport)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_gateway(sandbox: Sandbox, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "PSC_GATEWAY_ISSUER": sandbox.issuer,
           "PSC_GATEWAY_CLIENT_ID": CLIENT_ID,
           "PSC_GATEWAY_DISCOVERY_URL": sandbox.wallet_discovery_url,
           "PSC_GATEWAY_CLIENT_SECRET_FILE": str(sandbox.gateway_secret_file),
           "PSC_GATEWAY_CA_FILE": str(sandbox.pki.chain_pem),
           "PSC_GATEWAY_RATE": "100000", "PSC_GATEWAY_BURST": "100000"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "--host", "127.0.0.1", "--port", str(port),
         "--certfile", str(sandbox.server_cert_pem), "--keyfile", str(sandbox.server_key_pem),
         "--workers", str(workers), "--log-level", "WARNING"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"https://127.0.0.1:{port}"
    context = ssl.create_default_context(cafile=str(sandbox.pki.chain_pem))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/readyz", verify=context).is_success:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the benchmark gateway did not start")


def _ciba_tokens(http: httpx.Client) -> dict[str, Any]:
    """Tokens for the doctor by CIBA through the gateway (the phone approves at once)."""
    started = http.post("/v1/ciba", data={"login_hint": DOCTOR.login}).json()
    while True:
        time.sleep(started["interval"])
        answer = http.post("/v1/token", data={"grant_type": CIBA,
                                              "auth_req_id": started["auth_req_id"]})
        document: dict[str, Any] = answer.json()
        if answer.status_code == 200:
            return document
        if document.get("error") not in ("authorization_pending", "slow_down"):
            raise RuntimeError(f"CIBA failed: {document}")


class _Chain:
    """One client's refresh-token chain (each refresh rotates the token)."""

    def __init__(self, refresh_token: str) -> None:
        self.refresh_token = refresh_token

    def refresh(self, post: Callable[[dict[str, str]], httpx.Response]) -> float:
        began = time.perf_counter()
        answer = post({"grant_type": "refresh_token", "refresh_token": self.refresh_token})
        elapsed = time.perf_counter() - began
        if answer.status_code != 200:
            raise RuntimeError(f"refresh failed: HTTP {answer.status_code} {answer.text}")
        self.refresh_token = answer.json()["refresh_token"]
        return elapsed


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _row(name: str, measured: float, baseline: float | None, target: str, met: bool,
         ratio: float | None = None) -> dict[str, object]:
    return {"name": name, "measured": round(measured, 3),
            "baseline": None if baseline is None else round(baseline, 3),
            "ratio": None if ratio is None else round(ratio, 3), "target": target, "met": met}


def _latency(sandbox: Sandbox, gateway: httpx.Client, direct: httpx.Client,
             rounds: int) -> list[dict[str, object]]:
    secret = sandbox.gateway_secret_file.read_text().strip()
    token_url = sandbox.token_url
    chain_gw = _Chain(_ciba_tokens(gateway)["refresh_token"])
    chain_direct = _Chain(_ciba_tokens(gateway)["refresh_token"])

    def via_gateway(form: dict[str, str]) -> httpx.Response:
        return gateway.post("/v1/token", data=form)

    def straight(form: dict[str, str]) -> httpx.Response:
        return direct.post(token_url, data=form, auth=(CLIENT_ID, secret))

    for _ in range(20):  # warm both paths (connections, caches)
        chain_gw.refresh(via_gateway)
        chain_direct.refresh(straight)
    through: list[float] = []
    baseline: list[float] = []
    for _block in range(rounds // 25):
        baseline += [chain_direct.refresh(straight) for _ in range(25)]
        through += [chain_gw.refresh(via_gateway) for _ in range(25)]
    added_p50 = (statistics.median(through) - statistics.median(baseline)) * 1000
    added_p99 = (_percentile(through, 0.99) - _percentile(baseline, 0.99)) * 1000
    return [
        _row(f"gateway refresh, added latency p50 ({len(through)} refreshes, ms)", added_p50,
             statistics.median(baseline) * 1000, "<= 3 ms", added_p50 <= 3.0),
        _row("gateway refresh, added latency p99 (ms)", added_p99,
             _percentile(baseline, 0.99) * 1000, "<= 10 ms", added_p99 <= 10.0),
    ]


def _throughput(sandbox: Sandbox, url: str, context: ssl.SSLContext, seconds: float,
                gateway_pid: int) -> list[dict[str, object]]:
    secret = sandbox.gateway_secret_file.read_text().strip()
    provider_pid = sandbox._processes["oidc-provider"].pid  # our sandbox
    clients = [_client(context, url) for _ in range(THREADS)]
    directs = [_client(context) for _ in range(THREADS)]
    try:
        tokens = _parallel([lambda c=c: _ciba_tokens(c) for c in clients])
        chains_gw = [_Chain(t["refresh_token"]) for t in tokens]
        tokens = _parallel([lambda c=c: _ciba_tokens(c) for c in clients])
        chains_direct = [_Chain(t["refresh_token"]) for t in tokens]

        def load(chains: list[_Chain], posts: list[Callable[[dict[str, str]], Any]],
                 servers: list[int]) -> tuple[float, float]:
            """(refreshes per second, CPU ms per refresh of this load generator and
            ``servers``): the machine's work behind each refresh."""
            counts = [0] * THREADS
            stop = time.monotonic() + seconds

            def worker(index: int) -> None:
                while time.monotonic() < stop:
                    chains[index].refresh(posts[index])
                    counts[index] += 1

            cpu_before = time.process_time() + sum(_cpu_seconds(pid) for pid in servers)
            _parallel([lambda i=i: worker(i) for i in range(THREADS)])
            cpu = time.process_time() + sum(_cpu_seconds(pid) for pid in servers) - cpu_before
            done = max(1, sum(counts))
            return done / seconds, cpu * 1000 / done

        direct_posts = [
            (lambda form, d=d: d.post(sandbox.token_url, data=form, auth=(CLIENT_ID, secret)))
            for d in directs]
        gateway_posts = [(lambda form, c=c: c.post("/v1/token", data=form)) for c in clients]
        direct_rate, direct_cpu = load(chains_direct, direct_posts, [provider_pid])
        gateway_rate, gateway_cpu = load(chains_gw, gateway_posts,
                                         [provider_pid, *_children(gateway_pid)])
    finally:
        for client in (*clients, *directs):
            client.close()
    ratio = gateway_rate / direct_rate
    cores = os.cpu_count() or 1
    # Where the load generator, the provider and the gateway's workers share the machine's
    # cores, the refreshes through the gateway cannot exceed cores / (their CPU per
    # refresh), however cheap the gateway: the throughput row is read against this one.
    bound = min(1.0, cores * 1000 / gateway_cpu / direct_rate)
    return [
        _row(f"gateway refresh throughput, 2 workers, {THREADS} clients (refreshes/s)",
             gateway_rate, direct_rate, ">= 0.8x direct", ratio >= 0.8, ratio),
        _row(f"gateway throughput runs, machine CPU per refresh (load generator + provider "
             f"+ gateway vs without gateway, ms; ratio: the most {cores} cores allow when idle)",
             gateway_cpu, direct_cpu, "informative", True, bound),
    ]


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (uvicorn's workers), from ``/proc``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_rows(sandbox: Sandbox, context: ssl.SSLContext,
              refreshes: int) -> list[dict[str, object]]:
    """CPU per refresh through the sandbox's own (1-worker) gateway, and of the provider."""
    gateway_pid = sandbox._processes["psc-gateway"].pid  # our sandbox
    provider_pid = sandbox._processes["oidc-provider"].pid
    if not Path(f"/proc/{gateway_pid}/stat").exists():
        return []
    with _client(context, sandbox.gateway_url) as http:
        chain = _Chain(_ciba_tokens(http)["refresh_token"])

        def post(form: dict[str, str]) -> httpx.Response:
            return http.post("/v1/token", data=form)

        for _ in range(20):
            chain.refresh(post)
        gateway_before, provider_before = _cpu_seconds(gateway_pid), _cpu_seconds(provider_pid)
        for _ in range(refreshes):
            chain.refresh(post)
        gateway_ms = (_cpu_seconds(gateway_pid) - gateway_before) * 1000 / refreshes
        provider_ms = (_cpu_seconds(provider_pid) - provider_before) * 1000 / refreshes
    ratio = (2 / gateway_ms) / (1 / provider_ms) if gateway_ms > 0 else float("inf")
    return [
        _row(f"gateway CPU time per refresh ({refreshes} refreshes, ms)", gateway_ms,
             provider_ms, "<= 3 ms (bounds the added p50)", gateway_ms <= 3.0),
        _row("gateway capacity, 2 workers on their own cores, vs direct (CPU-derived)",
             2000 / gateway_ms if gateway_ms else 0.0, 1000 / provider_ms,
             ">= 0.8x direct", ratio >= 0.8, ratio),
    ]


def _parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run_one(index: int) -> None:
        try:
            results[index] = jobs[index]()
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run_one, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _ecps_sign_in(sandbox: Sandbox, rounds: int) -> list[dict[str, object]]:
    ecps.set_auto(sandbox.directory, "approve")
    profile = load_profile(sandbox.profile_gateway)
    totals: list[float] = []
    intervals: list[float] = []
    for _ in range(rounds):
        shown: list[float] = []
        began = time.perf_counter()
        auth = build_ecps_authenticator(profile, DOCTOR.login,
                                        on_pending=lambda p, s=shown: s.append(p.interval))
        try:
            imap = auth.open_imap()
            totals.append(time.perf_counter() - began)
            imap.logout()
        finally:
            auth.close()
        intervals.append(shown[0])
    ecps.set_auto(sandbox.directory, "off")
    total = statistics.median(totals)
    interval = statistics.median(intervals)
    work = total - interval
    return [_row(f"e-CPS sign-in, click to IMAP session, median of {rounds} (s)", total,
                 interval, "<= 1 s + approval (the poll interval)", work <= 1.0,
                 work)]


def run(rounds: int = 400, seconds: float = 5.0) -> list[dict[str, object]]:
    """Rows: added latency p50/p99, throughput ratio, e-CPS sign-in time."""
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as tmp:
        sandbox = Sandbox(Path(tmp) / "sbx", with_reader=False, production_psc=True,
                          access_token_lifetime=300)
        sandbox.start()
        process = None
        try:
            ecps.set_auto(sandbox.directory, "approve")
            process, url = _start_gateway(sandbox, workers=2)
            context = ssl.create_default_context(cafile=str(sandbox.pki.chain_pem))
            with _client(context, url) as gateway, _client(context) as direct:
                rows = _latency(sandbox, gateway, direct, rounds)
            rows += _throughput(sandbox, url, context, seconds, process.pid)
            rows += _cpu_rows(sandbox, context, rounds)
            rows += _ecps_sign_in(sandbox, 5)
        finally:
            if process is not None:
                process.terminate()
                process.wait(10)
            sandbox.stop(purge=True)
    return rows


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 400), indent=1))
