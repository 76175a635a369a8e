"""Versioned knowledge files (data, never code) and the strict loader that reads them.

Indicator catalogues live in `indicators/`, legal elements in `legal/`; each file is
named by its version id (`ilo-ec-2009.v1.yaml`) and never edited in place once an
assessment may have used it: a change is a new version.
"""
