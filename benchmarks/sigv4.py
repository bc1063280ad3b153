"""SigV4 header signing: signatures per second, ours beside botocore's ``SigV4Auth``.

Both sign the same set of distinct requests (seeded random paths, query pairs, headers
and bodies; every canonical request is different, so nothing but the signing key can be
reused). botocore mutates the request it signs, so each round gets fresh ``AWSRequest``
copies built before the clock starts. Target: ours at least 2x botocore's rate.

Run: .venv/bin/python benchmarks/sigv4.py [count]
"""

from __future__ import annotations

import random
import string
import sys
import time
import urllib.parse
from collections.abc import Callable

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from qsmith.runtime.auth.identity import AwsCredentials
from qsmith.runtime.auth.sigv4 import SigV4Config, SigV4Signer
from qsmith.runtime.http import HttpRequest

ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "session-token-" + "x" * 200
ALPHABET = string.ascii_letters + string.digits + "-._~ /:@é☃"


def _word(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(size))


def make_requests(count: int, seed: int = 4) -> list[HttpRequest]:
    rng = random.Random(seed)
    requests = []
    for index in range(count):
        path = "/" + "/".join(
            urllib.parse.quote(_word(rng, rng.randint(3, 12)), safe="-_.~:@")
            for _ in range(rng.randint(1, 4))
        )
        query = [(_word(rng, 5), _word(rng, rng.randint(0, 10))) for _ in range(rng.randint(0, 4))]
        headers = [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", f"Service.Operation{index}"),
            ("X-Custom", "  a   b  " + _word(rng, 6).replace("/", "")),
        ]
        body = rng.randbytes(rng.randint(0, 512))
        requests.append(
            HttpRequest(
                rng.choice(["GET", "POST", "PUT"]),
                "service.us-east-1.amazonaws.com",
                path,
                query,
                headers,
                body,
            )
        )
    return requests


def _to_botocore(request: HttpRequest) -> AWSRequest:
    aws = AWSRequest(
        method=request.method,
        url=f"https://{request.host}{request.path}",
        data=request.body,
        params=list(request.query),
    )
    for name, value in request.headers:
        aws.headers[name] = value
    return aws


def _rates(runs: list[Callable[[], int]], rounds: int) -> list[float]:
    """Best signatures/second of each run; rounds alternate so load on the machine hits both."""
    best = [0.0] * len(runs)
    for _ in range(rounds):
        for index, run in enumerate(runs):
            started = time.perf_counter()
            signed = run()
            best[index] = max(best[index], signed / (time.perf_counter() - started))
    return best


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    rounds = 5
    requests = make_requests(count)
    ours_signer = SigV4Signer()
    ours_credentials = AwsCredentials(ACCESS_KEY, SECRET, TOKEN)
    config = SigV4Config(region="us-east-1", service="service")

    def ours() -> int:
        for request in requests:
            ours_signer.sign(request, ours_credentials, config)
        return len(requests)

    boto_signer = SigV4Auth(Credentials(ACCESS_KEY, SECRET, TOKEN), "service", "us-east-1")
    batches = [[_to_botocore(r) for r in requests] for _ in range(rounds)]

    def botocore() -> int:
        batch = batches.pop()
        for request in batch:
            boto_signer.add_auth(request)
        return len(batch)

    ours_rate, boto_rate = _rates([ours, botocore], rounds)
    print(f"requests: {count} distinct, best of {rounds} alternating rounds")
    print(f"qsmith   SigV4Signer.sign : {ours_rate:10.0f} signatures/s")
    print(f"botocore SigV4Auth.add_auth: {boto_rate:10.0f} signatures/s")
    print(f"ratio qsmith/botocore: {ours_rate / boto_rate:.2f}x (target >= 2x)")


if __name__ == "__main__":
    main()
