"""Registers the built-in analyzers through the public registry."""

from __future__ import annotations

from .interface import register
from .onnx_domains import OnnxDomainAnalyzer
from .templates import TemplateAnalyzer

for _analyzer in (TemplateAnalyzer(), OnnxDomainAnalyzer()):
    register(_analyzer)
