"""Structured trade figures (countries, indicators, sources, figures).

The models arrive with the trade-figures issue; the app exists now so that
the project's layout is settled from the start.
"""
