#!/usr/bin/env bash
# Mutation testing (docs/testing.md): niced, since it keeps both cores busy for up to half an hour.
#   tools/mutation.sh [--only GROUP_OR_MODULE]...   groups: rules, interventions, pairing
set -euo pipefail
cd "$(dirname "$0")/.."
exec nice -n 10 .venv/bin/python tools/mutation.py "$@"
