#!/usr/bin/env python3
"""Write small seed inputs for the fuzz targets into corpus/<target>/ (stdlib only)."""
import io
import os
import pickle
import struct
import zipfile
import collections

here = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


evil = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."
for proto in range(6):
    put("pickle", "dict_p%d" % proto, pickle.dumps({"a": [1, 2.5, "x", b"y"], "b": (None, True)}, protocol=proto))
put("pickle", "ordered_p2", pickle.dumps(collections.OrderedDict(w=[1, 2]), protocol=2))
put("pickle", "evil", evil)
put("pickle", "memo_mix", b"\x80\x04\x8c\x0bcollectionsq\x010\x8c\x02os\x940h\x01\x8c\x06system\x93.")
put("pickle", "ext", b"\x80\x02\x82\x01)R.")
put("pickle", "text0", b"cposix\nsystem\np0\n(S'id'\np1\ntp2\nRp3\n.")
put("scan", "evil", evil)
put("scan", "nested", b"\x80\x04C" + bytes([len(evil)]) + evil + b".")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    z.writestr("archive/data.pkl", evil)
    z.writestr("archive/data/0", b"\0" * 64)
put("zip", "torch", buf.getvalue())
put("scan", "torch", buf.getvalue())
npy_hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
npy_hdr += " " * (64 - (10 + len(npy_hdr) + 1) % 64) + "\n"
put("npy", "f4", b"\x01\x00" + struct.pack("<H", len(npy_hdr)) + npy_hdr.encode() + b"\0" * 8)
obj = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n"
put("npy", "obj", b"\x01\x00" + struct.pack("<H", len(obj)) + obj.encode() + evil)
hdr = b'{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}'
put("safetensors", "ok", struct.pack("<Q", len(hdr)) + hdr + b"\0" * 8)
kv = struct.pack("<Q", 23) + b"tokenizer.chat_template" + struct.pack("<I", 8) + struct.pack("<Q", 9) + b"{{ x }}ab"
tensor = struct.pack("<Q", 1) + b"t" + struct.pack("<I", 1) + struct.pack("<Q", 4) + struct.pack("<I", 0) + struct.pack("<Q", 0)
g = struct.pack("<IQQ", 3, 1, 1) + kv + tensor
g += b"\0" * ((32 - (len(g) + 4) % 32) % 32) + b"\0" * 16
put("gguf", "v3", g)
