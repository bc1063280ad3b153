"""A team gateway: several Amazon Q logins behind one ``qsmith serve``, sharing state.

``state`` is the store interface (SQLite by default, Redis to share between replicas);
``accounts`` reads the ``--accounts`` TOML file; ``pooled`` is the ``Backend`` that fails
over between logins; ``keys`` admits requests by API key and limit; ``admin`` serves the
``/admin`` page; ``serving`` puts them together. See docs/design/gateway-pool.md.
"""
