"""The places read, as plain lines every report can show (one hook, so that the renderers only
call it): where the release was read from and how much of each place."""

from __future__ import annotations

from ..model import Assessment, PlaceRead

TITLE = "Places read"
NOT_VERIFIED = "linked, not verified"
MAX_DOCUMENTS = 6  # documents named per place; the JSON lists them all


def place_line(place: PlaceRead) -> str:
    if place.role == NOT_VERIFIED:
        return f"{place.name}: linked, not verified ({place.target})"
    where = "" if place.target == place.name else place.target
    where += f" @ {place.revision[:12]}" if place.revision else ""
    where += "; " if where else ""
    docs = ", ".join(d.removeprefix(place.prefix) for d in place.documents[:MAX_DOCUMENTS])
    if len(place.documents) > MAX_DOCUMENTS:
        docs += f" and {len(place.documents) - MAX_DOCUMENTS} more"
    return (
        f"{place.name} ({place.kind}, {place.role}): {where}{place.files} files, "
        f"{len(place.documents)} documents read" + (f" ({docs})" if docs else "")
    )


def place_lines(a: Assessment) -> list[str]:
    """One line per place; empty for an assessment made before places were recorded."""
    return [place_line(p) for p in a.places]
