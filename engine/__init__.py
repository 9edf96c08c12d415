"""The promotion engine: rules, ingest, eligibility, quotas, randomness, draw, store.

Pure Python: nothing here imports Streamlit, reportlab or plotly.
"""
