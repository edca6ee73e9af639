"""Every entry of the pickle policy's tables is classified as the table intends.

One test per table walks all of its entries and lists every one that is not, so an entry that
another table shadows (a safe global with a dangerous attribute name, say) fails loudly.
"""

from __future__ import annotations

import _compat_pickle

from openness.readers.pickle.policy import (
    DANGEROUS_GLOBALS,
    DANGEROUS_MODULES,
    DANGEROUS_NAMES,
    SAFE_CLASSES,
    SAFE_GLOBALS,
    UNSAFE_CLASS_MODULES,
    Verdict,
    _under,
    classify,
)


def _split(dotted: str) -> tuple[str, str]:
    module, _, name = dotted.rpartition(".")
    return module, name


def _wrong(pairs: list[tuple[str, str]], expected: Verdict) -> list[str]:
    return [f"{m}.{n}: {classify(m, n).name}" for m, n in pairs if classify(m, n) is not expected]


def test_tables_do_not_overlap() -> None:
    assert not SAFE_GLOBALS & DANGEROUS_GLOBALS
    assert not {m for m, _ in map(_split, SAFE_GLOBALS)} & DANGEROUS_MODULES


def test_every_safe_global_is_safe() -> None:
    assert _wrong([_split(d) for d in sorted(SAFE_GLOBALS)], Verdict.SAFE) == []


def test_every_dangerous_global_is_dangerous() -> None:
    assert _wrong([_split(d) for d in sorted(DANGEROUS_GLOBALS)], Verdict.DANGEROUS) == []


def test_everything_in_a_dangerous_module_is_dangerous() -> None:
    pairs = [(m, "anything") for m in sorted(DANGEROUS_MODULES)]
    pairs += [(f"{m}.inner", "Thing") for m in sorted(DANGEROUS_MODULES)]
    assert _wrong(pairs, Verdict.DANGEROUS) == []


def test_every_dangerous_name_is_dangerous_under_any_module() -> None:
    pairs = [("some.library", n) for n in sorted(DANGEROUS_NAMES)]
    pairs += [("torch", f"nn.{n}") for n in sorted(DANGEROUS_NAMES)]  # protocol 4 dotted name
    assert _wrong(pairs, Verdict.DANGEROUS) == []


def test_every_library_class_is_safe_where_the_library_defines_it() -> None:
    pairs = [
        (f"{prefix}somewhere", name)
        for prefix, names in SAFE_CLASSES
        for name in sorted(names)
        if name not in DANGEROUS_NAMES
    ]
    assert pairs
    assert _wrong(pairs, Verdict.SAFE) == []


def test_no_library_class_is_safe_from_the_unsafe_sub_packages() -> None:
    names = sorted({n for _, ns in SAFE_CLASSES for n in ns})
    pairs = [(m, n) for m in sorted(UNSAFE_CLASS_MODULES) for n in names]
    assert [p for p in pairs if classify(*p) is Verdict.SAFE] == []


def test_library_class_names_outside_their_library_are_not_safe() -> None:
    names = sorted({n for _, ns in SAFE_CLASSES for n in ns})
    assert [n for n in names if classify("mypackage", n) is Verdict.SAFE] == []


def test_every_dangerous_module_reached_as_an_attribute_is_dangerous() -> None:
    tops = sorted(m for m in DANGEROUS_MODULES if "." not in m) + ["builtins", "__builtin__"]
    pairs = [("mypackage", m) for m in tops] + [("mypackage", f"inner.{m}") for m in tops]
    assert _wrong(pairs, Verdict.DANGEROUS) == []


def test_every_python2_name_is_at_least_as_dangerous_as_what_it_loads() -> None:
    """_compat_pickle maps protocol 0-2 names (`__builtin__.reduce` loads functools.reduce)."""
    wrong = []
    for (module, name), (module3, name3) in sorted(_compat_pickle.NAME_MAPPING.items()):
        want = classify(module3, name3)
        if want is not Verdict.UNKNOWN and classify(module, name) is not want:
            wrong.append(f"{module}.{name} -> {module3}.{name3}: {classify(module, name).name}")
    assert wrong == []


def test_every_python2_module_of_a_dangerous_module_is_dangerous() -> None:
    pairs = [
        (old, "anything")
        for old, new in sorted(_compat_pickle.IMPORT_MAPPING.items())
        if _under(new, DANGEROUS_MODULES)
    ]
    assert ("cPickle", "anything") in pairs and ("__builtin__", "anything") not in pairs
    assert _wrong(pairs, Verdict.DANGEROUS) == []
