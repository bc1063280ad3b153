"""Black over many generated files: cached by content, and spread over the CPU cores.

The templates already lay code out as black would, so black mostly confirms; still, it
is most of the generator's time. A cache keyed by the unformatted text and black's
version makes unchanged models cost nothing, and a process pool uses every core.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

from qsmith.codegen.render import format_source

__all__ = ["DEFAULT_CACHE_DIR", "format_many"]

DEFAULT_CACHE_DIR = Path(".qsmith-cache") / "black"


BLACK_VERSION = version("black")


def _key(text: str) -> str:
    return hashlib.sha256(f"{BLACK_VERSION}\n{text}".encode()).hexdigest()


def format_many(texts: list[str], cache_dir: Path | None = DEFAULT_CACHE_DIR) -> list[str]:
    """Each text formatted by black, in order; ``cache_dir`` None disables the cache."""
    results: list[str | None] = [None] * len(texts)
    missing: list[int] = []
    for index, text in enumerate(texts):
        cached = _read(cache_dir, text)
        if cached is None:
            missing.append(index)
        else:
            results[index] = cached
    for index, formatted in zip(missing, _format_all([texts[i] for i in missing]), strict=True):
        results[index] = formatted
        _write(cache_dir, texts[index], formatted)
    return [r for r in results if r is not None]


def _format_all(texts: list[str]) -> list[str]:
    workers = min(len(texts), os.cpu_count() or 1)
    if workers <= 1:
        return [format_source(text) for text in texts]
    # Largest first, so that one big module does not finish last on its own.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        formatted = dict(
            zip(order, pool.map(format_source, [texts[i] for i in order]), strict=True)
        )
    return [formatted[i] for i in range(len(texts))]


def _read(cache_dir: Path | None, text: str) -> str | None:
    if cache_dir is None:
        return None
    path = cache_dir / _key(text)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def _write(cache_dir: Path | None, text: str, formatted: str) -> None:
    if cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / _key(text)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(formatted, encoding="utf-8")
    os.replace(tmp, path)
