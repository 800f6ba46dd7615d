"""How `python api.py` / `make serve` runs the app: uvicorn with N worker processes and a deadline for request headers.

Each worker is a process with its own model (loaded once by the lifespan) over the same storage; file names are
content hashes, so every worker names and stores a kick identically."""
import asyncio, os, socket

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_S = float(os.environ.get("KICK_HEADER_TIMEOUT_S", "10"))  # a connection whose request headers take longer is closed, s

WORKER_STARTUP_S = 60     # a worker answers the supervisor's pings only once it has imported torch and panel: uvicorn's
                          # 5 s default kills workers that start on a busy machine, again and again

def no_delay(transport):
    """TCP_NODELAY on a connection. asyncio sets it only on sockets whose protocol number is TCP's, and the listening
    socket uvicorn binds for `--workers N` has 0, so its connections kept Nagle's algorithm: with the client's delayed
    ACK every response took 40 ms more (measured: /api/health 11 ms with one worker, 52 ms with two)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

class H11WithHeaderTimeout(H11Protocol):
    """uvicorn's h11 protocol plus a deadline for request headers. uvicorn has none: its keep-alive timer stops at the
    first byte, so a client that sends a header line now and then holds a connection (and a socket) forever."""
    header_timeout_s = HEADER_TIMEOUT_S
    _header_deadline:asyncio.TimerHandle|None = None

    def connection_made(self, transport):
        super().connection_made(transport)
        no_delay(transport)
        self._arm_header_deadline()

    def on_response_complete(self):
        super().on_response_complete()
        self._arm_header_deadline()         # the next request on a kept-alive connection gets the same deadline

    def handle_websocket_upgrade(self, event):
        self._cancel_header_deadline()      # the websocket protocol takes the connection over
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc):
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def _cancel_header_deadline(self):
        if self._header_deadline is not None: self._header_deadline.cancel(); self._header_deadline = None

    def _arm_header_deadline(self):
        self._cancel_header_deadline()
        if not self.transport.is_closing():
            self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _headers_too_slow(self):
        self._header_deadline = None
        waiting_for_headers = self.cycle is None or self.cycle.response_complete   # no request is being answered
        if waiting_for_headers and not self.transport.is_closing():
            self.logger.info("closing a connection whose request headers took more than %g s", self.header_timeout_s)
            self.transport.close()

SHARED_IMPORTS = ("kick_app.api", "kick_app.dashboard.app")   # what every worker imports: torch, the library, fastapi, panel

def fork_workers_from_here():
    """Make uvicorn fork its workers from this process, after importing `SHARED_IMPORTS` once, instead of spawning
    fresh interpreters that import everything again: the workers share those pages with it until they write to them
    (torch's operator tables alone are ~200 MB a process). uvicorn takes its process context from
    `uvicorn._subprocess.spawn`. Each worker still builds its own app and model after the fork, as before; this
    process runs no event loop, model or thread pool of its own."""
    import importlib, multiprocessing
    import uvicorn._subprocess
    for module in SHARED_IMPORTS: importlib.import_module(module)
    uvicorn._subprocess.spawn = multiprocessing.get_context("fork")

def serve(host:str="127.0.0.1", port:int=8000, workers:int=1, log_level:str="info"):
    "Run the app (`kick_app.api:create_app`) under uvicorn: `workers` processes, request headers within HEADER_TIMEOUT_S."
    import uvicorn
    if workers > 1: fork_workers_from_here()
    uvicorn.run("kick_app.api:create_app", factory=True, host=host, port=port, workers=workers, log_level=log_level,
                http=H11WithHeaderTimeout, timeout_keep_alive=5,
                timeout_worker_healthcheck=WORKER_STARTUP_S)
