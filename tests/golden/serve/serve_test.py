#!/usr/bin/env python3
"""serve end to end: a built server.task on 127.0.0.1 port 0, driven by curl,
http.client and raw sockets: routes and queries, keep-alive, pipelining,
chunked and 1 MB bodies, HEAD, malformed requests, each limit, slowloris,
1,000 concurrent connections, failing and timing-out handlers, and SIGTERM
with requests in flight (within and past the grace period).

    serve_test.py PROGRAM
    serve_test.py --examples NOTES_API FANOUT_PROXY PROGRAM   (the examples' servers)
"""
import http.client
import re
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"serve_test: FAILED: {what}", file=sys.stderr)


class Server:
    """The program, serving on a free port; its stderr collected."""

    def __init__(self, program, *options, after=()):
        self.proc = subprocess.Popen([program, *options, "127.0.0.1:0", *after], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        match = re.match(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not match:
            self.proc.kill()
            sys.exit(f"serve_test: the server did not say where it listens: {line!r}")
        self.port = int(match.group(1))
        self.lines = []
        self.reader = threading.Thread(target=self._collect, daemon=True)
        self.reader.start()

    def _collect(self):
        for line in self.proc.stderr:
            self.lines.append(line)

    def log(self):
        return "".join(self.lines)

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        status = self.proc.wait(timeout=30)
        self.reader.join(timeout=5)
        return status

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock


def read_until_closed(sock):
    """Everything the server sends until it closes (10 s at most)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
    return data


def exchange(port, request):
    with connect(port) as sock:
        sock.sendall(request)
        return read_until_closed(sock)


def curl(*args):
    result = subprocess.run(["curl", "-s", "--max-time", "20", *args], capture_output=True)
    return result.stdout.decode()


def status_of(answer):
    return answer.split(b"\r\n", 1)[0].decode(errors="replace")


def main(program):
    # Room for a thousand client sockets in this process.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))

    server = Server(program)
    port = server.port

    # Routes, percent-decoding, the query and headers.
    body = curl("-H", "X-Test: yes", server.url("/echo/hi%20there?a=1%2B1&a=2"))
    check(body == "GET hi there a=1+1 x-test=yes body=0\n", f"echo: {body!r}")

    # Keep-alive: one connection for several requests (http.client reuses it).
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("PUT", "/notes/a", body=b"alpha")
    answer = conn.getresponse()
    check(answer.status == 201 and answer.read() == b"", "PUT a note")
    first_socket = conn.sock
    conn.request("GET", "/notes/a")
    answer = conn.getresponse()
    check(answer.status == 200 and answer.read() == b"alpha", "GET the note back")
    conn.request("GET", "/notes/zzz")
    answer = conn.getresponse()
    check(answer.status == 404 and answer.read() == b"no note zzz\n", "GET a missing note")
    check(conn.sock is first_socket, "keep-alive: the three requests went over one connection")
    # 1 MB body.
    conn.request("POST", "/echo/big", body=b"x" * (1 << 20))
    answer = conn.getresponse()
    check(answer.read() == b"POST big a=- x-test=- body=1048576\n", "a 1 MB body")
    check(answer.getheader("Date") is not None and answer.getheader("Content-Length") is not None,
          "Date and Content-Length on every answer")
    conn.close()

    # Pipelining: ten requests in one write, answered in order.
    requests = b"".join(b"GET /echo/%d HTTP/1.1\r\nHost: t\r\n\r\n" % i for i in range(9))
    requests += b"GET /echo/9 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    answers = exchange(port, requests)
    words = re.findall(rb"GET (\d) a=", answers)
    check(words == [b"%d" % i for i in range(10)], f"pipelined answers in order: {words}")

    # Chunked request bodies (curl sends chunked when asked to).
    body = curl("-H", "Transfer-Encoding: chunked", "--data-binary", "hello, chunks", server.url("/echo/c"))
    check(body == "POST c a=- x-test=- body=13\n", f"chunked: {body!r}")

    # HEAD: the GET's headers, no body.
    head = exchange(port, b"HEAD /echo/h HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    check(head.startswith(b"HTTP/1.1 200") and b"Content-Length: 27\r\n" in head and head.endswith(b"\r\n\r\n"),
          f"HEAD: {head!r}")

    # Malformed requests: 400 (or their own status) and the connection closed.
    malformed = [
        (b"GARBAGE\r\n\r\n", "400"),
        (b"GET / HTTP/1.1\nHost: t\n\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: t\x00\r\n\r\n", "400"),
        (b"G" * 100 + b" / HTTP/1.1\r\nHost: t\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400"),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"),
        (b"GET / HTTP/3.0\r\nHost: t\r\n\r\n", "505"),
    ]
    for request, status in malformed:
        answer = exchange(port, request)
        check(status_of(answer).startswith(f"HTTP/1.1 {status}") and b"Connection: close" in answer,
              f"malformed {request[:40]!r}: {status_of(answer)!r}")

    # Handlers that fail or time out: 500 and 504, logged, nothing internal sent.
    answer = exchange(port, b"GET /fail HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    check(status_of(answer) == "HTTP/1.1 500 Internal Server Error" and b"secret" not in answer,
          f"a failing handler: {answer!r}")
    answer = exchange(port, b"GET /slow HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    check(status_of(answer) == "HTTP/1.1 504 Gateway Timeout", f"a handler past its timeout: {answer!r}")

    # 1,000 connections at once, each answered.
    clients = [connect(port) for _ in range(1000)]
    for i, sock in enumerate(clients):
        sock.sendall(b"GET /echo/%d HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" % i)
    answered = 0
    for i, sock in enumerate(clients):
        if read_until_closed(sock).endswith(b"GET %d a=- x-test=- body=0\n" % i):
            answered += 1
        sock.close()
    check(answered == 1000, f"1,000 concurrent connections: {answered} answered")

    # SIGTERM with a request in flight: it is answered whole, then the program exits 143.
    sock = connect(port)
    sock.sendall(b"GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
    time.sleep(0.1)
    status = server.stop(signal.SIGTERM)
    answer = read_until_closed(sock)
    sock.close()
    check(status == 143, f"SIGTERM: exit status {status}")
    check(answer.startswith(b"HTTP/1.1 404") and answer.endswith(b"not found\n") and b"Connection: close" in answer,
          f"the request in flight at SIGTERM: {answer!r}")
    log = server.log()
    check("error: Failed: a secret detail" in log and "in handle" in log, "the failure's error and trace are logged")
    check("error: Timeout:" in log, "the timeout is logged")
    check("interrupted by SIGTERM" in log, "SIGTERM is said")

    # The limits, each answered with its status.
    server = Server(program, "--max-header", "1K", "--max-body", "1K", "--read-timeout", "1s", "--max-conns", "3",
                    "--grace", "200ms")
    port = server.port
    answer = exchange(port, b"GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 2000 + b"\r\n\r\n")
    check(status_of(answer) == "HTTP/1.1 431 Request Header Fields Too Large", f"431: {status_of(answer)!r}")
    answer = exchange(port, b"POST /echo/x HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n" + b"a" * 2000)
    check(status_of(answer) == "HTTP/1.1 413 Content Too Large", f"413: {status_of(answer)!r}")
    # Slowloris: a byte a second is cut at the read timeout; another client is served meanwhile.
    slow = connect(port)
    start = time.monotonic()
    served_meanwhile = False
    request = b"GET /echo/slow HTTP/1.1\r\nHost: t\r\n\r\n"
    answer = b""
    for byte in request:
        try:
            slow.sendall(bytes([byte]))
        except OSError:
            break
        if not served_meanwhile:
            served_meanwhile = curl(server.url("/echo/other")) == "GET other a=- x-test=- body=0\n"
        ready, _, _ = select.select([slow], [], [], 0.5)
        if ready:
            break
    answer = read_until_closed(slow)
    slow.close()
    check(status_of(answer) == "HTTP/1.1 408 Request Timeout", f"slowloris: {status_of(answer)!r}")
    check(time.monotonic() - start < 8, "slowloris was cut near the read timeout, not at the end of its request")
    check(served_meanwhile, "another client was served while the slow one dripped")
    # --max-conns 3: the fourth connection at once is answered 503. The
    # connections above must be gone first: a client's close and a new
    # connection reach the server in either order.
    time.sleep(0.5)
    held = [connect(port) for _ in range(3)]
    time.sleep(0.2)
    answer = exchange(port, b"GET /echo/x HTTP/1.1\r\nHost: t\r\n\r\n")
    check(status_of(answer) == "HTTP/1.1 503 Service Unavailable", f"503: {status_of(answer)!r}")
    for sock in held:
        sock.close()
    # Past --grace, a request in flight is cancelled (503) and the program ends at once.
    time.sleep(0.2)
    sock = connect(port)
    sock.sendall(b"GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
    time.sleep(0.1)
    start = time.monotonic()
    status = server.stop(signal.SIGINT)
    took = time.monotonic() - start
    answer = read_until_closed(sock)
    sock.close()
    check(status == 130, f"SIGINT: exit status {status}")
    check(status_of(answer) == "HTTP/1.1 503 Service Unavailable", f"past the grace period: {answer!r}")
    check(took < 1.5, f"past the grace period the program ended at once ({took:.2f} s)")
    log = server.log()
    for status_text in ("431", "413", "408"):
        check(f": {status_text} " in log, f"the {status_text} is logged")



def examples(notes_api, fanout_proxy, program):
    """examples/notes_api.task and examples/fanout_proxy.task, as their comments use them."""
    notes = Server(notes_api)
    created = curl("-d", '{"title": "milk", "body": "buy oat milk"}', notes.url("/notes"))
    check(created == '{"id":1,"title":"milk","body":"buy oat milk"}', f"notes_api: create: {created!r}")
    refused = curl("-w", "%{http_code}", "-o", "/dev/null", "-d", '{"title": 3}', notes.url("/notes"))
    check(refused == "400", f"notes_api: a body that is not a note: {refused!r}")
    curl("-d", '{"title": "bread", "body": ""}', notes.url("/notes"))
    listed = curl(notes.url("/notes"))
    check(listed == '[{"id":1,"title":"milk","body":"buy oat milk"},{"id":2,"title":"bread","body":""}]',
          f"notes_api: list: {listed!r}")
    check(curl(notes.url("/notes/2")) == '{"id":2,"title":"bread","body":""}', "notes_api: get")
    check(curl(notes.url("/notes/x")) == "no note x\n", "notes_api: a note that is not there")
    check(notes.stop() == 143, "notes_api: SIGTERM")

    upstream = Server(program)
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # bound, never listening: connections to it are refused
    dead_url = f"http://127.0.0.1:{dead.getsockname()[1]}"
    proxy = Server(fanout_proxy, after=(upstream.url(""), dead_url, upstream.url("")))
    answer = curl(proxy.url("/echo/hi"))
    lines = answer.splitlines()
    check(len(lines) == 3 and lines[0] == f"{upstream.url('')}: 200 GET hi a=- x-test=- body=0" and
          lines[1].startswith(f"{dead_url}: IoError: ") and lines[2] == lines[0], f"fanout_proxy: {answer!r}")
    check(proxy.stop() == 143, "fanout_proxy: SIGTERM")
    upstream.stop()
    dead.close()


if sys.argv[1] == "--examples":
    examples(*sys.argv[2:5])
else:
    main(sys.argv[1])
if failures:
    sys.exit(f"serve_test: {len(failures)} failed")
print("serve: ok")
