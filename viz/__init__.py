"""Charts and exports shared by the pages, the report pack and the CLI.

Pure presentation: frames in, Plotly figures or bytes out. No Streamlit, no DuckDB, no file
reads, so that what a page shows and what an export contains are built by the same code. The
exceptions are the shell entry points, ``python -m viz pack`` (:mod:`viz.__main__`) and
``python -m viz.bench``, which read the store through :mod:`loaders.store.writes`.
"""
