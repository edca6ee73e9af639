"""Code a loader runs: native libraries (ELF, PE, Mach-O: `.so`, `.dll`, `.dylib`) and CPython
bytecode (`.pyc`). Nothing is disassembled: recognising them is the finding, since a release
that ships them asks its users to run code no reviewer can read as source."""

from __future__ import annotations

from typing import BinaryIO

from ..limits import Limits
from ..model import Artifact, Location, ReaderResult
from ..rules import finding
from . import detect
from .common import fact

_KINDS = {
    b"\x7fELF": "ELF shared object or executable",
    b"MZ": "Windows PE (DLL or executable)",
    b"\xca\xfe\xba\xbe": "fat Mach-O (dylib or executable)",
}


class NativeCodeReader:
    formats = (detect.NATIVE, detect.PYC)

    def read(self, path: str, size: int, stream: BinaryIO, limits: Limits) -> ReaderResult:
        stream.seek(0)
        head = stream.read(16)
        if head[2:4] == b"\r\n" and not head.startswith(b"MZ"):
            magic = int.from_bytes(head[:2], "little")
            fmt, kind, rule = detect.PYC, f"CPython bytecode (magic {magic})", "OPN-BIN-002"
            reason = f"{kind}: runs when imported; its source is not in the file"
        else:
            kind = next((k for m, k in _KINDS.items() if head.startswith(m)), "Mach-O library")
            fmt, rule = detect.NATIVE, "OPN-BIN-001"
            reason = f"{kind}: native code runs when it is loaded"
        evidence = (fact("code.kind", kind, path, offset=0, note="recognised by its header"),)
        found = (finding(rule, reason, Location(path, offset=0), kind),)
        return ReaderResult(Artifact(path, fmt), evidence, found)
