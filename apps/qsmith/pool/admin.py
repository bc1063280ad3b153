"""The ``/admin`` page: logins with health, cool-down and usage; keys; recent failures.

Off unless an admin key is configured. A browser signs in once with the key at
``/admin/login`` and gets an HttpOnly, SameSite=Strict cookie holding an HMAC of the key
(never the key); scripts send ``Authorization: Bearer <admin key>``. Both are compared in
constant time and neither is logged (no key ever travels in a URL). Changes are POSTs that
also need the ``X-Qsmith-Admin`` header, which a cross-site form cannot send.

The page is rendered on the server; its only script posts a change to the JSON twin and
reloads. JSON twins: ``/admin/api/logins`` (with each login's last usage limits),
``/admin/api/keys``, ``/admin/api/failures``, ``POST /admin/api/logins/{name}/disable``,
``.../enable`` and ``.../quota`` (fetch the usage limits now).
"""

from __future__ import annotations

import hashlib
import hmac
import html
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from qsmith.pool.pooled import LoginView, PooledBackend
from qsmith.pool.quota import QuotaReader
from qsmith.pool.usage import utc_day

__all__ = ["ADMIN_HEADER", "COOKIE", "admin_app"]

COOKIE = "qsmith_admin"
ADMIN_HEADER = "x-qsmith-admin"
Handler = Callable[[Request], Awaitable[Response]]

SCRIPT = """
for (const button of document.querySelectorAll("button[data-login]")) {
  button.addEventListener("click", async () => {
    const url = `/admin/api/logins/${encodeURIComponent(button.dataset.login)}/` +
      button.dataset.action;
    const answer = await fetch(url, {method: "POST", headers: {"X-Qsmith-Admin": "1"}});
    document.getElementById("status").textContent =
      answer.ok ? `${button.dataset.login}: ${button.dataset.action}d` : `failed: ${answer.status}`;
    if (answer.ok) location.reload();
  });
}
"""
STYLE = "body{font-family:sans-serif;margin:2em}td,th{padding:.2em .8em;text-align:left}"


class AdminAuth:
    def __init__(self, admin_key: str) -> None:
        self._key = admin_key.encode("utf-8")
        self.session = hmac.new(self._key, b"qsmith-admin-session", hashlib.sha256).hexdigest()

    def valid_key(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8"), self._key)

    def allowed(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            return self.valid_key(token.strip())
        cookie = request.cookies.get(COOKIE, "")
        return hmac.compare_digest(cookie.encode("utf-8"), self.session.encode("utf-8"))


def admin_app(pool: PooledBackend, admin_key: str, quotas: QuotaReader | None = None) -> Starlette:
    auth = AdminAuth(admin_key)
    views = AdminViews(pool, quotas)

    def guarded(handler: Handler, *, change: bool = False) -> Handler:
        async def endpoint(request: Request) -> Response:
            if not auth.allowed(request):
                return JSONResponse({"error": "the admin key is missing or wrong"}, 401)
            if change and ADMIN_HEADER not in request.headers:
                return JSONResponse({"error": f"a change needs the {ADMIN_HEADER} header"}, 403)
            return await handler(request)

        return endpoint

    async def page(request: Request) -> Response:
        if not auth.allowed(request):
            return RedirectResponse("/admin/login", status_code=303)
        return HTMLResponse(views.page())

    async def login_form(request: Request) -> Response:
        return HTMLResponse(_login_page(None))

    async def login(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        if not auth.valid_key(form.get("key", [""])[0]):
            return HTMLResponse(_login_page("That is not the admin key."), status_code=401)
        response = RedirectResponse("/admin", status_code=303)
        response.set_cookie(COOKIE, auth.session, httponly=True, samesite="strict", path="/admin")
        return response

    async def logins(request: Request) -> Response:
        return JSONResponse({"logins": views.logins()})

    async def keys(request: Request) -> Response:
        return JSONResponse({"keys": views.keys()})

    async def failures(request: Request) -> Response:
        return JSONResponse({"failures": views.failures()})

    async def quota(request: Request) -> Response:
        name = request.path_params["name"]
        if quotas is None or name not in {login.name for login in quotas.logins}:
            return JSONResponse({"error": f"no bearer login named {name!r}"}, 404)
        return JSONResponse({"quota": await quotas.fetch(pool.login(name))})

    async def switch(request: Request) -> Response:
        name, action = request.path_params["name"], request.path_params["action"]
        if action not in ("disable", "enable"):
            return JSONResponse({"error": "the action is disable or enable"}, 404)
        if name not in {login.name for login in pool.logins}:
            return JSONResponse({"error": f"no login named {name!r}"}, 404)
        reason = f"disabled by an admin at {_iso(time.time())}" if action == "disable" else None
        pool.state.set_disabled(name, reason)
        return JSONResponse({"login": next(v for v in views.logins() if v["name"] == name)})

    routes = [
        Route("/admin", page, methods=["GET"]),
        Route("/admin/login", login_form, methods=["GET"]),
        Route("/admin/login", login, methods=["POST"]),
        Route("/admin/api/logins", guarded(logins), methods=["GET"]),
        Route("/admin/api/keys", guarded(keys), methods=["GET"]),
        Route("/admin/api/failures", guarded(failures), methods=["GET"]),
        Route("/admin/api/logins/{name}/quota", guarded(quota, change=True), methods=["POST"]),
        Route(
            "/admin/api/logins/{name}/{action:str}",
            guarded(switch, change=True),
            methods=["POST"],
        ),
    ]
    return Starlette(routes=routes)


class AdminViews:
    """Each view as JSON-ready data, and the page made of them."""

    def __init__(self, pool: PooledBackend, quotas: QuotaReader | None) -> None:
        self.pool = pool
        self.quotas = quotas

    def logins(self) -> list[dict[str, object]]:
        now = self.pool.clock()
        entries = [_login_entry(view, self.pool, now) for view in self.pool.views()]
        for entry in entries:
            entry["quota"] = self.quotas.quota(str(entry["name"])) if self.quotas else None
        return entries

    def keys(self) -> list[dict[str, object]]:
        state, day = self.pool.state, utc_day(self.pool.clock())
        return [
            {
                "id": key.id,
                "name": key.name,
                "models": list(key.models),
                "requests_per_minute": key.requests_per_minute,
                "credits_per_day": key.credits_per_day,
                "disabled": key.disabled,
                "usage_today": state.usage(f"key:{key.id}", day),
                "usage_total": state.usage(f"key:{key.id}"),
            }
            for key in state.keys()  # noqa: SIM118 - a store, not a dict
        ]

    def failures(self) -> list[dict[str, object]]:
        return [
            {
                "at": _iso(f.at),
                "login": f.login,
                "kind": f.kind,
                "message": f.message,
                "request_id": f.request_id,
            }
            for f in self.pool.state.failures()
        ]

    def page(self) -> str:
        logins = [
            [
                e["name"],
                e["state"],
                e["strikes"],
                f"{e['cooldown_seconds']:.0f} s",
                e["reason"] or "",
                e["region"] or "",
                _counts(e["usage_today"]),
                _quota(e["quota"]),
                _button(str(e["name"]), "enable" if e["state"] == "disabled" else "disable"),
            ]
            for e in self.logins()
        ]
        state, day = self.pool.state, utc_day(self.pool.clock())
        keys: list[list[object]] = [
            [
                key.id,
                key.name or "",
                ", ".join(key.models) or "all",
                key.requests_per_minute or "-",
                key.credits_per_day or "-",
                _counts(state.usage(f"key:{key.id}", day)),
            ]
            for key in state.keys()  # noqa: SIM118 - a store, not a dict
        ]
        failures = [
            [f["at"], f["login"], f["kind"], f["message"], f["request_id"] or ""]
            for f in self.failures()
        ]
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>qsmith gateway</title>"
            f"<style>{STYLE}</style></head><body><h1>qsmith gateway</h1>"
            "<p id='status' role='status'></p>"
            + _table(
                "logins",
                [
                    "login",
                    "state",
                    "strikes",
                    "cool-down",
                    "reason",
                    "region",
                    "today",
                    "quota",
                    "",
                ],
                logins,
                raw_last=True,
            )
            + _table("keys", ["key", "name", "models", "req/min", "credits/day", "today"], keys)
            + _table("failures", ["at", "login", "kind", "message", "request id"], failures)
            + f"<script>{SCRIPT}</script></body></html>"
        )


def _login_entry(view: LoginView, pool: PooledBackend, now: float) -> dict[str, object]:
    health = view.health
    return {
        "name": view.name,
        "state": view.state,
        "priority": view.priority,
        "region": view.region,
        "profile_arn": view.profile_arn,
        "source": view.describe,
        "strikes": health.strikes,
        "cooldown_seconds": max(0.0, health.cooldown_until - now),
        "reason": health.reason,
        "usage_today": pool.state.usage(f"login:{view.name}", utc_day(now)),
        "usage_total": pool.state.usage(f"login:{view.name}"),
    }


def _quota(value: object) -> str:
    if not isinstance(value, dict):
        return "-"
    if value.get("error"):
        return f"unknown ({value['error']})"
    limits = [f"{q['type']} {q['used']}/{q['limit']}" for q in value.get("limits", [])]
    return ", ".join(limits) or "no limits reported"


def _counts(value: object) -> str:
    assert isinstance(value, dict)
    return ", ".join(f"{name} {amount:g}" for name, amount in sorted(value.items())) or "-"


def _button(login: str, action: str) -> str:
    name = html.escape(login, quote=True)
    return f"<button data-login='{name}' data-action='{action}'>{action.capitalize()}</button>"


def _table(
    name: str, header: list[str], rows: list[list[object]], *, raw_last: bool = False
) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = ""
    for row in rows:
        cells = [html.escape(str(c)) for c in (row[:-1] if raw_last else row)]
        if raw_last:
            cells.append(str(row[-1]))  # built by _button, already escaped
        body += "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    empty = "" if rows else f"<p>No {name}.</p>"
    return (
        f"<h2>{name.capitalize()}</h2><table id='{name}'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{empty}"
    )


def _login_page(problem: str | None) -> str:
    note = f"<p role='alert'>{html.escape(problem)}</p>" if problem else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>qsmith gateway admin</title>"
        f"<style>{STYLE}</style></head><body><h1>qsmith gateway admin</h1>{note}"
        "<form method='post' action='/admin/login'><label>Admin key "
        "<input type='password' name='key' autocomplete='off'></label> "
        "<button type='submit'>Sign in</button></form></body></html>"
    )


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
