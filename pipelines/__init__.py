"""Animateur: community-management analytics warehouse (Dagster + DuckDB + dbt + Streamlit)."""
