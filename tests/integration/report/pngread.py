#!/usr/bin/env python3
"""Reads an 8-bit RGB/RGBA PNG (what Chromium writes) with zlib alone: no PIL on the test hosts.

  pngread.py stats FILE                 prints width, height, distinct colours, non-white share
  pngread.py crop FILE OUT X Y W H      writes the region as a new PNG (to look at part of a page)
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"{path}: only 8-bit RGB/RGBA without interlace (depth {depth}, colour {colour})")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def pixels(png):
    width, _, channels, rows = png
    for row in rows:
        for x in range(width):
            yield row[x * channels:x * channels + 3]


def stats(png):
    colours, non_white, total = set(), 0, 0
    for p in pixels(png):
        total += 1
        colours.add(bytes(p))
        non_white += p != b"\xff\xff\xff"
    return len(colours), non_white / max(total, 1)


def write_png(path, width, height, rgb_rows):
    raw = b"".join(b"\x00" + r for r in rgb_rows)
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    png = read_png(sys.argv[2])
    if sys.argv[1] == "stats":
        colours, share = stats(png)
        print(f"{png[0]} {png[1]} {colours} {share:.4f}")
    elif sys.argv[1] == "crop":
        x, y, w, h = map(int, sys.argv[4:8])
        ch = png[2]
        rows = [bytes(b for px in range(x, x + w) for b in r[px * ch:px * ch + 3]) for r in png[3][y:y + h]]
        write_png(sys.argv[3], w, len(rows), rows)


if __name__ == "__main__":
    main()
