"""Iterate every page of a ``@paginated`` operation, sync and async.

Generated ``paginate_<operation>`` methods hand these a function that makes one call;
the next request is the previous one with its input token set to the output token of
the page just read. A token the service repeats ends the iteration instead of looping.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

__all__ = ["aiter_pages", "iter_pages", "next_page_token"]

I = TypeVar("I")  # noqa: E741 - the input structure
O = TypeVar("O")  # noqa: E741 - the output structure


def next_page_token(output: Any, path: str) -> Any:
    """The value at a dotted path of attribute names (None when any step is unset)."""
    value = output
    for name in path.split("."):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _next_request(request: I, input_token: str, token: Any) -> I:
    return dataclasses.replace(request, **{input_token: token})  # type: ignore[type-var]


def iter_pages(
    call: Callable[[I], O], request: I, input_token: str, output_token: str
) -> Iterator[O]:
    """Each page in order, until the service stops returning a (new) token."""
    seen: set[Any] = set()
    while True:
        page = call(request)
        yield page
        token = next_page_token(page, output_token)
        if token is None or token in seen:
            return
        seen.add(token)
        request = _next_request(request, input_token, token)


async def aiter_pages(
    call: Callable[[I], Awaitable[O]], request: I, input_token: str, output_token: str
) -> AsyncIterator[O]:
    """The asyncio twin of ``iter_pages``."""
    seen: set[Any] = set()
    while True:
        page = await call(request)
        yield page
        token = next_page_token(page, output_token)
        if token is None or token in seen:
            return
        seen.add(token)
        request = _next_request(request, input_token, token)
