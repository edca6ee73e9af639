"""openness: how open, transparent and safe is an AI model release? Evidence for every claim.

>>> import openness
>>> result = openness.assess("path/to/model")      # doctest: +SKIP
>>> result.rating(openness.Attribute.OPEN_LICENSE).level   # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .model import Assessment, Attribute, Level, Severity
    from .pipeline import assess

__all__ = ["Assessment", "Attribute", "Level", "Severity", "__version__", "assess"]


def __getattr__(name: str) -> Any:
    # lazy, so `openness --help` does not pay for readers and YAML
    if name == "assess":
        from .pipeline import assess

        return assess
    if name in ("Assessment", "Attribute", "Level", "Severity"):
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'openness' has no attribute {name!r}")
