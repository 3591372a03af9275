"""Audio files of audio questions: the type is read from the first bytes (never from the name
or the declared type), the file is stored as sent. Pure functions: no database."""

from __future__ import annotations

from pathlib import Path

# Media type -> the extension of the stored file (and of its URL).
EXTENSIONS = {
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/ogg": "ogg",
    "audio/webm": "weba",
    "audio/wav": "wav",
}
HEADER_BYTES = 64


class NotAudio(ValueError):
    """The bytes are none of the accepted audio formats."""


def sniff(header: bytes) -> str | None:
    """The media type of an audio file from its first bytes, or None."""
    if header.startswith(b"ID3"):
        return "audio/mpeg"  # MP3 with an ID3v2 tag
    if len(header) >= 2 and header[0] == 0xFF:
        if header[1] & 0xF6 == 0xF0:
            return "audio/aac"  # ADTS frame (layer bits 00)
        if header[1] & 0xE0 == 0xE0 and header[1] & 0x06:
            return "audio/mpeg"  # MPEG audio frame (layer I, II or III)
    if header[4:8] == b"ftyp":
        return "audio/mp4"  # ISO base media (M4A, what phones record)
    if header.startswith(b"OggS"):
        return "audio/ogg"
    if header.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in header:
        return "audio/webm"  # EBML document of type webm (browsers' MediaRecorder)
    if header.startswith(b"RIFF") and header[8:12] == b"WAVE":
        return "audio/wav"
    return None


def audio_type(path: Path) -> str:
    """The media type of the audio file at ``path``; NotAudio when it is not one."""
    with path.open("rb") as file:
        header = file.read(HEADER_BYTES)
    found = sniff(header)
    if found is None:
        raise NotAudio(header[:8].hex())
    return found
