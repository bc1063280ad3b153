"""The caller's AWS account id, read once per ``custom:`` conversation with STS GetCallerIdentity.

It goes into the conversation's metadata next to the profile and region, as an audit trail of
custom-model conversations expects. It is an extra: when it cannot be had (no credentials, STS
refuses or is unreachable) the lookup is logged at debug level, the metadata says
``UNKNOWN_ACCOUNT`` and the chat carries on. The STS endpoint follows the usual configuration
(``AWS_ENDPOINT_URL_STS``, the profile's ``services`` section, else the region's STS host);
the chat's own ``endpoint_url`` names the Q endpoint only.
"""

from __future__ import annotations

import dataclasses
import logging

from qsmith.runtime.client import ClientConfig

__all__ = ["UNKNOWN_ACCOUNT", "async_caller_account_id", "caller_account_id"]

logger = logging.getLogger(__name__)

UNKNOWN_ACCOUNT = "unknown"
# One attempt, bounded: the first answer waits for this lookup.
LOOKUP_TIMEOUT = 10.0


def sts_config(chat_config: ClientConfig) -> ClientConfig:
    """The chat client's region, profile and credentials; not its endpoint, retries or timeout."""
    return dataclasses.replace(
        chat_config,
        endpoint_url=None,
        protocol=None,
        max_attempts=1,
        retry_strategy=None,
        call_timeout=LOOKUP_TIMEOUT,
    )


def caller_account_id(chat_config: ClientConfig) -> str:
    """The account id of the credentials ``chat_config`` signs with, or ``UNKNOWN_ACCOUNT``."""
    from qsmith.clients.sts import Client

    try:
        with Client(config=sts_config(chat_config)) as client:
            return client.get_caller_identity().account or UNKNOWN_ACCOUNT
    except Exception as exc:  # an audit extra never fails the chat, whatever went wrong
        _log_failure(exc)
        return UNKNOWN_ACCOUNT


async def async_caller_account_id(chat_config: ClientConfig) -> str:
    """The asyncio twin of ``caller_account_id``."""
    from qsmith.clients.sts import AsyncClient

    try:
        async with AsyncClient(config=sts_config(chat_config)) as client:
            return (await client.get_caller_identity()).account or UNKNOWN_ACCOUNT
    except Exception as exc:  # an audit extra never fails the chat, whatever went wrong
        _log_failure(exc)
        return UNKNOWN_ACCOUNT


def _log_failure(exc: Exception) -> None:
    # qsmith errors carry no secrets in their message; other exceptions are named only.
    from qsmith.runtime.errors import QsmithError

    detail = str(exc) if isinstance(exc, QsmithError) else "(message not logged)"
    logger.debug("caller account id unavailable: %s: %s", type(exc).__name__, detail)
