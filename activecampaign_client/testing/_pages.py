"""The non-JSON pages ActiveCampaign and its CDN answer with."""

from __future__ import annotations

__all__ = ["LOGIN_PAGE", "MALFORMED_JSON", "error_page"]

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Log in - ActiveCampaign</title>
</head>
<body class="login">
  <form method="post" action="/admin/index.php" id="login-form">
    <h1>Welcome back</h1>
    <label for="user">Username or email</label><input type="text" name="user" id="user">
    <label for="pass">Password</label><input type="password" name="pass" id="pass">
    <button type="submit">Log in</button>
  </form>
</body>
</html>
"""
"""What a wrong or missing Api-Token gets: HTTP 200 and the account's HTML login page."""

MALFORMED_JSON = '{"contacts":[{"id":"1","email":"jane@example.com","firstName":"Ja'
"""A 200 body cut off mid-way, as a dropped connection behind a proxy can leave it."""

_TITLES = {
    500: "Internal Server Error",
    502: "Bad gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway time-out",
}


def error_page(status: int, ray_id: str = "8f2b1c0d9e7a6b5c") -> str:
    """A Cloudflare-style HTML error page for a 5xx status."""
    title = _TITLES.get(status, "Server Error")
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head><title>{status}: {title}</title></head>
<body>
<div id="cf-error-details">
  <h1><span class="inline-block">{title}</span>
  <span class="code-label">Error code {status}</span></h1>
  <p>The web server reported a {title.lower()} error.</p>
  <p>Cloudflare Ray ID: <strong>{ray_id}</strong> &bull; Performance &amp; security by
  Cloudflare</p>
</div>
</body>
</html>
"""
