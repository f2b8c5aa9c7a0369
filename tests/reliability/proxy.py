"""A fault-injecting TCP proxy on 127.0.0.1 between the POS client and the gateway.

Unlike a transport wrapper it exercises real sockets: httpx's own connect, write and read
errors, a reset mid-body, a port that refuses. Each client connection carries one HTTP
request (the proxy asks the gateway for `Connection: close`, so the answer tells httpx not to
reuse it), and `decide` picks that exchange's fault once the request has been read:

- "pass": forwarded, the answer delivered
- "drop_request": never forwarded; the connection is reset (nothing moved, the client cannot know)
- "drop_response": forwarded (the server acts on it), then reset before any answer byte
- "late": held until the client gives up (its read timeout), then forwarded: a request that
  reaches the server after the counter stopped waiting
- "cut": forwarded, then half the answer and a reset
- "bad_gateway": never forwarded; a load balancer's HTML 502 instead
- "gateway_timeout": forwarded (the server acts on it), then a load balancer's HTML 504
- "hold_request" / "hold_response": held before forwarding / after the server answered, until
  the test releases it (`Held`), for killing a counter at exactly that point

`Plan.refuse_for` closes the listening port for that many seconds after the exchange: the
client's next connects meet a real ECONNREFUSED (httpx's ConnectError, known not sent).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

FAULTS = ("pass", "drop_request", "drop_response", "late", "cut", "bad_gateway", "gateway_timeout",
          "hold_request", "hold_response")
_MAX_HEAD = 64 * 1024
_WAIT = 30.0  # seconds: the bound on every wait in here, so a broken test fails, never hangs


@dataclass(frozen=True)
class Exchange:
    """One request as the proxy saw it: its number on this proxy, method and path."""

    index: int
    method: str
    path: str


@dataclass(frozen=True)
class Plan:
    fault: str = "pass"
    refuse_for: float = 0.0

    def __post_init__(self) -> None:
        if self.fault not in FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}")


@dataclass
class Held:
    """An exchange held by the proxy. `reached` is set once it is held; `release(forward)`
    lets it go on: forwarded to the server (a request) or delivered (an answer), or dropped.
    `done` is set when the proxy is finished with it; `answer` is the server's whole answer
    to a request forwarded after release."""

    exchange: Exchange
    reached: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    answer: bytes | None = None
    _go: threading.Event = field(default_factory=threading.Event)
    _forward: bool = False

    def release(self, forward: bool) -> None:
        self._forward = forward
        self._go.set()


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and relays to `upstream` (host, port)."""

    def __init__(self, upstream: tuple[str, int], decide: Callable[[Exchange], Plan] | None = None) -> None:
        self.upstream = upstream
        self.decide = decide or (lambda _exchange: Plan())
        self.log: list[tuple[Exchange, Plan]] = []
        self.held: list[Held] = []
        self._lock = threading.RLock()  # _listen spawns its thread with the lock held
        self._held_changed = threading.Condition(self._lock)
        self._count = 0
        self._closed = False
        self._listener: socket.socket | None = None
        self._reopen: threading.Timer | None = None
        self._threads: list[threading.Thread] = []
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- the listening port ----------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._spawn(self._accept_loop, listener)

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was shut: refusing, or closed
            self._spawn(self._serve, client)

    def _spawn(self, target: Callable, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def refuse(self, seconds: float) -> None:
        """Close the port now and reopen it after `seconds`: connects in between are refused."""
        with self._lock:
            if self._closed or self._listener is None:
                return
            self._shut(self._listener)
            self._listener = None
            self._reopen = threading.Timer(seconds, self._open)
            self._reopen.daemon = True
            self._reopen.start()

    def _open(self) -> None:
        with self._lock:
            if self._listener is None and not self._closed:
                self._listen()

    def heal(self) -> None:
        """Reopen the port if it is refusing, and pass every later exchange through."""
        with self._lock:
            self.decide = lambda _exchange: Plan()
            if self._reopen is not None:
                self._reopen.cancel()
                self._reopen = None
            if self._listener is None and not self._closed:
                self._listen()

    def close(self) -> None:
        """Stop listening, let held exchanges go (dropped), and wait for every connection."""
        with self._lock:
            self._closed = True
            if self._reopen is not None:
                self._reopen.cancel()
            if self._listener is not None:
                self._shut(self._listener)
                self._listener = None
            threads = list(self._threads)
        for held in self.held:
            held.release(False)
        for thread in threads:
            thread.join(_WAIT)

    @staticmethod
    def _shut(listener: socket.socket) -> None:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        listener.close()

    # -- one exchange ----------------------------------------------------------------------

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(_WAIT)
        try:
            request = _read_request(client)
            if request is None:
                return
            method, path, raw = request
            with self._lock:
                exchange = Exchange(self._count, method, path)
                self._count += 1
                plan = self.decide(exchange)
                self.log.append((exchange, plan))
            if plan.refuse_for > 0:
                self.refuse(plan.refuse_for)  # before answering: the client's next connect is refused
            self._relay(client, exchange, plan.fault, raw)
        except OSError:
            pass  # the client went away: that is the client's error path, not ours
        finally:
            client.close()

    def _relay(self, client: socket.socket, exchange: Exchange, fault: str, raw: bytes) -> None:
        if fault == "drop_request":
            _reset(client)
            return
        if fault == "bad_gateway":
            client.sendall(_html(502, "Bad Gateway"))
            return
        if fault == "late":
            _wait_for_hangup(client)
            self._forward(raw)
            return
        if fault == "hold_request":
            held = self._hold(exchange)
            if held._forward:
                held.answer = self._forward(raw)
            held.done.set()
            return
        answer = self._forward(raw)
        if fault == "drop_response":
            _reset(client)
        elif fault == "gateway_timeout":
            client.sendall(_html(504, "Gateway Time-out"))
        elif fault == "cut":
            client.sendall(answer[: max(1, len(answer) // 2)])
            _reset(client)
        elif fault == "hold_response":
            held = self._hold(exchange)
            if held._forward:
                client.sendall(answer)
            else:
                _reset(client)
            held.done.set()
        else:
            client.sendall(answer)

    def wait_held(self, count: int = 1, timeout: float = _WAIT) -> Held:
        """The `count`-th exchange held, once it is (AssertionError if not within `timeout`)."""
        with self._held_changed:
            if not self._held_changed.wait_for(lambda: len(self.held) >= count, timeout):
                raise AssertionError(f"no exchange held within {timeout}s: {self.log}")
            return self.held[count - 1]

    def _hold(self, exchange: Exchange) -> Held:
        held = Held(exchange)
        with self._held_changed:
            self.held.append(held)
            self._held_changed.notify_all()
        held.reached.set()
        if not held._go.wait(_WAIT):
            held._forward = False
        return held

    def _forward(self, raw: bytes) -> bytes:
        """Send the request to the gateway; its whole answer (the gateway closes after it)."""
        with socket.create_connection(self.upstream, timeout=_WAIT) as upstream:
            upstream.sendall(raw)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _read_request(client: socket.socket) -> tuple[str, str, bytes] | None:
    """(method, path, the request's bytes with `Connection: close`), or None if the client
    closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > _MAX_HEAD:
            raise OSError("request head too large")
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    method, path, _ = lines[0].decode("latin-1").split(" ", 2)
    headers = [h for h in lines[1:] if not h.lower().startswith(b"connection:")]
    length = next((int(h.split(b":", 1)[1]) for h in headers if h.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = client.recv(65536)
        if not chunk:
            return None
        body += chunk
    raw = b"\r\n".join([lines[0], *headers, b"Connection: close"]) + b"\r\n\r\n" + body
    return method, path, raw


def _html(status: int, reason: str) -> bytes:
    body = f"<html><body><h1>{status} {reason}</h1></body></html>".encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/html\r\ncontent-length: {len(body)}\r\n"
            f"connection: close\r\n\r\n").encode() + body


def _reset(sock: socket.socket) -> None:
    # SO_LINGER 0: close sends RST, so the client sees a reset, not a clean end of stream.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _wait_for_hangup(client: socket.socket) -> None:
    """Block until the client closes its side (its timeout fired), or the bound passes."""
    try:
        while client.recv(4096):
            pass
    except OSError:
        pass
