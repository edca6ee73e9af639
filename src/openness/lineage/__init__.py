"""Lineage from the weights themselves: fingerprints (architecture signature plus value samples at
deterministic positions), their comparison, and an index of known base models. See docs/lineage.md.
Needs the `lineage` extra (NumPy, and SQLAlchemy + Alembic for the index); imported lazily.
"""

from __future__ import annotations


def require() -> None:
    """A clear OpennessError, before anything is read, when the extra is not installed."""
    import importlib.util

    from ..errors import OpennessError

    missing = [m for m in ("numpy", "sqlalchemy", "alembic") if importlib.util.find_spec(m) is None]
    if missing:
        raise OpennessError(f"lineage needs {', '.join(missing)}: pip install 'openness[lineage]'")
