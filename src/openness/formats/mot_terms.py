"""The Model Openness Tool's closed vocabularies (`release.architecture`, `release.type` in its
`mof_schema.json`), reached from what the release says about itself. A model family or task not
in these tables maps to `''` (MOT's "not stated"): a wrong architecture is worse than none."""

from __future__ import annotations

DECODER, ENCODER, SEQ2SEQ = "transformer decoder", "encoder", "transformer encoder-decoder"

#: Hugging Face `model_type` (or GGUF `general.architecture`) -> MOT architecture
ARCHITECTURES = {
    **dict.fromkeys(
        (
            "gpt2",
            "gpt_neo",
            "gpt_neox",
            "gptj",
            "gpt_bigcode",
            "llama",
            "mistral",
            "mixtral",
            "qwen2",
            "qwen2_moe",
            "qwen3",
            "qwen3_moe",
            "gemma",
            "gemma2",
            "gemma3_text",
            "phi",
            "phi3",
            "falcon",
            "opt",
            "bloom",
            "olmo",
            "olmo2",
            "starcoder2",
            "stablelm",
            "deepseek_v2",
            "deepseek_v3",
            "cohere",
            "granite",
            "smollm3",
            "mpt",
            "codegen",
        ),
        DECODER,
    ),
    **dict.fromkeys(
        (
            "bert",
            "roberta",
            "xlm-roberta",
            "distilbert",
            "albert",
            "electra",
            "deberta",
            "deberta-v2",
            "mpnet",
            "camembert",
            "modernbert",
            "vit",
            "dinov2",
            "nomic_bert",
        ),
        ENCODER,
    ),
    **dict.fromkeys(
        ("t5", "mt5", "umt5", "bart", "mbart", "pegasus", "marian", "whisper", "m2m_100"),
        SEQ2SEQ,
    ),
    **dict.fromkeys(("resnet", "convnext", "efficientnet", "mobilenet_v2", "regnet"), "CNN"),
    **dict.fromkeys(("rwkv", "rwkv5", "rwkv6"), "RNN"),
    **dict.fromkeys(("jamba", "zamba", "zamba2", "falcon_h1"), "hybrid"),
    **dict.fromkeys(("mamba", "mamba2"), "other"),
}
#: class-name endings that settle the architecture when the model type is not in the table
_CLASS_SUFFIXES = (("ForCausalLM", DECODER), ("LMHeadModel", DECODER))

#: Hugging Face `pipeline_tag` -> MOT release type
TYPES = {
    **dict.fromkeys(
        (
            "text-generation",
            "text2text-generation",
            "fill-mask",
            "text-classification",
            "token-classification",
            "question-answering",
            "summarization",
            "translation",
            "feature-extraction",
            "sentence-similarity",
            "zero-shot-classification",
        ),
        "language",
    ),
    **dict.fromkeys(
        ("image-classification", "object-detection", "image-segmentation", "depth-estimation"),
        "vision",
    ),
    **dict.fromkeys(("text-to-image", "image-to-image", "unconditional-image-generation"), "image"),
    **dict.fromkeys(
        (
            "automatic-speech-recognition",
            "text-to-speech",
            "audio-classification",
            "text-to-audio",
            "audio-to-audio",
        ),
        "audio",
    ),
    **dict.fromkeys(("text-to-video", "video-classification"), "video"),
    **dict.fromkeys(
        ("image-text-to-text", "visual-question-answering", "any-to-any", "image-to-text"),
        "multimodal",
    ),
}


def architecture(model_types: list[str], class_names: list[str]) -> str:
    for name in model_types:
        if name.lower() in ARCHITECTURES:
            return ARCHITECTURES[name.lower()]
    for cls in class_names:
        for suffix, value in _CLASS_SUFFIXES:
            if cls.endswith(suffix):
                return value
    return ""


def release_type(pipeline_tag: str | None) -> str:
    return TYPES.get(pipeline_tag or "", "")
