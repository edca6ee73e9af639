"""ONNX custom operator domains: running the model needs a native custom-op library."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Evidence, FileEntry, Finding
from ..rules import finding

#: operator domains the standard runtimes ship with: not custom code
RUNTIME_DOMAINS = frozenset(
    {
        "",
        "ai.onnx",
        "ai.onnx.ml",
        "ai.onnx.training",
        "ai.onnx.preview.training",
        "com.microsoft",
        "com.microsoft.nchwc",
        "com.microsoft.experimental",
        "com.ms.internal.nhwc",
    }
)


class OnnxDomainAnalyzer:
    name = "onnx-domains"

    def analyze(self, evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> list[Finding]:
        out: list[Finding] = []
        for e in evidence:
            if e.fact != "onnx.custom_domains" or not isinstance(e.value, tuple) or not e.value:
                continue
            custom = [str(d) for d in e.value if str(d) not in RUNTIME_DOMAINS]
            if not custom:
                continue
            domains = ", ".join(custom)
            out.append(
                finding(
                    "OPN-ONX-002",
                    f"operators from custom domains need a custom-op library: {domains}",
                    e.location,
                    domains,
                )
            )
        return out
