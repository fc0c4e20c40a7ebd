#!/usr/bin/env python3
# Copyright 2026 The strandq Authors.
"""A push handler service for `strandq run|worker|serve --work http://HOST:PORT/events`.

Standard library only. strandq POSTs each attempt of an event as JSON:

    {"id": 17, "account": "a1", "seq": 3, "attempt": 1, "enqueued_ns": ..., "payload": ...}

("payload" is the payload as it was posted: a JSON value or a string; bytes that are not UTF-8
come base64-encoded as "payload_base64" instead) with the headers Strandq-Event-Id,
Strandq-Account, Strandq-Seq and Strandq-Attempt, and waits for the answer before it sends the
account's next event. "id" is the idempotency key: an attempt may come again after a timeout or
a crash. The answer decides:

    2xx                                   done (acked)
    any status + "Strandq-Outcome: dead"  will never succeed: dead-lettered now, body = error
    429 or 503 + "Retry-After: SECONDS"   busy: the same attempt is sent again after SECONDS
    anything else                         a failed attempt, retried with backoff

Run it:   python3 examples/push_handler.py --port 8090 --processes 2   # one per core
          strandq run --work http://127.0.0.1:8090/events

The --fail-every / --dead-every / --busy-every flags inject failures (deterministic, by event
id) for the tests; --record writes one JSON line per request it answered.
"""

import argparse
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Permanent(Exception):
    """The event can never succeed (a declined card): answered with Strandq-Outcome: dead."""


class Busy(Exception):
    """Not now: answered 503 with Retry-After, and strandq sends the same attempt again."""

    def __init__(self, seconds):
        super().__init__(f"busy, retry in {seconds}s")
        self.seconds = seconds


class Service:
    """What the handler does with an event. Replace handle() with your business logic."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.busy_answered = set()  # ids already answered 503 once
        self.record = open(args.record, "a", encoding="utf-8") if args.record else None

    def handle(self, event):
        """Processes one attempt; returns normally to ack, raises to fail."""
        event_id, attempt = event["id"], event["attempt"]
        args = self.args
        if args.dead_every and event_id % args.dead_every == 0:
            raise Permanent(f"event {event_id} can never succeed")
        if args.busy_every and event_id % args.busy_every == 0:
            with self.lock:
                first = event_id not in self.busy_answered
                self.busy_answered.add(event_id)
            if first:
                raise Busy(args.busy_seconds)
        if args.fail_every and event_id % args.fail_every == 0 and attempt == 1:
            raise RuntimeError(f"injected failure of event {event_id} attempt {attempt}")
        if args.work_ms:
            time.sleep(args.work_ms / 1000.0)

    def log(self, event, status):
        if self.record is None:
            return
        line = json.dumps({"id": event.get("id"), "account": event.get("account"),
                           "seq": event.get("seq"), "attempt": event.get("attempt"),
                           "payload": event.get("payload"), "status": status})
        with self.lock:
            self.record.write(line + "\n")
            self.record.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: strandq reuses its connections
    # The headers and the body go out in two writes: without TCP_NODELAY the second waits for
    # the client's delayed ACK (40 ms per event on Linux).
    disable_nagle_algorithm = True

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", "0"))
            event = json.loads(self.rfile.read(length))
            if not isinstance(event, dict) or "id" not in event:
                raise ValueError("not an event")
        except (ValueError, UnicodeDecodeError) as e:
            return self.answer(400, f"bad request: {e}")
        service = self.server.service
        try:
            service.handle(event)
        except Permanent as e:
            service.log(event, "dead")
            return self.answer(422, str(e), {"Strandq-Outcome": "dead"})
        except Busy as e:
            service.log(event, "busy")
            return self.answer(503, str(e), {"Retry-After": str(e.seconds)})
        except Exception as e:  # any other error: a failed attempt, retried by strandq
            service.log(event, "error")
            return self.answer(500, f"{type(e).__name__}: {e}")
        service.log(event, "ok")
        self.answer(200, "ok")

    def do_GET(self):  # a health check for load balancers and the tests
        self.answer(200 if self.path == "/healthz" else 404, "ok")

    def answer(self, status, text, headers=None):
        body = (text + "\n").encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # one line per request is too much at 1000s/s
        pass


class Server(ThreadingHTTPServer):
    # strandq opens one connection per slot, all at once: the default listen backlog (5) would
    # drop most of their SYNs, each retried by the kernel a second or more later.
    request_queue_size = 1024
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)  # a client that went away is no news


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090, help="0 = any free port")
    parser.add_argument("--work-ms", type=float, default=0, help="time each event takes")
    parser.add_argument("--fail-every", type=int, default=0,
                        help="fail attempt 1 of events whose id is a multiple of N (HTTP 500)")
    parser.add_argument("--dead-every", type=int, default=0,
                        help="dead-letter events whose id is a multiple of N")
    parser.add_argument("--busy-every", type=int, default=0,
                        help="answer 503 + Retry-After once to events whose id is a multiple of N")
    parser.add_argument("--busy-seconds", default="0.01", help="the Retry-After of --busy-every")
    parser.add_argument("--record", help="append one JSON line per answered request to this file")
    parser.add_argument("--processes", type=int, default=1,
                        help="processes sharing the port (one interpreter lock each); the "
                             "failure flags then count per process")
    args = parser.parse_args()
    # Threads that wake from I/O get the interpreter lock sooner (the default is 5 ms).
    sys.setswitchinterval(0.0005)

    try:
        server = Server((args.host, args.port), Handler)
    except OSError as e:
        print(f"push_handler: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    server.service = Service(args)
    host, port = server.server_address[:2]
    children = []
    for _ in range(args.processes - 1):  # each accepts its share of the connections
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            server.serve_forever()
            os._exit(0)
        children.append(pid)
    # SIGTERM (how the tests stop it) ends the children too.
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(0))
    print(f"listening on http://{host}:{port}/events", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for pid in children:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
