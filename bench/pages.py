#!/usr/bin/env python3
"""Times Baton's web pages as signed-in people see them, one request at a time over a kept-alive
connection, so the time is the server's (plus loopback). For each page: p50, p95 and the largest
of REQUESTS requests (after a few to warm up), and the page's size.

Environment: BENCH_URL (http://127.0.0.1:18181), BENCH_ADMIN_TOKEN (an admin's API token, to
give the people below a password), BENCH_DEALS, REQUESTS (200), BENCH_OUT (a Markdown table).
"""
import http.client
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.parse

URL = urllib.parse.urlparse(os.environ.get("BENCH_URL", "http://127.0.0.1:18181"))
ADMIN = os.environ["BENCH_ADMIN_TOKEN"]
DEALS = int(os.environ.get("BENCH_DEALS", "1000"))
REQUESTS = int(os.environ.get("REQUESTS", "200"))
PASSWORD = "bench password 2026"


def connect():
    return http.client.HTTPConnection(URL.hostname, URL.port, timeout=60)


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


def api(method, path, body=None, headers=None):
    conn = connect()
    headers = {"Authorization": f"Bearer {ADMIN}", **(headers or {})}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    response, data = call(conn, method, path, body, headers)
    if response.status >= 300:
        sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
    return response, json.loads(data)


def highest_id(kind):
    return api("GET", f"/api/v1/{kind}?sort=-id&limit=1")[1]["items"][0]["id"]


def sign_in(email):
    """Gives `email` the bench password and signs them in; returns the session cookie and the
    user's id."""
    _, users = api("GET", "/api/v1/users?email=" + urllib.parse.quote(email))
    user = users["items"][0]
    api("PATCH", f"/api/v1/users/{user['id']}", {"password": PASSWORD},
        {"If-Match": f'"{user["version"]}"'})
    conn = connect()
    response, html = call(conn, "GET", "/login")
    login_cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf_token" value="([^"]+)"', html).group(1).decode()
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD, "next": "/today"})
    response, _ = call(conn, "POST", "/login", form, {
        "Cookie": login_cookie, "Content-Type": "application/x-www-form-urlencoded"})
    cookies = [v.split(";")[0] for k, v in response.getheaders()
               if k.lower() == "set-cookie" and v.startswith("baton_session=")]
    if response.status != 303 or not cookies:
        sys.exit(f"signing {email} in failed: {response.status}")
    return cookies[0], user["id"]


def time_page(cookie, label, paths):
    """Requests `paths()` REQUESTS times (after 5 to warm up); returns the row of the table."""
    conn = connect()
    headers = {"Cookie": cookie}
    times, size = [], 0
    for i in range(REQUESTS + 5):
        path = paths()
        start = time.perf_counter()
        response, body = call(conn, "GET", path, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            row = f"| {label} | GET {path} answered {response.status} ✗ | | | |"
            print(row, flush=True)
            return row
        if i >= 5:
            times.append(elapsed)
            size = max(size, len(body))
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    verdict = "✓" if p95 < 50 else "✗"
    row = f"| {label} | {statistics.median(times):.1f} | {p95:.1f} {verdict} | {times[-1]:.1f} | {size // 1024} KB |"
    print(row, flush=True)
    return row


def shipped_assets(cookie):
    """The stylesheet and scripts a page links, their sizes as stored and as sent compressed."""
    conn = connect()
    _, html = call(conn, "GET", "/today", headers={"Cookie": cookie})
    lines, total = [], 0
    for path in re.findall(rb'(?:href|src)="(/assets/[^"]+\.(?:css|js))"', html):
        path = path.decode()
        _, raw = call(conn, "GET", path)
        response, sent = call(conn, "GET", path, headers={"Accept-Encoding": "gzip, br"})
        encoding = response.getheader("Content-Encoding") or "none"
        lines.append(f"- {path}: {len(raw) / 1024:.1f} KB ({len(sent) / 1024:.1f} KB sent with {encoding})")
        total += len(raw)
    lines.append(f"- JavaScript + CSS a page ships: {total / 1024:.1f} KB (< 300 KB {'✓' if total < 300 * 1024 else '✗'})")
    return lines


def main():
    accounts, contacts = highest_id("accounts"), highest_id("contacts")
    deal = lambda: f"/deals/{random.randint(1, DEALS)}"
    account = lambda: f"/accounts/{random.randint(1, accounts)}"
    contact = lambda: f"/contacts/{random.randint(1, contacts)}"
    words = ["ac", "bri", "sum", "nor", "glo", "ve", "pa", "tri"]
    people = {role: sign_in(f"{login}@demo.baton.local")
              for role, login in [("coordinator", "coordinator"), ("manager", "manager1"),
                                  ("rep", "rep1"), ("admin", "admin")]}
    today = time.gmtime()
    quarter = f"{today.tm_year}-Q{(today.tm_mon - 1) // 3 + 1}"
    fixed = lambda path: (lambda: path)
    pages = [
        ("coordinator", "Today", fixed("/today")),
        ("manager", "Today (my team's day)", fixed("/today")),
        ("rep", "Today (my day)", fixed("/today")),
        ("coordinator", "Pipeline board", fixed("/pipeline")),
        ("rep", "Pipeline board", fixed("/pipeline")),
        ("coordinator", "Pipeline board, this quarter", fixed(f"/pipeline?quarter={quarter}")),
        ("coordinator", "Pipeline board, one owner, this quarter", fixed(f"/pipeline?owner={people['rep'][1]}&quarter={quarter}")),
        ("coordinator", "Deals list (first page)", fixed("/deals")),
        ("coordinator", "Deals list, sorted by amount", fixed("/deals?sort=-amount_minor")),
        ("coordinator", "Deals list, search", lambda: f"/deals?q={random.choice(words)}"),
        ("rep", "Deals list", fixed("/deals")),
        ("coordinator", "Accounts list", fixed("/accounts")),
        ("coordinator", "Contacts list", fixed("/contacts")),
        ("coordinator", "Activities list", fixed("/activities")),
        ("coordinator", "Deal page", deal),
        ("coordinator", "Account page", account),
        ("coordinator", "Contact page", contact),
        ("coordinator", "Search", lambda: f"/search?q={random.choice(words)}"),
        ("admin", "Settings: users", fixed("/settings/users")),
        ("admin", "Settings: pipelines", fixed("/settings/pipelines")),
    ]
    rows = ["| page (as) | p50 ms | p95 ms (< 50) | max ms | size |", "|---|---|---|---|---|"]
    print("\n".join(rows), flush=True)
    for who, label, paths in pages:
        rows.append(time_page(people[who][0], f"{label} ({who})", paths))
    rows.append("")
    rows += shipped_assets(people["coordinator"][0])
    print("\n".join(rows[-4:]))
    if out := os.environ.get("BENCH_OUT"):
        with open(out, "w") as f:
            f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
