"""Streamlit pages (UI only; all queries live in dashboards.data)."""
