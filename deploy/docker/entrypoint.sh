#!/bin/sh
# Image entrypoint: runs ./turbozap with the container's command as its arguments. Accepts
# both `docker run turbozap-api worker` and the plan's `command: ["./turbozap", "worker"]`.
set -e
case "$1" in
  ./turbozap | turbozap | /app/turbozap) shift ;;
esac
exec ./turbozap "$@"
