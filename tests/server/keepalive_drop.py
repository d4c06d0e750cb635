"""A test HTTP/1.1 server whose kept-alive connections die under the next
request: on each connection it answers the first request (keep-alive, with
a body), then reads the second one and closes without a byte, as a server
that timed the connection out while the request was on its way. A client
must send that request again on a new connection. It counts connections
and requests read, served at GET /stats on a connection of its own (JSON).
Usage: keepalive_drop.py; prints "listening on PORT" once it listens.
"""
import json
import socket
import sys
import threading

COUNTS = {"connections": 0, "requests": 0, "dropped": 0}
LOCK = threading.Lock()


def read_request(f):
    """The request's line, or None at the end; its headers and body read."""
    line = f.readline()
    if not line:
        return None
    length = 0
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        f.read(length)
    return line


def answer(conn, body):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"
                 % (len(body), body))


def serve(conn):
    f = conn.makefile("rb")
    with LOCK:
        COUNTS["connections"] += 1
    line = read_request(f)
    if line and line.startswith(b"GET /stats "):
        with LOCK:
            COUNTS["connections"] -= 1
            answer(conn, json.dumps(COUNTS).encode())
    elif line:
        with LOCK:
            COUNTS["requests"] += 1
        answer(conn, b"first on its connection\n")
        if read_request(f):
            with LOCK:
                COUNTS["requests"] += 1
                COUNTS["dropped"] += 1
    f.close()
    conn.close()


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print(f"listening on {s.getsockname()[1]}", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
