"""The benchmark: how the dashboard holds up on the bundled data and on synthetic province-sized data.

A top-level package (``python -m bench``) rather than a module under ``loaders/`` or ``dashboard/``
because it drives all of them from outside, as an operator would: it builds stores with the
loaders' CLI functions, runs every page through Streamlit's ``AppTest``, starts the real server
and points Debian's Chromium at it. Nothing here is imported by the app or the tests.
"""
