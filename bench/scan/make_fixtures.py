#!/usr/bin/env python3
"""Generate the scan benchmark fixtures with the Python standard library only.

Usage: make_fixtures.py OUTDIR

  op_heavy.pkl    ~40 MB benign pickle, ~8 M opcodes (small dicts)
  byte_heavy.pkl  ~250 MB benign pickle, 60 x 4 MiB bytes payloads
  torch_zip.pt    ~130 MB PyTorch-style zip: archive/data.pkl + 16 x 8 MiB STORED storages
  malicious.pkl   os.system via STACK_GLOBAL + REDUCE
  sparse_10g.pkl  10 GiB sparse pickle: one BINBYTES8 payload (peak-memory check)
  manifest_dir/   4 x 256 MiB files for manifest hashing
"""
import collections
import os
import pickle
import struct
import sys
import types
import zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)


def path(name):
    return os.path.join(out, name)


def op_heavy():
    rows = [
        {"id": i, "name": "row%d" % i, "score": i * 0.5, "tags": ["a", "b"], "ok": i % 2 == 0,
         "parent": i // 2, "weight": float(i), "label": i % 10}
        for i in range(560_000)
    ]
    with open(path("op_heavy.pkl"), "wb") as f:
        pickle.dump(rows, f, protocol=4)


def byte_heavy():
    chunk = os.urandom(1 << 20) * 4
    with open(path("byte_heavy.pkl"), "wb") as f:
        pickle.dump([chunk] * 1 + [bytes(reversed(chunk))] + [chunk[i:] + chunk[:i] for i in range(1, 59)], f, protocol=4)


# A fake `torch` so pickle writes the same globals and persistent ids as torch.save.
torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils


class FloatStorage:
    pass


FloatStorage.__module__ = "torch"
torch.FloatStorage = FloatStorage


def _rebuild_tensor_v2(*args):
    pass


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2


class Storage:
    def __init__(self, key, numel):
        self.key, self.numel = key, numel


class Tensor:
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape

    def __reduce__(self):
        stride = (self.shape[1], 1)
        return (_rebuild_tensor_v2, (self.storage, 0, self.shape, stride, False, collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", obj.numel)
        return None


def torch_zip():
    import io
    state = collections.OrderedDict()
    blob = 8 << 20
    for i in range(16):
        state["layer%d.weight" % i] = Tensor(Storage(str(i), blob // 4), (1024, blob // 4 // 1024))
    buf = io.BytesIO()
    TorchPickler(buf, protocol=2).dump(state)
    with zipfile.ZipFile(path("torch_zip.pt"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", buf.getvalue())
        z.writestr("archive/byteorder", "little")
        for i in range(16):
            z.writestr("archive/data/%d" % i, os.urandom(1 << 20) * 8)
        z.writestr("archive/version", "3\n")
        z.writestr("archive/.data/serialization_id", "0123456789")


def malicious():
    data = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."
    with open(path("malicious.pkl"), "wb") as f:
        f.write(data)


def sparse():
    n = 10 << 30
    with open(path("sparse_10g.pkl"), "wb") as f:
        f.write(b"\x80\x04\x8e" + struct.pack("<Q", n))
        f.seek(n, os.SEEK_CUR)
        f.write(b".")


def manifest_dir():
    d = path("manifest_dir")
    os.makedirs(d, exist_ok=True)
    block = os.urandom(1 << 20)
    for i in range(4):
        with open(os.path.join(d, "shard-%d.bin" % i), "wb") as f:
            for _ in range(256):
                f.write(block)


for step in (op_heavy, byte_heavy, torch_zip, malicious, sparse, manifest_dir):
    step()
for name in sorted(os.listdir(out)):
    p = path(name)
    if os.path.isfile(p):
        print("%-16s %12d bytes" % (name, os.path.getsize(p)))
