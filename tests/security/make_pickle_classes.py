"""Print the class names scikit-learn, scipy.sparse and numpy.random define, as JSON.

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
                if not attr[:1].isupper():
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
    json.dump({r: sorted(v) for r, v in own.items()}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
