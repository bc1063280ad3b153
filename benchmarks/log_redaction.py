"""Cost of log redaction: records per second through a handler, with and without the filter.

httpx logs one INFO record per request and httpcore a dozen DEBUG records, so every
enabled record of theirs passes through ``RedactingFilter``. The baseline is the same
logger and handler with no filter. The ratio printed is baseline time / redacted time.

Run: .venv/bin/python benchmarks/log_redaction.py [count]
"""

from __future__ import annotations

import io
import logging
import sys
import time

from qsmith.runtime.redaction import RedactingFilter

URL = (
    "https://q.us-east-1.amazonaws.com/upload?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fq%2Faws4_request"
    "&X-Amz-Signature=" + "ab" * 32 + "&X-Amz-SignedHeaders=host"
)
HEADERS = [(b"Content-Type", b"application/json"), (b"x-amzn-RequestId", b"r-1" * 10)]


def run(count: int, with_filter: bool) -> float:
    logger = logging.getLogger(f"bench.redaction.{with_filter}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    if with_filter:
        logger.addFilter(RedactingFilter())
    started = time.perf_counter()
    for index in range(count):
        if index % 2:
            logger.info('HTTP Request: %s %s "%s %d %s"', "POST", URL, "HTTP/1.1", 200, "OK")
        else:
            logger.debug("receive_response_headers.complete return_value=%r", HEADERS)
    return time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    baseline = run(count, with_filter=False)
    redacted = run(count, with_filter=True)
    print(f"baseline (no filter): {count / baseline:,.0f} records/s")
    print(f"with RedactingFilter: {count / redacted:,.0f} records/s")
    print(f"ratio baseline/redacted time: {baseline / redacted:.2f}")


if __name__ == "__main__":
    main()
