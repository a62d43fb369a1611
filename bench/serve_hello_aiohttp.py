"""The aiohttp peer of serve_hello.task: the same two answers.

    python3 serve_hello_aiohttp.py PORT
"""
import json
import sys

from aiohttp import web


async def hello(_request):
    return web.Response(text="Hello, World!", content_type="text/plain")


async def hello_json(_request):
    return web.Response(text=json.dumps({"message": "Hello, World!"}, separators=(",", ":")),
                        content_type="application/json")


app = web.Application()
app.router.add_get("/", hello)
app.router.add_get("/json", hello_json)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
