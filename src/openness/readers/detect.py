"""Recognise a file's format from its first bytes (and, for zips, its member names).

The extension only breaks ties between formats that have no magic number (ONNX protobuf, text).
Content no magic number claims (text, unknown binary), and images (a GIF header is a valid pickle
opcode and argument), is walked as a pickle before it is called anything else (`pickle.probe`):
`pickle.load` accepts any opcode at byte 0, and a protocol-0 pickle is plain ASCII. What is left
is text (inert), a known inert kind (images, PDF) or `binary`: content nobody recognised, which
the inventory reports as not scanned.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from typing import TYPE_CHECKING, BinaryIO

from .pickle.opcodes import OPCODES

if TYPE_CHECKING:
    from ..limits import Limits

HEAD_BYTES = 4096

# format ids used across the project
SAFETENSORS = "safetensors"
PYTORCH_ZIP = "pytorch-zip"
TORCH_LEGACY = "torch-legacy"
PICKLE = "pickle"
GGUF = "gguf"
ONNX = "onnx"
KERAS = "keras"
HDF5 = "hdf5"
NPY = "npy"
NPZ = "npz"
ZIP = "zip"
TAR = "tar"
GZIP = "gzip"
BZIP2 = "bzip2"
XZ = "xz"
SEVEN_ZIP = "7z"
SAVEDMODEL = "tf-savedmodel"
ZLIB = "zlib"
NATIVE = "native-library"
PYC = "python-bytecode"
MSGPACK = "msgpack"
TF_VARIABLES = "tf-variables"
TF_INDEX = "tf-variables-index"
JSON = "json"
TEXT = "text"
IMAGE = "image"
PDF = "pdf"
PROTOBUF = "protobuf"
BINARY = "binary"
EMPTY = "empty"

WEIGHT_FORMATS = frozenset(
    {SAFETENSORS, PYTORCH_ZIP, TORCH_LEGACY, PICKLE, GGUF, ONNX, KERAS, HDF5, NPY, NPZ}
)
#: weight formats that cannot carry executable code when loaded with their standard library
SAFE_WEIGHT_FORMATS = frozenset({SAFETENSORS, GGUF, ONNX, NPY})
#: formats whose loading runs a pickle
PICKLE_FORMATS = frozenset({PYTORCH_ZIP, TORCH_LEGACY, PICKLE})
#: formats identified by content that no loader runs code from: read as documents or not at all
INERT_FORMATS = frozenset(
    {TEXT, JSON, IMAGE, PDF, PROTOBUF, EMPTY, MSGPACK, TF_VARIABLES, TF_INDEX}
)
#: the largest file whose whole top level is checked as protobuf wire format
MAX_PROTOBUF_CHECK = 256 * 1024 * 1024

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
_TORCH_LEGACY_MAGIC = b"\x8a\x0al\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"  # LONG1 of the magic number
#: what the pickle probe checks when it starts with an opcode: GIF's `G` is BINFLOAT, so a GIF
#: header is eight bytes of a float and can start a live pickle behind an image's magic number
_PROBED = (TEXT, BINARY, IMAGE)


def detect_format(path: str, size: int, stream: BinaryIO, limits: Limits | None = None) -> str:
    """Return a format id for the file; reads HEAD_BYTES plus a zip's directory, and for text or
    unknown binary content as much as a pickle walk from byte 0 takes to succeed or fail."""
    if size == 0:
        return EMPTY
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    fmt = detect_from_head(head, path, size)
    if fmt == ZIP:
        fmt = _zip_kind(stream)
    elif fmt in _PROBED and head[:1] and head[0] in OPCODES:
        from .pickle.probe import could_be_pickle  # imported late: most files never need it

        if could_be_pickle(stream, size, *([limits] if limits is not None else [])):
            fmt = PICKLE
    if fmt == BINARY:
        fmt = _binary_kind(path, size, stream)
    return fmt


#: TensorFlow checkpoint shards: raw tensor bytes that only the matching `.index` file describes
_TF_SHARD = re.compile(r"(?:^|/)[^/]*\.data-\d{5}-of-\d{5}$")
_TF_TABLE_MAGIC = struct.pack("<Q", 0xDB4775248B80FB57)  # leveldb/TF table footer


def _binary_kind(path: str, size: int, stream: BinaryIO) -> str:
    """What binary content no magic number claimed (and a pickle walk refused) can still be
    recognised as: protobuf, TensorFlow checkpoint tables and shards, msgpack."""
    if is_protobuf(stream, size):
        return PROTOBUF
    lower = path.lower()
    if lower.endswith(".index") and size >= 48:
        stream.seek(size - 8)
        if stream.read(8) == _TF_TABLE_MAGIC:
            return TF_INDEX
    if _TF_SHARD.search(lower):
        return TF_VARIABLES
    if lower.endswith(".msgpack"):
        from .msgpack import is_msgpack  # imported late: most files never need it

        if is_msgpack(stream, size):
            return MSGPACK
    return BINARY


def is_protobuf(stream: BinaryIO, size: int) -> bool:
    """The whole file is one protobuf message at its top level (sentencepiece `tokenizer.model`,
    TensorFlow graphs): every field a valid tag with a known wire type, every length inside the
    file, the last field ending exactly at the end. Parsing it runs nothing. Checked only after
    the pickle walk said no, so a pickle can never pass as protobuf."""
    if size > MAX_PROTOBUF_CHECK:
        return False
    stream.seek(0)
    data = stream.read(size)
    pos, end, fields = 0, len(data), 0
    while pos < end:
        tag, pos = _varint(data, pos)
        if tag is None or tag >> 3 == 0:
            return False
        wire = tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            if value is None:
                return False
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            length, pos = _varint(data, pos)
            if length is None:
                return False
            pos += length
        else:
            return False  # groups (3, 4) are obsolete; 6 and 7 do not exist
        if pos > end:
            return False
        fields += 1
    return fields > 0


def _varint(data: bytes, pos: int) -> tuple[int | None, int]:
    value = shift = 0
    while pos < len(data) and shift < 64:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
    return None, pos


def detect_from_head(head: bytes, path: str, size: int) -> str:
    lower = path.lower()
    if not head:
        return EMPTY
    if head.startswith(b"GGUF"):
        return GGUF
    if head.startswith(b"\x93NUMPY"):
        return NPY
    if head.startswith(_HDF5_MAGIC):
        return HDF5
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if head.startswith(b"\x1f\x8b"):
        return GZIP
    if head.startswith(b"BZh") and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
        return BZIP2
    if head.startswith(b"\xfd7zXZ\x00"):
        return XZ
    if head.startswith(_SEVEN_ZIP_MAGIC):
        return SEVEN_ZIP
    if _looks_zlib(head):
        return ZLIB
    if _looks_native(head):
        return NATIVE
    if _looks_pyc(head):
        return PYC
    if len(head) > 262 and head[257:262] == b"ustar":
        return TAR
    if head.startswith(_PNG_MAGIC) or head.startswith((b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
        return IMAGE
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return IMAGE
    if head.startswith(b"%PDF-"):
        return PDF
    if _looks_safetensors(head, size):
        return SAFETENSORS
    if _looks_pickle(head):
        return TORCH_LEGACY if head[2:14] == _TORCH_LEGACY_MAGIC else PICKLE
    if lower.endswith(".onnx") and head[:1] == b"\x08":
        return ONNX
    if lower.rsplit("/", 1)[-1] == "saved_model.pb" and head[:1] in (b"\x08", b"\x12"):
        return SAVEDMODEL
    if _looks_text(head, cut=size > len(head)):
        stripped = head.lstrip()
        if stripped.startswith((b"{", b"[")) and lower.endswith((".json", ".jsonl")):
            return JSON
        return TEXT
    return BINARY


def _looks_zlib(head: bytes) -> bool:
    """A bare zlib stream (joblib's `zlib` compressor): the two-byte header, and the start
    inflates (text such as `x^2` has the header bytes but not a valid deflate block)."""
    if len(head) < 3 or head[0] != 0x78 or (head[0] << 8 | head[1]) % 31:
        return False
    if _looks_text(head, cut=True):  # compressed bytes are never mostly printable
        return False
    try:
        zlib.decompressobj().decompress(head, 1 << 16)
    except zlib.error:
        return False
    return True


_MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")


def _looks_native(head: bytes) -> bool:
    """ELF, PE (a DOS stub whose e_lfanew points at the PE signature), Mach-O or fat Mach-O."""
    if head.startswith((b"\x7fELF", *_MACHO)):
        return True
    if head.startswith(b"\xca\xfe\xba\xbe") and len(head) >= 8:
        return 0 < int.from_bytes(head[4:8], "big") < 32  # a Java class has its version here
    if head.startswith(b"MZ") and len(head) >= 64:
        at = struct.unpack("<I", head[60:64])[0]
        return head[at : at + 4] == b"PE\x00\x00"
    return False


def _looks_pyc(head: bytes) -> bool:
    """CPython 3 bytecode: a 2-byte magic number (3000 and up), CR LF, then flags."""
    return (
        len(head) >= 16 and head[2:4] == b"\r\n" and 3000 <= struct.unpack("<H", head[:2])[0] < 4000
    )


def _looks_safetensors(head: bytes, size: int) -> bool:
    """8-byte header length, then a JSON object. A length past the end of the file still counts
    when it is a plausible one (under 4 GiB: four zero high bytes, which text never has), so a
    truncated file is read, and reported, as the safetensors file it was."""
    if len(head) < 9:
        return False
    (n,) = struct.unpack("<Q", head[:8])
    return head[8:9] == b"{" and n >= 2 and (n <= size - 8 or n < 2**32)


def _looks_pickle(head: bytes) -> bool:
    # protocol 2+ starts with PROTO; binary protocol-1 files start with a container opcode
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return True
    starts = head[:1] in (b"(", b"}", b"]") or re.match(rb"c[\w.]+\n[\w.]+\n", head)
    return bool(starts) and not _looks_text(head)


def _looks_text(head: bytes, cut: bool = True) -> bool:
    """UTF-8 without NUL bytes; `cut` when the file goes on past the sample."""
    sample = head[:HEAD_BYTES]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        if not cut or exc.start < len(sample) - 4:
            return False
    return True


def _zip_kind(stream: BinaryIO) -> str:
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return ZIP  # damaged or truncated: the container reader says what could not be read
    if any(n.endswith("data.pkl") for n in names):
        return PYTORCH_ZIP
    if "config.json" in names and any(
        n.endswith(".weights.h5") or n == "metadata.json" for n in names
    ):
        return KERAS
    if names and all(n.endswith(".npy") for n in names):
        return NPZ
    return ZIP
