"""The known-failure lists of every conformance suite: case id -> why it fails.

pytest runs each listed case as ``xfail(strict=True)`` and ``qsmith conformance``
counts it apart, so both stop accepting a listed case the day it passes: the lists only
shrink. An entry must be a defect of the test itself, argued here.
"""

from __future__ import annotations

__all__ = ["KNOWN_FAILURES"]

# Endpoint cases whose `operationInputs` cannot reproduce `params` (see the reason).
_CLIENT_PARAMS_MISSING = (
    "upstream operationInputs name the operation but not the client settings that `params` "
    "sets, so a client given only these inputs resolves with the defaults; the same test case "
    "passes through `params`"
)

KNOWN_FAILURES: dict[str, dict[str, str]] = {
    "restJson1": {},
    "awsJson1_0": {},
    "awsJson1_1": {},
    "sigv4": {},
    "eventstream": {},
    "endpoints": {
        "smithy-rules-engine-tests/ite[0]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
        "smithy-rules-engine-valid/ite-basic[0]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
        "smithy-rules-engine-valid/coalesce-three-args[0]/operationInputs[0]": (
            _CLIENT_PARAMS_MISSING
        ),
        "smithy-rules-engine-valid/coalesce-three-args[1]/operationInputs[0]": (
            _CLIENT_PARAMS_MISSING
        ),
        "smithy-rules-engine-valid/coalesce-with-boolean[1]/operationInputs[0]": (
            _CLIENT_PARAMS_MISSING
        ),
        "smithy-rules-engine-valid/coalesce-with-boolean[2]/operationInputs[0]": (
            _CLIENT_PARAMS_MISSING
        ),
        "smithy-rules-engine-valid/coalesce-with-boolean[3]/operationInputs[0]": (
            _CLIENT_PARAMS_MISSING
        ),
        # GetThing also binds stringArrayParam to [] statically, so the fallthrough error wins.
        "smithy-rules-engine-valid/default-values[0]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
        "smithy-rules-engine-valid/default-values[1]/operationInputs[0]": _CLIENT_PARAMS_MISSING,
    },
}
