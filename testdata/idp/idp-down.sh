#!/bin/sh
# Stop the IdP started by idp-up.sh with the same IDP_DIR. Safe to run when nothing is running.
IDP_DIR=${IDP_DIR:-/tmp/awsfed-idp}
if [ -f "$IDP_DIR/php.pid" ]; then
  kill -- -"$(cat "$IDP_DIR/php.pid")" 2>/dev/null || true
  rm -f "$IDP_DIR/php.pid"
fi
exit 0
