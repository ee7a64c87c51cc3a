#!/bin/sh
# Makes the JWT signing key pair once; later runs keep the existing keys.
# The private key goes to /keys/private (identity only), the public key to
# /keys/public (every service). Both readable by the services' user 10001.
set -eu
priv=/keys/private/jwt.key
pub=/keys/public/jwt.pub
if [ ! -s "$priv" ]; then
    umask 077
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$priv.tmp"
    mv "$priv.tmp" "$priv"
    rm -f "$pub"
    echo "keygen: new key pair"
fi
if [ ! -s "$pub" ]; then
    openssl pkey -in "$priv" -pubout -out "$pub"
fi
# The gateway's TLS certificate: the one given in ./deploy/tls (mounted at
# /keys/tls-given), else a self-signed one made once.
if [ -s /keys/tls-given/tls.crt ] && [ -s /keys/tls-given/tls.key ]; then
    cp /keys/tls-given/tls.crt /keys/tls-given/tls.key /keys/tls/
elif [ ! -s /keys/tls/tls.crt ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
        -keyout /keys/tls/tls.key -out /keys/tls/tls.crt
    echo "keygen: self-signed TLS certificate (put yours in deploy/tls)"
fi
# The key is readable by the gateway's user only (www-data, group 33).
chown 0:33 /keys/tls/tls.crt /keys/tls/tls.key
chmod 644 /keys/tls/tls.crt
chmod 640 /keys/tls/tls.key
chown 10001:10001 "$priv" "$pub"
chmod 600 "$priv"
chmod 644 "$pub"
echo "keygen: keys ready"
