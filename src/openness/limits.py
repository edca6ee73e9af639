"""Safety limits in one frozen place. Readers check lengths against these before allocating."""

from __future__ import annotations

from .record import Record, record

MiB = 1024 * 1024


@record
class Limits(Record):
    max_header_bytes: int = 100 * MiB  # safetensors header, like huggingface_hub's own cap
    max_json_bytes: int = 16 * MiB  # config / tokenizer / card files we parse
    max_text_bytes: int = 4 * MiB  # documents we read as text
    max_pickle_bytes: int = 512 * MiB  # data.pkl and friends walked opcode by opcode
    max_pickle_ops: int = 50_000_000
    #: values on the modelled stack (marks included) and memo entries: a real pickle batches
    #: APPENDS/SETITEMS by 1,000, so its stack stays shallow; 10M empty lists cost 1.2 GB
    max_pickle_stack: int = 1_000_000
    max_pickle_memo: int = 2_000_000  # ~10 per tensor of a torch checkpoint: 200k tensors
    max_string_bytes: int = 1 * MiB  # longer pickle/gguf strings are skipped
    max_gguf_kv: int = 1_000_000
    max_gguf_tensors: int = 10_000_000
    max_gguf_array: int = 50_000_000
    max_archive_members: int = 200_000
    max_archive_depth: int = 3  # archives inside archives
    max_uncompressed_bytes: int = 1024 * 1024 * MiB  # 1 TiB declared in total
    max_compression_ratio: float = 200.0  # above this a member is treated as a bomb
    max_tensors: int = 2_000_000
    max_symlink_hops: int = 40
    #: bytes read from one remote code-bearing file (pickle...); 0 = not read (no --deep)
    max_remote_code_bytes: int = 0


DEFAULT_LIMITS = Limits()
