"""Prints the OpenAPI document app.py publishes at /openapi.json, as JSON
indented by two spaces, keys in FastAPI's order, non-ASCII as is (as
Starlette's JSONResponse writes it). HUMM_OPERATION_IDS picks the ids."""

import json
import sys

from app import app

json.dump(app.openapi(), sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\n")
