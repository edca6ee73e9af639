"""What a data link is: a dataset (a data host, a repository named for data, a data folder in a
repository), and whether it is evaluation data (a benchmark the model is scored on), which is no
training data source."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..lazy_re import lazy
from .links import classify_url

_DATA_HOSTS = lazy(r"(huggingface\.co|hf\.co)/datasets/|kaggle\.com/datasets/|zenodo", re.I)
_CODE_HOSTS = frozenset({"github.com", "gitlab.com"})
_DATA_WORD = lazy(r"(data(set)?s?|corpus)\b", re.I)
_DATA_FOLDERS = frozenset({"data", "dataset", "datasets", "corpus"})
#: a benchmark by its name (`bigcode/bigcodebench`, `cais/mmlu`, `org/eval-suite`)
_EVAL_NAME = lazy(
    r"bench|eval|leaderboard|mmlu|humaneval|gsm8k|hellaswag|(^|[-_/])tests?([-_/]|$)", re.I
)
_EVAL_WORDS = lazy(r"\b(evaluat\w*|benchmark\w*|leaderboards?|performance)\b", re.I)
_TRAIN_WORDS = lazy(r"\b(train\w*|pre-?train\w*|fine-?tun\w*|sft|corpus|corpora|mixture)\b", re.I)
#: sample data for a how-to ("This sample data was drawn from X ... to demonstrate how to
#: train"; 样例数据: sample data, 展示…怎么: shows how to): what users may try, not what the
#: release was trained on
_EXAMPLE_DATA = lazy(
    r"\b(sample|example|demo|toy)\s+(training\s+)?data(sets?)?\b|\bto\s+demonstrate\s+how\b|"
    r"\bfor\s+demonstration\b|样例数据|示例数据|展示.{0,12}(怎么|如何)",
    re.I,
)
_SENTENCE_END = lazy(r"(?<=[.!?])\s+(?=[A-Z\[*`])")


def is_data_link(url: str) -> bool:
    """A dataset host, a repository named for data, or a data folder inside a repository."""
    if _DATA_HOSTS.search(url) or classify_url(url) == "dataset":
        return True
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:
        return False
    if host not in _CODE_HOSTS:
        return False
    segments = parts.path.split("/")[1:]
    if len(segments) >= 2 and _DATA_WORD.search(segments[1]):
        return True
    return (
        len(segments) > 4
        and segments[2] in ("tree", "blob")
        and any(s.lower() in _DATA_FOLDERS for s in segments[4:12])
    )


def is_evaluation_data(url: str, line: str, heading: str) -> bool:
    """A benchmark: named as one, or linked in a sentence (or under a heading) about evaluation
    that does not speak of training."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    if _EVAL_NAME.search(path):
        return True
    sentence = next((s for s in _SENTENCE_END.split(line) if url in s), line)
    if _TRAIN_WORDS.search(_without_urls(sentence)):
        return False
    return bool(_EVAL_WORDS.search(_without_urls(sentence)) or _EVAL_WORDS.search(heading))


def is_example_data(url: str, line: str) -> bool:
    """Data a how-to uses as its sample, said so in the link's sentence or the next one."""
    sentences = _SENTENCE_END.split(line)
    at = next((i for i, s in enumerate(sentences) if url in s), 0)
    return bool(_EXAMPLE_DATA.search(_without_urls(" ".join(sentences[at : at + 2]))))


def _without_urls(text: str) -> str:
    return re.sub(r"\]\([^)\s]{0,500}\)|https?://\S+", " ", text)
