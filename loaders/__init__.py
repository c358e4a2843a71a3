"""Loaders: reading files into one record, plans, the DuckDB store, and the contracts they share.

Subpackages, in the order of the data path (each imports only those before it):

- :mod:`loaders.contracts` — fields, the indicator registry, units, settings, errors, paths, vocabularies;
- :mod:`loaders.read` — one call (:func:`loaders.read.load.load`) from a file to one record;
- :mod:`loaders.plans` — plan documents into plans and targets;
- :mod:`loaders.store` — the DuckDB store: schema, writes, builds, kept files, sharing, queries.
"""
