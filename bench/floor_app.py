"""The smallest Streamlit page with one Plotly chart (see :func:`bench.server.measure_floor`).

Timing it with the dashboard's browser sessions shows what loading Streamlit and Plotly.js costs
the browsers on the measuring machine, whatever the page does.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("floor")
st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), theme=None)
