"""A small, strict WebVTT reader: enough to tell editors whether a captions file will work.

It follows the WebVTT file structure (https://www.w3.org/TR/webvtt1/): the file starts with
"WEBVTT", blocks are separated by empty lines, and every cue has a timing line such as
"00:00:01.000 --> 00:00:04.000". NOTE, STYLE and REGION blocks are accepted and skipped.
"""

import re
from dataclasses import dataclass

MAX_BYTES = 1_000_000  # a captions file for an hour of speech is ~100 KB

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING_LINE = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$", re.ASCII)
_EXAMPLE = "00:00:01.000 --> 00:00:04.000"


class WebVTTError(ValueError):
    """The file is not valid WebVTT; the message says where and why, in editors' words."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def _seconds(hours, minutes, seconds, millis):
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _decode(data):
    if isinstance(data, str):
        return data
    if len(data) > MAX_BYTES:
        raise WebVTTError("The captions file is larger than 1 MB; is it really a WebVTT file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WebVTTError("The captions file must be UTF-8 text (save it as UTF-8).") from error


def _blocks(lines, first_line_number):
    """Yield (line number, lines) for each run of non-empty lines."""
    block, start = [], None
    for offset, line in enumerate(lines):
        if line.strip():
            if not block:
                start = first_line_number + offset
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def parse_webvtt(data):
    """Return the cues of a WebVTT file (bytes or str), or raise WebVTTError."""
    text = _decode(data).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    signature = lines[0]
    if not (signature == "WEBVTT" or signature.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise WebVTTError(
            'This is not a WebVTT captions file: the first line must be "WEBVTT". '
            "Export the captions as WebVTT (.vtt) from your captioning tool."
        )
    # The header runs from the signature to the first empty line and holds no cues.
    line_number = 2
    for line in lines[1:]:
        if not line.strip():
            break
        if "-->" in line:
            raise WebVTTError(
                f"Line {line_number}: leave an empty line between WEBVTT and the first caption."
            )
        line_number += 1

    cues, previous_start = [], 0.0
    for start_line, block in _blocks(lines[line_number - 1 :], line_number):
        first = block[0]
        if re.match(r"^(NOTE|STYLE|REGION)([ \t]|$)", first):
            continue
        if "-->" in first:
            timing, timing_line, body = first, start_line, block[1:]
        elif len(block) > 1 and "-->" in block[1]:
            timing, timing_line, body = block[1], start_line + 1, block[2:]
        else:
            raise WebVTTError(
                f"Line {start_line}: expected a caption timing such as {_EXAMPLE}, "
                f'found "{first[:60]}".'
            )
        match = _TIMING_LINE.match(timing.strip())
        if match is None:
            raise WebVTTError(
                f'Line {timing_line}: "{timing[:60]}" is not a valid caption timing; '
                f"write it as {_EXAMPLE} (hours optional, always three digits after the dot)."
            )
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        if end <= start:
            raise WebVTTError(f"Line {timing_line}: the caption ends before it starts.")
        if start < previous_start:
            raise WebVTTError(
                f"Line {timing_line}: captions must be in time order; this one starts before "
                "the previous caption."
            )
        if any("-->" in line for line in body):
            raise WebVTTError(
                f"Line {timing_line}: leave an empty line between one caption and the next."
            )
        previous_start = start
        cues.append(Cue(start=start, end=end, text="\n".join(body)))
    if not cues:
        raise WebVTTError("The captions file has no captions in it (no cue timings found).")
    return cues
