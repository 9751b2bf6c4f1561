"""Standard Python OAuth 2.0 clients against a running Gatehouse (run by python-clients.test.ts).

requests-oauthlib (1.3) and Authlib (1.2), as Debian packages them: the password grant, GET
/users/me, a refresh with the refresh token alone (RFC 6749 section 6), revocation (RFC 7009) and,
with Authlib, introspection (RFC 7662). Prints one JSON object per step; exits 1 on the first
failure, 3 when a library is missing (the node test decides whether that may be skipped).
Usage: python3 python_clients.py BASE_URL USERNAME PASSWORD INTROSPECT_ID INTROSPECT_SECRET
"""
import json
import os
import sys

try:
    import requests
    from oauthlib.oauth2 import LegacyApplicationClient
    from requests_oauthlib import OAuth2Session as RequestsOAuth2Session
    from authlib.integrations.requests_client import OAuth2Session as AuthlibOAuth2Session
except ImportError as error:
    print(json.dumps({"missing": error.name}))
    sys.exit(3)

# http is allowed here because the server is on loopback (oauthlib refuses it otherwise).
os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"


def step(library, name, **facts):
    print(json.dumps({"library": library, "step": name, **facts}), flush=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def me(session, base):
    answer = session.get(f"{base}/users/me")
    check(answer.status_code == 200, f"/users/me answered {answer.status_code}: {answer.text}")
    return answer.json()["username"]


def with_requests_oauthlib(base, username, password):
    library = "requests-oauthlib"
    session = RequestsOAuth2Session(client=LegacyApplicationClient(client_id="python-requests-oauthlib"))
    token = session.fetch_token(f"{base}/token", username=username, password=password)
    step(library, "password grant", token_type=token["token_type"])
    step(library, "users/me", username=me(session, base))
    first_refresh = token["refresh_token"]
    # refresh_token() sends grant_type=refresh_token and the refresh token, nothing else
    token = session.refresh_token(f"{base}/token", refresh_token=first_refresh)
    check(token["refresh_token"] != first_refresh, "the refresh token was not rotated")
    step(library, "refresh with the refresh token alone", username=me(session, base))
    # oauthlib prepares the RFC 7009 request; requests-oauthlib has no method of its own for it
    url, headers, body = session._client.prepare_token_revocation_request(
        f"{base}/oauth/revoke", token["refresh_token"], token_type_hint="refresh_token")
    answer = requests.post(url, headers=headers, data=body, timeout=10)
    check(answer.status_code == 200, f"revocation answered {answer.status_code}: {answer.text}")
    after = session.get(f"{base}/users/me")
    check(after.status_code == 401, f"/users/me after revocation answered {after.status_code}")
    step(library, "revocation", users_me_after=after.status_code)


def with_authlib(base, username, password, introspect_id, introspect_secret):
    library = "authlib"
    # A confidential client: Authlib authenticates with HTTP Basic (client_secret_basic), which
    # Gatehouse ignores on /token (it has no registered clients).
    session = AuthlibOAuth2Session("python-authlib", "a-secret-gatehouse-ignores")
    token = session.fetch_token(f"{base}/token", grant_type="password", username=username, password=password)
    step(library, "password grant", token_type=token["token_type"])
    step(library, "users/me", username=me(session, base))
    first_refresh = token["refresh_token"]
    token = session.refresh_token(f"{base}/token", refresh_token=first_refresh)
    check(token["refresh_token"] != first_refresh, "the refresh token was not rotated")
    step(library, "refresh with the refresh token alone", username=me(session, base))

    resource_server = AuthlibOAuth2Session(introspect_id, introspect_secret)
    answer = resource_server.introspect_token(f"{base}/oauth/introspect", token=token["access_token"])
    check(answer.status_code == 200, f"introspection answered {answer.status_code}: {answer.text}")
    live = answer.json()
    check(live["active"] is True and live["username"] == username, f"introspection answered {live}")
    step(library, "introspection", active=live["active"], token_type=live["token_type"])

    public = AuthlibOAuth2Session("python-authlib-public")  # no secret: token_endpoint_auth_method none
    answer = public.revoke_token(f"{base}/oauth/revoke", token=token["access_token"], token_type_hint="access_token")
    check(answer.status_code == 200, f"revocation answered {answer.status_code}: {answer.text}")
    after = resource_server.introspect_token(f"{base}/oauth/introspect", token=token["refresh_token"]).json()
    check(after == {"active": False}, f"introspection after revocation answered {after}")
    step(library, "revocation", introspection_after=after)


def main():
    base, username, password, introspect_id, introspect_secret = sys.argv[1:6]
    try:
        with_requests_oauthlib(base, username, password)
        with_authlib(base, username, password, introspect_id, introspect_secret)
    except Exception as error:  # one line the node test can show, never a token
        print(json.dumps({"failed": f"{type(error).__name__}: {error}"}), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
