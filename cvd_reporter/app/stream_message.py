"""Write one report e-mail to a file without holding it in memory (issue 16).

Evidence files are read in chunks, base64-encoded into the inner MIME entity as they go,
compressed, encrypted and armored (core/pgp/stream*.py) straight into a temporary 0600 file, with
the RFC 3156 skeleton written around the armor. The caller renames the file into place (the
outbox, or --output) once it is complete, so a half-written message is never mistaken for one.

Measured per stage (``timings``: build, compress+encrypt, armor, write) for bench/; the stages only
add up with THREADED off (with it on, compression overlaps with building).
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvd_reporter.app.reportfile import MAX_EVIDENCE_BYTES
from cvd_reporter.app.userfiles import UnsafeFile, read_again
from cvd_reporter.core.pgp import encrypt as pgp_encrypt
from cvd_reporter.core.pgp.keys import inspect, require_usable
from cvd_reporter.core.pgp.stream import EncryptStream, choose_compression, choose_strategy
from cvd_reporter.core.pgp.stream_armor import ArmorStream
from cvd_reporter.core.pgp.stream_mime import READ_BYTES, StreamAttachment, inner_chunks, plan_message
from cvd_reporter.errors import InputFileError
from cvd_reporter.store.fs import private_dir, write_private

# Deflate, encryption, armor and writing run in a second thread (core/pgp/stream._Deflate) while this
# one reads and encodes the evidence. bench/ turns it off to time the stages one after another.
THREADED = True
Meter = Callable[[int, int], None]  # (bytes of evidence read so far, all of it): a progress bar


@dataclass
class Written:
    path: Path | None  # None when the message went nowhere (a dry run without --output)
    size: int
    plaintext_sha256: str
    message_sha256: str
    timings: dict[str, float] = field(default_factory=dict)


class _Sink:
    """The message file (or nothing), with the size and SHA-256 of what went in."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.hash = hashlib.sha256()
        self.size = 0
        self.seconds = 0.0

    def write(self, data: bytes) -> None:
        t = time.perf_counter()
        self.hash.update(data)
        self.size += len(data)
        if self.fh is not None:
            self.fh.write(data)
        self.seconds += time.perf_counter() - t


class _Timed:
    """Wraps a ``write``: the seconds spent inside it, callees included."""

    def __init__(self, write: Callable[[bytes], Any]) -> None:
        self._write = write
        self.seconds = 0.0

    def __call__(self, data: bytes) -> None:
        t = time.perf_counter()
        self._write(data)
        self.seconds += time.perf_counter() - t


def _reader(files: list[Any], meter: Meter | None) -> Callable[[int], Iterator[bytes]]:
    """``read(i)``: evidence file ``i`` (an app/userfiles.UserFile) again, in pieces, under the same
    rules as when it was checked; an error when it is no longer the file that was listed."""

    done = [0]
    total = sum(f.size for f in files)

    def read(i: int) -> Iterator[bytes]:
        try:
            for chunk in read_again(files[i], max_bytes=MAX_EVIDENCE_BYTES, piece=READ_BYTES):
                done[0] += len(chunk)
                if meter is not None:
                    meter(done[0], total)
                yield chunk
        except UnsafeFile as e:
            raise InputFileError(f"The evidence file {files[i].given} {e.reason}; nothing was sent. Run the "
                                 "command again.", code="evidence_changed") from None
        except OSError as e:
            raise InputFileError.t("app.stream.evidence_unreadable", file=files[i].given, reason=e.strerror) from None

    return read


def write_message(plan: Any, *, files: list[Any], folder: Path | None, target: Any = None,
                  compression: int = 0, strategy: int = 0, now: Any = None, meter: Meter | None = None) -> Written:
    """Write the message of ``plan`` (core/pgp/stream_mime.MessagePlan) into a new temporary 0600 file
    in ``folder`` (no file at all when ``folder`` is None: only size and hashes), encrypted to
    ``target`` (a pgpy key or subkey; None for the user's explicit --allow-plaintext)."""

    return write_stream(inner_chunks(plan, _reader(files, meter)), head=plan.outer_head,
                        tail=plan.outer_tail, folder=folder, target=target, compression=compression,
                        strategy=strategy, now=now, eol=b"\r\n")


def write_stream(chunks: Iterator[bytes], *, head: bytes, tail: bytes, folder: Path | None, target: Any,
                 compression: int, strategy: int, now: Any, eol: bytes) -> Written:
    """``head``, the plaintext ``chunks`` encrypted and armored (lines ending in ``eol``), ``tail``."""
    fh = None
    tmp: str | None = None
    if folder is not None:
        import tempfile  # noqa: PLC0415 - only when a file is written


        private_dir(folder, tighten=False)  # the outbox tightens its own folder when it takes the file
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".message-", suffix=".tmp")  # 0600 (mkstemp's mode)
        fh = os.fdopen(fd, "wb", buffering=1 << 20)
    sink = _Sink(fh)
    enc: Any = None
    plain = hashlib.sha256()
    build = enc_seconds = armor_seconds = 0.0
    try:
        sink.write(head)
        armor = armored = None
        if target is not None:

            armor = ArmorStream(sink.write, eol=eol)
            armored = _Timed(armor.write)
            enc = EncryptStream(armored, target, now=now, compression=compression, strategy=strategy,
                                threaded=THREADED)
        timed_enc = _Timed(enc.write if enc is not None else sink.write)
        while True:
            t = time.perf_counter()
            chunk = next(chunks, None)
            if chunk is not None:
                plain.update(chunk)
            build += time.perf_counter() - t
            if chunk is None:
                break
            timed_enc(chunk)
        if enc is not None and armor is not None and armored is not None:
            closing = _Timed(lambda _data: enc.close())
            closing(b"")
            t = time.perf_counter()
            armor.close()
            enc_seconds = timed_enc.seconds + closing.seconds - armored.seconds
            armor_seconds = armored.seconds + time.perf_counter() - t
        sink.write(tail)
        if fh is not None:
            t = time.perf_counter()
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
            sink.seconds += time.perf_counter() - t
    except BaseException:
        if enc is not None:
            enc.abort()
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise
    timings = {"build": build, "compress+encrypt": enc_seconds,
               "armor": max(0.0, armor_seconds - sink.seconds) if target is not None else 0.0,
               "write": sink.seconds}
    return Written(Path(tmp) if tmp else None, sink.size, plain.hexdigest(), sink.hash.hexdigest(), timings)


def compression_for(key: Any) -> int:
    """The compression the recipient's key asks for (its primary User ID's preferences)."""


    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        uids = [u for u in key.userids if u.selfsig is not None]
        primary = next((u for u in uids if u.is_primary), uids[0] if uids else None)
        prefs = primary.selfsig.compprefs if primary is not None else None
    return choose_compression([int(p) for p in prefs] if prefs else None)


def encryption_target(cert: Any, now: Any, judged: Any = None) -> Any:
    """The key or subkey core/pgp/keys.py's checks chose (the newest valid one, as gpg picks).
    ``judged`` is keys.judge's answer when the caller has it (the key is then not judged again)."""

    verdict = judged[0] if judged is not None else inspect(cert, now=now)
    require_usable(verdict)
    fpr = verdict.encryption_subkey or ""
    if fpr == cert.fingerprint:
        return cert.key
    return cert.key.subkeys[fpr[-16:]]


def evidence_files(evidence: list[Any]) -> list[Any]:
    """The checked files (app/userfiles.UserFile) behind the evidence entries."""
    files = [e.file for e in evidence]
    if any(f is None for f in files):
        raise InputFileError.t("app.stream.evidence_failed")
    return files


def check_size(plaintext: int) -> None:
    """The cap core/pgp/encrypt.py sets for a message, measured before anything is written."""
    cap = pgp_encrypt.MAX_MESSAGE_BYTES  # read at call time: one cap, wherever it is set
    if plaintext > cap:
        raise InputFileError.t("app.stream.too_large", code="too_large", size=f"{plaintext:,}",
                               mib=cap // (1024 * 1024))


def crypto_for(cert: Any, now: Any, files: list[Any], judged: Any = None) -> dict[str, Any]:
    """Recipient key or subkey, compression and zlib strategy for one message (None: plaintext)."""
    if cert is None:
        return {"target": None, "compression": 0, "strategy": 0}
    return {"target": encryption_target(cert, now, judged), "compression": compression_for(cert.key),
            "strategy": _strategy(files)}


def build_mail(*, report_text: str, subject: str, sender: str, recipient: str, message_id: str, now: Any,
               evidence: list[Any], reporter_key: str | None, lang: str, report_id: str, cert: Any,
               folder: Path | None, meter: Meter | None = None, judged: Any = None,
               required_subject: str | None = None) -> Written:
    """The report e-mail (RFC 3156 around the encrypted inner entity, or the bare inner entity for the
    user's explicit --allow-plaintext when ``cert`` is None), streamed into ``folder``."""

    files = evidence_files(evidence)
    attachments = [StreamAttachment(Path(e.path).name, evidence_media_type(e), f.size)
                   for e, f in zip(evidence, files, strict=False)]
    plan = plan_message(report_text=report_text, subject=subject, from_addr=sender, to_addr=recipient,
                        message_id=message_id, date=now, attachments=attachments, reporter_key=reporter_key,
                        lang=lang, report_id=report_id, encrypted=cert is not None,
                        required_subject=required_subject)
    check_size(plan.inner_size)
    return write_message(plan, files=files, folder=folder, now=now, meter=meter, **crypto_for(cert, now, files, judged))


def _strategy(files: list[Any]) -> int:
    """zlib's strategy from the first 64 KiB of each evidence file (core/pgp/stream.choose_strategy)."""

    return choose_strategy([(f.content[:65536], f.size) for f in files])


def media_type(name: str, content: bytes) -> str:
    """By extension, except that bytes which are not UTF-8 text never travel as text/* (a mail
    client would re-encode them); they go as application/octet-stream, byte for byte."""

    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if guessed.startswith("text/"):
        try:
            if b"\x00" in content:
                raise UnicodeDecodeError("utf-8", content, 0, 1, "NUL")
            content.decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
    return guessed


def read_attachments(evidence: list[Any]) -> list[tuple[str, bytes, str]]:
    """Evidence in memory, for the paths that do not stream (a one-pass signature, a plaintext API
    body), read again under the same rules and checked against what was listed."""
    read = _reader(evidence_files(evidence), None)
    out = []
    for i, e in enumerate(evidence):
        content = b"".join(read(i))
        out.append((Path(e.path).name, content, media_type(Path(e.path).name, content)))
    return out


def evidence_media_type(e: Any) -> str:
    """As media_type, from what reading the evidence found: text/* only for NUL-free UTF-8."""
    sample = b"\x00" if e.text is None or "\x00" in e.text else b""
    return media_type(Path(e.path).name, sample)


def discard(written: Written | None) -> None:
    """Remove a streamed file that nobody took (not confirmed, a failure); gone already when kept."""
    if written is not None and written.path is not None:
        with contextlib.suppress(OSError):
            written.path.unlink()


def write_output(output: Path, written: Written | None, message: bytes) -> None:
    """--output of a dry run: the streamed file renamed onto it (it was written beside it), or the
    bytes of a message built in memory, 0600 either way."""
    if written is not None and written.path is not None:
        written.path.replace(output)
    else:

        write_private(output, message, user_path=True)
