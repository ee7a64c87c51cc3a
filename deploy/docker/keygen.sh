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
chown 10001:10001 "$priv" "$pub"
chmod 600 "$priv"
chmod 644 "$pub"
echo "keygen: keys ready"
