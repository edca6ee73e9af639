"""Whether a line presents a code link as the release's own code.

A README links many repositories: the libraries it depends on ("depends on OpenAI's tiktoken"),
the work it builds on ("in the spirit of FlashAttention"), ports by others ("PyTorch version of
BERT available"). Only a link the line calls code ("[Code](…)", "Code: …", "**Repository:** …",
"the pre-training code … please refer to [Neo](…)") says where the release's code is; the
others say nothing about it. A `git clone` of another repository fetches code to run the
release with, so it stays a claim.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy

MAX_LINE = 20_000
_CODE_WORDS = (
    r"(source\s+)?code(base)?|github|git\s*hub|repo(sitory)?|implementation|scripts?|"
    r"(pre-?)?training\s+(code|scripts?|recipes?)|fine-?tuning\s+(code|scripts?)"
)
#: the link's own text, or a label before it, is a code word ("[Code](…)", "Code: https://…")
_CODE_LABEL = lazy(rf"^\W*((official|our|the)\s+)?({_CODE_WORDS})\W*$", re.I)
#: the sentence before the link speaks of code ("the pre-training code … refer to [Neo](…)")
_CODE_SENTENCE = lazy(
    r"\b(our|the|its|this\s+model'?s?|official)\s+((pre-?)?training\s+|fine-?tuning\s+|"
    r"inference\s+|evaluation\s+|source\s+)?(code(base)?|implementation|scripts?)\b",
    re.I,
)
#: ...but to say what that code uses, builds on or thanks, not where it is
_DEPENDS = lazy(
    r"\b(depends?\s+on|based\s+on|builds?\s+(up)?on|built\s+(up)?on|in\s+the\s+spirit\s+of|"
    r"thanks?|inspired|install\w*|requires?|supported\s+by|supports?|compatible\s+with|ports?\b|"
    r"version\s+of|adapt(ed|ations?)\s+(of|from))",
    re.I,
)
_CLONE = lazy(r"\bgit\s+clone\s+(--?[\w-]+(=\S+)?\s+)*$", re.I)
_MARKDOWN_TEXT = lazy(r"\[([^\[\]]{0,200})\]\(\s*$")
_HTML_TEXT = lazy(r"^[^>]{0,500}>(.{0,300}?)</a>", re.I)
_SENTENCE_END = lazy(r"[.!?。]\s+|[|•]")


def said_to_be_code(line: str, url: str) -> bool:
    """True when `line` presents `url` as code: by the link's text, a label before it, or a
    sentence about the code that does not say the code merely uses or builds on it."""
    if len(line) > MAX_LINE:  # a wall of links is no sentence about the code (and each
        return False  # link's search through it would make the card quadratic to read)
    at = line.find(url)
    if at < 0:
        return False
    before, after = line[max(0, at - 500) : at], line[at + len(url) : at + len(url) + 500]
    texts = []
    markdown = _MARKDOWN_TEXT.search(before)
    if markdown:
        texts.append(markdown.group(1))
    html = _HTML_TEXT.search(after)
    if html and re.search(r"<a\s[^>]*href=[\"']?$", before, re.I):
        texts.append(html.group(1))
    parts = _SENTENCE_END.split(before)
    sentence = parts[-1] if parts else before
    label = re.sub(r"[\[(<].*$", "", sentence)
    texts.append(label)
    if _CLONE.search(before):  # the code to run the release with is fetched from there
        return True
    if _DEPENDS.search(sentence):
        return False
    if any(_CODE_LABEL.match(re.sub(r"<[^>]*>|[*_`]", "", t)) for t in texts):
        return True
    return bool(_CODE_SENTENCE.search(sentence))
