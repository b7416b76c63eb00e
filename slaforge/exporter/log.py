"""Structured logs on stderr: one JSON object or one logfmt line per event."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, TextIO

LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40}


class Logger:
    def __init__(self, fmt: str = "logfmt", level: str = "info", stream: TextIO | None = None) -> None:
        if fmt not in ("json", "logfmt"):
            raise ValueError(f"unknown log format {fmt!r}")
        self.fmt = fmt
        self.threshold = LEVELS[level]
        self.stream = stream if stream is not None else sys.stderr

    def log(self, level: str, event: str, **fields: Any) -> None:
        if LEVELS[level] < self.threshold:
            return
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"
        record: dict[str, Any] = {"ts": stamp, "level": level, "event": event, **fields}
        line = json.dumps(record, default=str) if self.fmt == "json" else _logfmt(record)
        try:
            self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass  # a closed stderr must never stop the exporter

    def debug(self, event: str, **fields: Any) -> None:
        self.log("debug", event, **fields)

    def info(self, event: str, **fields: Any) -> None:
        self.log("info", event, **fields)

    def warning(self, event: str, **fields: Any) -> None:
        self.log("warning", event, **fields)

    def error(self, event: str, **fields: Any) -> None:
        self.log("error", event, **fields)


def _logfmt(record: dict[str, Any]) -> str:
    parts = []
    for key, value in record.items():
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        if text == "" or any(c in text for c in ' ="\\\n\t'):
            text = json.dumps(text)
        parts.append(f"{key}={text}")
    return " ".join(parts)
