#!/usr/bin/env bash
# stack.sh DIR: assembles the FastAPI stack from the local git mirrors into
# DIR (no network) and prints the PYTHONPATH to run it with. The packages
# come straight from each project's tagged sources; pydantic, pydantic-core
# and their small pure-Python dependencies come from the interpreter's
# site-packages (see README.md).
#
# Environment: MIRRORS (default /work/.mirror) and one variable per tag
# (FASTAPI_TAG, STARLETTE_TAG, ANYIO_TAG, UVICORN_TAG, H11_TAG,
# ANNOTATED_DOC_TAG, EMAIL_VALIDATOR_TAG) to try other versions.
#
# email-validator is what pydantic's EmailStr and NameEmail validate with
# (pydantic/networks.py: import_email_validator); pydantic checks its
# version through importlib.metadata, so a minimal dist-info names it
# (its own dependency, idna, is in the interpreter already).
set -euo pipefail

dir=${1:?usage: stack.sh DIR}
mirrors=${MIRRORS:-/work/.mirror}

# name of the mirror, tag, folder in the repository, folder in DIR
stack=(
  "fastapi+fastapi       ${FASTAPI_TAG:-0.141.1}       fastapi            fastapi"
  "Kludex+starlette      ${STARLETTE_TAG:-1.3.1}       starlette          starlette"
  "agronholm+anyio       ${ANYIO_TAG:-4.9.0}           src/anyio          anyio"
  "Kludex+uvicorn        ${UVICORN_TAG:-0.51.0}        uvicorn            uvicorn"
  "python-hyper+h11      ${H11_TAG:-v0.16.0}           h11                h11"
  "fastapi+annotated-doc ${ANNOTATED_DOC_TAG:-0.0.4}   src/annotated_doc  annotated_doc"
  "JoshData+python-email-validator ${EMAIL_VALIDATOR_TAG:-v2.3.0} email_validator email_validator"
)

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
: >"$dir/STACK"
for line in "${stack[@]}"; do
  read -r mirror tag folder target <<<"$line"
  repo=$mirrors/$mirror/repo
  [[ -d $repo ]] || { echo "stack.sh: no mirror at $repo" >&2; exit 1; }
  commit=$(git -C "$repo" rev-parse --verify --quiet "$tag^{commit}") ||
    { echo "stack.sh: $mirror has no tag $tag" >&2; exit 1; }
  rm -rf "${dir:?}/$target" "$dir/.extract"
  mkdir -p "$dir/.extract"
  git -C "$repo" archive "$commit" "$folder" | tar -x -C "$dir/.extract"
  mv "$dir/.extract/$folder" "$dir/$target"
  rm -rf "$dir/.extract"
  echo "$mirror $tag $commit" >>"$dir/STACK"
done
email_version=${EMAIL_VALIDATOR_TAG:-v2.3.0}
email_version=${email_version#v}
rm -rf "$dir"/email_validator-*.dist-info
mkdir -p "$dir/email_validator-$email_version.dist-info"
printf 'Metadata-Version: 2.1\nName: email_validator\nVersion: %s\n' "$email_version" \
  >"$dir/email_validator-$email_version.dist-info/METADATA"
echo "$dir"
