#!/bin/bash
# Start a SimpleSAMLphp (Debian package) SAML IdP on http://127.0.0.1:$IDP_PORT for the live e2e tests.
# Packages are installed by CI, never here:
#   apt-get install -y --no-install-recommends simplesamlphp php-cli php-xml php-mbstring xmlsec1 openssl curl
# Env: IDP_DIR (state dir, default /tmp/awsfed-idp), IDP_PORT (default 8080).
# The signing certificate ends up at $IDP_DIR/cert/idp.crt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IDP_DIR=${IDP_DIR:-/tmp/awsfed-idp}
IDP_PORT=${IDP_PORT:-8080}
SSP=/usr/share/simplesamlphp
BASE="http://127.0.0.1:${IDP_PORT}/simplesaml"

missing=()
command -v php >/dev/null 2>&1 || missing+=(php)
[ -d "$SSP/www" ] || missing+=(simplesamlphp)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if command -v php >/dev/null 2>&1; then
  php -r 'exit(class_exists("DOMDocument") ? 0 : 1);' || missing+=(php-xml)
  php -r 'exit(function_exists("mb_strlen") ? 0 : 1);' || missing+=(php-mbstring)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "idp-up: missing: ${missing[*]} (install: apt-get install -y --no-install-recommends simplesamlphp php-cli php-xml php-mbstring xmlsec1 openssl curl)" >&2
  exit 2
fi

mkdir -p "$IDP_DIR"/{config,metadata,cert,docroot,tmp,data,log}
ln -sfn "$SSP/www" "$IDP_DIR/docroot/simplesaml"
if [ ! -s "$IDP_DIR/cert/idp.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=awsfed live-test IdP" \
    -keyout "$IDP_DIR/cert/idp.key" -out "$IDP_DIR/cert/idp.crt" 2>/dev/null
fi
cp "$here/authsources.php" "$IDP_DIR/config/authsources.php"

cat > "$IDP_DIR/config/config.php" <<EOF
<?php
\$config = [
    'baseurlpath' => '${BASE}/',
    'certdir' => '${IDP_DIR}/cert/',
    'metadatadir' => '${IDP_DIR}/metadata/',
    'loggingdir' => '${IDP_DIR}/log/',
    'datadir' => '${IDP_DIR}/data/',
    'tempdir' => '${IDP_DIR}/tmp/',
    'secretsalt' => 'awsfed-live-tests-only-salt-not-secret',
    'auth.adminpassword' => 'awsfed-test-admin',
    'admin.checkforupdates' => false,
    'technicalcontact_email' => 'tests@example.invalid',
    'timezone' => 'UTC',
    'enable.saml20-idp' => true,
    'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true, 'admin' => true],
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',
    'logging.level' => SimpleSAML\Logger::INFO,
    'showerrors' => true,
    'errorreporting' => false,
    'production' => true,
    // plain http on loopback: Secure cookies would make SimpleSAMLphp refuse to set them
    'session.cookie.secure' => false,
    'session.cookie.samesite' => null,
    'session.phpsession.savepath' => '${IDP_DIR}/tmp/',
    'language.cookie.secure' => false,
    'language.cookie.samesite' => null,
    'store.type' => 'phpsession',
];
EOF

cat > "$IDP_DIR/metadata/saml20-idp-hosted.php" <<'EOF'
<?php
$metadata['__DYNAMIC:1__'] = [
    'host' => '__DEFAULT__',
    'privatekey' => 'idp.key',
    'certificate' => 'idp.crt',
    'auth' => 'example-userpass',
    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
];
EOF

cat > "$IDP_DIR/metadata/saml20-sp-remote.php" <<'EOF'
<?php
$metadata['urn:amazon:webservices'] = [
    'AssertionConsumerService' => 'https://signin.aws.amazon.com/saml',
    'NameIDFormat' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri',
    'attributes' => [
        'https://aws.amazon.com/SAML/Attributes/Role',
        'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
        'https://aws.amazon.com/SAML/Attributes/SessionDuration',
    ],
    'authproc' => [
        10 => ['class' => 'saml:AttributeNameID', 'attribute' => 'uid',
               'Format' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'],
        20 => ['class' => 'core:AttributeLimit'],
    ],
];
EOF

# restart cleanly; setsid gives php its own process group so idp-down.sh also stops its workers
"$here/idp-down.sh"
SIMPLESAMLPHP_CONFIG_DIR="$IDP_DIR/config" PHP_CLI_SERVER_WORKERS="${PHP_CLI_SERVER_WORKERS:-2}" \
  setsid php -S "127.0.0.1:${IDP_PORT}" -t "$IDP_DIR/docroot" >>"$IDP_DIR/log/php-server.log" 2>&1 </dev/null &
echo $! >"$IDP_DIR/php.pid"
# a broken install still answers 200 with an error page, so wait for real metadata
for _ in $(seq 1 200); do
  if curl -fs "$BASE/saml2/idp/metadata.php" 2>/dev/null | grep -q 'EntityDescriptor'; then
    echo "IdP up at $BASE"
    exit 0
  fi
  sleep 0.05
done
echo "idp-up: IdP did not become ready at $BASE; last server log lines:" >&2
tail -20 "$IDP_DIR/log/php-server.log" >&2
"$here/idp-down.sh"
exit 1
