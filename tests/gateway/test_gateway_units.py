"""The gateway's pieces without a network: configuration, sealing, rate limits, logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from gateway.config import ConfigError, GatewayConfig
from gateway.observe import JsonFormatter
from gateway.ratelimit import RateLimiter
from gateway.seal import SealError, open_sealed, seal

ISSUER = "https://psc.example/auth/realms/esante-wallet"


def _env(tmp_path: Path, secret: str = "s3cr3t-value") -> dict[str, str]:  # noqa: S107
    secret_file = tmp_path / "secret"
    secret_file.write_text(secret + "\n")
    return {"PSC_GATEWAY_ISSUER": ISSUER, "PSC_GATEWAY_CLIENT_ID": "editeur",
            "PSC_GATEWAY_CLIENT_SECRET_FILE": str(secret_file)}


def test_config_reads_the_secret_from_its_file_and_hides_it(tmp_path: Path) -> None:
    config = GatewayConfig.from_environment(_env(tmp_path))
    assert config.client_secret == "s3cr3t-value"
    assert config.auth_method == "client_secret_basic"
    assert "s3cr3t" not in repr(config)
    assert config.effective_discovery_url == (
        ISSUER + "/.well-known/wallet-openid-configuration")


@pytest.mark.parametrize(("change", "named"), [
    ({"PSC_GATEWAY_CLIENT_SECRET_FILE": ""}, "PSC_GATEWAY_CLIENT_SECRET_FILE"),
    ({"PSC_GATEWAY_CLIENT_SECRET_FILE": "/nonexistent/secret"}, "cannot read"),
    ({"PSC_GATEWAY_ISSUER": "http://psc.example"}, "https://"),
    ({"PSC_GATEWAY_CLIENT_ID": ""}, "PSC_GATEWAY_CLIENT_ID"),
    ({"PSC_GATEWAY_RATE": "lots"}, "PSC_GATEWAY_RATE"),
    ({"PSC_GATEWAY_CA_FILE": "/nonexistent/ca.pem"}, "PSC_GATEWAY_CA_FILE"),
])
def test_config_errors_name_the_setting(tmp_path: Path, change: dict[str, str],
                                        named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        GatewayConfig.from_environment({**_env(tmp_path), **change})


def test_instances_with_the_same_secret_share_the_seal_key(tmp_path: Path) -> None:
    one = GatewayConfig.from_environment(_env(tmp_path))
    two = GatewayConfig.from_environment(_env(tmp_path))
    other = GatewayConfig.from_environment(_env(tmp_path / "..", "another-secret"))
    sealed = seal(one.seal_key, "psc-id", 60)
    assert open_sealed(two.seal_key, sealed) == "psc-id"
    with pytest.raises(SealError):
        open_sealed(other.seal_key, sealed)


def test_sealed_ids_resist_tampering_and_expire() -> None:
    key = b"k" * 32
    sealed = seal(key, "psc-id", 30, clock=lambda: 1000.0)
    prefix, payload, mac = sealed.split(".")
    for forged in (f"{prefix}.{payload}x.{mac}", f"{prefix}.{payload}.{mac[:-2]}AA",
                   "gw1..", "plain-psc-id", "gw1." + "A" * 5000):
        with pytest.raises(SealError):
            open_sealed(key, forged, clock=lambda: 1000.0)
    assert open_sealed(key, sealed, clock=lambda: 1029.0) == "psc-id"
    with pytest.raises(SealError, match="expired"):
        open_sealed(key, sealed, clock=lambda: 1031.0)


def test_rate_limiter_refills_per_address() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2, burst=3, clock=lambda: now[0])
    assert [limiter.allow("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("10.0.0.2")
    assert limiter.retry_after("10.0.0.1") >= 1
    now[0] = 0.5
    assert limiter.allow("10.0.0.1")
    assert not limiter.allow("10.0.0.1")


def test_rate_limiter_table_is_bounded() -> None:
    limiter = RateLimiter(rate=1, burst=1, max_addresses=10)
    for number in range(100):
        limiter.allow(f"10.0.0.{number}")
    assert len(limiter._buckets) == 10


def test_json_logs_carry_fields() -> None:
    record = logging.LogRecord("gateway.access", logging.INFO, __file__, 1, "request", (), None)
    record.fields = {"endpoint": "/v1/token", "status": 200}
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request"
    assert line["endpoint"] == "/v1/token"
    assert line["status"] == 200
    assert line["time"].endswith("Z")


def test_the_gateway_imports_neither_qt_nor_the_card_nor_the_app() -> None:
    import ast

    root = Path(__file__).resolve().parents[2] / "gateway"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                assert top not in ("PySide6", "cps", "client", "ui", "sandbox", "PyKCS11",
                                   "smartcard"), f"{path.name} imports {name}"


def test_tls_is_at_least_1_2_towards_the_app_and_towards_psc(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import ssl

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    from gateway.server import ServerConfig
    from gateway.upstream import _tls_context

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gateway.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(1)
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    for name, value in _env(tmp_path).items():
        monkeypatch.setenv(name, value)
    config = ServerConfig("gateway.app:create_app_from_environment", factory=True,
                          ssl_certfile=str(tmp_path / "cert.pem"),
                          ssl_keyfile=str(tmp_path / "key.pem"))
    config.load()
    assert config.ssl is not None
    assert config.ssl.minimum_version == ssl.TLSVersion.TLSv1_2  # RFC 8996
    assert _tls_context("").minimum_version == ssl.TLSVersion.TLSv1_2


def test_ctrl_c_stops_the_gateway_without_a_traceback(tmp_path: Path) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, **_env(tmp_path), "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    break
            except OSError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert "Traceback" not in err
    assert "Shutting down" in err  # uvicorn's graceful stop, as a JSON log line
