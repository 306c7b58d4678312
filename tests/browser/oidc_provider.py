"""A local OpenID Connect provider for the login test: just enough of one for Streamlit's own login (`st.login`,
Authlib's authorization-code flow), served by pytest-httpserver (werkzeug) on 127.0.0.1.

- `/.well-known/openid-configuration`: the discovery document (issuer, endpoints, RS256, PKCE S256);
- `/authorize`: no login form: redirects straight back to the app with a one-time code for `next_user`,
  the account the test chose (its e-mail and claims);
- `/token`: checks the client's credentials, the code, the redirect URI and the PKCE verifier, and returns an
  access token and an RS256 id_token (signed with joserfc) carrying the nonce of the authorization request;
- `/jwks`: the public key; `/userinfo`: the claims, for a bearer access token.

The provider is the external service of the flow (the part a test may fake); Streamlit, Authlib, the cookies and
the dashboards' roles are the real ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

CLIENT_ID = "animateur-test"
CLIENT_SECRET = "animateur-test-secret"  # a test value, not a credential
KEY_ID = "animateur-test-key"


def _json(payload: dict[str, Any], status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json",
                    headers={"Cache-Control": "no-store"})


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode("ascii")


@dataclass
class _Grant:
    claims: dict[str, Any]
    nonce: str | None
    redirect_uri: str
    code_challenge: str | None


@dataclass
class FakeOidcProvider:
    server: HTTPServer
    next_user: dict[str, Any] = field(default_factory=dict)  # claims of whoever "signs in" next
    logins: list[str] = field(default_factory=list)  # e-mails signed in, in order
    _key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": KEY_ID, "use": "sig", "alg": "RS256"}, private=True))
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return self.server.url_for("").rstrip("/")

    @property
    def metadata_url(self) -> str:
        return self.server.url_for("/.well-known/openid-configuration")

    def install(self) -> FakeOidcProvider:
        self.server.expect_request("/.well-known/openid-configuration").respond_with_handler(self._discovery)
        self.server.expect_request("/authorize", method="GET").respond_with_handler(self._authorize)
        self.server.expect_request("/token", method="POST").respond_with_handler(self._token)
        self.server.expect_request("/jwks").respond_with_handler(
            lambda _request: _json({"keys": [self._key.as_dict(private=False)]}))
        self.server.expect_request("/userinfo").respond_with_handler(self._userinfo)
        return self

    # ------------------------------------------------------------------ endpoints
    def _discovery(self, _request: Request) -> Response:
        return _json({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name", "groups"],
        })

    def _authorize(self, request: Request) -> Response:
        args = request.args
        if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code" or not self.next_user:
            return _json({"error": "invalid_request"}, status=400)
        code = secrets.token_urlsafe(16)
        self._grants[code] = _Grant(claims=dict(self.next_user), nonce=args.get("nonce"),
                                    redirect_uri=args["redirect_uri"], code_challenge=args.get("code_challenge"))
        self.logins.append(self.next_user.get("email", "?"))
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _client_authenticated(self, request: Request) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            client_id, client_secret = request.form.get("client_id"), request.form.get("client_secret")
        return client_id == CLIENT_ID and client_secret == CLIENT_SECRET

    def _token(self, request: Request) -> Response:
        if not self._client_authenticated(request):
            return _json({"error": "invalid_client"}, status=401)
        form = request.form
        grant = self._grants.pop(form.get("code", ""), None)  # a code is used once
        if form.get("grant_type") != "authorization_code" or grant is None:
            return _json({"error": "invalid_grant"}, status=400)
        if form.get("redirect_uri") != grant.redirect_uri:
            return _json({"error": "invalid_grant", "error_description": "redirect_uri"}, status=400)
        if grant.code_challenge and _s256(form.get("code_verifier", "")) != grant.code_challenge:
            return _json({"error": "invalid_grant", "error_description": "PKCE"}, status=400)
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 600, "auth_time": now,
                  "email_verified": True, **grant.claims}
        if grant.nonce:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self._key)
        access_token = secrets.token_urlsafe(24)
        self._access_tokens[access_token] = grant.claims
        return _json({"access_token": access_token, "token_type": "Bearer", "expires_in": 600,
                      "scope": "openid email profile", "id_token": id_token})

    def _userinfo(self, request: Request) -> Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        claims = self._access_tokens.get(token)
        return _json(claims) if claims is not None else _json({"error": "invalid_token"}, status=401)


def user(email: str, name: str, **claims: Any) -> dict[str, Any]:
    """The claims of a test account (`sub` derived from the e-mail)."""
    return {"sub": hashlib.sha256(email.encode()).hexdigest()[:16], "email": email, "name": name, **claims}
