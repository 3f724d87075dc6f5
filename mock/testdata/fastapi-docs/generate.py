"""Writes the golden files of mock/docs_test.go from FastAPI 0.141.1 itself.

fastapi/openapi/docs.py is read from the FastAPI mirror and run with its
three imports stubbed (none of them shapes the HTML); the OpenAPI document
is openapi.yaml as FastAPI's openapi route would send it (Starlette's
JSONResponse.render: json.dumps(ensure_ascii=False, allow_nan=False,
indent=None, separators=(",", ":"))).

    python3 mock/testdata/fastapi-docs/generate.py /work/.mirror/fastapi+fastapi/repo
"""
import json, os, subprocess, sys, types

import yaml

here = os.path.dirname(os.path.abspath(__file__))
source = subprocess.check_output(["git", "-C", sys.argv[1], "show", "0.141.1:fastapi/openapi/docs.py"])

for name, attrs in {
    "annotated_doc": {"Doc": lambda *a, **k: None},
    "fastapi": {},
    "fastapi.encoders": {"jsonable_encoder": lambda v: v},
    "starlette": {},
    "starlette.responses": {"HTMLResponse": lambda content=None, **k: content.encode("utf-8")},
}.items():
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
docs = types.ModuleType("docs")
exec(compile(source, "fastapi/openapi/docs.py", "exec"), docs.__dict__)

with open(os.path.join(here, "spec.yaml"), encoding="utf-8") as f:
    document = yaml.safe_load(f)
title = document["info"]["title"]


def write(name, data):
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)


# As FastAPI.setup calls them (fastapi/applications.py).
write("docs.html", docs.get_swagger_ui_html(openapi_url="/openapi.json", title=f"{title} - Swagger UI",
                                           oauth2_redirect_url="/docs/oauth2-redirect", init_oauth=None,
                                           swagger_ui_parameters=None))
write("redoc.html", docs.get_redoc_html(openapi_url="/openapi.json", title=f"{title} - ReDoc"))
write("oauth2-redirect.html", docs.get_swagger_ui_oauth2_redirect_html())
write("openapi.json", json.dumps(document, ensure_ascii=False, allow_nan=False, indent=None,
                                 separators=(",", ":")).encode("utf-8"))
