"""``qsmith model import-c2j``: AWS C2J JSON models (botocore format) to Smithy JSON AST 2.0.

``convert_c2j`` works on parsed JSON, ``load_c2j`` on files; both return a ``C2JConversion``
holding the model and the warnings about what it does not carry, and raise ``ModelError``
naming file and shape for malformed input.
"""

from qsmith.codegen.c2j.convert import C2JConversion, convert_c2j, load_c2j, render_json
from qsmith.codegen.c2j.diagnostics import ConversionWarning

__all__ = ["C2JConversion", "ConversionWarning", "convert_c2j", "load_c2j", "render_json"]
