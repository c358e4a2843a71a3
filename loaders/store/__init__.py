"""The DuckDB store: schema, writes, bulk builds, kept uploads and entries, write log, guard, queries."""
