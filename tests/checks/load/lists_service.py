"""A recommendation service for the load tests: GET /recommend/<user> answers item ids
separated by commas, as plain text, as CMU's movie service does.

    python lists_service.py --port 8123 --mode good|duplicates --seen FILE

good        ten distinct items per user
duplicates  every other user gets an item twice
strict      like good, and answers 404 to an id that is not a number of at most 9 digits
Every path it was asked is appended to --seen, one per line.
"""

from __future__ import annotations

import argparse
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", default="good")
    parser.add_argument("--seen", required=True)
    args = parser.parse_args()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/health":
                return self.answer(200, "ok")
            if not self.path.startswith("/recommend/"):
                return self.answer(404, "no such path")
            with lock, open(args.seen, "a") as handle:  # noqa: PTH123 - a test helper
                handle.write(self.path + "\n")
            given = self.path.rsplit("/", 1)[1]
            if args.mode == "strict" and not (given.isdigit() and len(given) <= 9):
                return self.answer(404, "no such user")
            user = int(given)
            items = [user * 10 + i for i in range(10)]
            if args.mode == "duplicates" and user % 2:
                items[1] = items[0]
            return self.answer(200, ",".join(map(str, items)))

        def answer(self, status: int, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
