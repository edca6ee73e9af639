"""Lineage from the weights themselves: fingerprints (architecture signature plus value samples at
deterministic positions), their comparison, and an index of known base models. See docs/lineage.md.
"""
