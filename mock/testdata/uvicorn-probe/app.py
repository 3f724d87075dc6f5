"""A bare Starlette app under uvicorn, run from the mirrors' sources, that
echoes what the app is handed. It confirmed the rows of
mock/answers_as_fastapi_residue_test.go, mock/framing_test.go and
BEHAVIOUR.md's table of HTTP-server differences
that depend on uvicorn, h11 and Starlette alone (pydantic and FastAPI are
not needed for them):

    mkdir /tmp/stk && cd /tmp/stk
    git -C /work/.mirror/Kludex+starlette/repo archive 1.3.1 starlette | tar x
    git -C /work/.mirror/Kludex+uvicorn/repo archive HEAD uvicorn | tar x
    git -C /work/.mirror/python-hyper+h11/repo archive HEAD h11 | tar x
    git -C /work/.mirror/agronholm+anyio/repo archive HEAD src/anyio | tar x && mv src/anyio .
    cp app.py probe.py /tmp/stk
    PYTHONPATH=/tmp/stk python3 -m uvicorn app:app --host 127.0.0.1 --port 18765 &
    python3 probe.py 18765    # output.txt is its answer
"""
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def member(request):
    return JSONResponse({"path": request.scope["path"], "org": request.path_params["org"],
                         "q": dict(request.query_params), "auth": request.headers.get("authorization"),
                         "scheme": request.scope["scheme"], "client": request.scope["client"]})

app = Starlette(routes=[Route("/api/organization/{org}/member", member)])
