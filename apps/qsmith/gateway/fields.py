"""Reading a client's JSON body: every wrong field is a ``BadRequestError`` naming its path."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, TypeVar, overload

from qsmith.gateway.backend import ImagePart
from qsmith.gateway.errors import BadRequestError

__all__ = [
    "check_optional_fields",
    "decode_image",
    "get",
    "has_cache_control",
    "parse_body",
    "require",
]

T = TypeVar("T")
# JSON schemas of real tools nest ~10-20 deep; 128 leaves room and stops stack games.
MAX_DEPTH = 128
_DATA_URL = re.compile(r"^data:(image/[a-zA-Z0-9.+-]+);base64,(.*)$", re.DOTALL)
IMAGE_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif", "image/webp": "webp"}
_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
}


def parse_body(raw: bytes, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The JSON object of a request body; nesting deeper than ``max_depth`` is refused
    (no request of either API nests near it, and deep nesting only exhausts the stack)."""
    try:
        body = json.loads(raw)
    except RecursionError:
        raise BadRequestError(f"the request body nests deeper than {max_depth} levels") from None
    except UnicodeDecodeError as exc:
        raise BadRequestError(f"the request body is not valid UTF-8: {exc.reason}") from None
    except ValueError as exc:
        raise BadRequestError(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadRequestError("the request body must be a JSON object")
    if _depth_exceeds(body, max_depth):
        raise BadRequestError(f"the request body nests deeper than {max_depth} levels")
    return body


def _depth_exceeds(value: object, limit: int) -> bool:
    """Whether containers nest more than ``limit`` deep (iterative: no recursion to exhaust)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return False


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)


@overload
def get(obj: dict[str, Any], key: str, kind: type[T], path: str) -> T | None: ...
@overload
def get(obj: dict[str, Any], key: str, kind: tuple[type, ...], path: str) -> Any: ...
def get(obj: dict[str, Any], key: str, kind: Any, path: str) -> Any:
    """``obj[key]`` if present and not null, checked to be of ``kind``; else None."""
    value = obj.get(key)
    if value is None:
        return None
    numeric = kind is int or (isinstance(kind, tuple) and int in kind)
    if isinstance(value, bool) and numeric and kind is not bool:
        value = object()  # a JSON true is not a number
    if not isinstance(value, kind):
        where = f"{path}.{key}" if path else key
        raise BadRequestError(f"{where}: expected {_type_name(kind)}", param=where)
    return value


def check_optional_fields(body: dict[str, Any], kinds: dict[str, type | tuple[type, ...]]) -> None:
    """Fields the gateway does not forward still get the type the real API demands, so a
    client's mistake (``temperature: "hot"``) is a 400 here as it is there."""
    for key, kind in kinds.items():
        get(body, key, kind, "")


def require(obj: dict[str, Any], key: str, kind: type[T], path: str) -> T:
    value = get(obj, key, kind, path)
    if value is None:
        where = f"{path}.{key}" if path else key
        raise BadRequestError(f"{where}: this field is required", param=where)
    return value


def decode_image(media_type: str, data: str, path: str) -> ImagePart:
    """An image from a media type and base64 text; the format must be one the service takes."""
    image_format = IMAGE_FORMATS.get(media_type.lower())
    if image_format is None:
        supported = ", ".join(sorted(IMAGE_FORMATS))
        raise BadRequestError(
            f"{path}: unsupported image type {media_type!r} ({supported})", param=path
        )
    try:
        payload = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequestError(f"{path}: the image data is not valid base64", param=path) from None
    return ImagePart(image_format, payload)


def image_from_data_url(url: str, path: str) -> ImagePart:
    match = _DATA_URL.match(url)
    if match is None:
        raise BadRequestError(
            f"{path}: only data: URLs with base64 images are accepted (the gateway fetches nothing)",
            param=path,
        )
    return decode_image(match.group(1), match.group(2), path)


def has_cache_control(value: object) -> bool:
    """Whether ``value`` (an object, or a list of content blocks) carries a prompt-cache
    breakpoint: a ``cache_control`` object on it or on one of its blocks."""
    if isinstance(value, dict):
        return isinstance(value.get("cache_control"), dict)
    return isinstance(value, list) and any(has_cache_control(b) for b in value)
