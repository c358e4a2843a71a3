"""One more report into a large store: how long the ingest takes and how long until a page shows it.

The report is a synthetic one for a school the store does not hold yet (marked like every synthetic
report), written beside the store. The ingest goes the dashboard's own way (:func:`dashboard.store.write`
around :func:`loaders.store.writes.ingest_file`: parse and write in one transaction,
a checkpoint), in this process as in the server's; then the overview of the new school
is run through ``AppTest`` as the server runs it, right after the write (its cached reads are of an
older data version, so they are cold).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from loaders.contracts.paths import ROOT


def time_ingest(db_path: Path, workdir: Path, school_index: int, report_year: int) -> dict[str, float]:
    """Ingest one new synthetic report into ``db_path`` and time it and the first page that shows it.

    Args:
        db_path: The store (changed: it holds one more report afterwards).
        workdir: Where the report file is written.
        school_index: The new school's number (one the store does not hold).
        report_year: The report's year.

    Returns:
        ``ingest_one_s`` (parse and write, one transaction) and ``page_after_ingest_s`` (the
        overview of the new school, first visit after the write).
    """
    import logging

    from streamlit.testing.v1 import AppTest

    from dashboard import store as app_store
    from loaders.read.synthetic import file_name, render_report, school_name
    from loaders.store.writes import ingest_file

    path = workdir / file_name(school_index, report_year)
    path.write_text(render_report(school_index, report_year), encoding="utf-8")
    logging.disable(logging.WARNING)
    os.environ["QUALITY_DB"] = str(db_path)
    try:
        app_store.close()
        app_store.cursor()  # the app's connection, opened as a server would have it open already
        started = time.perf_counter()
        outcome = app_store.write(lambda cursor: ingest_file(cursor, path))
        ingest_s = time.perf_counter() - started
        assert outcome.action == "added", outcome
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params["school"] = school_name(school_index)
        at.query_params["year"] = str(report_year)
        started = time.perf_counter()
        at.run()  # the app frame and the overview (the default page) of the new school
        page_s = time.perf_counter() - started
        shown = not at.exception and any(school_name(school_index) in title.value for title in at.title)
    finally:
        app_store.close()
        logging.disable(logging.NOTSET)
    return {"ingest_one_s": round(ingest_s, 2), "page_after_ingest_s": round(page_s, 2), "page_shows_it": shown}
