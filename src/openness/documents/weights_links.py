"""Where a release's documents say its weights can be downloaded.

A README that announces the weights names them where they live: a "Download" table of Hub
links, a "Model Weights" list, "Download the model from https://huggingface.co/ORG/NAME", a
`huggingface-cli download ORG/NAME` command, a link to a checkpoint file. Such a statement counts
only when

- the link is to a model repository (Hugging Face, ModelScope) or to a weight file, or to an
  archive (`.zip`, `.tar.gz`) where the line, table header, lead-in or heading names checkpoints
  or weights (a "Checkpoint (url)" column),
- it belongs to the release's own organisation (the owner of one of the places read: a README
  that links someone else's model, the base it was tuned from or a competitor, says nothing about
  its own weights; a host is owned when one of its labels, or a hyphenated word of one, is the
  owner: `ml-site.cdn-apple.com` for `apple`), and
- the link's line, its table's header row, the sentence that introduces its list, or its heading
  speaks of downloading, weights, checkpoints or a release.

Facts (each cites its file and line; the repository itself is not read, the rationale says so):

- `doc.weights.base` / `doc.weights.end` (value: `ORG/NAME` or the file URL): a model named as a
  base or pretrained model (`-Base`, `pretrained/`), or any other (the end model);
- `doc.weights.gated` (phrase): a document that names the release's downloadable weights says
  access must be requested (gated weights); the same words in another document (a how-to about
  someone else's gated models) do not gate them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

from ..lazy_re import LazyPattern, lazy
from ..model import Confidence, Evidence, Location
from .links import classify_url, urls_in
from .place_names import MIN_OWNER, compact
from .sections import Heading, heading_at

MAX_LINE = 2_000
MAX_LEAD_IN = 30  # lines a list may run below the sentence that introduces it
MAX_TABLE_ROWS = 500  # rows walked up to a table's header (bounded on hostile tables)
MAX_PER_DOCUMENT = 4  # facts of one stage cited per document

_DOWNLOAD_WORDS = lazy(
    r"\b(download\w*|weights?|checkpoints?|ckpts?|releas(e|ed|es|ing)|uploaded|available|"
    r"hugging\s?face\s+hub|open[- ]sourc\w*)\b",
    re.I,
)
_CLI_DOWNLOAD = lazy(
    r"\b(huggingface-cli|hf)\s+download\s+(--\S+\s+)*(?P<id>[A-Za-z0-9][\w.-]*/[\w.-]+)"
)
_MODELSCOPE = lazy(r"^/models/(?P<id>[^/]+/[^/]+)")
_WEIGHT_FILE = lazy(r"\.(safetensors|pt|pth|bin|ckpt|gguf|onnx|h5|msgpack)$", re.I)
#: an archive holds anything (data, code, weights): a checkpoint only where the words say so
_ARCHIVE = lazy(r"\.(zip|tar|tar\.gz|tgz|tar\.bz2|7z)$", re.I)
_CHECKPOINT_WORDS = lazy(r"\b(checkpoints?|ckpts?|(model\s+)?weights?)\b", re.I)
#: a base model by name: `-Base` / `.base` / `-pt` at the end (`bert-base-uncased` and
#: `codet5-base-multi-sum` are sizes), or pretrained anywhere (`pretrained/3B/checkpoint.pt`)
_BASE_NAME = lazy(r"(^|[-_.])(base|pt)$|(^|[-_./])pre-?train(ed|ing)?([-_./]|$)", re.I)
_NOT_WEIGHTS = lazy(r"optimi[sz]er|tokeni[sz]er|(^|[-_/])(demo|space|dataset)s?([-_/]|$)", re.I)
_LINK_TO = lazy(r"\[[^\]]{0,160}\]\(\s*([^)\s]{1,500})")
_SENTENCE_END = lazy(r"(?<=[.!?])\s+(?=[A-Z\[*`])")
_GATED = lazy(
    r"(?<![\w-])(?<!not )(?<!no )gated\s+(access|repo\w*|models?|weights|checkpoints?)\b|"
    r"\b(access|repo\w*|models?|weights|checkpoints?)\s+(is|are)\s+gated\b|\brequest(ing)?\s+access\b|\baccess\s+requests?\b|"
    r"\bapply\s+for\s+access\b|\bagree\s+to\s+share\s+your\s+contact|"
    r"\brequest\s+(is|was|has\s+been)\s+approved\b|\bgranted\s+access\b|"
    r"\brequires?\s+(manual\s+)?approval\b",
    re.I,
)
_LIST_ITEM = lazy(r"\s*([-*+]|\d{1,3}[.)])\s")


def weights_download_facts(
    path: str, lines: Sequence[str], headings: Sequence[Heading], owners: frozenset[str]
) -> Iterable[Evidence]:
    if not owners:
        return
    gated: Evidence | None = None
    cited = {"base": 0, "end": 0}
    seen: set[str] = set()
    for index, raw in enumerate(lines):
        line = raw[:MAX_LINE]
        if gated is None:
            match = _GATED.search(line)
            if match:
                gated = Evidence(
                    "doc.weights.gated",
                    match.group(0),
                    Location(path, line=index + 1),
                    Confidence.MEDIUM,
                    note=" ".join(line.split())[:160],
                )
        for name, org, needle in _models(line):
            archive = bool(_ARCHIVE.search(_path_of(name)))
            # an archive's folder (`/datasets/fastvlm/`) is the host's layout; its name and
            # the words around it say what it holds
            named = _path_of(name).rsplit("/", 1)[-1] if archive else name
            if not _owned(org, owners) or _NOT_WEIGHTS.search(named):
                continue
            stage = "base" if _BASE_NAME.search(_stage_text(name)) else "end"
            if name in seen or cited[stage] >= MAX_PER_DOCUMENT:
                continue
            words = _CHECKPOINT_WORDS if archive else _DOWNLOAD_WORDS
            if not _download_context(lines, index, headings, needle, words):
                continue
            cited[stage] += 1
            seen.add(name)
            yield Evidence(
                f"doc.weights.{stage}",
                name,
                Location(path, line=index + 1),
                Confidence.MEDIUM,
                note=" ".join(line.split())[:160],
            )
    # access requests said where the weights are offered: a how-to about someone else's gated
    # models ("### Python (gated models)") says nothing of the release's
    if gated is not None and seen:
        yield gated


def _models(line: str) -> list[tuple[str, str, str]]:
    """(model id or file URL, organisation or host, the text naming it) of the model links in
    a line."""
    found: list[tuple[str, str, str]] = []
    cli = _CLI_DOWNLOAD.search(line)
    if cli:
        found.append((cli.group("id"), cli.group("id").split("/")[0], cli.group(0)))
    if "://" not in line:
        return found
    for url in urls_in(line):
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower().removeprefix("www.")
        except ValueError:
            continue
        segments = [s for s in parts.path.split("/") if s]
        if classify_url(url) == "model" and len(segments) >= 2:
            found.append(("/".join(segments[:2]), segments[0], url))
        elif host in ("modelscope.cn", "modelscope.ai") and _MODELSCOPE.match(parts.path):
            model = _MODELSCOPE.match(parts.path)
            if model:
                found.append((model.group("id"), model.group("id").split("/")[0], url))
        elif _is_weight_file(url, parts.path):
            found.append((url, host, url))
    return found


def _is_weight_file(url: str, path: str) -> bool:
    kind = classify_url(url)
    return bool(_WEIGHT_FILE.search(path) and kind in ("other", "model")) or bool(
        _ARCHIVE.search(path) and kind == "other"
    )


def _owned(org: str, owners: frozenset[str]) -> bool:
    """The organisation is, contains or is part of one of the places' owners (`Snowflake` for
    `Snowflake-Labs`); a host is owned when one of its labels is an owner."""
    if "." in org:  # a host: one of its labels, or a word of one, is the owner
        # (docs-assets.developer.apple.com, ml-site.cdn-apple.com)
        labels = org.split(".")[:-1]
        words = [w for label in labels for w in label.split("-") if len(w) >= MIN_OWNER]
        return any(compact(label) in owners for label in [*labels, *words])
    name = compact(org)
    return len(name) >= MIN_OWNER and any(name == o or o in name or name in o for o in owners)


def _stage_text(name: str) -> str:
    """The model's name (`ORG/NAME` -> NAME), or a file URL's path without its extension."""
    if "://" in name:
        return _ARCHIVE.sub("", _WEIGHT_FILE.sub("", urlsplit(name).path))
    return name.split("/", 1)[-1]


def _path_of(name: str) -> str:
    return urlsplit(name).path if "://" in name else ""


def _download_context(
    lines: Sequence[str],
    index: int,
    headings: Sequence[Heading],
    needle: str,
    words: LazyPattern = _DOWNLOAD_WORDS,
) -> bool:
    """A listing of models (a list item or table row that starts with the link), or the words
    around the link: its sentence (a long line may speak of training and link the model it
    trains), its table's header row, its list's lead-in sentence, its heading. An archive
    (`.zip`) needs `words` that name checkpoints or weights, not only a download."""
    line = lines[index][:MAX_LINE]
    if words is _DOWNLOAD_WORDS and _lists(line, needle):
        return True
    if line.lstrip().startswith("|"):
        context = [line]
    else:
        context = [next((s for s in _SENTENCE_END.split(line) if needle in s), line)]
    if line.lstrip().startswith("|"):
        top = index
        while top > 0 and index - top < MAX_TABLE_ROWS and lines[top - 1].lstrip().startswith("|"):
            top -= 1
        context.append(lines[top][:MAX_LINE])
        # "the released versions and download links are shown in the table below:"
        context.extend(_lead_in(lines, top, top, lambda _: False))
    elif _LIST_ITEM.match(line):
        context.extend(_lead_in(lines, index, index, _LIST_ITEM.match))
    heading = heading_at(headings, index + 1)
    if heading is not None:
        context.append(heading.text)
    return any(words.search(_without_urls(text)) for text in context)


def _lead_in(
    lines: Sequence[str], first: int, index: int, within: Callable[[str], object]
) -> list[str]:
    """The sentence introducing a list or table: the first line above `first` that is neither
    blank nor `within` it, at most MAX_LEAD_IN lines above `index`."""
    above = first - 1
    while (
        above >= 0
        and index - above <= MAX_LEAD_IN
        and (not lines[above].strip() or within(lines[above]))
    ):
        above -= 1
    return [lines[above][:MAX_LINE]] if above >= 0 and index - above <= MAX_LEAD_IN else []


def _lists(line: str, needle: str) -> bool:
    """`- [acme/wombat-7b](https://huggingface.co/acme/wombat-7b): the chat model` or
    `| [Wombat 7B](https://...) | ... |`: an entry of a list of the release's models."""
    item = _LIST_ITEM.match(line)
    if item:
        rest = line[item.end() :]
    elif line.lstrip().startswith("|"):
        rest = line.lstrip()[1:]
    else:
        return False
    rest = rest.lstrip(" *_")
    link = _LINK_TO.match(rest)
    return rest.startswith(needle) or (link is not None and link.group(1) == needle)


def _without_urls(text: str) -> str:
    """The words of a line, not its link targets (a URL's path may say `download`)."""
    return re.sub(r"\]\([^)\s]{0,500}\)|https?://\S+", " ", text)
