"""The built-in analyzers; the interface registers them on first use, as a plugin would be."""

from __future__ import annotations

from .onnx_domains import OnnxDomainAnalyzer
from .templates import TemplateAnalyzer

BUILTIN_ANALYZERS = (TemplateAnalyzer, OnnxDomainAnalyzer)
