"""Smithy IDL (2.0, and 1.0 files) read in pure Python, as JSON AST documents.

    documents = idl_documents(["a.smithy", "b.smithy"])   # [(file, JSON AST dict)]
    model = load_model(["a.smithy", "b.smithy"])          # the model loader calls this

IDL text is turned into exactly the JSON AST document the Smithy serializer would
write for it (``tokens`` -> ``parser``/``statements``/``nodes`` -> ``resolve``), and the
JSON AST loader does the rest (merging, mixins, ``apply``, 1.0 semantics, validation).
Files read together resolve names across each other. Problems raise
:class:`IdlError` (a ``ModelError``) naming the file, line and column.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qsmith.codegen.idl.errors import IdlError
from qsmith.codegen.idl.parser import parse_idl
from qsmith.codegen.idl.resolve import to_documents
from qsmith.codegen.idl.syntax import ParsedFile
from qsmith.runtime.errors import ModelError, ModelProblem

__all__ = ["IdlError", "idl_documents", "is_idl_path", "parse_idl"]

IDL_SUFFIX = ".smithy"


def is_idl_path(source: object) -> bool:
    return isinstance(source, str | os.PathLike) and str(source).endswith(IDL_SUFFIX)


def idl_documents(
    paths: Sequence[str | os.PathLike[str]], *, check_targets: bool = True
) -> list[tuple[str, dict[str, Any]]]:
    """Read IDL files together; raises ModelError listing one problem per bad file.

    ``check_targets=False`` when other (JSON AST) sources complete the model: shape
    references the files do not define are then left for the model loader to check.
    """
    parsed: list[ParsedFile] = []
    problems: list[ModelProblem] = []
    for path in paths:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(ModelProblem("file not found", file=name))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(ModelProblem(f"cannot be read: {exc}", file=name))
            continue
        try:
            parsed.append(parse_idl(text, name))
        except IdlError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ModelError(problems)
    return to_documents(parsed, check_targets=check_targets)
