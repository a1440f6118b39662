# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Raw connections to an engine for the hijacked endpoints (attach, exec start).

Docker answers those requests with ``101 UPGRADED`` and then speaks raw bytes both ways. The
client side closes its *write* half when its stdin ends (the docker CLI does a TCP-level
CloseWrite, even under TLS) and keeps reading until the engine closes. asyncio's own TLS
transport cannot half-close, so TLS here runs over a plain TCP stream with ``ssl.MemoryBIO``:
``write_eof`` sends the TCP FIN exactly as the docker CLI does, and reading goes on.
Only public ``ssl``/``asyncio`` API is used.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Dict, List, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineError, EngineUnreachableError

READ_SIZE = 65536
MAX_HEAD = 65536


class RawStream:
    """A byte stream to an engine: ``read`` (b'' at end), ``write``, ``write_eof`` (half-close), ``close``."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.buffer = b""

    async def read(self, size: int = READ_SIZE) -> bytes:
        if self.buffer:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
            return data
        return await self.reader.read(size)

    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def write_eof(self) -> None:
        if self.writer.can_write_eof() and not self.writer.is_closing():
            self.writer.write_eof()

    def close(self) -> None:
        self.writer.close()

    def unread(self, data: bytes) -> None:
        self.buffer = data + self.buffer


class TLSRawStream(RawStream):
    """TLS over a plain TCP stream (memory BIOs), so the write half can be closed on its own."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, context: ssl.SSLContext,
                 server_hostname: Optional[str]) -> None:
        super().__init__(reader, writer)
        self.incoming = ssl.MemoryBIO()
        self.outgoing = ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_side=False, server_hostname=server_hostname)
        self.eof = False

    async def _flush(self) -> None:
        data = self.outgoing.read()
        if data:
            self.writer.write(data)
            await self.writer.drain()

    async def _fill(self) -> bool:
        data = await self.reader.read(READ_SIZE)
        if not data:
            self.incoming.write_eof()
            return False
        self.incoming.write(data)
        return True

    async def handshake(self) -> None:
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                await self._flush()
                if not await self._fill():
                    raise ConnectionResetError("the engine closed the connection during the TLS handshake") from None
        await self._flush()

    async def read(self, size: int = READ_SIZE) -> bytes:
        if self.buffer:
            return await super().read(size)
        while not self.eof:
            try:
                return self.tls.read(size)
            except ssl.SSLWantReadError:
                await self._flush()
                if not await self._fill():
                    continue  # the next read raises SSLEOFError or returns what is left
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                self.eof = True
        return b""

    async def write(self, data: bytes) -> None:
        self.tls.write(data)
        await self._flush()


def build_request(method: str, path: str, host: str, headers: Mapping[str, str], body: bytes) -> bytes:
    """An HTTP/1.1 request head (plus body) asking for the raw stream."""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % (host or "docker")]
    skip = {"host", "content-length", "connection", "upgrade", "transfer-encoding"}
    for name, value in headers.items():
        if name.lower() not in skip:
            lines.append("%s: %s" % (name, value))
    lines += ["Content-Length: %d" % len(body), "Connection: Upgrade", "Upgrade: tcp"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def parse_head(head: bytes) -> Tuple[int, str, List[Tuple[str, str]]]:
    """(status, reason, headers) of a response head."""
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        raise EngineError("The engine answered something that is not HTTP: %r" % lines[0][:100])
    headers = []
    for line in lines[1:]:
        if line:
            name, sep, value = line.partition(":")
            if sep:
                headers.append((name.strip(), value.strip()))
    return int(parts[1]), parts[2] if len(parts) > 2 else "", headers


async def read_head(stream: RawStream) -> Tuple[int, str, List[Tuple[str, str]]]:
    """Read the response head; bytes after it stay in the stream."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await stream.read()
        if not chunk:
            raise EngineUnreachableError("The engine closed the connection before answering.")
        data += chunk
        if len(data) > MAX_HEAD:
            raise EngineError("The engine's answer head is larger than %d bytes." % MAX_HEAD)
    head, rest = data.split(b"\r\n\r\n", 1)
    if rest:
        stream.unread(rest)
    return parse_head(head)


def header(headers: List[Tuple[str, str]], name: str) -> Optional[str]:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


async def open_raw(addr: str, context: Optional[ssl.SSLContext], timeout: float = 10.0) -> RawStream:
    """Connect to an engine (``host:port`` or ``unix:///path``), TLS when ``context`` is given."""
    try:
        if addr.startswith("unix://"):
            reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(addr[len("unix://"):]), timeout)
            return RawStream(reader, writer)
        host, _sep, port = addr.rpartition(":")
        host = host.strip("[]")
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), timeout)
        if context is None:
            return RawStream(reader, writer)
        stream = TLSRawStream(reader, writer, context, host if context.check_hostname else None)
        await asyncio.wait_for(stream.handshake(), timeout)
        return stream
    except asyncio.TimeoutError:
        raise EngineUnreachableError("Engine %s: no answer within %ss." % (addr, timeout), addr) from None


async def hijack(addr: str, context: Optional[ssl.SSLContext], method: str, path: str, headers: Dict[str, str],
                 body: bytes, timeout: float = 10.0) -> Tuple[RawStream, int, str, List[Tuple[str, str]]]:
    """Send a hijack request; return the stream (positioned after the head), status, reason and headers."""
    stream = await open_raw(addr, context, timeout)
    try:
        await stream.write(build_request(method, path, addr if not addr.startswith("unix://") else "docker", headers, body))
        status, reason, answer_headers = await asyncio.wait_for(read_head(stream), timeout)
    except BaseException:
        stream.close()
        raise
    return stream, status, reason, answer_headers
