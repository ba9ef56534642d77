#!/usr/bin/env python3
"""Draws docs/images/guarded-curves.svg from the event file samples/MnistSoftmaxLoss/Guarded writes.

Standard library only: reads the TFRecord framing (checksums not checked here; the tests check them) and the few
protobuf fields of TensorBoard's Event it needs (step, and each summary value's tag and simple_value).
Run: dotnet run --project samples/MnistSoftmaxLoss/Guarded && python3 docs/images/guarded-curves.py
"""
import glob
import math
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FOLDER = os.path.join(ROOT, "artifacts", "tensorboard", "MnistSoftmaxLoss.Guarded")
OUT = os.path.join(ROOT, "docs", "images", "guarded-curves.svg")


def varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def fields(data):
    """(field number, wire type, value) of a protobuf message; length-delimited values as bytes."""
    at = 0
    while at < len(data):
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = varint(data, at)
        elif wire == 1:
            value, at = data[at:at + 8], at + 8
        elif wire == 2:
            length, at = varint(data, at)
            value, at = data[at:at + length], at + length
        elif wire == 5:
            value, at = data[at:at + 4], at + 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        yield number, wire, value


def scalars(path):
    """{tag: [(step, value)]} from Event.step (2) and Event.summary (5) -> Summary.value (1) -> tag (1), simple_value (2)."""
    series = {}
    with open(path, "rb") as f:
        data = f.read()
    at = 0
    while at < len(data):
        (length,) = struct.unpack_from("<Q", data, at)
        record = data[at + 12:at + 12 + length]
        at += 12 + length + 4
        step, summary = 0, None
        for number, _, value in fields(record):
            if number == 2:
                step = value
            elif number == 5:
                summary = value
        if summary is None:
            continue
        for number, _, value in fields(summary):
            if number != 1:
                continue
            tag, simple = None, None
            for n, _, v in fields(value):
                if n == 1:
                    tag = v.decode("utf-8")
                elif n == 2:
                    (simple,) = struct.unpack("<f", v)
            if tag is not None and simple is not None:
                series.setdefault(tag, []).append((step, simple))
    return series


def panel(out, top, height, width, left, title, points, steps, incidents, log_scale, colour, step_line=False):
    finite = [(s, v) for s, v in points if math.isfinite(v) and (v > 0 or not log_scale)]
    values = [math.log10(v) if log_scale else v for _, v in finite]
    low, high = min(values), max(values)
    if high == low:
        high = low + 1
    pad = (high - low) * 0.05
    low, high = low - pad, high + pad

    def x(step):
        return left + (step - 1) / (steps - 1) * width

    def y(value):
        return top + height - (value - low) / (high - low) * height

    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>' % (left, top, width, height))
    out.append('<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>' % (left, top - 6, title))
    for step in incidents:
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#d62728" stroke-width="0.8" opacity="0.55"/>' % (x(step), top, x(step), top + height))
    path, last = [], None
    for (step, _), value in zip(finite, values):
        if step_line and last is not None:
            path.append("L%.1f,%.1f" % (x(step), y(last)))
        path.append(("M" if not path else "L") + "%.1f,%.1f" % (x(step), y(value)))
        last = value
    out.append('<path d="%s" fill="none" stroke="%s" stroke-width="1"/>' % (" ".join(path), colour))
    for fraction in (0, 0.5, 1):
        value = low + pad + fraction * (high - low - 2 * pad)
        label = ("%.3g" % (10 ** value)) if log_scale else ("%.3g" % value)
        out.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end">%s</text>' % (left - 4, y(value) + 4, label))


def main():
    files = glob.glob(os.path.join(FOLDER, "events.out.tfevents.*"))
    if len(files) != 1:
        sys.exit("expected one event file in %s, found %d: run the Guarded sample first" % (FOLDER, len(files)))
    series = scalars(files[0])
    steps = max(s for s, _ in series["nanguard/loss"])
    incidents = [s for s, v in series["nanguard/incident"] if v == 1]
    width, left, height = 900, 60, 150
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif">' % (left + width + 20, 3 * (height + 40) + 40),
           '<rect width="100%" height="100%" fill="white"/>']
    panel(out, 30, height, width, left, "nanguard/loss (log scale; red: the %d incidents, each a rollback)" % len(incidents),
          series["nanguard/loss"], steps, incidents, True, "#1f77b4")
    panel(out, 30 + height + 40, height, width, left, "nanguard/grad_norm before clipping (log scale; NaN at each incident, not drawn)",
          series["nanguard/grad_norm"], steps, incidents, True, "#2ca02c")
    panel(out, 30 + 2 * (height + 40), height, width, left, "nanguard/rollbacks (running count)",
          series["nanguard/rollbacks"], steps, incidents, False, "#9467bd", step_line=True)
    out.append('<text x="%d" y="%d" font-size="12" text-anchor="middle">step (94 a epoch, 25 epochs)</text>' % (left + width / 2, 3 * (height + 40) + 30))
    out.append("</svg>")
    with open(OUT, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s from %s (%d steps, %d incidents)" % (OUT, files[0], steps, len(incidents)))


main()
