"""Facts from every document of a release: all READMEs, cards, training and data documents and
citation files in every folder, not only the card at the root. Each fact cites its file and line.

What these facts may mean is decided by the frameworks' rules; here a document is only read:

- `doc.read` (value: path): every document read, so that an "unknown" can list the places read;
  `doc.read.count` and `doc.read.list` (the first of them by name) summarise them.
- `doc.model_card` (path): a document that is a model card (card file names, a Hub card's front
  matter), as opposed to a code repository's README.
- `doc.model_card.topic` (topic): what that card documents (architecture, training, evaluation...).
- `doc.base_model` (name): another model the release says it was fine-tuned from.
- `doc.data.named` (name): a data source the README says the model was trained on (not verified).
- `doc.data.withheld` (phrase): the README says the training data is not released.
- `doc.data.section` (heading): a section about the training data (its sources not verified).
- `doc.data.evaluation_folder` (folder): a data folder whose README opens by saying its data is
  for evaluation (and says nothing of training): its files are evaluation data.
- `doc.training` / `doc.data_prep` (path): documentation of training or data-preparation steps.
- `doc.training.released` (sentence): a document says the training code is released ("we
  open-source the training code of X", "[x] Release training / evaluation code"), not read.
- `doc.datasheet` (path), `doc.datasheet.topic` (topic): a datasheet or dataset card.
- `doc.dataset_link` (URL): a link to a dataset on the Hub or another data host;
  `doc.eval_dataset_link` a benchmark the model is scored on (under an evaluation heading or one
  of its parents), `doc.example_dataset_link` the sample data of a how-to ("this sample data was
  drawn from ..."): neither is a training data source.
- `doc.citation` (key): a BibTeX entry or CITATION.cff the release asks to be cited; `own` or
  `other` in the note, by whether its title or key names the release.
- `doc.paper.preprint` (URL or eprint), `doc.paper.venue` (venue): the release's own citation,
  as a preprint or as a peer-reviewed venue.
- `doc.mentions.training_hardware` (text): a sentence naming the hardware the model was
  trained on.
- `doc.architecture.numbers` (text): a document gives the architecture in numbers: its layer
  count and its hidden size or attention heads.
- `doc.primary` (path): a README or card at the root of a place: where a release announces its
  paper, data and code, so that what none of them names can be rated absent.
- `doc.paper.link` (URL): a link to a paper host (arXiv, DOI, ACL Anthology, OpenReview...),
  the release's own or not.
- `doc.training.section` (heading or command): a section about training or fine-tuning, or a
  command line that runs a training script.
- `doc.library_for_users` (sentence): the opening of a place's README presents the repository
  as a library or package for using or fine-tuning the model ("A JAX library to use and
  fine-tune Gemma"), or a document offers its fine-tuning script to users ("`finetune.py`, for
  users to finetune the pretrained model for downstream applications"): that code is for users,
  not necessarily how the release was trained.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence

from ..lazy_re import lazy
from ..limits import Limits
from ..model import Confidence, Evidence, Location, Member
from ..sources import READ_ERRORS, Release
from .dataset_links import is_data_link, is_evaluation_data, is_example_data
from .frontmatter import FrontMatterError, parse_front_matter
from .license_sentences import license_statements, model_license_statements
from .links import urls_in
from .markdown_comments import is_markdown, without_html_comments
from .place_names import owners_of, repository_names_of
from .sections import Heading, find_headings, heading_path, with_labels
from .weights_links import weights_download_facts
from .words import stems

MAX_DOCUMENTS = 400
MAX_NAMED = 8  # documents named in a rationale
_TEXT_SUFFIXES = (".md", ".markdown", ".rst", ".txt", ".cff")
_NOT_DOCUMENTS = lazy(
    r"(^|/)(licen[cs]e|copying|notice|requirements|merges|vocab|tokenizer)[^/]*$", re.I
)

_CARD_NAME = lazy(r"(^|/)(model[-_ ]?card[^/]*|readme[-_]model[^/]*)\.(md|markdown)$", re.I)
_CARD_KEYS = frozenset({"pipeline_tag", "base_model", "model-index", "library_name", "model_name"})
_TRAINING_PATH = lazy(
    r"(^|/|[-_])(train|training|pretrain|pretraining|finetune|fine-tune|fine[-_]?tuning|sft|dpo|"
    r"rlhf|recipes?)([-_/.]|$)",
    re.I,
)
_DATA_PREP_PATH = lazy(
    r"(^|/|[-_])(data[-_]?prep\w*|data[-_]?clean\w*|data[-_]?pipeline|preprocess\w*|"
    r"tokeni[sz]ation|dedup\w*)([-_/.]|$)",
    re.I,
)
_DATASHEET_PATH = lazy(
    r"(^|/)[^/]*(datasheet|data[-_]?card|dataset[-_]?card|readme[-_]dataset)[^/]*$", re.I
)
_PRIMARY_NAME = lazy(r"^(readme|model[-_ ]?card)[^/]*\.(md|markdown|rst|txt)$", re.I)
_PAPER_HOSTS = lazy(
    r"arxiv\.org|doi\.org|aclanthology\.org|aclweb\.org|openreview\.net|papers\.nips\.cc|"
    r"proceedings\.|dl\.acm\.org|ieeexplore|springer\.com|semanticscholar\.org|"
    r"(huggingface\.co|hf\.co)/papers/",
    re.I,
)
#: a section about the training data ("Data Collection", "Pretraining data"): the documents speak
#: of the data, so its absence cannot be concluded, though the sources it names are not verified
_DATA_HEADING = lazy(
    r"\b((pre-?)?train(ing)?|fine-?tun\w*|sft)\s+(data|datasets?|corpus|corpora|mixture)\b|"
    r"\bdata\s*(collection|sources?|mixture|curation|composition)\b",
    re.I,
)
#: "fine-tuned from a 7B Wombat model": the release's base model, named in prose
_FINETUNED_FROM = lazy(
    r"\b(?:fine-?tuned|instruction[- ]tuned|further trained|trained on top of|built on top of)"
    r"\s+(?:from|on top of)\s+(?:the\s+|an?\s+)?(?:\d+(?:\.\d+)?[bm]\s+)?"
    r"(?P<base>[A-Za-z][\w.-]*(?:\s+\d+(?:\.\d+)?[BbMm])?)"
    # "created by fine-tuning a Wombat base model" (not "for an example of fine-tuning a GPT2
    # model", which is advice to users)
    r"|\b(?:created|made|obtained|built|trained|produced)\s+by\s+fine-?tuning\s+(?:the\s+|an?\s+)(?:\d+(?:\.\d+)?[bm]\s+)?"
    r"(?P<other>[A-Za-z][\w.-]*(?:\s+\d+(?:\.\d+)?[BbMm])?)\s+(?:base\s+)?model",
    re.I,
)
#: "trained on the Pile", "pre-trained on [RedPajama](…)": a named training data source
_TRAINED_ON = lazy(
    r"(?:\b(?:pre-?)?trained\s+(?:\w+\s+)?on\s+|"
    # "due to the training data Emilia, an in-the-wild dataset", "Training data: The Pile"
    r"\b(?:[Pp]re-?)?[Tt]raining\s+(?:[Dd]ata|[Dd]ataset|[Cc]orpus)\s*(?::\s*|\s(?:is|was)\s+)?)"
    r"\[?(?:[Tt]he\s+)?\[?"
    r"(?P<name>[A-Z][\w.-]*[A-Za-z](?:\s+[A-Z][\w.-]*[A-Za-z]){0,3})"
)
#: "We will not release the ShareGPT dataset": the release says its data is withheld
_WITHHELD = lazy(
    r"\b(?:will not|won't|do not|don't|cannot|can't|are not|is not|did not)\s+(?:be\s+)?"
    r"(?:releas|publish|shar|open[- ]?sourc)\w*\s+(?:the\s+|our\s+|this\s+|these\s+|any\s+)?"
    r"(?:[\w-]+\s+){0,3}?(?:data|datasets?|corpus|corpora)\b",
    re.I,
)
#: capitalised words after "trained on" that name no data source
_NOT_DATA = lazy(
    r"^(?:GPUs?|TPUs?|CPUs?|NVIDIA|AMD|Intel|Apple|Google|AWS|Azure|Slurm|Kubernetes|English|"
    r"Chinese|French|German|Spanish|Japanese|Korean|Russian|Arabic|Multilingual|Our|This|These|"
    r"Top|A|An|It|We|They|Hugging|Huggingface|HuggingFace|Windows|Linux|Mac\w*|"
    # "Training Data Composition": a section's name, not a source
    r"Composition|Collection|Summary|Overview|Details?|Sources?|Mixture|Statistics|Processing|"
    r"Preparation|Curation|Filtering|Size|Quality|Card|Sheet|Cutoff|Freshness)\b"
)
#: a README in a data folder (`data/README.md`, `datasets/eval/README.md`)
_DATA_FOLDER_README = lazy(
    r"(^|/)(data|datasets?|corpus|corpora)(/[^/]+)*/readme[^/]*\.(md|markdown|rst|txt)$", re.I
)
_FOR_EVALUATION = lazy(r"\b(evaluat\w*|benchmark\w*|test\s+sets?)\b", re.I)
#: "We open-source the training code of X", "the training scripts are released", "- [x] Release
#: training / evaluation code": the code is said to be public (a "- [ ]" to-do item is not)
_TRAINING_CODE_RELEASED = lazy(
    r"\b(open[- ]?sourc\w*|releas\w*|publish\w*|made\s+public)\s+(the\s+|our\s+|its\s+)?"
    r"(full\s+|complete\s+)?(pre-?)?training(\s*/\s*\w+)?\s+(code|scripts?|codebase)\b|"
    r"\b(pre-?)?training\s+(code|scripts?|codebase)\s+(is|are|has\s+been|have\s+been)\s+(now\s+)?"
    r"(open[- ]?sourced|released|published|public(ly\s+available)?|available\s+(at|on|in|here))\b",
    re.I,
)
_NEGATED = lazy(r"\b(not|never|no)\b|n't\b", re.I)
_NOT_DONE = lazy(r"\b(will|would|plan(s|ned)?\s+to|going\s+to|to\s+be|soon|coming)\b", re.I)
_OPEN_TODO = lazy(r"^\s*[-*]\s*\[\s\]")
_LABELLED_LINK = lazy(r"\[([^\[\]]{1,80})\]\(\s*(https?://[^)\s]{1,500})")
_PAPER_LABEL = lazy(
    r"\W*((our|the|this)\s+)?((research|technical|tech)\s+)?(paper|report|preprint)\W*", re.I
)
_NUMBERED_SECTION = lazy(r"\s*(\d{1,2}(\.\d{1,2})*\.?|[ivx]{1,4}\.)\s")
_BARE_DATA_HEADING = lazy(r"[\W\d]*(data|datasets?|corpus|corpora)\W*", re.I)
_TRAINING_HEADING = lazy(
    # "pretrained models" is what to download, not how it was trained
    r"\b(pre-?train(ing)?|train(ing)?|fine-?tun(e|ing)|instruction[- ]tun\w*|sft|rlhf|dpo)\b"
    r"(?!\s+(data|dataset|corpus|tokens)\b)",
    re.I,
)
_LAUNCHER = lazy(
    r"\s*(\$\s*)?(python3?|torchrun|deepspeed|accelerate\s+launch|bash|sh|composer|"
    r"llamafactory-cli)\s",
    re.I,
)
#: the scripts (or `-m` modules) a launcher line runs: their names or folders say training, not
#: the options (`--model_args pretrained=...` of an evaluation script)
_SCRIPT_ARG = lazy(
    r"(?:^|\s)(?:-m\s+(?P<module>[\w.]+)|(?P<script>[\w./-]*\w\.(?:py|sh|ya?ml)))(?=\s|$)"
)
_TRAINING_SCRIPT = lazy(
    r"(^|[/._-])(train|training|pretrain|pretraining|pre_train|finetune|fine_tune|finetuning|"
    r"tune|sft|dpo)([_-][\w-]*)?([/.]|$)",
    re.I,
)

#: card topics, by heading (lower-cased)
CARD_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("architecture", re.compile(r"architecture|model (details|description|summary|overview)")),
    ("training", re.compile(r"train|fine-?tun|pre-?train|alignment|\bsft\b|\brlhf\b")),
    ("training_data", re.compile(r"\bdata(set)?s?\b|corpus")),
    # "Evaluated use" (the uses a model was evaluated for) is about uses, not results
    ("evaluation", re.compile(r"evaluat(?!ed\s+uses?\b)|benchmark|results|performance")),
    ("limitations", re.compile(r"limitation|bias|risk|ethic|safety|out[- ]of[- ]scope")),
)
#: Gebru et al.'s datasheet questions, by heading
DATASHEET_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("motivation", re.compile(r"motivation|purpose")),
    ("composition", re.compile(r"composition|content|statistics|languages|sources?|subsets?")),
    ("collection", re.compile(r"collect|acquisition|provenance")),
    ("preprocessing", re.compile(r"pre-?process|clean|filter|dedup")),
    ("uses", re.compile(r"\buses?\b|intended")),
    ("distribution", re.compile(r"distribution|licen[cs]e|access")),
    ("maintenance", re.compile(r"maintenance|updates?|versions?")),
)

_BIBTEX_START = lazy(r"@(\w+)\s*\{\s*([^,\s]*)\s*,?", re.I)
_BIBTEX_FIELD = lazy(r"^\s*(\w+)\s*=\s*[{\"]?\s*(.*?)\s*[}\"]?\s*,?\s*$")
_PREPRINT = lazy(r"arxiv|corr\b|preprint|biorxiv|medrxiv|ssrn|technical report", re.I)
_ARXIV_ID = lazy(r"\b(\d{4}\.\d{4,5})(v\d+)?\b")
# a citation of the code or the model itself (`journal = {GitHub repository}`) names no paper
_NOT_A_VENUE = lazy(
    r"\b(github|gitlab|hugging\s*face|repository|web\s*(site|page)|blog|model card)\b", re.I
)
_HARDWARE = lazy(
    # upper-case chip names only: "b32" of "/path/to/b32.pt" or "ViT-B/32" is a model size
    r"\b(\d[\d,]*\s*(x\s*)?)?(nvidia\s+)?((?-i:(?<![-/])[AHB]\d{2,3})|L4|L40S?|H800|A800|V100|TPU\s?v?\d\w*|"
    r"Ascend\s?\d+\w*|Gaudi\s?\d?|Trainium\d?|MI\d{3}\w*)\b|\bGPU[- ]hours?\b",
    re.I,
)
#: an architecture given in numbers, as a card's or report's table or sentence gives it: a
#: layer count, and a width or head count, each beside a number on its line (not in a command)
_LAYER_COUNT = lazy(
    r"(\b\d+\s*(transformer\s+|decoder\s+)?(layers|blocks)\b|\b(layers|blocks|n_layers?|num_(hidden_)?layers)\b"
    r"[^\n]{0,30}?\d)",
    re.I,
)
_WIDTH_COUNT = lazy(
    r"(\b(hidden|model|embedding)\s*(size|dim\w*)\b|\bd_model\b|\bhidden_size\b|"
    r"\b(attention|query|key[- ]value|kv)\s+heads\b|\bnum_(attention_)?heads\b|\b\d+\s*heads\b)"
    r"[^\n]{0,30}?\d|\b\d+\s*(attention\s+)?heads\b",
    re.I,
)
_COMMAND_FLAG = lazy(r"\s--?[a-z][\w-]*")
#: a header link to the release's own paper: `[Paper](https://arxiv.org/abs/…)`, an HTML
#: `<a href=…>📑 Paper</a>`, or a shields.io badge whose text names the paper or arXiv
_ARXIV_LINK = lazy(
    r"\[(?P<md>[^\]]{0,80})\]\(\s*https?://(www\.)?arxiv\.org/(abs|pdf)/(?P<id1>\d{4}\.\d{4,5})"
    r"|<a\s[^>]{0,200}?href=[\"']https?://(www\.)?arxiv\.org/(abs|pdf)/(?P<id2>\d{4}\.\d{4,5})"
    r"[^>]{0,200}>(?P<html>[^<]{0,80})</a>"
    r"|\[!\[(?P<badge>[^\]]{0,40})\]\([^)\s]{0,300}\)\]\(\s*https?://(www\.)?arxiv\.org/(abs|pdf)/"
    r"(?P<id3>\d{4}\.\d{4,5})",
    re.I,
)
_BADGE_LABEL = lazy(
    r"\W{0,4}\s*((technical|tech)[ -]?report|paper|preprint|arxiv|report)\s*\W{0,4}", re.I
)
_LIBRARY_FOR_USERS = lazy(
    r"\b(library|package|toolkit|sdk)\s+(to|for)\s+(\w+\s+(and\s+)?){0,2}?"
    r"(use|using|run|running|fine-?tun\w*|sampl\w*|deploy\w*|serv\w*)\b",
    re.I,
)
_FINETUNING_FOR_USERS = lazy(
    r"\bfor\s+(users|you|developers|the\s+community)\s+to\s+(fine-?tune|finetune)\b|"
    # "example fine-tuning scripts", "a simple model fine-tuning example": a how-to for users
    r"\bexamples?\s+(fine-?tun|finetun)\w*\s+(scripts?|code)\b|"
    r"\b(fine-?tun|finetun)\w*\s+(examples?|demos?)\b|"
    r"\b(fine-?tun|finetun)\w*\b[^.\n]{0,80}?\b(downstream\s+(tasks?|applications?)|"
    r"your\s+own\s+(data|datasets?|tasks?))",
    re.I,
)
_LINK_TARGET = lazy(r"\]\([^)\s]{0,500}\)")
_OPENING_LINES = 40
_TRAIN_WORD = lazy(r"\b(train|trained|training|pre-?train\w*)\b", re.I)


def release_doc_facts(release: Release, limits: Limits) -> list[Evidence]:
    from ..sources.places import release_places

    names = _release_names(release.members)
    read = [spec for spec in release_places(release) if not spec.prefix.startswith("#")]
    targets = [t for spec in read for t in (spec.name, spec.target)]
    owners = owners_of(targets)
    repositories = repository_names_of(targets)
    out: list[Evidence] = []
    for member in _documents(release.members):
        try:
            with release.open(member.path) as stream:
                data = stream.read(limits.max_text_bytes)
        except READ_ERRORS:
            continue  # collect_documents reports unreadable documents
        text = data.decode("utf-8", "replace")
        if is_markdown(member.path):
            text = without_html_comments(text)
        out.extend(document_facts(member.path, text, names, owners, repositories))
    return out + summary_facts(out)


def summary_facts(facts: Sequence[Evidence]) -> list[Evidence]:
    """Counts the rules compare: documents read, and how much the best card and datasheet cover
    (`doc.model_card.coverage`, `doc.datasheet.coverage`: distinct topics of the fullest one)."""
    read = tuple(str(e.value) for e in facts if e.fact == "doc.read")
    shown = ", ".join(read[:MAX_NAMED]) + (
        f" and {len(read) - MAX_NAMED} more" if len(read) > MAX_NAMED else ""
    )
    out = [
        Evidence("doc.read.count", len(read), Location(""), note=", ".join(read[:20])),
        Evidence("doc.read.list", shown or "none", Location("")),
    ]
    for kind in ("doc.model_card", "doc.datasheet"):
        topics: dict[str, set[str]] = {}
        for e in facts:
            if e.fact == f"{kind}.topic":
                topics.setdefault(e.location.file, set()).add(str(e.value))
        if topics:
            path, best = max(topics.items(), key=lambda item: (len(item[1]), item[0]))
            out.append(
                Evidence(
                    f"{kind}.coverage", len(best), Location(path), note=", ".join(sorted(best))
                )
            )
    return out


def document_facts(
    path: str,
    text: str,
    names: frozenset[str],
    owners: frozenset[str] = frozenset(),
    repositories: frozenset[str] = frozenset(),
) -> Iterable[Evidence]:
    """`names`: distinctive words of the release's folders; `owners` and `repositories`: the
    organisations and repository names of the places read (a `gh:` place's README lies at the
    root, so no folder names the release)."""
    lines = text.split("\n")
    yield Evidence("doc.read", path, Location(path))
    own = names | stems(posixpath.dirname(path).replace("+", "/"))
    for repository in repositories:
        own |= stems(repository)
    if _is_primary(path):  # the release's own README or card, not a how-to
        yield from _base_models(path, lines, own)
        yield from _named_data(path, lines)
        yield from _withheld_data(path, lines)
    found = find_headings(lines)
    headings = [(h.text.lower(), h.line) for h in found]
    title = headings[0][0] if headings else ""
    names = names | stems(posixpath.dirname(path).replace("+", "/")) | stems(title)
    for repository in repositories:
        names |= stems(repository)
    # what a card or datasheet documents may sit under bold labels of the card template
    labelled = [(h.text.lower(), h.line) for h in with_labels(lines, found)]
    if _is_model_card(path, text):
        yield Evidence("doc.model_card", path, Location(path), Confidence.HIGH)
        yield from _topics("doc.model_card.topic", path, labelled, CARD_TOPICS)
    if _DATASHEET_PATH.search(path):
        yield Evidence("doc.datasheet", path, Location(path), Confidence.HIGH)
        yield from _topics("doc.datasheet.topic", path, labelled, DATASHEET_TOPICS)
    if _TRAINING_PATH.search(path):
        yield Evidence("doc.training", path, Location(path), Confidence.HIGH)
    if _DATA_PREP_PATH.search(path):
        yield Evidence("doc.data_prep", path, Location(path), Confidence.HIGH)
    evaluation_folder = list(_evaluation_folder(path, lines))
    yield from evaluation_folder
    if _is_primary(path):
        yield Evidence("doc.primary", path, Location(path))
        yield from _library_for_users(path, lines)
    yield from _finetuning_for_users(path, lines)
    yield from _training_sections(path, lines, headings, found, labelled)
    yield from _training_code_released(path, lines)
    yield from _links(path, lines, found, evaluation=bool(evaluation_folder))
    yield from _hardware(path, lines)
    yield from _architecture_numbers(path, lines)
    yield from weights_download_facts(path, lines, found, owners)
    yield from license_statements(path, lines, names)
    yield from model_license_statements(path, lines, names)
    if path.lower().endswith(".cff"):
        yield from _citation_file(path, text)
    else:
        repository_names = {_compact(r) for r in repositories if len(_compact(r)) >= 3}
        top = path.split("/", 1)[0] if "/" in path else ""
        if "+" in top and len(_compact(top.split("+")[-1])) >= 3:
            repository_names.add(_compact(top.split("+")[-1]))
        compact_names = _compact_names(path, title) | repository_names
        yield from _citations(path, lines, names, compact_names, frozenset(repository_names))
        yield from _badge_preprints(path, lines)


def _is_primary(path: str) -> bool:
    """A README or card at the root of a place: the folder itself, one `OWNER+NAME` checkout
    in a folder of several, or a manifest's or followed link's `@NAME/` place."""
    parts = path.split("/")
    if not _PRIMARY_NAME.match(parts[-1]):
        return False
    return len(parts) == 1 or (len(parts) == 2 and ("+" in parts[0] or parts[0].startswith("@")))


def _evaluation_folder(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    """A data folder's README whose opening (up to its first heading after the title) speaks of
    evaluation and not of training: "how we prepared the data for evaluation"."""
    if not _DATA_FOLDER_README.search(path):
        return
    opening: list[str] = []
    for line in lines[:_OPENING_LINES]:
        if line.lstrip().startswith("#") and opening:
            break
        opening.append(line[:1_000])
    text = " ".join(opening)
    found = _FOR_EVALUATION.search(text)
    if found and not _TRAIN_WORD.search(text):
        number = next((n for n, line in enumerate(opening, 1) if found.group(0) in line), 1)
        yield Evidence(
            "doc.data.evaluation_folder",
            posixpath.dirname(path),
            Location(path, line=number),
            Confidence.MEDIUM,
            note=" ".join(text.split())[:160],
        )


def _library_for_users(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    """The opening lines of a README, read as one text (sentences wrap), link targets removed."""
    opening = [line[:1_000] for line in lines[:_OPENING_LINES]]
    text = " ".join(_LINK_TARGET.sub("]", " ".join(opening)).split())
    found = _LIBRARY_FOR_USERS.search(text)
    if found:
        number = next((n for n, line in enumerate(opening, 1) if found.group(1) in line), 1)
        sentence = text[max(0, found.start() - 60) : found.end() + 60]
        where = Location(path, line=number)
        yield Evidence("doc.library_for_users", sentence, where, Confidence.MEDIUM)


def _finetuning_for_users(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    for number, line in enumerate(lines, start=1):
        found = _FINETUNING_FOR_USERS.search(line[:2_000]) if "tun" in line[:2_000] else None
        if found:
            sentence = " ".join(line[max(0, found.start() - 80) : found.end() + 40].split())
            where = Location(path, line=number)
            yield Evidence("doc.library_for_users", sentence, where, Confidence.MEDIUM)
            return


def _base_models(
    path: str, lines: Sequence[str], own: set[str] | frozenset[str]
) -> Iterable[Evidence]:
    """The first model the documents say the release was fine-tuned from, when it is not one
    of the release's own (a chat model fine-tuned from its own base is its own base)."""
    for number, line in enumerate(lines, start=1):
        for match in _FINETUNED_FROM.finditer(line[:2000]):
            base = (match.group("base") or match.group("other")).strip().rstrip(".-")
            named = stems(base)
            # a model's name has a capital or a digit ("LLaMA", "gpt2"); "scratch", "our" do not
            if named and not named & own and re.search(r"[A-Z0-9]", base):
                yield Evidence("doc.base_model", base[:80], Location(path, line=number))
                return


def _withheld_data(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    for number, line in enumerate(lines, start=1):
        match = _WITHHELD.search(line[:2000])
        if match:
            yield Evidence("doc.data.withheld", match.group(0)[:120], Location(path, line=number))
            return


def _named_data(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    """The first data source a README names as what the model was trained on."""
    for number, line in enumerate(lines, start=1):
        # "Training Data Composition" as a heading or column names a section, not the data
        section = line.lstrip().startswith(("#", "|"))
        for match in _TRAINED_ON.finditer(line[:2000]):
            if section and "training" in match.group(0).lower():
                continue
            name = match.group("name")
            # "continually trained on the GLM-4-9B": a model (its size), not data
            model = re.search(r"\d(\.\d+)?[BM]\b", name, re.I)
            if not _NOT_DATA.match(name) and not _HARDWARE.search(name) and not model:
                yield Evidence("doc.data.named", name[:80], Location(path, line=number))
                return


def _training_sections(
    path: str,
    lines: Sequence[str],
    headings: Sequence[tuple[str, int]],
    found: Sequence[Heading] = (),
    labelled: Sequence[tuple[str, int]] = (),
) -> Iterable[Evidence]:
    """`labelled`: the headings and a card's bold labels ("**Training data**"), where a card
    template puts its data section."""
    data = next(((t, n) for t, n in (labelled or headings) if _DATA_HEADING.search(t)), None)
    data = data or _data_under_training(found)
    if data:
        yield Evidence("doc.data.section", data[0][:120], Location(path, line=data[1]))
    heading = next(((t, n) for t, n in headings if _TRAINING_HEADING.search(t)), None)
    if heading:
        yield Evidence("doc.training.section", heading[0][:120], Location(path, line=heading[1]))
    for number, line in enumerate(lines, start=1):
        launcher = _LAUNCHER.match(line[:500])
        scripts = _SCRIPT_ARG.finditer(line[launcher.start() : 500]) if launcher else ()
        if any(_TRAINING_SCRIPT.search(s.group("module") or s.group("script")) for s in scripts):
            yield Evidence("doc.training.section", line.strip()[:120], Location(path, line=number))
            return


def _training_code_released(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    for number, line in enumerate(lines, start=1):
        text = line[:2_000]
        found = _TRAINING_CODE_RELEASED.search(text) if "train" in text.lower() else None
        if found is None or _OPEN_TODO.match(text):
            continue
        sentence = next((s for s in re.split(r"(?<=[.!?])\s+", text) if found.group(0) in s), text)
        said = sentence[: sentence.find(found.group(0)) + len(found.group(0))]
        if _NEGATED.search(said) or _NOT_DONE.search(said) or sentence.rstrip().endswith("?"):
            continue  # "we do not release...", "we will release...", "Will you release...?"
        where = Location(path, line=number)
        note = " ".join(sentence.split())[:160]
        yield Evidence("doc.training.released", note, where, Confidence.MEDIUM)
        return


def _data_under_training(found: Sequence[Heading]) -> tuple[str, int] | None:
    """A heading that says only "Data" (or "Dataset", "Corpus") inside a pre-training or
    training section: "## 4. Pre-Training Details / ### Data"."""
    for i, heading in enumerate(found):
        if not _BARE_DATA_HEADING.fullmatch(heading.text.strip()):
            continue
        parent = next((h for h in reversed(found[:i]) if h.level < heading.level), None)
        if parent is not None and _TRAINING_HEADING.search(parent.text):
            return f"{parent.text} / {heading.text}".lower()[:120], heading.line
    return None


def _documents(members: Sequence[Member]) -> list[Member]:
    docs = [
        m
        for m in members
        if m.path.lower().endswith(_TEXT_SUFFIXES) and not _NOT_DOCUMENTS.search(m.path)
    ]
    docs.sort(key=lambda m: (m.path.count("/"), m.path))
    return docs[:MAX_DOCUMENTS]


def _release_names(members: Sequence[Member]) -> frozenset[str]:
    """Distinctive words of the release's folder names (`OWNER+NAME` checkouts, model folders)."""
    words: set[str] = set()
    for member in members:
        top = member.path.split("/", 1)[0] if "/" in member.path else ""
        words.update(stems(top.split("+")[-1]))
    return frozenset(words)


def _is_model_card(path: str, text: str) -> bool:
    if _CARD_NAME.search(path):
        return True
    if posixpath.basename(path).lower() not in ("readme.md", "readme.markdown"):
        return False
    lines = text.split("\n", 400)[:400]
    if not lines or lines[0].strip() != "---":
        return False
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return False
    try:
        front = parse_front_matter("\n".join(lines[1:end]), 2)
    except FrontMatterError:
        return False
    return front is not None and bool(_CARD_KEYS & set(map(str, front.data)))


def _topics(
    fact: str,
    path: str,
    headings: Sequence[tuple[str, int]],
    table: Sequence[tuple[str, re.Pattern[str]]],
) -> Iterable[Evidence]:
    seen: set[str] = set()
    for text, line in headings:
        for topic, pattern in table:
            if topic not in seen and pattern.search(text):
                seen.add(topic)
                yield Evidence(fact, topic, Location(path, line=line), note=text[:120])


def _links(
    path: str, lines: Sequence[str], headings: Sequence[Heading], evaluation: bool = False
) -> Iterable[Evidence]:
    """Paper links, and data links: training data, or evaluation data (a benchmark, or any data
    linked by the README of an evaluation data folder: `evaluation`). A URL in a BibTeX field is
    a citation (a Zenodo DOI of the software), not a data source."""
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if "://" not in line:
            continue
        for url in urls_in(line[:10_000]):
            if url in seen:
                continue
            seen.add(url)
            if is_data_link(url) and not _BIBTEX_FIELD.match(line[:1_000]):
                # a benchmark list may sit under "Benchmark Results" > "General Domain"
                under = " / ".join(h.text for h in heading_path(headings, number))
                benchmark = evaluation or is_evaluation_data(url, line[:10_000], under)
                fact = "doc.eval_dataset_link" if benchmark else "doc.dataset_link"
                if not benchmark and is_example_data(url, line[:10_000]):
                    fact = "doc.example_dataset_link"
                yield Evidence(fact, url, Location(path, line=number))
            elif _PAPER_HOSTS.search(url) or url in _paper_labelled(line[:10_000]):
                yield Evidence("doc.paper.link", url, Location(path, line=number))


def _paper_labelled(line: str) -> set[str]:
    """Links whose text calls them the paper ("our [research paper](https://ai.example.com/
    publications/...)"), on whatever host."""
    if "paper" not in line.lower() and "report" not in line.lower():
        return set()
    return {m.group(2) for m in _LABELLED_LINK.finditer(line) if _PAPER_LABEL.fullmatch(m.group(1))}


def _hardware(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    for number, line in enumerate(lines, start=1):
        line = line[:2_000]
        hardware = _HARDWARE.search(line)
        if hardware and _TRAIN_WORD.search(line):
            yield Evidence(
                "doc.mentions.training_hardware",
                hardware.group(0).strip(),
                Location(path, line=number),
                Confidence.MEDIUM,
                note=" ".join(line.split())[:160],
            )
            return  # the first such sentence of a document is enough to cite


def _architecture_numbers(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    """`doc.architecture.numbers`: a document gives its layer count and its width or heads."""
    layers = width = None
    for number, line in enumerate(lines, start=1):
        line = line[:2_000]
        if _COMMAND_FLAG.search(line) and ("--" in line or line.lstrip().startswith("$")):
            continue  # `--num-layers 2` of a test command is no architecture
        if layers is None and _LAYER_COUNT.search(line):
            layers = number
        if width is None and _WIDTH_COUNT.search(line):
            width = number
        if layers is not None and width is not None:
            yield Evidence(
                "doc.architecture.numbers",
                f"layers (line {layers}), width or heads (line {width})",
                Location(path, line=min(layers, width)),
                Confidence.MEDIUM,
            )
            return


def _compact(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _compact_names(path: str, title: str) -> frozenset[str]:
    """The release's names written as one word (`OpenWombat`, `open_wombat` -> `openwombat`):
    the repository folder of the document and the head of its title."""
    top = path.split("/", 1)[0] if "/" in path else ""
    found = {_compact(top.split("+")[-1])}
    if not _NUMBERED_SECTION.match(title):  # "1. Introduction of Wombat" is a section, no title
        found.add(_compact(title.split(":")[0]))
    return frozenset(n for n in found if len(n) >= 3)


def _names_a_parent(title: str, compact_names: frozenset[str]) -> bool:
    """A cited work whose name is a strict part of the release's (`Wombat` for `OpenWombat`,
    `TinyWombat`): the work the release is named after, not the release."""
    head = _compact(title.split(":")[0])
    return len(head) >= 3 and any(head != n and head in n for n in compact_names)


def _names_only_a_family(
    shared: frozenset[str], title: str, repository_names: frozenset[str]
) -> bool:
    """Every word a citation shares with the release is a strict part of the repository's name
    (`clip` of `open_clip`), which the title does not spell whole: a work on the model family the
    repository reimplements ("Demystifying CLIP Data"), not the repository's own."""
    whole = _compact(title)
    return (
        bool(shared)
        and all(any(w != n and w in n for n in repository_names) for w in shared)
        and not any(n in whole for n in repository_names)
    )


def _citations(
    path: str,
    lines: Sequence[str],
    names: frozenset[str],
    compact_names: frozenset[str],
    repository_names: frozenset[str] = frozenset(),
) -> Iterable[Evidence]:
    for entry in _bibtex_entries(lines):
        key, kind, fields, line = entry
        title = fields.get("title", "")
        shared = names & (stems(title.split(":")[0]) | stems(key))
        own = bool(shared) and not _names_a_parent(title, compact_names)
        own = own and not _names_only_a_family(shared, title, repository_names)
        yield Evidence(
            "doc.citation",
            key or title[:80],
            Location(path, line=line),
            note=f"{'own' if own else 'other'}: {title[:120]}",
        )
        if not own:
            continue
        venue = fields.get("booktitle") or fields.get("journal") or ""
        eprint = " ".join(f for f in (fields.get("eprint"), fields.get("archiveprefix")) if f)
        if _NOT_A_VENUE.search(venue):
            continue
        if venue and not _PREPRINT.search(venue):
            yield Evidence("doc.paper.venue", venue[:160], Location(path, line=line))
        elif _PREPRINT.search(" ".join((venue, eprint, fields.get("url", "")))):
            arxiv = _ARXIV_ID.search(" ".join((venue, eprint, fields.get("url", ""))))
            value = f"arXiv:{arxiv.group(1)}" if arxiv else (venue or eprint or key)
            yield Evidence("doc.paper.preprint", value[:160], Location(path, line=line))


def _citation_file(path: str, text: str) -> Iterable[Evidence]:
    """CITATION.cff: the release's own preferred citation, when it names a paper."""
    import yaml

    try:
        data = yaml.safe_load(text[:200_000])
    except yaml.YAMLError:
        return
    cited = data.get("preferred-citation") if isinstance(data, dict) else None
    if not isinstance(cited, dict):
        return
    kind = str(cited.get("type", ""))
    venue = cited.get("journal") or cited.get("conference") or cited.get("collection-title")
    if isinstance(venue, dict):
        venue = venue.get("name")
    venue = str(venue or "")
    where = Location(path, key="preferred-citation")
    if _NOT_A_VENUE.search(venue):
        return
    if venue and not _PREPRINT.search(venue) and kind in ("article", "conference-paper"):
        yield Evidence("doc.paper.venue", venue[:160], where)
    elif _PREPRINT.search(" ".join((venue, str(cited.get("url", "")), kind))):
        yield Evidence("doc.paper.preprint", venue or str(cited.get("url", "")), where)


def _badge_preprints(path: str, lines: Sequence[str]) -> Iterable[Evidence]:
    """An arXiv link labelled as the paper or report in a README's header lines (its badges)."""
    for number, line in enumerate(lines[:40], start=1):
        if "arxiv.org" not in line.lower():
            continue
        arxiv = next(
            (m for m in _ARXIV_LINK.finditer(line) if _BADGE_LABEL.fullmatch(_label(m).strip())),
            None,
        )
        if arxiv:
            yield Evidence(
                "doc.paper.preprint",
                f"arXiv:{_arxiv_id(arxiv)}",
                Location(path, line=number),
                Confidence.MEDIUM,
                note=" ".join(line.split())[:160],
            )
            return


def _label(match: re.Match[str]) -> str:
    return match.group("md") or match.group("html") or match.group("badge") or ""


def _arxiv_id(match: re.Match[str]) -> str:
    return match.group("id1") or match.group("id2") or match.group("id3") or ""


def _bibtex_entries(
    lines: Sequence[str],
) -> Iterable[tuple[str, str, dict[str, str], int]]:
    """(key, entry type, lower-cased field -> value, line) of each BibTeX entry, read line by
    line: fields one per line, as READMEs write them."""
    current: tuple[str, str, dict[str, str], int] | None = None
    for number, line in enumerate(lines, start=1):
        start = _BIBTEX_START.search(line[:500])
        if start and start.group(1).lower() not in ("media", "import", "font"):
            if current:
                yield current
            current = (start.group(2), start.group(1).lower(), {}, number)
            rest = line[start.end() :]
            for part in re.split(r",\s*(?=\w+\s*=)", rest):
                _field(part, current[2])
            continue
        if current is None:
            continue
        if line.strip() in ("}", "```", "") or line.startswith("#"):
            yield current
            current = None
            continue
        _field(line[:1_000], current[2])
    if current:
        yield current


def _field(text: str, fields: dict[str, str]) -> None:
    match = _BIBTEX_FIELD.match(text)
    if match:
        fields.setdefault(match.group(1).lower(), match.group(2).strip('{}" ,'))
