"""What ``manage.sh start`` serves: the dashboard (``app.py``) behind the upload gate.

``streamlit run serve.py`` finds the ``st.App`` below and serves ``app.py`` with
:class:`dashboard.gate.UploadGate` in front of Streamlit's routes (Streamlit's supported way to
add ASGI middleware). The gate accepts files on the upload route only for a session unlocked with
the planner password, within a count and byte budget, and answers the script health check only
once in a while and only on this machine (see :mod:`dashboard.gate`). The gate also serves the two
routes that keep a planner's unlock across reloads in an HttpOnly cookie (:mod:`dashboard.planner_session`)
and sends a path that is no page of the app to 总览 (:func:`dashboard.gate.landing`).
"""

import streamlit as st
from starlette.middleware import Middleware

from dashboard.gate import UploadGate

app = st.App("app.py", middleware=[Middleware(UploadGate)])
