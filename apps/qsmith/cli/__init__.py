"""The ``qsmith`` command line: one command, sub-commands loaded on first use."""
