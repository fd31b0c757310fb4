"""The listening socket ``attrib serve --workers N`` hands its worker processes.

With more than one worker, uvicorn binds the listener itself (``Config.bind_socket``) and
creates it with protocol number 0. Sockets accepted from it inherit that 0, and asyncio
turns on ``TCP_NODELAY`` only for sockets that say ``IPPROTO_TCP``; so Nagle's algorithm
holds back each response's second write (the body after the headers) until the client's
delayed ACK, about 40 ms on Linux, on every keep-alive request after the first (uvicorn
issue 3149; with one worker asyncio binds the listener and is not affected). With
``--workers 2`` a single client's check took 56 ms p50 instead of 13 ms
(scripts/bench_serve.py, docs/BENCHMARKS.md).
"""

from __future__ import annotations

import importlib
import socket

import uvicorn


def tcp_listener(sock: socket.socket) -> socket.socket:
    """``sock`` itself, or the same listening socket re-opened as ``IPPROTO_TCP`` when it
    is a TCP socket created without a protocol number."""
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM and sock.proto != socket.IPPROTO_TCP:
        return socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


class TcpListenerConfig(uvicorn.Config):
    """uvicorn's configuration, binding its listener through :func:`tcp_listener`. A
    module-level class: uvicorn hands the configuration to its worker processes pickled."""

    def bind_socket(self) -> socket.socket:
        return tcp_listener(super().bind_socket())


def keep_nodelay() -> None:
    """Make ``uvicorn.run`` bind its listener through :func:`tcp_listener`, so accepted
    connections get ``TCP_NODELAY`` with any number of workers. Idempotent; does nothing
    when uvicorn's layout is not the one this knows (``uvicorn.main.Config``)."""
    main = importlib.import_module("uvicorn.main")  # the module: uvicorn.main is also its click command
    if getattr(main, "Config", None) is uvicorn.Config:
        main.Config = TcpListenerConfig
