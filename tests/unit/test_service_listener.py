"""attrib serve --workers N: connections accepted from uvicorn's own listener get TCP_NODELAY."""

from __future__ import annotations

import asyncio
import importlib
import pickle
import socket

import pytest

uvicorn = pytest.importorskip("uvicorn")

from attrib.service.listener import TcpListenerConfig, keep_nodelay, tcp_listener  # noqa: E402


def _nodelay_of_accepted(listener: socket.socket) -> int:
    """TCP_NODELAY on a connection asyncio accepts from ``listener``."""
    seen: list[int] = []

    class Note(asyncio.Protocol):
        def connection_made(self, transport):
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(Note, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(run())
    return seen[0]


def _bare_listener() -> socket.socket:
    sock = socket.socket(socket.AF_INET)  # as uvicorn's Config.bind_socket makes it: proto 0
    sock.bind(("127.0.0.1", 0))
    return sock


def test_a_listener_without_protocol_number_loses_nodelay_and_tcp_listener_restores_it():
    bare = _bare_listener()
    assert bare.proto == 0
    assert _nodelay_of_accepted(bare) == 0  # the failure: Nagle stays on

    fixed = tcp_listener(_bare_listener())
    assert fixed.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted(fixed) != 0


def test_tcp_listener_keeps_the_same_bound_socket():
    bare = _bare_listener()
    port = bare.getsockname()[1]
    fixed = tcp_listener(bare)
    assert fixed.getsockname() == ("127.0.0.1", port)
    assert tcp_listener(fixed) is fixed
    fixed.close()


def test_keep_nodelay_makes_uvicorn_run_bind_a_tcp_listener(monkeypatch):
    main = importlib.import_module("uvicorn.main")
    monkeypatch.setattr(main, "Config", uvicorn.Config)
    keep_nodelay()
    keep_nodelay()  # idempotent
    assert main.Config is TcpListenerConfig
    config = main.Config("attrib.service.app:app_from_env", factory=True, host="127.0.0.1", port=0, workers=2)
    sock = config.bind_socket()
    try:
        assert sock.proto == socket.IPPROTO_TCP
        # the workers get the configuration pickled
        assert type(pickle.loads(pickle.dumps(config))) is TcpListenerConfig
    finally:
        sock.close()
