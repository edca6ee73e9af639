"""The pickle opcode VM and what is built on it; nothing here unpickles.

- opcodes: the opcode table; cursor: buffered reads; values: the symbolic values the VM builds;
- handlers + walker: the VM (a fast loop and checked per-opcode handlers), giving a Walk;
- probe: whether unrecognised bytes walk as a pickle; reader: raw pickle, joblib, legacy torch;
- policy + classes: which globals are safe or dangerous; analyzers: the checks run over each walk,
  registered by name and isolated from each other; report: one file's walks as a ReaderResult.

Importing the package imports none of them (detect.py needs only the opcode table).
"""
