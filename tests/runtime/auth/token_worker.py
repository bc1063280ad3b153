"""Run in a child process by the cross-process refresh test: resolve one token and print it.

The refresher records each call in a log file (append, one line per refresh) and is slow
enough that processes which are not serialized by the file lock would overlap.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from qsmith.runtime.auth.identity import BearerToken, utc_now
from qsmith.runtime.auth.tokens.refreshing import RefreshingTokenProvider
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile


class LoggingRefresher:
    def __init__(self, log: Path) -> None:
        self.log = log

    def refresh(self, token: BearerToken) -> BearerToken:
        with self.log.open("a") as handle:
            handle.write(f"refresh {token.refresh_token}\n")
        time.sleep(0.3)
        return replace(
            token,
            token="renewed-access",
            refresh_token="rotated-refresh",
            expiration=utc_now() + timedelta(hours=1),
        )


def main() -> None:
    token_path, log_path = Path(sys.argv[1]), Path(sys.argv[2])
    provider = RefreshingTokenProvider(JsonTokenFile(token_path), LoggingRefresher(log_path))
    print(provider.resolve_token().token)


if __name__ == "__main__":
    main()
