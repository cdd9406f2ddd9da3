#!/usr/bin/env python3
"""HNeRV-style size of a .nerv stream: the reference's Huffman bit count of the same quantized symbols.

The HNeRV reference (train_nerv_all.py, `huffman_coding=True`) puts the quantized symbols of every
weight tensor and of the embeddings into one list, builds one Huffman code over it (dahuffman,
which adds an end-of-file symbol of count 1) and reports

    total_bits = sum(count(s) * codelength(s)) + 16 * (number of min and scale statistics)

This script reads a .nerv file (docs/container-format.md, docs/tensor-coding.md), recovers the
quantized symbols of every tensor (bit-packed, rANS or predicted rANS payloads), and computes that figure, so the
same encode can be costed both ways: our file size (rANS + container) and the HNeRV baseline.
The optimal total for a set of counts does not depend on Huffman tie-breaking; only the EOF
symbol's share can move it, by at most a bit per distinct code length.

    python3 bench/nerv_huffman.py FILE.nerv     prints the figures as JSON
    python3 bench/nerv_huffman.py --selftest fuzz/corpus/container    checks the parser on real streams
"""
import heapq
import json
import math
import os
import struct
import sys


class Reader:
    def __init__(self, buf, pos=0, end=None):
        self.buf, self.pos, self.end = buf, pos, len(buf) if end is None else end

    def take(self, n):
        if self.pos + n > self.end:
            raise ValueError("truncated")
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def u(self, fmt):
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))[0]

    def varint(self):
        v, shift = 0, 0
        while True:
            b = self.u("B")
            v |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return v

    def string(self):
        return self.take(self.u("I")).decode("latin-1")


def skip_metadata(r):
    for _ in range(r.u("I")):
        r.string()
        t = r.u("B")
        if t in (1, 2):
            r.take(8)
        elif t == 3:
            r.string()
        elif t in (4, 5):
            r.take(8 * r.u("I"))
        else:
            raise ValueError(f"metadata type {t}")


def read_table(r):
    p = r.u("B")
    syms = []
    nxt = 0
    for _ in range(r.varint()):
        start = nxt + r.varint()
        length = r.varint() + 1
        syms.extend(range(start, start + length))
        nxt = start + length
    freqs = [r.varint() + 1 for _ in range(len(syms) - 1)]
    freqs.append((1 << p) - sum(freqs))
    slot_sym = []
    cum = []
    c = 0
    for s, f in zip(syms, freqs):
        cum.append(c)
        slot_sym.extend([len(cum) - 1] * f)
        c += f
    return {"p": p, "syms": syms, "freqs": freqs, "cum": cum, "slot": slot_sym}


def rans_decode(r, table, n, counts, predictions=None, alphabet=0):
    """predictions: symbol coding 2, the stream holds residuals (s - p) mod alphabet; counts s."""
    p, mask = table["p"], (1 << table["p"]) - 1
    syms, freqs, cum, slot = table["syms"], table["freqs"], table["cum"], table["slot"]
    x = r.u("I")
    buf, pos = r.buf, r.pos
    for j in range(n):
        i = slot[x & mask]
        s = syms[i] if predictions is None else (predictions[j] + syms[i]) % alphabet
        counts[s] = counts.get(s, 0) + 1
        x = freqs[i] * (x >> p) + (x & mask) - cum[i]
        while x < (1 << 23):
            x = (x << 8) | buf[pos]
            pos += 1
    if x != 1 << 23:  # the encoder's start state: a wrong parse or table shows up here
        raise ValueError("rANS stream did not end in the initial state")
    r.pos = pos


def unpack_values(r, n, w):
    data = r.take((n * w + 7) // 8)
    v = int.from_bytes(data, "little")
    mask = (1 << w) - 1
    return [(v >> (i * w)) & mask for i in range(n)]


def unpack(r, n, w, counts):
    for s in unpack_values(r, n, w):
        counts[s] = counts.get(s, 0) + 1


def read_header(r, shape):
    """Fields of tensor-coding §2.1 up to `symbol coding`; returns a dict (or None for raw)."""
    n = math.prod(shape) if shape else 1
    coding = r.u("B")
    if coding == 0:
        return {"raw": True, "n": n}
    bits, flags, axis = r.u("B"), r.u("B"), r.u("B")
    if axis == 0xFF:
        r.take(8)
        stats = 2
    else:
        s = n // shape[axis]
        r.take(4 * s)
        stats = 2 * s
    alphabet = (1 << bits) + (flags & 1)
    coding = r.u("B")
    h = {"raw": False, "n": n, "stats": stats, "w": max(1, math.ceil(math.log2(alphabet))),
         "rans": coding in (1, 2), "alphabet": alphabet, "predictions": None}
    if coding == 2:  # predicted rANS (per-frame codec payloads): predictions, then the residuals' table
        h["predictions"] = unpack_values(r, n, h["w"])
    if h["rans"]:
        h["table"] = read_table(r)
    return h


def tensor_entry(r):
    name = r.take(r.u("I")).decode()
    shape = [r.u("q") for _ in range(r.u("B"))]
    size = r.u("Q")
    start = r.pos
    r.pos += size
    return name, shape, start, start + size


def hnerv_size(path, embedding_counts=None, predictions=None):
    """embedding_counts: a dict that also receives the counts of the per-frame symbols alone;
    predictions: a list that receives the predictions of every predicted per-frame codec."""
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:4] != b"NERV":
        raise ValueError(f"{path}: not a .nerv file")
    r = Reader(buf, 8)
    counts, stats, raw_bits, weights, embeds = {}, 0, 0, 0, 0
    codecs = []
    while r.pos < len(buf):
        tag, size = r.take(4), r.u("Q")
        body = Reader(buf, r.pos, r.pos + size)
        if tag == b"NVSG":
            body.take(12)
            skip_metadata(body)
            for _ in range(body.u("I")):
                _, shape, start, end = tensor_entry(body)
                t = Reader(buf, start, end)
                h = read_header(t, shape)
                weights += h["n"]
                if h["raw"]:
                    raw_bits += 32 * h["n"]
                    continue
                stats += h["stats"]
                if h["rans"]:
                    rans_decode(t, h["table"], h["n"], counts)
                else:
                    unpack(t, h["n"], h["w"], counts)
                if t.pos != end:
                    raise ValueError("tensor payload not consumed exactly")
            codecs = []
            for _ in range(body.u("I")):
                _, shape, start, end = tensor_entry(body)
                h = read_header(Reader(buf, start, end), shape)
                if not h["raw"]:
                    stats += h["stats"]
                if predictions is not None and h.get("predictions"):
                    predictions.extend(h["predictions"])
                codecs.append(h)
        elif tag == b"NVFR":
            body.take(12)
            for h in codecs[:body.u("I")]:
                n = body.u("Q")
                t = Reader(buf, body.pos, body.pos + n)
                body.pos += n
                embeds += h["n"]
                frame_counts = {}
                if h["raw"]:
                    raw_bits += 32 * h["n"]
                elif h["rans"]:
                    rans_decode(t, h["table"], h["n"], frame_counts, h["predictions"], h["alphabet"])
                else:
                    unpack(t, h["n"], h["w"], frame_counts)
                for target in (counts, embedding_counts if embedding_counts is not None else {}):
                    for sym, c in frame_counts.items():
                        target[sym] = target.get(sym, 0) + c
        r.pos += size + 4  # payload + CRC
    huff = huffman_bits(counts)
    total = huff + 16 * stats + raw_bits
    return {"file_bytes": len(buf), "weights": weights, "embedding_values": embeds,
            "symbols": sum(counts.values()), "huffman_bits": huff, "stats": stats, "raw_bits": raw_bits,
            "total_bits": total, "total_bytes": total / 8.0}


def huffman_bits(counts):
    """Bits of the optimal prefix code for `counts`, built with an extra EOF symbol of count 1."""
    eof = object()
    heap = [(c, i, [s]) for i, (s, c) in enumerate(counts.items())] + [(1, len(counts), [eof])]
    heapq.heapify(heap)
    depth = {s: 0 for s in counts}
    depth[eof] = 0
    tick = len(heap)
    while len(heap) > 1:
        c1, _, a = heapq.heappop(heap)
        c2, _, b = heapq.heappop(heap)
        for s in a + b:
            depth[s] += 1
        heapq.heappush(heap, (c1 + c2, tick, a + b))
        tick += 1
    return sum(c * depth[s] for s, c in counts.items())


def selftest(corpus):
    """Every stream of the fuzz corpus parses (each rANS stream must end in its start state) with
    one symbol per quantized value; the still clip's embeddings (the same every frame, so coded
    as residuals from their predictions) count as its frames times the predicted symbols."""
    import collections
    import glob
    ok = True
    for path in sorted(glob.glob(os.path.join(corpus, "*.nerv"))):
        emb, predicted = {}, []
        h = hnerv_size(path, emb, predicted)
        good = h["symbols"] == h["weights"] + h["embedding_values"] - h["raw_bits"] // 32
        if path.endswith("hnerv-still.nerv"):
            frames = h["embedding_values"] // max(1, len(predicted))
            want = {s: c * frames for s, c in collections.Counter(predicted).items()}
            good &= bool(predicted) and emb == want
        ok &= good
        print(f"{os.path.basename(path):24} {h['symbols']:7} symbols {h['total_bytes']:10.1f} B  {'ok' if good else 'FAIL'}")
    return ok


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--selftest":
        sys.exit(0 if selftest(sys.argv[2]) else 1)
    if len(sys.argv) != 2:
        print(__doc__.strip())
        sys.exit(2)
    print(json.dumps(hnerv_size(sys.argv[1]), indent=1))
