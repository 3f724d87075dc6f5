"""Regenerates fastapi_formats.json: the OpenAPI document a FastAPI app
publishes for a body and query parameters of pydantic's formats, Decimal,
unions, tuples, timedelta and URLs, which the stack's tests load
(spec.Load must take it) and validate (no request falls back to
kin-openapi); and, with "answers", fastapi_formats_answers.json: the app's
own answers (status and body, through its ASGI interface) to requests of
good and bad values, which TestFastAPIFormatsAnswers compares the stack's
with. Not run by CI; run by hand with the stack of
internal/fastapi/stack.sh (FastAPI 0.141.1, pydantic 2.13.4,
email-validator 2.3.0):

    PYTHONPATH=$(internal/fastapi/stack.sh /tmp/stack) \\
      python internal/stack/testdata/fastapi_formats.py > internal/stack/testdata/fastapi_formats.json
    PYTHONPATH=... python internal/stack/testdata/fastapi_formats.py answers > internal/stack/testdata/fastapi_formats_answers.json
"""

import json
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated
from uuid import UUID

from fastapi import FastAPI, Query
from pydantic import (UUID1, UUID4, UUID7, BaseModel, DirectoryPath, EmailStr, Field, FilePath, HttpUrl,
                      IPvAnyAddress, IPvAnyInterface, IPvAnyNetwork, AnyUrl)


class Kiosk(BaseModel):
    serial: Annotated[str, Field(max_length=12)]


class Tablet(BaseModel):
    imei: str
    stylus: bool = False


class Badge(BaseModel):
    badge: UUID4
    trace: UUID7 | None = None
    legacy: UUID1 | None = None
    contact: EmailStr
    home: Path | None = None
    logs: FilePath | None = None
    spool: DirectoryPath | None = None
    station: IPvAnyAddress | None = None
    lan: IPvAnyNetwork | None = None
    nic: IPvAnyInterface | None = None
    rate: Annotated[Decimal, Field(max_digits=6, decimal_places=2, ge=0)] = Decimal("0")
    budget: Decimal | None = None
    shift: tuple[int, int] | None = None
    seat: int | str | None = None
    device: Kiosk | Tablet | None = None
    standup: timedelta | None = None
    site: HttpUrl | None = None
    wiki: AnyUrl | None = None


app = FastAPI(title="formats", version="1")


@app.post("/badges/{badge_id}")
def create_badge(badge_id: UUID4, body: Badge, slot: Annotated[int | str | None, Query()] = None,
                 every: timedelta | None = None, price: Decimal | None = None) -> Badge:
    return body


BADGE = "c9bf9e57-1685-4c89-bafb-ff5af830be8a"
REQUESTS = [
    (BADGE, "", {"badge": BADGE, "contact": "ada@example.com"}),
    ("a8098c1a-f86e-11da-bd1a-00112444be1e", "slot=x&every=PT1H&price=1.50", {"badge": BADGE, "contact": "ada@example.com"}),
    (BADGE, "every=soon&price=abc", {"badge": "a8098c1a-f86e-11da-bd1a-00112444be1e", "contact": "ada@example.test",
                                     "trace": "x", "home": 5, "station": "10.0.0.256", "lan": "10.0.0.7/24",
                                     "nic": None, "rate": "12345.678", "budget": "1e3x", "shift": [1, "x", 3],
                                     "seat": [1], "device": {"serial": "x" * 13}, "standup": "P1D2H",
                                     "site": "https://example.com:99999", "wiki": "example.com"}),
    (BADGE, "slot=7&every=01:30&price=1e-3", {"badge": BADGE.upper(), "contact": " Ada@Example.COM ", "legacy": None,
                                             "home": "srv//x/", "spool": "/tmp",
                                             "station": 167772167, "lan": "10.0.0.0/24", "nic": "2001:db8::7/64",
                                             "rate": 99.5, "budget": "1e3", "shift": [9, "17"], "seat": "12",
                                             "device": {"imei": "1", "stylus": "yes"}, "standup": 90.5,
                                             "site": "HTTPS://Example.COM:443/a/../b?q=1 2", "wiki": "http://wiki.example.org/Start Page"}),
    (BADGE, "", {"badge": 5, "contact": 5, "rate": True, "shift": "x", "seat": None, "device": [], "standup": [],
                 "site": 5, "wiki": ""}),
]


def answers():
    import asyncio

    async def call(path, query, body):
        data = json.dumps(body).encode()
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
                 "root_path": "", "headers": [(b"host", b"t"), (b"content-type", b"application/json"),
                                              (b"content-length", str(len(data)).encode())],
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
        sent = {"body": b""}

        async def receive():
            return {"type": "http.request", "body": data, "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            elif message["type"] == "http.response.body":
                sent["body"] += message.get("body", b"")

        await app(scope, receive, send)
        return sent["status"], json.loads(sent["body"])

    out = []
    for badge_id, query, body in REQUESTS:
        status, answer = asyncio.run(call("/badges/" + badge_id, query, body))
        out.append({"path_badge_id": badge_id, "query": query, "body": body, "status": status, "answer": answer})
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if sys.argv[1:2] == ["answers"]:
    answers()
else:
    json.dump(app.openapi(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
