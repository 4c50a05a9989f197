"""An object's size from git's own headers, without decompressing the object: a loose
object's header, a pack entry's header or, for a delta, the size it makes (git's documented
pack and index formats, version 2). Used to find large files anywhere in a history."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def read_pack_index(path: Path) -> dict[str, int] | None:
    """sha -> offset from a version 2 pack index (git's documented format)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:4] != b"\xfftOc" or struct.unpack(">I", data[4:8])[0] != 2:
        return None
    count = struct.unpack(">I", data[8 + 255 * 4 : 8 + 256 * 4])[0]
    shas_at = 8 + 256 * 4
    offsets_at = shas_at + 24 * count  # 20-byte names, then 4-byte CRCs
    large_at = offsets_at + 4 * count
    found = {}
    for i in range(count):
        sha = data[shas_at + 20 * i : shas_at + 20 * (i + 1)].hex()
        (offset,) = struct.unpack(">I", data[offsets_at + 4 * i : offsets_at + 4 * (i + 1)])
        if offset & 0x80000000:
            slot = large_at + 8 * (offset & 0x7FFFFFFF)
            (offset,) = struct.unpack(">Q", data[slot : slot + 8])
        found[sha] = offset
    return found


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        shift += 7
        at += 1
        if not byte & 0x80:
            return value, at


def loose_size(path: Path) -> int | None:
    try:
        with path.open("rb") as handle:
            head = zlib.decompressobj().decompress(handle.read(256), 64)
        return int(head.split(b"\x00", 1)[0].split(b" ", 1)[1])
    except (OSError, ValueError, IndexError, zlib.error):
        return None


def packed_size(pack: Path, offset: int) -> int | None:
    """The size of the object at ``offset``; for a delta, the size of the object it makes."""
    try:
        with pack.open("rb") as handle:
            handle.seek(offset)
            data = handle.read(512)
        byte = data[0]
        kind = (byte >> 4) & 7
        size = byte & 0x0F
        shift, at = 4, 1
        while byte & 0x80:
            byte = data[at]
            size |= (byte & 0x7F) << shift
            shift += 7
            at += 1
        if kind in (1, 2, 3, 4):  # commit, tree, blob, tag: the header holds the size
            return size
        if kind == 6:  # offset delta: a variable-length offset precedes the data
            while data[at] & 0x80:
                at += 1
            at += 1
        elif kind == 7:  # reference delta: a 20-byte base name precedes the data
            at += 20
        else:
            return None
        delta = zlib.decompressobj().decompress(data[at:], 32)
        _, after_source = _varint(delta, 0)
        target, _ = _varint(delta, after_source)
        return target
    except (OSError, IndexError, zlib.error):
        return None
