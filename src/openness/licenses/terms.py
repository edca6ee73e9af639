"""Key terms read from a license text, to check a text against its catalog profile.

Short patterns written for this project (no license text is stored). Each returns None when the
text does not address the term, so "not found" never reads as "allowed".
"""

from __future__ import annotations

from ..lazy_re import lazy
from ..model import CommercialUse, LicenseTerms

_NUMBER = r"(\d[\d,]*(?:\.\d+)?)\s*(million|billion|m|b)?"
_MAU = lazy(_NUMBER + r"\s*(?:monthly active users|mau\b)")
_SENTENCE = lazy(r"[^.;]*(?:\.(?=\d)[^.;]*)*[.;]?")
_NEGATION = lazy(r"\b(not|never|cannot|can not|shall not|will not|must not|may not|no right to)\b")
_OUTPUT = lazy(r"\b(outputs?|results?)\b")
_IMPROVE = lazy(r"\b(improve|train|fine[- ]tune|distill)\b")
_OTHER_MODEL = lazy(r"\b(any other|other|an?)\b[^.]{0,40}\b(model|models)\b")
_COMPETING = lazy(r"\bcompet(e|es|ing|itive)\b")
_NONCOMMERCIAL = lazy(
    r"non-?commercial (license|purposes?|research|use)|noncommercial 4\.0|attribution-noncommercial"
    r"|other than commercial or production use|does not include any commercial"
    r"|(solely|only) for (non-?commercial|research)"
)
_LICENSE_REQUEST = lazy(
    r"(request|obtain|apply for|need) (a|an|the)? ?(separate |additional |commercial )?licen[cs]e"
    r"|express authori[sz]ation"
)
_GRANT = lazy(r"permission is hereby granted|royalty[- ]free|no-charge")
_USE_RESTRICTIONS = lazy(
    r"acceptable use policy|prohibited use|use restrictions|attachment a\b"
    r"|you agree not to use|you will not use, or allow others to use"
    r"|will not use[^.]{0,200}\b(military|illegal)"
)


def mau_threshold(flat: str) -> int | None:
    m = _MAU.search(flat)
    if m is None:
        return None
    number = float(m.group(1).replace(",", ""))
    scale = {"million": 10**6, "m": 10**6, "billion": 10**9, "b": 10**9}.get(m.group(2) or "", 1)
    return int(number * scale)


def output_training_restricted(flat: str) -> bool | None:
    """True when some sentence forbids using outputs to improve other models in general."""
    permitted = False
    for m in _SENTENCE.finditer(flat):
        s = m.group()
        if not (_OUTPUT.search(s) and _IMPROVE.search(s) and _OTHER_MODEL.search(s)):
            continue
        if _NEGATION.search(s):
            if not _COMPETING.search(s):
                return True
        else:
            permitted = True
    return False if permitted else None


def commercial_use(flat: str) -> CommercialUse:
    if _NONCOMMERCIAL.search(flat):
        return CommercialUse.PROHIBITED
    m = _MAU.search(flat)
    if m is not None:
        window = flat[m.end() : m.end() + 200]
        if _LICENSE_REQUEST.search(window):
            return CommercialUse.CONDITIONAL
    return CommercialUse.ALLOWED if _GRANT.search(flat) else CommercialUse.UNKNOWN


def use_restrictions(flat: str) -> bool | None:
    return True if _USE_RESTRICTIONS.search(flat) else None


def extract(flat: str) -> LicenseTerms:
    """The terms a (cleaned, flattened) text states; fields it does not address stay None."""
    return LicenseTerms(
        commercial_use=commercial_use(flat),
        mau_threshold=mau_threshold(flat),
        use_restrictions=use_restrictions(flat),
        output_training_restricted=output_training_restricted(flat),
    )


def disagreements(profile: LicenseTerms, found: LicenseTerms) -> list[str]:
    """Terms where a text says something other than its profile: the text was modified."""
    out = []
    if profile.mau_threshold != found.mau_threshold and (
        profile.mau_threshold is not None or found.mau_threshold is not None
    ):
        out.append(f"MAU threshold {found.mau_threshold} (profile {profile.mau_threshold})")
    if profile.output_training_restricted is not None and (
        found.output_training_restricted is not profile.output_training_restricted
    ):
        out.append(
            f"output-training restriction {found.output_training_restricted} "
            f"(profile {profile.output_training_restricted})"
        )
    elif profile.output_training_restricted is None and found.output_training_restricted:
        out.append("restricts training on outputs (profile: not addressed)")
    prohibited = CommercialUse.PROHIBITED
    if (profile.commercial_use == prohibited) != (found.commercial_use == prohibited):
        out.append(f"commercial use {found.commercial_use} (profile {profile.commercial_use})")
    return out
