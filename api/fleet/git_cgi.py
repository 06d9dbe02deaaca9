"""One run of `git http-backend` as a CGI: the request body streams into its stdin while its stdout
streams back, and afterwards neither it nor the git processes it started are left behind.

The backend prints its CGI headers before it reads the body, and may stop reading the body early
(a GET reads none; upload-pack stops at "done"), so feeding stdin runs as a task beside the reading of
stdout, and a pipe the backend closed means "no more wanted", not a failure. The backend runs in a
process group of its own, so aborting it also ends the upload-pack or pack-objects it started.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass

from starlette.requests import ClientDisconnect

log = logging.getLogger(__name__)

BACKEND_COMMAND: tuple[str, ...] = ("git", "http-backend")
CHUNK_BYTES = 64 * 1024
HEAD_LIMIT_BYTES = 16 * 1024
HEAD_TIMEOUT_S = 60.0
# After its output ends the backend may still be finishing (receive-pack's auto-gc): let it.
EXIT_TIMEOUT_S = 120.0
ABORT_TIMEOUT_S = 5.0
STDERR_KEPT_BYTES = 4096
# Not forwarded: the server frames the streamed answer itself.
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


class BackendFailed(Exception):
    """The backend could not start, or ended or misbehaved before its CGI headers."""


class BodyTooLarge(Exception):
    pass


class ClientGone(Exception):
    pass


@dataclass(frozen=True)
class CgiHead:
    status: int
    headers: list[tuple[str, str]]


def parse_cgi_head(lines: list[str]) -> CgiHead:
    status, headers = 200, []
    for line in lines:
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not name or not name.isascii() or " " in name:
            raise ValueError(f"not a CGI header line: {line[:100]!r}")
        if name.lower() == "status":
            code = value.split(maxsplit=1)[0] if value else ""
            if not (code.isdigit() and 100 <= int(code) <= 599):
                raise ValueError(f"not an HTTP status: {value[:100]!r}")
            status = int(code)
        elif name.lower() not in _HOP_BY_HOP:
            headers.append((name, value))
    return CgiHead(status, headers)


class GitBackend:
    """Start with `start`, then `read_head`, then `output`; `close` always, also after an error."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None and proc.stderr is not None
        self._proc = proc
        self._stdout = proc.stdout
        self._stderr = bytearray()
        self._stderr_task = asyncio.create_task(self._collect_stderr(proc.stderr))
        self._feeder: asyncio.Task[None] | None = None
        self._closed = False
        self._output_done = False
        self.too_large = False
        self.client_gone = False

    @classmethod
    async def start(
        cls,
        env: dict[str, str],
        body: AsyncIterator[bytes] | None,
        until_disconnect: Callable[[], Awaitable[None]],
        max_body_bytes: int,
    ) -> GitBackend:
        """`body` None: no request body (a GET), and the backend's stdin is /dev/null."""
        try:
            proc = await asyncio.create_subprocess_exec(
                *BACKEND_COMMAND,
                env=env,
                stdin=asyncio.subprocess.PIPE if body is not None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            log.error("git http-backend did not start: %s", exc)
            raise BackendFailed(str(exc)) from exc
        backend = cls(proc)
        backend._feeder = asyncio.create_task(backend._feed(body, until_disconnect, max_body_bytes))
        return backend

    async def read_head(self) -> CgiHead:
        """The CGI headers; on any failure the backend is aborted first."""
        try:
            async with asyncio.timeout(HEAD_TIMEOUT_S):
                lines = await self._read_head_lines()
            return parse_cgi_head(lines)
        except asyncio.CancelledError:
            await self.close(abort=True)
            raise
        except Exception as exc:
            await self.close(abort=True)
            if self.too_large:
                raise BodyTooLarge from exc
            if self.client_gone:
                raise ClientGone from exc
            if not isinstance(exc, TimeoutError | ValueError | asyncio.IncompleteReadError):
                raise
            log.error(
                "git http-backend gave no usable CGI headers (%s, exit %s): %s",
                str(exc) or type(exc).__name__,
                self._proc.returncode,
                self.stderr_text,
            )
            raise BackendFailed(str(exc)) from exc

    async def _read_head_lines(self) -> list[str]:
        lines: list[str] = []
        size = 0
        while True:
            line = await self._stdout.readline()  # ValueError past the stream's limit
            size += len(line)
            if not line.endswith(b"\n"):
                raise asyncio.IncompleteReadError(line, None)
            if size > HEAD_LIMIT_BYTES:
                raise ValueError("the CGI headers are too long")
            if not line.strip():
                return lines
            lines.append(line.decode("latin-1").rstrip("\r\n"))

    @property
    def stderr_text(self) -> str:
        """The start of what the backend wrote to stderr (complete once `close` returned)."""
        return self._stderr.decode(errors="replace").strip()

    async def output(self) -> AsyncIterator[bytes]:
        while chunk := await self._stdout.read(CHUNK_BYTES):
            yield chunk
        self._output_done = True

    async def _feed(
        self,
        body: AsyncIterator[bytes] | None,
        until_disconnect: Callable[[], Awaitable[None]],
        max_body_bytes: int,
    ) -> None:
        """Copy the body to stdin, then watch for the client leaving: either ends the backend early."""
        try:
            if body is not None:
                await self._copy_body(body, max_body_bytes)
            await until_disconnect()
            if self._output_done:
                return  # the server reports a finished answer as a disconnect too
            self.client_gone = True
        except ClientDisconnect:
            self.client_gone = True
        except BodyTooLarge:
            self.too_large = True
            log.warning("a git request body over %d bytes was cut off", max_body_bytes)
        self._kill_group()

    async def _copy_body(self, body: AsyncIterator[bytes], max_body_bytes: int) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        received = 0
        try:
            async for chunk in body:
                received += len(chunk)
                if received > max_body_bytes:
                    raise BodyTooLarge
                if chunk and not await _write(stdin, chunk):
                    return
        finally:
            with suppress(ConnectionError, RuntimeError):
                stdin.close()  # EOF: the backend may now answer

    async def _collect_stderr(self, stderr: asyncio.StreamReader) -> None:
        while chunk := await stderr.read(CHUNK_BYTES):
            self._stderr += chunk[: max(0, STDERR_KEPT_BYTES - len(self._stderr))]

    def _kill_group(self) -> None:
        if self._proc.returncode is None:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGKILL)

    async def close(self, *, abort: bool = False) -> None:
        """Reap the backend: at once when `abort`, else once it has finished on its own."""
        if self._closed:
            return
        self._closed = True
        if self._feeder is not None:
            self._feeder.cancel()
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        if abort:
            self._kill_group()
        try:
            async with asyncio.timeout(ABORT_TIMEOUT_S if abort else EXIT_TIMEOUT_S):
                while await self._stdout.read(CHUNK_BYTES):
                    pass
                await self._proc.wait()
                await self._stderr_task
        except TimeoutError:
            log.warning("git http-backend (pid %d) did not exit in time; killed", self._proc.pid)
            self._kill_group()
        except asyncio.CancelledError:
            self._kill_group()
            raise
        finally:
            self._stderr_task.cancel()
        helpers = [task for task in (self._feeder, self._stderr_task) if task is not None]
        await asyncio.gather(*helpers, return_exceptions=True)


async def _write(stdin: asyncio.StreamWriter, chunk: bytes) -> bool:
    """False when the backend closed its stdin: it wants no more of the body."""
    if stdin.is_closing():
        return False
    try:
        stdin.write(chunk)
        await stdin.drain()
    except (ConnectionError, RuntimeError):  # uvloop: RuntimeError on a transport already closed
        return False
    return True
