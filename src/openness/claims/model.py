"""A claim a document makes about a release, before it is checked."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ClaimKind(StrEnum):
    LICENSE = "license"  # value: the claimed license (SPDX id, expression or name)
    FILE_DIGEST = "file_digest"  # subject: path; value: SHA-256 (lower-case hex)
    DATASET = "dataset"  # value: a training dataset name
    BASE_MODEL = "base_model"  # value: the base model's name
    PARAMETERS = "parameters"  # value: parameter count as decimal text
    WEIGHTS = "weights"  # the final weights are released
    MODEL_CARD = "model_card"  # a model card is released


@dataclass(frozen=True)
class Claim:
    kind: ClaimKind
    value: str
    where: str  # a JSON pointer or YAML path in the claims document
    subject: str = ""

    def describe(self) -> str:
        about = f"{self.subject}: " if self.subject else ""
        return f"{self.kind.value} {about}{self.value}".strip()


@dataclass(frozen=True)
class ClaimsDocument:
    kind: str  # "CycloneDX" | "Model Openness Tool"
    claims: tuple[Claim, ...]
