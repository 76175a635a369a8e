"""Connect: networks of employers, recruiters, addresses and phones across cases.

The engine modules (`normalise`, `linkage`, `cli`) import no Django.
"""
