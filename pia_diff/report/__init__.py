"""Renderers: rows and findings for people and programs (terminal table, JSON, CSV, Excel, YAML).

Each renderer stands alone: they share cell helpers through `cells`, never import one another.
"""
