"""TorchScript archives (`torch.jit.save`): check code/, data.pkl and constants.pkl the way
torch.jit.load reads them, without compiling or running anything.

An archive is TorchScript when `constants.pkl` sits next to `data.pkl`: that is how torch.load
decides to hand the file to torch.jit.load. Then:

- the pickles are read by TorchScript's own unpickler, which imports nothing: its built-in globals
  (tensor rebuilds, storages, qschemes, the `torch.jit._pickle` list helpers) are allowed; a
  `__torch__.*` global must be a class defined under code/ or a custom class torch registers;
  any other global goes through the ordinary pickle policy (a Python unpickler would import it);
- the sources under `code/` are parsed with `ast.parse` (parsing runs nothing) and every name
  they reach is resolved as the TorchScript compiler would: `torch.<op>` and `ops.<ns>.<op>`
  operators, builtins, locals and the archive's own `__torch__` classes and functions. Operator
  namespaces torch does not register, file and network operators, Python names and reflection
  are findings, as is a `__torch__` name no file defines.
"""

from __future__ import annotations

import ast
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import FormatError
from ..lazy_re import lazy
from ..limits import Limits
from ..model import Finding, Location
from ..rules import finding
from ..security import torchscript_policy as policy
from .pickle.values import Global
from .pickle.walker import Walk
from .zip_members import Entry, open_entry

MAX_FILE_BYTES = 8 * 1024 * 1024  # one source file; real ones are kilobytes
MAX_CODE_BYTES = 128 * 1024 * 1024  # all of an archive's source; parsed one file at a time
MAX_REFERENCES = 100_000  # distinct `__torch__` names kept for resolution
MAX_FINDINGS = 50  # distinct triggers reported per archive; the rest are counted
_At = int | None  # a line or byte offset, when known
_READ_ERRORS = (
    FormatError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
_RESTORE_TYPE_TAG = "torch.jit._pickle.restore_type_tag"
_TYPE_NAMES = lazy(r"__torch__(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def is_torchscript_prefix(names: Iterable[str], prefix: str) -> bool:
    """torch.load's own test: a `constants.pkl` beside `data.pkl` makes it a TorchScript archive."""
    return f"{prefix}constants.pkl" in set(names)


def exempt_global(module: str, name: str) -> bool:
    """Globals the pickle policy leaves to this module inside a TorchScript archive."""
    return policy.is_torchscript_global(f"{module}.{name}") or _is_torch_namespace(module)


def _is_torch_namespace(module: str) -> bool:
    return module == "__torch__" or module.startswith("__torch__.")


@dataclass
class _Hit:
    rule: str
    reason: str
    member: str
    line: int | None
    offset: int | None
    count: int = 1


@dataclass
class TorchScriptArchive:
    """One `<prefix>code/` tree: what it defines and what its code and pickles reach."""

    path: str
    prefix: str
    files: int = 0
    defined: set[str] = field(default_factory=set)
    namespaces: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    first_code: str | None = None
    _hits: dict[tuple[str, str], _Hit] = field(default_factory=dict)
    _references: dict[str, _Hit] = field(default_factory=dict)  # resolved once all is read

    # -- reading ---------------------------------------------------------------------------

    def read_code(
        self, archive: BinaryIO, archive_size: int, members: list[Entry], limits: Limits
    ) -> None:
        """Parse and check every `<prefix>code/**.py` member, one at a time (trees are not kept:
        `__torch__` names are resolved at the end, against every file's definitions)."""
        root = f"{self.prefix}code/"
        code = [e for e in members if e.name.startswith(root) and e.name.endswith(".py")]
        self.files = len(code)
        if code:
            self.first_code = code[0].name
        budget = MAX_CODE_BYTES
        for entry in code:
            qualifier = entry.name[len(root) : -len(".py")].replace("/", ".")
            if entry.size > min(MAX_FILE_BYTES, budget):
                self._unchecked(entry, f"is {entry.size:,} bytes, over the limit for source")
                continue
            budget -= entry.size
            tree = self._parse(archive, archive_size, entry)
            if tree is None:
                continue
            for stmt in tree.body:
                if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.defined.add(f"{qualifier}.{stmt.name}")
            _Checker(self, entry.name).module(tree)

    def _parse(self, archive: BinaryIO, archive_size: int, entry: Entry) -> ast.Module | None:
        try:
            data = open_entry(archive, entry, archive_size).read(entry.size + 1)
        except _READ_ERRORS as exc:
            self._unchecked(entry, f"cannot be read: {exc}")
            return None
        if len(data) != entry.size:
            self._unchecked(entry, f"holds {len(data):,} bytes, its header says {entry.size:,}")
            return None
        try:
            text = data.decode("utf-8")
            return ast.parse(text, filename=entry.name)
        except UnicodeDecodeError:
            self._unchecked(entry, "is not UTF-8 text")
        except SyntaxError as exc:
            self._unchecked(entry, f"does not parse (line {exc.lineno}): {exc.msg}")
        except (ValueError, RecursionError, MemoryError) as exc:
            self._unchecked(entry, f"does not parse: {type(exc).__name__}")
        return None

    def _unchecked(self, entry: Entry, why: str) -> None:
        self.notes.append(f"TorchScript source {entry.name} {why}; its calls were not checked")
        self.hit("OPN-TSC-004", f"TorchScript source {why}", entry.name, entry.name, None, 0)

    # -- checks ----------------------------------------------------------------------------

    def hit(self, rule: str, reason: str, trigger: str, member: str, line: _At, at: _At) -> None:
        key = (rule, trigger)
        if key in self._hits:
            self._hits[key].count += 1
        elif len(self._hits) < MAX_FINDINGS:
            self._hits[key] = _Hit(rule, reason, member, line, at)

    def torch_name(self, parts: list[str], member: str, line: _At, offset: _At) -> None:
        """`__torch__.<parts>`: recorded now, resolved by `findings` once every file is read."""
        dotted = ".".join(["__torch__", *parts])
        known = self._references.get(dotted)
        if known is not None:
            known.count += 1
        elif len(self._references) < MAX_REFERENCES:
            self._references[dotted] = _Hit("", "", member, line, offset)

    def _resolve(self, dotted: str, ref: _Hit) -> None:
        """A class or function under code/, or a custom class torch registers."""
        parts = dotted.split(".")[1:]
        for k in range(len(parts), 0, -1):
            if "__torch__." + ".".join(parts[:k]) in self.defined:
                return
        if parts[:2] == ["torch", "classes"] and len(parts) >= 4:
            self.custom_class(parts[2], dotted, ref.member, ref.line, ref.offset)
            return
        self.hit(
            "OPN-TSC-003",
            "names a TorchScript class or function that no file under code/ defines",
            dotted,
            ref.member,
            ref.line,
            ref.offset,
        )
        counted = self._hits.get(("OPN-TSC-003", dotted))
        if counted is not None:
            counted.count = ref.count

    def custom_class(self, namespace: str, dotted: str, member: str, line: _At, at: _At) -> None:
        if namespace not in policy.CUSTOM_CLASS_NAMESPACES:
            self.hit(
                "OPN-TSC-002",
                f"uses a C++ custom class from namespace {namespace!r}, which torch does not "
                "register: a native library must provide it",
                dotted,
                member,
                line,
                at,
            )

    def check_walk(self, walk: Walk, member: str) -> None:
        """Pickled `__torch__` globals and the types named by restore_type_tag calls."""
        for g in walk.globals:
            if _is_torch_namespace(g.module):
                parts = [*g.module.split(".")[1:], *g.name.split(".")]
                self.torch_name(parts, member, None, g.offset)
        for call in walk.calls:
            if not isinstance(call.func, Global) or call.func.dotted != _RESTORE_TYPE_TAG:
                continue
            args = call.args
            if isinstance(args, tuple) and len(args) == 2 and isinstance(args[1], str):
                for name in _TYPE_NAMES.findall(args[1][:4096]):
                    self.torch_name(name.split(".")[1:], member, None, call.offset)

    # -- results ---------------------------------------------------------------------------

    def findings(self) -> list[Finding]:
        for dotted, ref in self._references.items():
            self._resolve(dotted, ref)
        self._references.clear()
        out = [
            finding(
                h.rule,
                h.reason + (f" ({h.count} occurrences)" if h.count > 1 else ""),
                Location(self.path, line=h.line, offset=h.offset, key=h.member),
                trigger,
            )
            for (_, trigger), h in self._hits.items()
        ]
        if self.files:
            out.append(
                finding(
                    "OPN-TSC-001",
                    f"TorchScript archive: {self.files} source file(s) under code/ compiled by "
                    "torch.jit.load; every call was checked against TorchScript's own operators",
                    Location(self.path, key=self.first_code),
                    f"{self.prefix}code/",
                )
            )
        return out


class _Checker:
    """Resolves every name a code file uses, as the TorchScript compiler would."""

    def __init__(self, archive: TorchScriptArchive, member: str) -> None:
        self.a, self.member = archive, member

    def module(self, tree: ast.Module) -> None:
        top = _top_level(tree.body)
        for stmt in tree.body:
            if isinstance(stmt, ast.ClassDef):
                attributes = top | _stored([s for s in stmt.body if not _is_def(s)])
                for inner in stmt.body:
                    self.scoped(inner, top if _is_def(inner) else attributes)
                for expr in [*stmt.bases, *stmt.keywords, *stmt.decorator_list]:
                    self.visit(expr, top)
            else:
                self.scoped(stmt, top)

    def scoped(self, stmt: ast.stmt, outer: set[str]) -> None:
        if _is_def(stmt):
            assert isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
            self.visit(stmt, outer | _stored([stmt]))
        else:
            self.visit(stmt, outer)

    def imports(self, stmt: ast.Import | ast.ImportFrom) -> None:
        modules = (
            [a.name for a in stmt.names] if isinstance(stmt, ast.Import) else [stmt.module or "."]
        )
        for name in modules:
            if not _is_torch_namespace(name):
                self.report(
                    "OPN-TSC-002",
                    "imports a Python module; TorchScript source has no imports",
                    name,
                    stmt,
                )

    def visit(self, node: ast.AST, scope: set[str]) -> None:
        stack: list[ast.AST] = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, (ast.Import, ast.ImportFrom)):
                self.imports(n)
                continue
            if isinstance(n, (ast.Attribute, ast.Name)):
                parts, root = _chain(n)
                for attr in parts:
                    if attr in policy.REFLECTION_ATTRIBUTES:
                        self.report(
                            "OPN-TSC-002",
                            "uses Python reflection, which TorchScript does not have",
                            attr,
                            n,
                        )
                if isinstance(root, ast.Name):
                    if not isinstance(root.ctx, ast.Store):
                        self.name(root.id, parts, scope, n)
                else:
                    stack.append(root)
                continue
            stack.extend(ast.iter_child_nodes(n))

    def name(self, root: str, parts: list[str], scope: set[str], node: ast.AST) -> None:
        if root in scope:
            return
        if root == "ops":
            self.op(parts, node)
        elif root == "torch":
            if parts[:1] == ["ops"]:
                self.op(parts[1:], node)
            elif parts[:1] == ["classes"] and len(parts) >= 3:
                self.a.custom_class(
                    parts[1], ".".join(["torch", *parts]), self.member, _line(node), None
                )
            elif parts and f"aten.{parts[0]}" in policy.RISKY_OPS:
                self.report(
                    "OPN-TSC-002",
                    "calls an operator that reads or writes files or uses the network",
                    f"torch.{parts[0]}",
                    node,
                )
        elif root == "__torch__":
            if parts:
                self.a.torch_name(parts, self.member, _line(node), None)
        elif root not in policy.BUILTIN_NAMES:
            self.report(
                "OPN-TSC-002",
                "uses a name TorchScript does not define: the source was not written by "
                "torch.jit.save",
                ".".join([root, *parts]),
                node,
            )

    def op(self, parts: list[str], node: ast.AST) -> None:
        if not parts:
            return
        namespace = parts[0]
        self.a.namespaces[namespace] += 1
        dotted = ".".join(["ops", *parts[:2]])
        if namespace not in policy.OP_NAMESPACES:
            self.report(
                "OPN-TSC-002",
                f"calls an operator from namespace {namespace!r}, which torch does not register "
                "for model maths: a native library must provide it, and runs whatever it does",
                dotted,
                node,
            )
        elif len(parts) > 1 and f"{namespace}.{parts[1]}" in policy.RISKY_OPS:
            self.report(
                "OPN-TSC-002",
                "calls an operator that reads or writes files, uses the network or calls Python",
                dotted,
                node,
            )

    def report(self, rule: str, reason: str, trigger: str, node: ast.AST) -> None:
        self.a.hit(rule, reason, trigger, self.member, _line(node), None)


def _is_def(stmt: ast.AST) -> bool:
    return isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))


def _line(node: ast.AST) -> int | None:
    line = getattr(node, "lineno", None)
    return line if isinstance(line, int) else None


def _chain(node: ast.Attribute | ast.Name) -> tuple[list[str], ast.expr]:
    """`a.b.c` -> (["b", "c"], Name a); the root is whatever the attributes hang from."""
    parts: list[str] = []
    cur: ast.expr = node
    while isinstance(cur, ast.Attribute):
        parts.append(cur.attr)
        cur = cur.value
    parts.reverse()
    return parts, cur


def _top_level(body: list[ast.stmt]) -> set[str]:
    """Names a module binds at its top level: definitions and plain assignments."""
    names: set[str] = set()
    for stmt in body:
        if isinstance(stmt, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _stored(stmts: list[ast.stmt]) -> set[str]:
    """Names bound anywhere in these statements: arguments, assignments, loop and with targets,
    nested definitions, exception names (TorchScript scoping is no stricter than this)."""
    names: set[str] = set()
    for node in _walk_all(stmts):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (
            isinstance(node, ast.ExceptHandler) and node.name
        ):
            names.add(str(getattr(node, "name", "")))
    return names


def _walk_all(stmts: list[ast.stmt]) -> Iterator[ast.AST]:
    for stmt in stmts:
        yield from ast.walk(stmt)
