"""``python -m gateway --host H --port P [--certfile F --keyfile K] [--workers N]``.

Settings come from the environment (:mod:`gateway.config`); the command line carries no
credential. Logs are JSON lines on standard error. ``--certfile``/``--keyfile`` serve
HTTPS (TLS 1.2 minimum); without them the gateway speaks plain HTTP, for a TLS-terminating
load balancer or ingress in front of it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import uvicorn
from uvicorn.supervisors.multiprocess import Multiprocess

from gateway.config import ConfigError, GatewayConfig
from gateway.observe import JsonFormatter
from gateway.server import ServerConfig

__all__ = ["main"]


def _logging(level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        # uvicorn's access log prints query strings; ours logs no parameter at all.
        "loggers": {"uvicorn.access": {"level": "WARNING"},
                    "httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
    }


def main(argv: list[str] | None = None) -> int:
    """Run the gateway until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m gateway", allow_abbrev=False,
                                     description="Pro Santé Connect gateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--certfile", help="server certificate chain (PEM) for HTTPS")
    parser.add_argument("--keyfile", help="its private key (PEM)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes (each with its own metrics and rate limits; "
                             "on a container platform, scale with replicas instead)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    parser.add_argument("--forwarded-allow-ips", default="",
                        help="load balancers whose X-Forwarded-For is trusted (rate limits "
                             "then apply to the workstation's address)")
    args = parser.parse_args(argv)
    if bool(args.certfile) != bool(args.keyfile):
        parser.error("--certfile and --keyfile go together")
    try:
        GatewayConfig.from_environment()  # fail now, with a clear message
    except ConfigError as exc:
        print(f"psc-gateway: {exc}", file=sys.stderr)
        return 2
    config = ServerConfig(
        "gateway.app:create_app_from_environment", factory=True,
        host=args.host, port=args.port, workers=args.workers,
        ssl_certfile=args.certfile, ssl_keyfile=args.keyfile,
        log_config=_logging(args.log_level), access_log=False,
        proxy_headers=bool(args.forwarded_allow_ips),
        forwarded_allow_ips=args.forwarded_allow_ips or None,
        server_header=False, timeout_keep_alive=30, limit_concurrency=1000,
        h11_max_incomplete_event_size=16 * 1024,
    )
    server = uvicorn.Server(config)
    try:
        if args.workers > 1:
            sock = config.bind_socket()
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run()
    except KeyboardInterrupt:
        # Ctrl-C in a terminal: uvicorn has shut down cleanly and re-raises the signal; the
        # operator gets the usual status of an interrupted program, not a traceback.
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
