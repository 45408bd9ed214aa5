"""The messages between a client, a server and the server's children.

One stream socket per request. Each message is a 4-byte length and a
``marshal`` dump (built-in, fast, and both ends run the same interpreter:
the fingerprint says so). File descriptors travel with the first byte of a
message (``SCM_RIGHTS``). The conversation:

1. client → child: the request (:func:`request` fields), with the
   client's current folder and its standard streams as descriptors;
2. child → client: ``("started", pid)`` once the child has taken on the
   client's state (the request is accepted: from here on the command runs
   there, and the client forwards signals to ``pid``);
3. server → client: ``("ended", wait_status)`` once the child is reaped.

An ``ended`` without ``started`` means the child could not take the request
on; the client then runs the command itself. Only peers of the same user
ever connect (a private folder, and the server checks the peer's uid).
"""

from __future__ import annotations

import _socket
import marshal
import os
import sys
from typing import Any

#: Most descriptors a request carries: the current folder and three streams.
MAX_FDS = 4
#: Largest message accepted (the environment is the big part).
MAX_BYTES = 16 * 1024 * 1024
_FD_BYTES = 4


def send(sock: _socket.socket, message: Any, fds: tuple[int, ...] = ()) -> None:
    """Send one message, with ``fds`` attached to its first byte."""
    body = marshal.dumps(message)
    data = len(body).to_bytes(4, "big") + body
    if fds:
        rights = b"".join(fd.to_bytes(_FD_BYTES, sys.byteorder, signed=True) for fd in fds)
        sent = sock.sendmsg([data], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, rights)])
        data = data[sent:]
    if data:
        sock.sendall(data)


def receive(sock: _socket.socket, max_fds: int = 0) -> tuple[Any, list[int]]:
    """One message and the descriptors that came with it; EOFError if the peer is gone."""
    fds: list[int] = []
    if max_fds:
        flags = getattr(_socket, "MSG_CMSG_CLOEXEC", 0)
        head, ancillary, msg_flags, _ = sock.recvmsg(
            4, _socket.CMSG_SPACE(max_fds * _FD_BYTES), flags
        )
        for level, kind, payload in ancillary:
            if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
                usable = len(payload) - len(payload) % _FD_BYTES
                fds.extend(
                    int.from_bytes(payload[i : i + _FD_BYTES], sys.byteorder, signed=True)
                    for i in range(0, usable, _FD_BYTES)
                )
        if msg_flags & getattr(_socket, "MSG_CTRUNC", 0):
            _close(fds)
            raise EOFError("descriptors were cut off")
        if not head:
            _close(fds)
            raise EOFError("the peer closed the connection")
    else:
        head = b""
    try:
        head += _exactly(sock, 4 - len(head))
        size = int.from_bytes(head, "big")
        if size > MAX_BYTES:
            raise EOFError("message too large")
        return marshal.loads(_exactly(sock, size)), fds
    except BaseException:
        _close(fds)
        raise


def _exactly(sock: _socket.socket, count: int) -> bytes:
    chunks = []
    while count > 0:
        chunk = sock.recv(count)
        if not chunk:
            raise EOFError("the peer closed the connection")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


def _close(fds: list[int]) -> None:
    for fd in fds:
        try:  # noqa: SIM105 - contextlib stays out of the client's imports
            os.close(fd)
        except OSError:
            pass
