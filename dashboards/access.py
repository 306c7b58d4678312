"""Who may see what (no Streamlit, no DuckDB): optional login and roles.

Login is on when ``.streamlit/secrets.toml`` has an ``[auth]`` section (Streamlit's OIDC login, ``st.login``);
without it the dashboards are open and every page is shown (a laptop, a trusted network).

Roles come from ``[animateur.roles]`` in the same file, a mapping of who -> role::

    [animateur]
    default_role = "executive"          # a signed-in account that no rule names (omit: no access)

    [animateur.roles]
    "ceo@maison-lumiere.example" = "executive"     # an e-mail (case-insensitive)
    "@agency.example" = "analyst"                  # every e-mail of a domain
    "groups=community" = "community_manager"       # an identity-token claim: <claim>=<value> (lists too)

The first matching rule wins in that order: the e-mail, then a claim, then the domain, then ``default_role``.
Executives see aggregates only; member-level pages are for analysts and community managers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EXECUTIVE = "executive"
ANALYST = "analyst"
COMMUNITY_MANAGER = "community_manager"
ROLES = (EXECUTIVE, ANALYST, COMMUNITY_MANAGER)
MEMBER_LEVEL_ROLES = frozenset({ANALYST, COMMUNITY_MANAGER})
# Without login everyone may see every page: the role the app then runs under.
OPEN_ACCESS_ROLE = COMMUNITY_MANAGER


class RoleConfigError(ValueError):
    """``[animateur.roles]`` names a role that does not exist."""


def auth_enabled(secrets: Mapping[str, Any]) -> bool:
    """Login is on when the secrets have an ``[auth]`` section."""
    return "auth" in secrets


def _roles_config(secrets: Mapping[str, Any]) -> tuple[dict[str, str], str | None]:
    section = secrets.get("animateur", {}) if hasattr(secrets, "get") else {}
    rules = {str(k).strip().lower(): str(v) for k, v in dict(section.get("roles", {}) or {}).items()}
    default = section.get("default_role")
    for role in [*rules.values(), *([default] if default else [])]:
        if role not in ROLES:
            raise RoleConfigError(f"[animateur.roles]: unknown role {role!r} (expected one of {', '.join(ROLES)})")
    return rules, default


def role_for(user: Mapping[str, Any], secrets: Mapping[str, Any]) -> str | None:
    """The role of a signed-in user (``st.user`` as a mapping of its claims), or None when no rule gives one."""
    rules, default = _roles_config(secrets)
    email = str(user.get("email") or "").strip().lower()
    if email and email in rules:
        return rules[email]
    for rule, role in rules.items():
        if "=" not in rule:
            continue
        claim, wanted = rule.split("=", 1)
        value = user.get(claim.strip())
        values = value if isinstance(value, list | tuple | set) else [value]
        if wanted.strip() in {str(v).strip().lower() for v in values if v is not None}:
            return role
    if "@" in email:
        domain = "@" + email.split("@", 1)[1]
        if domain in rules:
            return rules[domain]
    return default


def can_see_member_level(role: str | None) -> bool:
    return role in MEMBER_LEVEL_ROLES
