"""Shared helpers for the Streamlit pages: the store connection and error display."""
