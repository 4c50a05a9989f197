"""A small HTTP service for the load-test tests, with one behaviour per mode.

    python service.py --port 8123 --mode fast|slow|errors|unhealthy|dies|crash [--delay 0.2]

fast       answers /health and POST /predict at once
slow       sleeps --delay seconds per prediction
errors     answers 500 to every third prediction
unhealthy  answers 503 on /health, forever
dies       exits 2 seconds after start (mid-run)
crash      exits at once with an error (never comes up)
echo       like fast, and answers 422 to a body without "features"
strict     like fast, and answers 400 to a body that is not a JSON object, 422 to one whose
           "features" is not an object (a service that validates its input)
fragile    like fast, but a body without "features" is a KeyError answered 500
stall      like fast, but frozen for --stall seconds every --every seconds (a garbage collector
           that stops the world, a lock held by a background job): requests that arrive during a
           freeze wait until it ends
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTER = itertools.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", default="fast")
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--stall", type=float, default=0.5)
    parser.add_argument("--every", type=float, default=3.0)
    parser.add_argument("--tag", default="", help="ignored; lets tests find the process")
    parser.add_argument("--env-file", default=None, help="write SEKIT_LOAD_TEST's value here")
    parser.add_argument("--threads-file", default=None, help="write the pools' variables here")
    args = parser.parse_args()
    if args.env_file:
        with open(args.env_file, "w") as handle:  # noqa: PTH123 - a test helper
            handle.write(os.environ.get("SEKIT_LOAD_TEST", "<unset>"))
    if args.threads_file:
        with open(args.threads_file, "w") as handle:  # noqa: PTH123 - a test helper
            pools = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
            json.dump({name: os.environ.get(name) for name in pools}, handle)
    if args.mode == "crash":
        print(
            "Traceback (most recent call last):\nRuntimeError: model file missing",
            file=sys.stderr,
            flush=True,
        )
        sys.exit(1)

    world = threading.Lock()  # held by the freezer during a stall; every answer takes it

    def freeze() -> None:
        while True:
            time.sleep(args.every - args.stall)
            with world:
                time.sleep(args.stall)

    if args.mode == "stall":
        threading.Thread(target=freeze, daemon=True).start()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _send(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/health":
                healthy = args.mode != "unhealthy"
                self._send(200 if healthy else 503, {"ok": healthy})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length) or b"{}"
            if args.mode == "strict":
                try:
                    body = json.loads(raw)
                except ValueError:
                    self._send(400, {"error": "not JSON"})
                    return
                if not isinstance(body, dict):
                    self._send(400, {"error": "not an object"})
                    return
                if not isinstance(body.get("features"), dict):
                    self._send(422, {"error": "features must be an object"})
                    return
            body = json.loads(raw)
            if self.path != "/predict":
                self._send(404, {"error": "not found"})
                return
            if args.mode == "echo" and "features" not in body:
                self._send(422, {"error": "features missing"})
                return
            if args.mode == "fragile":
                try:
                    body["features"]["a"]
                except (KeyError, TypeError):
                    self._send(500, {"error": "internal"})
                    return
            if args.mode == "slow":
                time.sleep(args.delay)
            with world:
                pass  # waits while the world is frozen
            if args.mode == "errors" and next(COUNTER) % 3 == 0:
                self._send(500, {"error": "internal"})
                return
            self._send(200, {"prediction": 1})

        def log_message(self, format: str, *values: object) -> None:
            pass

    # a listen backlog of 5 (socketserver's default) drops connections opened at once, and a
    # dropped one waits a second to retry: the service, not the client, must not measure that
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"serving on 127.0.0.1:{args.port} pid {os.getpid()}", flush=True)
    if args.mode == "dies":
        threading.Timer(2.0, lambda: os._exit(3)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
