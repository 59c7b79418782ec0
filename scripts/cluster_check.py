#!/usr/bin/env python3
"""The checks scripts/cluster.sh runs against two zhicheng servers behind nginx.

Standard library only (the CI machine has python3); the database is read with psql.
Each check prints what it saw; any failure exits non-zero with the reason.
"""

import argparse
import concurrent.futures
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

DEMO_APPLICANT = "450103198806121237"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed, like the app's own tests."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, url, data=None, headers=None):
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            res = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as e:
            res = e
        body = res.read()
        return res.status, {k.lower(): v for k, v in res.headers.items()}, body

    def get(self, url):
        return self.request(url)

    def post(self, url, fields):
        return self.request(url, urllib.parse.urlencode(fields).encode())

    def csrf(self, url):
        _, _, body = self.get(url)
        m = re.search(rb'name="csrf-token" content="([^"]+)"', body) or \
            re.search(rb'name="_csrf" value="([^"]+)"', body)
        if not m:
            fail(f"no CSRF token on {url}")
        return m.group(1).decode()


def fail(why):
    print(f"FAILED: {why}", file=sys.stderr)
    sys.exit(1)


def ok(what):
    print(f"  ok: {what}")


def psql(db, sql):
    out = subprocess.run(["psql", "-tAq", db, "-c", sql], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def sign_in(proxy, password):
    b = Browser()
    token = b.csrf(f"{proxy}/my/login")
    status, headers, _ = b.post(f"{proxy}/my/login", {
        "_csrf": token, "identifier": DEMO_APPLICANT, "password": password})
    if status != 303 or headers.get("location") != "/my":
        fail(f"sign-in through nginx answered {status} {headers.get('location')}")
    return b


def sessions_follow_the_person(args):
    b = sign_in(args.proxy, args.password)
    upstreams = set()
    for _ in range(20):
        status, headers, body = b.get(f"{args.proxy}/my")
        if status != 200 or "退出".encode() not in body:
            fail(f"/my through nginx answered {status} without the signed-in page")
        upstreams.add(headers.get("x-upstream"))
    if len(upstreams) < 2:
        fail(f"every request went to one server: {upstreams}")
    ok(f"20 signed-in pages through nginx, answered by {sorted(upstreams)}")
    return b


def uploads_open_on_either_server(args, b):
    status, _, body = b.get(f"{args.proxy}/my/applications")
    m = re.search(rb'name="choice"[^>]*value="([^"]+)"', body) or \
        re.search(rb'value="([^"]+)"[^>]*name="choice"', body)
    if not m:
        fail("no committee to apply to on /my/applications")
    token = b.csrf(f"{args.proxy}/my")
    status, headers, _ = b.post(f"{args.proxy}/my/applications",
                                {"_csrf": token, "choice": m.group(1).decode()})
    app = re.search(r"/my/applications/(\d+)/", headers.get("location", ""))
    if status != 303 or not app:
        fail(f"creating an application answered {status} {headers.get('location')}")
    app_id = app.group(1)
    with open("crates/docs/tests/photo.jpg", "rb") as f:
        picture = f.read()
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n"
            f"{b.csrf(args.proxy + '/my')}\r\n--{boundary}\r\n"
            "Content-Disposition: form-data; name=\"files\"; filename=\"photo.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode() + picture + \
        f"\r\n--{boundary}--\r\n".encode()
    status, headers, _ = b.request(
        f"{args.proxy}/my/applications/{app_id}/slots/photo", body,
        {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    crop = headers.get("location", "")
    if status != 303 or not crop.endswith("/crop"):
        fail(f"the upload through nginx answered {status} {crop}")
    path = crop[: -len("/crop")]
    seen = []
    for name, base in (("a", args.a), ("b", args.b)):
        status, headers, got = b.get(f"{base}{path}")
        if status != 200 or not got.startswith(b"\xff\xd8"):
            fail(f"server {name} answered {status} for the picture uploaded through nginx")
        seen.append(got)
    if seen[0] != seen[1]:
        fail("the two servers served different bytes for one stored picture")
    local = [os.path.join(args.work, d, "files", "applications") for d in ("a", "b")]
    if any(os.path.exists(p) for p in local):
        fail("a picture was kept in a server's local folder instead of the bucket")
    ok(f"a photo uploaded through nginx opens from server a and server b ({len(seen[0])} bytes, kept in S3)")


def failure_counters_are_shared(args):
    b = Browser()
    upstreams, last = set(), b""
    # One token for all six, so the POSTs alone alternate between the servers.
    token = b.csrf(f"{args.proxy}/login")
    for _ in range(6):
        _, headers, last = b.post(f"{args.proxy}/login", {
            "_csrf": token, "login_name": "danwei", "password": "not-the-password"})
        upstreams.add(headers.get("x-upstream"))
    if "登录失败次数过多".encode() not in last:
        fail("six wrong passwords across both servers did not lock the login")
    if len(upstreams) < 2:
        fail(f"the failures all went to one server: {upstreams}")
    ok(f"six wrong passwords spread over {sorted(upstreams)} lock the login name")

    # Ten refused applicant logins from one address put a captcha in front of every
    # login from it, on both servers.
    for i in range(10):
        token = b.csrf(f"{args.proxy}/my/login")
        b.post(f"{args.proxy}/my/login", {
            "_csrf": token, "identifier": f"1380000{i:04d}", "password": "wrong-Pass-1"})
    for name, base in (("a", args.a), ("b", args.b)):
        # Directly from the proxy's address, as nginx forwards it.
        _, _, page = Browser().get(f"{base}/my/login")
        if b"captcha" not in page:
            fail(f"server {name} does not ask for the captcha after ten failures from the address")
    ok("after ten refused logins from one address both servers ask for the captcha")


def jobs_run_once(args):
    account = psql(args.db, "SELECT account_id FROM applicant ORDER BY account_id LIMIT 1")
    tag = uuid.uuid4().hex[:8]
    values = ",".join(
        f"('sms_notice', '{{\"account_id\": {account}, \"text\": \"cluster-{tag}-{i}\"}}', "
        "'queued', 0, 5, now(), now())" for i in range(200))
    psql(args.db, "INSERT INTO job (kind, payload, status, attempts, max_attempts, run_at, "
         f"created_at) VALUES {values}")
    deadline = time.time() + 60
    while time.time() < deadline:
        left = psql(args.db, "SELECT COUNT(*) FROM job WHERE kind = 'sms_notice' "
                    f"AND payload->>'text' LIKE 'cluster-{tag}-%' AND status <> 'done'")
        if left == "0":
            break
        time.sleep(0.5)
    else:
        fail(f"{left} jobs still not done after a minute")
    sent = psql(args.db, f"SELECT COUNT(*), COUNT(DISTINCT body) FROM sms_outbox "
                f"WHERE body LIKE 'cluster-{tag}-%'")
    if sent != "200|200":
        fail(f"200 jobs sent (messages, distinct) = {sent}: a job ran twice or not at all")
    ok("200 jobs on the shared database each ran exactly once")


def request_limits_are_shared(args):
    # Certificate lookups: ten at once, then twenty a minute per address. nginx sends
    # them to the servers in turn, so each sees eight of sixteen, which its own bucket
    # alone would let through; counted in the database, the eleventh is refused.
    b = Browser()
    headers = {"X-Forwarded-For": "198.51.100.23"}
    refused, upstreams = set(), set()
    statuses = []
    for _ in range(16):
        status, got, _ = b.request(f"{args.proxy}/verify?no=GX2026000001", headers=headers)
        statuses.append(status)
        upstreams.add(got.get("x-upstream"))
        if status == 429:
            refused.add(got.get("x-upstream"))
    let_through = statuses.count(200)
    if len(upstreams) < 2:
        fail(f"the lookups all went to one server: {upstreams}")
    if not 10 <= let_through <= 11 or len(refused) < 2:
        fail(f"16 lookups from one address through both servers: {statuses}")
    ok(f"one address's lookups are counted across both servers: {let_through} of 16 let through, "
       f"the rest refused by {sorted(refused)}")


def sign_in_from(args, i):
    """Seeded applicant i signs in from a client address of their own: the browser when
    the server acknowledged it, else what it answered; and which server answered."""
    address = f"198.51.{100 + i // 200}.{i % 200 + 1}"
    b = Browser()
    headers = {"X-Forwarded-For": address}
    _, _, page = b.request(f"{args.proxy}/my/login", headers=headers)
    m = re.search(rb'name="csrf-token" content="([^"]+)"', page) or \
        re.search(rb'name="_csrf" value="([^"]+)"', page)
    if not m:
        return None, "no form", None
    fields = urllib.parse.urlencode({"_csrf": m.group(1).decode(),
                                     "identifier": f"seed{5_000_000 + i}@example.test",
                                     "password": args.password})
    status, got, body = b.request(f"{args.proxy}/my/login", fields.encode(), headers)
    if status == 303 and got.get("location") == "/my":
        return b, status, got.get("x-upstream")
    said = re.search(rb'class="(?:field-msg|alert[^"]*)"[^>]*>([^<]+)', body)
    return None, f"{status} {said.group(1).decode().strip() if said else ''}", got.get("x-upstream")


def killing_a_server_loses_no_acknowledged_request(args, b):
    """SIGKILL server b while GETs and sign-ins run through nginx. GETs are retried on
    server a, so none may fail. A sign-in is a POST that writes (its session row); those
    in flight on server b when it dies may fail, since nginx never retries a POST, but
    every one that was answered must still hold afterwards, served by server a alone."""
    # /verify and /publicity are left out: their per-address limit answers 429.
    paths = ["/", "/my", "/messages", "/my/applications"]

    def fetch(i):
        status, _, _ = b.get(f"{args.proxy}{paths[i % len(paths)]}")
        return status

    def mixed(pool, first):
        """Six GETs, then one sign-in, a hundred times over."""
        gets, posts = [], []
        for i in range(first, first + 100):
            gets += [pool.submit(fetch, 6 * i + k) for k in range(6)]
            posts.append(pool.submit(sign_in_from, args, i))
        return gets, posts

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        gets, posts = mixed(pool, 0)
        # Kill once server b has acknowledged sign-ins and more are under way.
        deadline = time.time() + 60
        while sum(p.done() for p in posts) < 40 and time.time() < deadline:
            time.sleep(0.02)
        os.kill(args.kill_b, signal.SIGKILL)
        more_gets, more_posts = mixed(pool, 100)
        statuses = [g.result() for g in gets + more_gets]
        signed = [p.result() for p in posts + more_posts]
    bad = [s for s in statuses if s != 200]
    if bad:
        fail(f"{len(bad)} of {len(statuses)} GETs failed while server b was killed: {set(bad)}")
    ok(f"{len(statuses)} GETs through nginx while server b was killed with SIGKILL: all 200")

    acknowledged = [c for c, _, _ in signed if c is not None]
    by_b = sum(1 for c, _, up in signed if c is not None and up == args.b.removeprefix("http://"))
    unanswered = [str(status) for c, status, _ in signed if c is None]
    if len(acknowledged) < len(signed) // 2:
        fail(f"only {len(acknowledged)} of {len(signed)} sign-ins were answered: {set(unanswered)}")
    lost = 0
    for c in acknowledged:
        status, _, body = c.get(f"{args.proxy}/my")
        if status != 200 or "退出".encode() not in body:
            lost += 1
    if lost:
        fail(f"{lost} of {len(acknowledged)} acknowledged sign-ins were lost when server b was killed")
    if by_b == 0:
        fail("server b acknowledged no sign-in before it was killed: the check proved nothing")
    ok(f"{len(signed)} sign-ins (POST) meanwhile: {len(acknowledged)} acknowledged ({by_b} by server b "
       f"before it died), all still signed in afterwards through server a; "
       f"{len(unanswered)} unanswered {sorted(set(unanswered))}")


def main():
    p = argparse.ArgumentParser()
    for name in ("proxy", "a", "b", "password", "db", "work"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--kill-b", type=int, required=True)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    print("==> checks through nginx")
    b = sessions_follow_the_person(args)
    uploads_open_on_either_server(args, b)
    failure_counters_are_shared(args)
    jobs_run_once(args)
    request_limits_are_shared(args)
    killing_a_server_loses_no_acknowledged_request(args, b)
    print("cluster checks passed")
    if args.keep:
        print(f"the cluster stays up at {args.proxy}; Ctrl-C stops it")
        signal.pause()


if __name__ == "__main__":
    main()
