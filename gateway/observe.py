"""What the gateway tells its operators: Prometheus metrics and structured logs.

Logs are one JSON object per line. They carry the endpoint, the status, the duration, the
grant type and PSC's OAuth error code, never a token, a code, a verifier, a secret or a
national identifier: the request forms are not logged at all.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

__all__ = ["JsonFormatter", "Metrics", "log_event"]

logger = logging.getLogger("gateway.access")

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0)


class Metrics:
    """The gateway's Prometheus metrics, in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "psc_gateway_requests", "Requests answered, by endpoint and HTTP status",
            ["endpoint", "status"], registry=self.registry)
        self.duration = Histogram(
            "psc_gateway_request_seconds", "Time to answer a request, by endpoint",
            ["endpoint"], buckets=_BUCKETS, registry=self.registry)
        self.upstream = Histogram(
            "psc_gateway_upstream_seconds", "Time PSC took to answer, by endpoint",
            ["endpoint"], buckets=_BUCKETS, registry=self.registry)
        self.upstream_errors = Counter(
            "psc_gateway_upstream_errors", "PSC unreachable or answering garbage",
            ["endpoint"], registry=self.registry)
        self.rate_limited = Counter(
            "psc_gateway_rate_limited", "Requests refused by the per-address rate limit",
            registry=self.registry)
        self.refused = Counter(
            "psc_gateway_refused", "Requests refused before reaching PSC, by reason",
            ["reason"], registry=self.registry)

    def exposition(self) -> bytes:
        """The text exposition format (``text/plain; version=0.0.4``)."""
        return generate_latest(self.registry)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message and the ``fields`` extra."""

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                    + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            document.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            document["exception"] = record.exc_info[0].__name__
        return json.dumps(document, ensure_ascii=False)


def log_event(message: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log ``message`` with structured ``fields`` (callers pass no secret)."""
    logger.log(level, message, extra={"fields": fields})
