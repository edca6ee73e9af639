"""Every framework and the five attributes read one calibrated evidence: the release components
of rubrics/components.yaml and the licenses scoped to code, weights, data or documentation."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from openness.evidence_index import EvidenceIndex
from openness.formats import get
from openness.formats.interface import RenderOptions
from openness.frameworks.facts import derive_framework_facts
from openness.model import Assessment, Evidence, Location
from openness.pipeline import assess
from openness.rubrics.components import components
from openness.rubrics.engine import parse_condition

#: the example release's LICENSE: the Apache-2.0 text, shipped with the package
APACHE = resources.files("openness.examples").joinpath("tiny-release/LICENSE").read_text("utf-8")


def _component(a: Assessment, framework: str, cid: str) -> tuple[str, str]:
    result = next(f for f in a.frameworks if f.framework == framework)
    c = next(c for c in result.components if c.id == cid)
    return c.status, c.rationale


def _roles(a: Assessment) -> dict[str, str]:
    """Each file's role, as the frameworks read it (path below the checkout folder)."""
    facts = derive_framework_facts(a.evidence, a.files)
    return {
        e.location.file.split("acme+wombat/")[-1]: e.fact
        for e in facts
        if e.fact.startswith("file.role.")
    }


def _repo(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_a_code_license_never_licenses_the_model_card(tmp_path: Path) -> None:
    """A code repository with a model card and an Apache-2.0 LICENSE: the card is found, its
    license is not known (the LICENSE is the code's), in MOF as in the EU index."""
    root = _repo(
        tmp_path / "docs",
        {
            "acme+wombat/README.md": "# Wombat\n\nInference code for the Wombat models.\n",
            "acme+wombat/MODEL_CARD.md": "# Wombat model card\n\n## Model details\n\nA model.\n",
            "acme+wombat/LICENSE": APACHE,
        },
    )
    a = assess(str(root), hash_files=False, health=False)
    status, why = _component(a, "mof", "model_card")
    assert status == "license unknown", why
    assert "no license read speaks for the documentation" in why
    assert _component(a, "osaid", "any_purpose")[0] == "unknown"
    mot = yaml.safe_load(get("mof-yaml")(a, RenderOptions()))
    card = next(c for c in mot["release"]["components"] if c["name"] == "Model card")
    assert "license" not in card  # the Model Openness Tool file does not credit the code license


def test_a_link_to_the_repository_read_is_not_a_claim(tmp_path: Path) -> None:
    """grok-1's README tells how to clone itself: that link is the place read, which holds no
    training code, so training code is absent rather than "linked, not verified"."""
    readme = (
        "# Wombat\n\nThe Wombat weights, with code to load them: "
        "`huggingface-cli download acme/wombat`.\n\n"
        "```\ngit clone https://github.com/acme/wombat.git && cd wombat\n```\n"
    )
    root = _repo(tmp_path / "docs", {"acme+wombat/README.md": readme})
    a = assess(str(root), hash_files=False, health=False)
    assert _component(a, "mof", "training_code")[0] == "absent"
    other = readme.replace("acme/wombat.git", "acme/wombat-train")
    root = _repo(tmp_path / "docs2", {"acme+wombat/README.md": other})
    b = assess(str(root), hash_files=False, health=False)
    assert _component(b, "mof", "training_code")[0] == "claimed"


def test_threats_are_read_from_every_model_card(tmp_path: Path) -> None:
    """dbrx: a repository README without limitations beside MODEL_CARD_*.md files that document
    them is not a release that documents no threats."""
    root = _repo(
        tmp_path / "docs",
        {
            "acme+wombat/README.md": "# Wombat\n\n## Usage\n\nRun generate.py.\n",
            "acme+wombat/MODEL_CARD_wombat_base.md": (
                "# Wombat Base\n\n## Model Overview\n\nA model.\n\n"
                "## Limitations and Ethical Considerations\n\nIt errs.\n"
            ),
        },
    )
    a = assess(str(root), hash_files=False, health=False)
    threats = next(r for r in a.ratings if r.attribute.value == "threats_transparency")
    assert threats.level == "partial", threats.rationale
    assert _component(a, "fmti", "limitations")[0] != "not met"


def test_no_framework_file_reads_links_or_licenses_of_its_own() -> None:
    """The framework files name release components, never the raw link or release-wide
    license facts that each used to read its own way."""
    own = ("link.code", "link.paper", "fw.license.open_content", "fw.license.code}", "card.present")
    for package, name in (
        ("openness.frameworks", "mof.yaml"),
        ("openness.frameworks", "osaid.yaml"),
        ("openness.frameworks", "fmti.yaml"),
        ("openness.rubrics", "five_attributes.yaml"),
    ):
        text = resources.files(package).joinpath(name).read_text("utf-8")
        assert [fact for fact in own if fact in text] == [], name


def test_absence_is_decided_as_the_eu_index_decides_it() -> None:
    shared = yaml.safe_load(
        resources.files("openness.rubrics").joinpath("components.yaml").read_text("utf-8")
    )
    index = yaml.safe_load(
        resources.files("openness.frameworks").joinpath("osai_index.yaml").read_text("utf-8")
    )
    for anchor in ("absent_data", "absent_training", "absent_papers"):
        assert shared[anchor] == index[anchor], anchor


def test_a_state_holds_only_when_no_earlier_state_does() -> None:
    training = components()["training_code"]
    files = [Evidence("file.role.training_code", "train.py", Location("train.py"))]
    link = [Evidence("link.code.elsewhere", "https://github.com/a/b", Location("README.md", 3))]
    primary = [
        Evidence("doc.primary", "README.md", Location("README.md")),
        Evidence("doc.weights.end", "acme/wombat", Location("README.md", 2)),
    ]

    def state(evidence: list[Evidence]) -> list[str]:
        index = EvidenceIndex(evidence)
        return [
            s
            for s in ("present", "linked", "absent", "unknown")
            if parse_condition(training.condition(s), "t").test(index)[0]
        ]

    assert state(files + link + primary) == ["present"]
    assert state(link + primary) == ["linked"]
    assert state(primary) == ["absent"]
    assert state([]) == ["unknown"]


def test_a_logo_in_another_repository_is_not_a_code_link(tmp_path: Path) -> None:
    """DeepSeek-V3's README shows a logo kept in the DeepSeek-V2 repository."""
    readme = (
        '# Wombat\n\n<img src="https://github.com/acme/wombat-v1/blob/main/figures/logo.svg'
        '?raw=true" />\n\nThe Wombat model.\n'
    )
    root = _repo(tmp_path / "docs", {"acme+wombat/README.md": readme})
    a = assess(str(root), hash_files=False, health=False)
    assert _component(a, "mof", "inference_code")[0] == "unknown"


def test_open_code_needs_the_training_code_read_not_a_link(tmp_path: Path) -> None:
    """Inference code under Apache-2.0 and a link to an inference engine: the training code
    was not read, so the code is partly open, not open."""
    readme = (
        "# Wombat\n\nRun `python generate.py`, or serve it with "
        "[an engine](https://github.com/other/engine).\n"
    )
    files = {"acme+wombat/README.md": readme, "acme+wombat/generate.py": "print(1)\n"}
    root = _repo(tmp_path / "docs", {**files, "acme+wombat/LICENSE": APACHE})
    a = assess(str(root), hash_files=False, health=False)
    open_code = next(r for r in a.ratings if r.attribute.value == "open_code")
    assert open_code.level == "partial", open_code.rationale
    assert _component(a, "mof", "inference_code")[0] == "open"
    with_training = _repo(tmp_path / "docs2", {**files, "acme+wombat/train.py": "print(2)\n"})
    (with_training / "acme+wombat" / "LICENSE").write_text(APACHE)
    b = assess(str(with_training), hash_files=False, health=False)
    assert next(r for r in b.ratings if r.attribute.value == "open_code").level == "open"


def test_a_model_license_in_a_code_repository_licenses_only_the_weights(tmp_path: Path) -> None:
    """A LICENSE-MODEL beside a README with evaluation results: the weights are under it, the
    README is not (it is not a model release's card)."""
    readme = "# Wombat\n\n## Evaluation\n\nAccuracy 0.5.\n"
    root = _repo(
        tmp_path / "docs",
        {
            "acme+wombat/README.md": readme,
            "acme+wombat/LICENSE-MODEL": "WOMBAT MODEL LICENSE AGREEMENT\n\nFor research only.\n",
        },
    )
    a = assess(str(root), hash_files=False, health=False)
    assert _component(a, "mof", "evaluation_results")[0] == "license unknown"


def test_a_fine_tuning_demo_is_not_the_training_code(tmp_path: Path) -> None:
    """ChatGLM3 ships `finetune_demo/finetune_hf.py` for its users; how the model itself was
    trained is not in the repository. A `train.py` at the top of a repository is."""
    files = {"acme+wombat/README.md": "# Wombat\n\nA model.\n", "acme+wombat/LICENSE": APACHE}
    demo = _repo(tmp_path / "a", {**files, "acme+wombat/finetune_demo/finetune_hf.py": "1\n"})
    a = assess(str(demo), hash_files=False, health=False)
    assert _component(a, "mof", "training_code")[0] != "open"
    own = _repo(tmp_path / "b", {**files, "acme+wombat/train.py": "1\n"})
    assert (
        _component(assess(str(own), hash_files=False, health=False), "mof", "training_code")[0]
        == "open"
    )


def test_a_card_front_matter_is_not_a_license_sentence() -> None:
    """`license: apache-2.0` beside `datasets:` in a Hub card's metadata says nothing about the
    data's license; the same words in prose do."""
    from openness.documents.release_docs import license_statements

    card = ["---", "license: apache-2.0", "datasets:", "- acme/corpus", "---", "# Wombat", ""]
    assert list(license_statements("README.md", card)) == []
    prose = [*card, "The training data is licensed under CC-BY-4.0."]
    assert [e.value for e in license_statements("README.md", prose)] == ["data:open"]


def test_weights_the_documents_say_are_downloadable_are_linked_in_every_framework() -> None:
    """The EU index reads the documents' download statements; MOF and the others must see the
    same statement as 'linked, not verified', not as nothing."""
    weights = components()["weights"]
    said = [
        Evidence("doc.weights.end", "https://huggingface.co/acme/wombat", Location("README.md", 9))
    ]
    index = EvidenceIndex(said)
    assert parse_condition(weights.condition("linked"), "w").test(index)[0]
    assert not parse_condition(weights.condition("present"), "w").test(index)[0]


def test_a_data_file_among_scripts_is_not_the_training_data(tmp_path: Path) -> None:
    """A list of shard names beside the processing scripts (`data/processing_scripts/...`) is
    the scripts' input, not released training data; a file in `data/` itself is."""
    files = {"acme+wombat/README.md": "# Wombat\n\nA model.\n", "acme+wombat/LICENSE": APACHE}
    shards = "acme+wombat/data/processing_scripts/python_scripts/01_shard_names.txt"
    listed = _repo(tmp_path / "a", {**files, shards: "shard-000\nshard-001\n"})
    a = assess(str(listed), hash_files=False, health=False)
    assert "file.role.dataset" not in _roles(a).values()
    assert _component(a, "osai-index", "base_model_data")[0] != "open"
    own = _repo(tmp_path / "b", {**files, "acme+wombat/data/train.jsonl": '{"text": "x"}\n'})
    b = assess(str(own), hash_files=False, health=False)
    assert _component(b, "osai-index", "base_model_data")[0] == "open"


def test_dummy_and_judge_data_are_not_the_training_data(tmp_path: Path) -> None:
    """A dummy conversation to try the fine-tuning script on, and the prompts and questions of
    an LLM-as-judge benchmark, are not released training data."""
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/LICENSE": APACHE,
        "acme+wombat/data/dummy_conversation.json": "[]\n",
        "acme+wombat/wombat/llm_judge/data/judge_prompts.jsonl": "{}\n",
        "acme+wombat/wombat/llm_judge/data/mt_bench/question.jsonl": "{}\n",
    }
    a = assess(str(_repo(tmp_path, files)), hash_files=False, health=False)
    roles = _roles(a)
    assert roles["wombat/llm_judge/data/judge_prompts.jsonl"] == "file.role.evaluation_data"
    assert roles["wombat/llm_judge/data/mt_bench/question.jsonl"] == "file.role.evaluation_data"
    assert "file.role.dataset" not in roles.values()
    assert _component(a, "osai-index", "base_model_data")[0] != "open"


def test_a_readme_section_on_training_documents_the_training_code(tmp_path: Path) -> None:
    """Training code plus a README section that says how to run it ("Train the model" and the
    command) is documented code in the EU index, not "no documentation of it found"."""
    files = {"acme+wombat/LICENSE": APACHE, "acme+wombat/wombat/train.py": "1\n"}
    how = "# Wombat\n\nA model.\n\n## Train the model\n\n```bash\npython wombat/train.py\n```\n"
    documented = _repo(tmp_path / "a", {**files, "acme+wombat/README.md": how})
    a = assess(str(documented), hash_files=False, health=False)
    assert _component(a, "osai-index", "code_documentation")[0] == "open"
    # a list of pretrained checkpoints to download says nothing about how to train
    download = "# Wombat\n\nA model.\n\n## Pretrained model options\n\n- wombat-1b.zip\n"
    bare = _repo(tmp_path / "b", {**files, "acme+wombat/README.md": download})
    b = assess(str(bare), hash_files=False, health=False)
    assert _component(b, "osai-index", "code_documentation")[0] == "partial"


def test_data_pipeline_code_is_not_the_models_inference_code(tmp_path: Path) -> None:
    """A script that generates instruction data, and the pipelines, evals and outputs of a data
    folder, make the training data: they are preprocessing code, not the model's architecture,
    inference or evaluation code, and their outputs are not the model's sample outputs."""
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/LICENSE": APACHE,
        "acme+wombat/generate_instruction.py": "print('ask an API for tasks')\n",
        "acme+wombat/text/data/synth/pipeline.py": "print('a data pipeline')\n",
        "acme+wombat/text/data/synth/quality_eval.py": "print('score samples')\n",
        "acme+wombat/vision/datasets_processing_scripts/outputs/plot.png": "png",
        "acme+wombat/wombat/judge/download_pregenerated.py": "print('fetch answers')\n",
    }
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    roles = _roles(a)
    assert roles["generate_instruction.py"] == "file.role.preprocessing_code"
    assert roles["text/data/synth/pipeline.py"] == "file.role.preprocessing_code"
    assert roles["text/data/synth/quality_eval.py"] == "file.role.preprocessing_code"
    assert "vision/datasets_processing_scripts/outputs/plot.png" not in roles
    assert "wombat/judge/download_pregenerated.py" not in roles  # fetches others' answers
    for cid in ("model_architecture", "inference_code", "evaluation_code", "sample_outputs"):
        assert _component(a, "mof", cid)[0] != "open", cid
    assert _component(a, "mof", "preprocessing_code")[0] == "open"
    own = {**files, "acme+wombat/wombat/generate.py": "print('sample from the model')\n"}
    b = assess(str(_repo(tmp_path / "b", own)), hash_files=False, health=False)
    assert _roles(b)["wombat/generate.py"] == "file.role.inference_code"
    assert _component(b, "mof", "inference_code")[0] == "open"


def test_a_readme_section_on_the_data_describes_it(tmp_path: Path) -> None:
    """A "Data Collection" section in prose describes the training data (OSAID, FMTI curation),
    though it names no dataset the EU index could check."""
    readme = (
        "# Wombat\n\nA model.\n\n## Data Collection\n"
        "Wombat is trained on web text and code curated by Acme, filtered by license.\n"
    )
    files = {"acme+wombat/README.md": readme, "acme+wombat/LICENSE": APACHE}
    a = assess(str(_repo(tmp_path, files)), hash_files=False, health=False)
    status, why = _component(a, "osaid", "training_data_description")
    assert status == "pass", why
    assert _component(a, "fmti", "data_curation")[0] == "met"


def test_bold_labels_of_a_card_template_are_its_sections(tmp_path: Path) -> None:
    """A card in the bold-label template ("**Out-of-scope use cases**" on its own line) states
    its limits: threats are documented, not absent. A bold phrase inside a paragraph or a code
    fence is no label."""
    card = (
        "# Wombat Model Card\n\n## Intended use\n**Primary intended uses**\nResearch.\n\n"
        "**Out-of-scope use cases**\nWombat is not intended for use in production systems.\n"
    )
    plain = (
        "# Wombat Model Card\n\n## Intended use\nResearch, see\n**Out-of-scope use cases**\n\n"
        "```\n\n**Limitations**\n```\n"
    )
    for name, text, expected in (("a", card, "partial"), ("b", plain, "closed")):
        files = {"acme+wombat/README.md": "# Wombat\n", "acme+wombat/model_card.md": text}
        a = assess(str(_repo(tmp_path / name, files)), hash_files=False, health=False)
        threats = next(r for r in a.ratings if r.attribute.value == "threats_transparency")
        assert threats.level.value == expected, (name, threats.rationale)


def test_one_text_as_data_and_weights_license_keeps_the_weights_scope(tmp_path: Path) -> None:
    """The same non-commercial text as DATA_LICENSE and WEIGHT_DIFF_LICENSE: merged into one
    sighting, the weights lost their license and the open license attribute said `unknown`."""
    text = Path(__file__).parents[3] / "shared/corpus/licenses/audiocraft-LICENSE_weights"
    if not text.is_file():
        pytest.skip("../shared/corpus is not present")
    nc = text.read_text("utf-8")
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/LICENSE": APACHE,
        "acme+wombat/DATA_LICENSE": nc,
        "acme+wombat/WEIGHT_DIFF_LICENSE": nc,
    }
    a = assess(str(_repo(tmp_path, files)), hash_files=False, health=False)
    rating = next(r for r in a.ratings if r.attribute.value == "open_license")
    assert rating.level.value == "closed", rating.rationale
    status, why = _component(a, "osaid", "any_purpose")
    assert status == "fail", why


def test_a_script_that_runs_the_model_is_not_its_architecture(tmp_path: Path) -> None:
    """MOF's model architecture is code defining the model (`model.py`, `modeling_*.py`), not a
    chat app that only runs it, which is inference code."""
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/LICENSE": APACHE,
        "acme+wombat/tools/chat_app.py": "print('talk to the model')\n",
    }
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    assert _component(a, "mof", "inference_code")[0] == "open"
    assert _component(a, "mof", "model_architecture")[0] != "open"
    own = {**files, "acme+wombat/wombat/model.py": "class Wombat: ...\n"}
    b = assess(str(_repo(tmp_path / "b", own)), hash_files=False, health=False)
    assert _component(b, "mof", "model_architecture")[0] == "open"


def test_calling_the_code_open_source_is_no_openwashing(tmp_path: Path) -> None:
    """ "Training and inference code that is fully open source under Apache 2.0" speaks of the
    code; weights under research-only terms do not make it openwashing. Calling the model open
    source does."""
    readme = (
        "# Kiwi\n\nIndependent implementation of Wombat training and inference code that is "
        "fully open source under the Apache 2.0 license.\n\n"
        "The code works with the Wombat weights distributed by Acme under a research-only "
        "license.\n"
    )
    files = {"acme+kiwi/README.md": readme, "acme+kiwi/LICENSE": APACHE}
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    assert not [f for f in a.findings if f.rule_id == "OPN-OWS-001"]
    model = readme + "\nKiwi is an open source model.\n"
    b = assess(str(_repo(tmp_path / "b", {**files, "acme+kiwi/README.md": model})), health=False)
    assert [f for f in b.findings if f.rule_id == "OPN-OWS-001"]


def test_a_flat_repository_of_scripts_gets_its_roles(tmp_path: Path) -> None:
    """A research repository with every script at its root: `modeling.py` defines the model,
    `run_pretraining.py` trains it, and `sample_text.txt` is input for the data script, not the
    model's output; the test of the model code is none of these."""
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/LICENSE": APACHE,
        "acme+wombat/modeling.py": "class Wombat: ...\n",
        "acme+wombat/modeling_test.py": "def test_wombat(): ...\n",
        "acme+wombat/run_pretraining.py": "print('train')\n",
        "acme+wombat/create_pretraining_data.py": "print('shards')\n",
        "acme+wombat/sample_text.txt": "A sentence to make pre-training shards from.\n",
    }
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    roles = _roles(a)
    assert roles["run_pretraining.py"] in ("file.role.training_code", "file.role.pretraining_code")
    assert "sample_text.txt" not in roles and "modeling_test.py" not in roles
    assert _component(a, "mof", "model_architecture")[0] == "open"
    assert _component(a, "mof", "training_code")[0] == "open"
    assert _component(a, "mof", "sample_outputs")[0] == "unknown"


def test_a_weights_registry_and_test_configs_are_no_training_code_or_evaluation_data(
    tmp_path: Path,
) -> None:
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/src/wombat/pretrained.py": "URLS = {'wombat-b32': 'https://example.org/w.pt'}\n",
        "acme+wombat/src/wombat/model_configs/wombat_test.json": '{"width": 8}\n',
    }
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    assert _roles(a) == {}
    assert _component(a, "mof", "evaluation_data")[0] == "unknown"


def test_code_in_an_inference_or_sampling_folder_is_inference_code(tmp_path: Path) -> None:
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/wombat/inference/api.py": "def run(): ...\n",
        "acme+wombat/scripts/sampling/simple_video.py": "print('sample a video')\n",
    }
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    assert set(_roles(a).values()) == {"file.role.inference_code"}
    assert _component(a, "mof", "inference_code")[0] != "unknown"


def test_a_license_file_named_after_another_project_does_not_license_the_code(
    tmp_path: Path,
) -> None:
    """MetaCLIP: LICENSE is non-commercial ("the majority of the project"), openclip_LICENSE
    covers the portion taken from OpenCLIP; the release's code is not open source."""
    text = Path(__file__).parents[3] / "shared/corpus/licenses/audiocraft-LICENSE_weights"
    if not text.is_file():
        pytest.skip("../shared/corpus is not present")
    files = {
        "acme+wombat/README.md": "# Wombat\n\nA model.\n",
        "acme+wombat/LICENSE": text.read_text("utf-8"),
        "acme+wombat/kangaroo_LICENSE": APACHE,
        "acme+wombat/train.py": "print('train')\n",
    }
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    assert _component(a, "mof", "training_code")[0] == "restricted"
    assert _component(a, "osaid", "training_code")[0] == "fail"
    code = next(r for r in a.ratings if r.attribute.value == "open_code")
    assert code.level.value != "open", code.rationale
    # a code license of the release's own, beside a model license, still speaks for the code
    files["acme+wombat/LICENSE"], files["acme+wombat/MODEL_LICENSE"] = (
        APACHE,
        files.pop("acme+wombat/kangaroo_LICENSE"),
    )
    b = assess(str(_repo(tmp_path / "b", files)), hash_files=False, health=False)
    assert _component(b, "mof", "training_code")[0] == "open"


def test_the_readmes_weights_license_is_not_overruled_by_another_models_page(
    tmp_path: Path,
) -> None:
    """DINOv2: the README puts code and weights under Apache 2.0; a page in docs/ about another
    model of the group says its weights "will be released under a non-commercial license"."""
    files = {
        "acme+wombat/README.md": (
            "# Wombat\n\nA model.\n\n## License\n\n"
            "Wombat code and model weights are released under the Apache License 2.0.\n"
        ),
        "acme+wombat/LICENSE": APACHE,
        "acme+wombat/docs/README_KANGAROO.md": (
            "# Scaling Kangaroo\n\n## License\n\n"
            "Model weights will be released under the Kangaroo Non-Commercial Research License.\n"
        ),
    }
    a = assess(str(_repo(tmp_path / "a", files)), hash_files=False, health=False)
    rating = next(r for r in a.ratings if r.attribute.value == "open_license")
    assert rating.level.value == "open", rating.rationale
    assert _component(a, "osaid", "any_purpose")[0] == "pass"
    # without the README's own sentence, the page's restriction is all there is to read
    files["acme+wombat/README.md"] = "# Wombat\n\nA model.\n"
    b = assess(str(_repo(tmp_path / "b", files)), hash_files=False, health=False)
    rating = next(r for r in b.ratings if r.attribute.value == "open_license")
    assert rating.level.value != "open", rating.rationale
