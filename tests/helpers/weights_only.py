"""
torch.load(..., weights_only=True) as the installed PyTorch does it, for tests of files torchts writes.

PyTorch 1.13's restricted unpickler (torch/_weights_only_unpickler.py) has no BINFLOAT nor LONG4, so it
rejects every pickle holding a Python float (or an int beyond 2**2040), Python's own torch.save files
included; PyTorch >= 2.0 reads BINFLOAT. wo_audit() names what a file holds that the installed unpickler
rejects; wo_load_binfloat() runs that same restricted unpickler (its allow-lists and its REDUCE / BUILD /
APPEND checks) with only those two opcodes bridged, to show that nothing else in a file stands in the way.
"""
import io
import pickle
import pickletools
import struct
import types
import zipfile

import torch
import torch._weights_only_unpickler as _wo

# The opcodes the installed restricted unpickler implements: exactly the ones it imports from pickle.
WO_OPCODES = {n for n, v in vars(_wo).items() if n.isupper() and isinstance(v, bytes) and len(v) == 1}


def _pickle_bytes(path):
    z = zipfile.ZipFile(path)
    return z.read(next(n for n in z.namelist() if n.endswith('/data.pkl')))


def wo_audit(path):
    """What the file's data.pkl holds that the installed weights_only unpickler rejects: name -> count."""
    allowed, bad = _wo._get_allowed_globals(), {}
    for op, arg, _ in pickletools.genops(_pickle_bytes(path)):
        key = None
        if op.name == 'GLOBAL':
            qualname = arg.replace(' ', '.')
            key = None if qualname in allowed else 'GLOBAL ' + qualname
        elif op.name not in WO_OPCODES:
            key = op.name
        if key:
            bad[key] = bad.get(key, 0) + 1
    return bad


# No str a test saves starts with NUL + this.
_TAG = '\x00weights-only-bridge:'
_BRIDGED = ('BINFLOAT', 'LONG4')


def _bridge(data):
    """Each BINFLOAT / LONG4 becomes a BINUNICODE string naming its value (memo indices are unchanged)."""
    out, last = bytearray(), 0
    ops = list(pickletools.genops(data))
    for i, (op, arg, pos) in enumerate(ops):
        if op.name in _BRIDGED:
            s = (_TAG + op.name + ':' + repr(arg)).encode()
            out += data[last:pos] + pickle.BINUNICODE + struct.pack('<I', len(s)) + s
            last = ops[i + 1][2]
    return bytes(out + data[last:])


def _unbridge(o, seen):
    """The bridged strings back to float / int, in place (shared and cyclic containers stay so)."""
    if isinstance(o, str) and o.startswith(_TAG):
        kind, v = o[len(_TAG):].split(':', 1)
        return float(v) if kind == 'BINFLOAT' else int(v)
    if isinstance(o, tuple):
        return tuple(_unbridge(x, seen) for x in o)
    if id(o) in seen or not isinstance(o, (list, dict)):
        return o
    seen.add(id(o))
    if isinstance(o, list):
        o[:] = [_unbridge(x, seen) for x in o]
    else:
        items = [(_unbridge(k, seen), _unbridge(v, seen)) for k, v in o.items()]
        o.clear()
        o.update(items)
        if hasattr(o, '_metadata'):
            o._metadata = _unbridge(o._metadata, seen)
    return o


class _BridgedUnpickler(_wo.Unpickler):
    def __init__(self, file, **kw):
        super().__init__(io.BytesIO(_bridge(file.read())), **kw)


def wo_load_binfloat(path):
    """torch.load(path, weights_only=True) with BINFLOAT and LONG4 bridged through the installed unpickler.

    What torch.load(weights_only=True) runs, minus its error wrapping: torch.load itself cannot take this
    unpickler (1.13 replaces any pickle_module by pickle unless weights_only=True, which refuses one)."""
    module = types.SimpleNamespace(Unpickler=_BridgedUnpickler, __name__='weights_only_binfloat')
    with open(path, 'rb') as f, torch.serialization._open_zipfile_reader(f) as z:
        return _unbridge(torch.serialization._load(z, None, module, encoding='utf-8'), set())
