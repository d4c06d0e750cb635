"""An independent WebSocket server for molotov's tests (Debian's
python3-websockets, not molotov's code): it counts every message it
receives and sends, and serves the counts as JSON at GET /stats.

Paths: /echo (every message back, same type), /push/N (N text messages,
then waits), /frag (one text message in three fragments, then echo),
/close (closes with 4001 "bye" after the first message), /broken (a frame
with a reserved opcode), /cookie (echo, its upgrade answer sets the cookie
ws=1). GET /refuse answers 404 instead of upgrading.
Usage: ws_echo.py [--cert PEM --key PEM]; prints "listening on PORT".
"""
import argparse
import asyncio
import http
import json
import ssl
import sys

import websockets

COUNTS = {"connections": 0, "received": 0, "received_bytes": 0, "sent": 0, "sent_bytes": 0,
          "closes": 0, "headers": {}}


async def send(ws, data):
    COUNTS["sent"] += 1
    COUNTS["sent_bytes"] += len(data)
    await ws.send(data)


async def handler(ws, path):
    COUNTS["connections"] += 1
    COUNTS["headers"] = {k: v for k, v in ws.request_headers.raw_items()}
    try:
        if path.startswith("/push/"):
            for i in range(int(path.split("/")[2])):
                await send(ws, f"push {i}")
        if path == "/frag":
            COUNTS["sent"] += 1
            COUNTS["sent_bytes"] += 9
            await ws.send(iter(["abc", "def", "ghi"]))
        if path == "/broken":
            ws.transport.write(b"\x83\x00")  # opcode 3 is reserved
        async for message in ws:
            COUNTS["received"] += 1
            COUNTS["received_bytes"] += len(message)
            if path == "/close":
                await ws.close(4001, "bye")
                break
            await send(ws, message)
    except websockets.ConnectionClosed:
        pass
    COUNTS["closes"] += 1


async def process_request(path, headers):
    if path == "/stats":
        body = json.dumps(COUNTS).encode()
        return http.HTTPStatus.OK, [("Content-Type", "application/json")], body
    if path == "/refuse":
        return http.HTTPStatus.NOT_FOUND, [], b"no websocket here\n"
    return None


def extra_headers(path, headers):
    return [("Set-Cookie", "ws=1; Path=/")] if path == "/cookie" else []


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert")
    p.add_argument("--key")
    a = p.parse_args()
    ctx = None
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
    async with websockets.serve(handler, "127.0.0.1", 0, ssl=ctx, process_request=process_request,
                                extra_headers=extra_headers, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
