"""Authlib's OAuth2Session authorization-code flow against a running Gatehouse (run by
authlib-flow.test.ts, which drives Chromium through the pages between the two halves).

Prints {"authorize": URL} (PKCE S256, state, nonce), reads the URL the browser came back to on
stdin, redeems the code (client_secret_basic), checks the ID token with Authlib's JOSE against the
JWKS (signature, iss, aud, nonce), reads /oauth/userinfo, and prints {"sub": ..., "userinfo_sub": ...}.
Exits 1 on a failure, 3 when Authlib is missing.
Usage: python3 python_oidc_flow.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI
"""
import json
import os
import sys

try:
    import requests
    from authlib.common.security import generate_token
    from authlib.integrations.requests_client import OAuth2Session
    from authlib.jose import JsonWebKey, jwt
except ImportError as error:
    print(json.dumps({"missing": error.name}))
    sys.exit(3)

os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the server is on loopback


def main(issuer, client_id, client_secret, redirect_uri):
    metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
    session = OAuth2Session(client_id, client_secret, scope="openid email profile", redirect_uri=redirect_uri,
                            code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic")
    verifier = generate_token(48)
    nonce = generate_token(20)
    url, state = session.create_authorization_url(metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    print(json.dumps({"authorize": url}), flush=True)
    back = sys.stdin.readline().strip()
    token = session.fetch_token(metadata["token_endpoint"], authorization_response=back, state=state, code_verifier=verifier)
    keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    claims = jwt.decode(token["id_token"], keys, claims_options={
        "iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id},
        "nonce": {"essential": True, "value": nonce},
    })
    claims.validate()
    info = session.get(metadata["userinfo_endpoint"]).json()
    print(json.dumps({"sub": claims["sub"], "userinfo_sub": info.get("sub"), "email": info.get("email")}), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
