"""Login and roles in a real browser (issue 6: "with login enabled, an executive role cannot open a member-level
page"): Streamlit's own OpenID Connect login (`st.login`, Authlib) against a local OIDC provider
(tests/browser/oidc_provider.py), the dashboards started with a secrets file that has an ``[auth]`` section and
``[animateur.roles]``, on the published copy of the demo warehouse.

One Streamlit server; each account signs in in its own browser context (its own cookies):
- the executive: the Members page is not in the navigation and its URL does not open it;
- the analyst: the Members page is in the navigation and opens;
- an account no rule names (and no default role): refused.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_httpserver import HTTPServer

from dashboards.i18n import LANGUAGES, t
from tests.browser.conftest import _free_port, running_streamlit
from tests.browser.oidc_provider import CLIENT_ID, CLIENT_SECRET, FakeOidcProvider, user

pytestmark = pytest.mark.browser

UI_TIMEOUT_MS = 60_000
EXECUTIVE = user("ceo@maison-lumiere.example", "Camille Dupré")
ANALYST = user("alex@agency.example", "Alex Martin")
OUTSIDER = user("visitor@elsewhere.example", "Sam Visitor")


def _either(key: str, **kwargs) -> re.Pattern[str]:
    """A text of the dashboards in any language (the language comes from the demo's strategy)."""
    return re.compile("|".join(re.escape(t(key, lang, **kwargs)) for lang in LANGUAGES))


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[FakeOidcProvider]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield FakeOidcProvider(server).install()
    finally:
        server.clear()
        server.stop()


@pytest.fixture(scope="module")
def login_server(built_warehouse, oidc_provider, tmp_path_factory) -> Iterator[str]:
    """The dashboards with login on: a secrets file in a temporary folder (never the repository's)."""
    folder = tmp_path_factory.mktemp("streamlit-login")
    port = _free_port()
    auth = {
        "redirect_uri": f"http://127.0.0.1:{port}/oauth2callback",
        "cookie_secret": "animateur-browser-test-cookie-secret-0123456789",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "server_metadata_url": oidc_provider.metadata_url,
    }
    roles = {EXECUTIVE["email"]: "executive", "@agency.example": "analyst"}  # no default_role: others refused
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in auth.items())
        + "\n[animateur.roles]\n" + "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in roles.items()),
        encoding="utf-8",
    )
    env = {**os.environ, **built_warehouse.env, "ANIMATEUR_PUBLISHED": str(built_warehouse.published_path)}
    env.pop("ANIMATEUR_DASHBOARD_LANGUAGE", None)
    with running_streamlit(env, folder / "server.log", "--secrets.files", str(secrets), port=port) as url:
        yield url


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("login-screenshots")


def _sign_in(chromium_browser, url: str, provider: FakeOidcProvider, account: dict) -> Page:
    """A fresh browser (no cookie) opens the app, is asked to sign in, signs in at the provider as ``account``."""
    context = chromium_browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    login = page.get_by_role("button", name=_either("app.log_in"))
    expect(login).to_be_visible()
    provider.next_user = account
    login.click()  # -> /auth/login -> provider /authorize -> /oauth2callback (cookie set) -> the app
    return page


def _nav_paths(page: Page) -> set[str]:
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.locator("a[href$='/weekly']")).to_be_visible()
    return {href.rstrip("/").rsplit("/", 1)[-1] for href in
            nav.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")}


def test_an_executive_cannot_open_the_member_level_page(chromium_browser, login_server, oidc_provider,
                                                        screenshots):
    page = _sign_in(chromium_browser, login_server, oidc_provider, EXECUTIVE)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(EXECUTIVE["email"])).to_be_visible()  # signed in, with the executive role
    expect(sidebar.get_by_text(_either("role.executive"))).to_be_visible()
    expect(page.get_by_role("heading", name=_either("weekly.title"), level=1)).to_be_visible()

    paths = _nav_paths(page)
    assert {"weekly", "monthly", "strategic", "explore", "data-health"} <= paths
    assert "members" not in paths  # not in the navigation

    page.goto(f"{login_server}/members")  # nor by its URL: Streamlit does not know the page for this session
    expect(page.get_by_role("dialog")).to_contain_text("Page not found")  # Streamlit's own answer
    expect(page.get_by_role("heading", name=_either("weekly.title"), level=1)).to_be_visible()
    expect(page.get_by_role("heading", name=_either("members.title"), level=1)).to_have_count(0)
    assert not page.url.rstrip("/").endswith("/members")
    expect(page.get_by_test_id("stSidebar").get_by_text(EXECUTIVE["email"])).to_be_visible()  # still signed in
    page.screenshot(path=str(screenshots / "executive-members-refused.png"), full_page=True)
    page.context.close()


def test_an_analyst_opens_the_member_level_page(chromium_browser, login_server, oidc_provider, screenshots):
    page = _sign_in(chromium_browser, login_server, oidc_provider, ANALYST)
    expect(page.get_by_test_id("stSidebar").get_by_text(_either("role.analyst"))).to_be_visible()
    assert "members" in _nav_paths(page)

    page.goto(f"{login_server}/members")
    expect(page.get_by_role("heading", name=_either("members.title"), level=1)).to_be_visible()
    assert page.url.rstrip("/").endswith("/members")
    page.screenshot(path=str(screenshots / "analyst-members.png"), full_page=True)
    page.context.close()


def test_an_account_without_a_role_is_refused(chromium_browser, login_server, oidc_provider):
    page = _sign_in(chromium_browser, login_server, oidc_provider, OUTSIDER)
    expect(page.get_by_text(_either("app.no_role", who=OUTSIDER["email"]))).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert oidc_provider.logins[-1] == OUTSIDER["email"]
    page.context.close()
