"""Animateur Streamlit dashboards (read only the published DuckDB copy)."""
