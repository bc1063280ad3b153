"""Run in a child process by the killed-writer tests: write a token file, stopping mid-write.

``os.fsync`` is replaced so that the child, once its temporary is written but before it
is renamed over the token file, prints ``mid-write`` and waits to be killed: the parent's
SIGKILL lands at that exact point every time.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from qsmith.runtime.auth.identity import BearerToken
from qsmith.runtime.auth.tokens.token_file import JsonTokenFile


def _stop_here(descriptor: int) -> None:
    print("mid-write", flush=True)
    time.sleep(600)


def main() -> None:
    os.fsync = _stop_here
    token = BearerToken(
        sys.argv[2],
        expiration=datetime(2099, 1, 1, tzinfo=UTC),
        refresh_token=sys.argv[2] + "-refresh",
    )
    JsonTokenFile(Path(sys.argv[1])).save(token)


if __name__ == "__main__":
    main()
