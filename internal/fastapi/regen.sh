#!/usr/bin/env bash
# regen.sh [--check]: re-creates openapi-default-ids.json and
# openapi-explicit-ids.json from the stack's sources (stack.sh, from the
# local git mirrors) and app.py; with --check, writes nothing and exits 1
# when either committed file differs from what the stack generates.
# Needs the mirrors and a Python 3.11 with pydantic 2.13.4 / pydantic-core
# 2.46.4 (PYTHON, default python3); CI has neither, so it never runs this.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
stack=$(mktemp -d)
trap 'rm -rf "$stack"' EXIT

pythonpath=$("$here/stack.sh" "$stack")
versions=$(PYTHONPATH=$pythonpath "$python" -c '
import sys, fastapi, starlette, pydantic, pydantic_core
print(f"python {sys.version.split()[0]}, fastapi {fastapi.__version__}, starlette {starlette.__version__},"
      f" pydantic {pydantic.VERSION}, pydantic-core {pydantic_core.__version__}")')
echo "regen.sh: $versions" >&2
case $versions in
*"pydantic 2.13.4, pydantic-core 2.46.4"*) ;;
*) echo "regen.sh: warning: docs.go records pydantic 2.13.4 / pydantic-core 2.46.4" >&2 ;;
esac

status=0
for ids in default explicit; do
  file=$here/openapi-$ids-ids.json
  (cd "$here" && HUMM_OPERATION_IDS=$ids PYTHONPATH=$pythonpath "$python" -B gen_openapi.py) >"$stack/out.json"
  if [[ ${1:-} == --check ]]; then
    cmp -s "$stack/out.json" "$file" || { echo "regen.sh: $file differs from what the stack generates" >&2; status=1; }
  else
    mv "$stack/out.json" "$file"
  fi
done
exit "$status"
