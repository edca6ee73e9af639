"""Print the class names scikit-learn, scipy.sparse, numpy.random and torch.nn define, and numpy's
scalar types and ufuncs, as JSON.

Regenerates the tables in src/openness/readers/pickle/classes.py (run it with the libraries
installed): a CamelCase attribute counts only if it is a class defined under the same package,
outside sub-packages that hold no model parts; names also seen as foreign re-exports are listed
on stderr so a collision is noticed.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import sys
import warnings

from openness.readers.pickle.policy import UNSAFE_CLASS_MODULES

ROOTS = ("sklearn", "scipy.sparse", "numpy.random", "torch.nn.modules", "torch.ao.nn")
#: the policy's own exclusions, plus build helpers that are not importable at run time
SKIP = (*sorted(UNSAFE_CLASS_MODULES), "sklearn._build_utils", "sklearn.__check_build")


def _modules(root: str) -> list[str]:
    pkg = importlib.import_module(root)
    found = [m.name for m in pkgutil.walk_packages(pkg.__path__, root + ".")]
    return [n for n in [root, *found] if ".tests" not in n and not n.startswith(SKIP)]


def main() -> None:
    warnings.simplefilter("ignore")
    own: dict[str, set[str]] = {r: set() for r in ROOTS}
    foreign: set[str] = set()
    for root in ROOTS:
        for name in _modules(root):
            try:
                module = importlib.import_module(name)
            except Exception:  # optional dependencies of a submodule
                continue
            for attr, obj in vars(module).items():
                if not attr.lstrip("_")[:1].isupper():  # private classes too (`_BinMapper`)
                    continue
                where = getattr(obj, "__module__", None)
                if (
                    inspect.isclass(obj)
                    and isinstance(where, str)
                    and where.startswith(root)
                    and not where.startswith(SKIP)
                    and obj.__name__ == attr
                ):
                    own[root].add(attr)
                else:
                    foreign.add(attr)
    for root in ROOTS:
        print(root, len(own[root]), "also foreign:", sorted(own[root] & foreign), file=sys.stderr)
    tables: dict[str, list[str]] = {r: sorted(v) for r, v in own.items()}
    tables["numpy scalar types and ufuncs"] = _numpy_names()
    json.dump(tables, sys.stdout, indent=1)


def _numpy_names() -> list[str]:
    """numpy's scalar types (`dtype=np.float64` in an estimator's parameters) and ufuncs
    (`FunctionTransformer(np.log1p)`), which pickle as `numpy.<name>`."""
    import numpy as np

    return sorted(
        name
        for name, obj in vars(np).items()
        if isinstance(obj, np.ufunc) or (isinstance(obj, type) and issubclass(obj, np.generic))
    )


if __name__ == "__main__":
    main()
