#!/usr/bin/env bash
# The ASK CLI's build hook: `ask deploy` (its "custom" build flow) runs hooks/build.sh from the
# project root, with the zip it will upload as $1 and its debug flag as $2. The zip is the one
# `make lambda-zip` builds for lambda/template.yaml: the runtime, the content and the locked
# dependencies for python3.12 on arm64.
set -euo pipefail
zip_out="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
make -C "$root" lambda-zip
cp "$root/build/lambda.zip" "$zip_out"
