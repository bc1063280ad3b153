"""Generated clients, one sub-package per service. Regenerate with ``make codegen``."""
