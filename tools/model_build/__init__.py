"""Build the five service models in ``models/`` from the public sources in ``../shared/upstream``.

``engine`` merges source shapes into one model, ``sources`` reads each API's newest source
(one builder per service), ``tables`` keeps the facts no source states; run it with
``python tools/build_models.py`` (or ``python -m tools.model_build``).
"""
