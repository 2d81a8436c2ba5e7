# Copyright (c) zkd_mm contributors. All rights reserved.
"""A bounded, self-stopping HTTP file server on 127.0.0.1 for tests."""
import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def serve_directory(root: Path,
                    max_requests: int = 50,
                    lifetime: float = 600.0) -> Iterator[str]:
    """Serve ``root`` at ``http://127.0.0.1:<port>``; yield that base URL.

    The server answers at most ``max_requests`` requests and stops after
    ``lifetime`` seconds, or when the ``with`` block ends.
    """
    served = {'n': 0}

    class Handler(http.server.SimpleHTTPRequestHandler):

        def do_GET(self):  # noqa: N802 (http.server's name)
            served['n'] += 1
            if served['n'] > max_requests:
                self.send_error(503, 'request budget of the test exhausted')
                return
            super().do_GET()

        def log_message(self, *args) -> None:
            pass

    server = _Server(('127.0.0.1', 0),
                     functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    timer = threading.Timer(lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        yield f'http://127.0.0.1:{server.server_address[1]}'
    finally:
        timer.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
