#!/usr/bin/env python3
"""Signs in to a running zhicheng and prints the session cookie (`name=value`) for wrk.

    scripts/sign_in.py BASE IDENTIFIER PASSWORD [TOTP_SECRET]

An identifier with a TOTP secret is staff (/login, then the code); without, an applicant
(/my/login). Standard library only, so the benchmark scripts need nothing installed.
"""
import base64, hashlib, hmac, http.cookiejar, re, struct, sys, time, urllib.parse, urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def totp(secret: str) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def main() -> None:
    base, ident, password = sys.argv[1:4]
    secret = sys.argv[4] if len(sys.argv) > 4 else None
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def csrf(path: str) -> str:
        page = opener.open(base + path).read().decode()
        return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)

    def post(path: str, form: dict) -> str:
        data = urllib.parse.urlencode(form).encode()
        try:
            res = opener.open(base + path, data)
            return res.headers.get("location", "")
        except urllib.error.HTTPError as e:  # redirects surface as errors here
            return e.headers.get("location", "")

    if secret:
        post("/login", {"login_name": ident, "password": password, "_csrf": csrf("/login")})
        post("/login/totp", {"code": totp(secret), "_csrf": csrf("/login/totp")})
    else:
        post("/my/login", {"identifier": ident, "password": password, "_csrf": csrf("/my/login")})
    session = [c for c in jar if "session" in c.name]
    if not session:
        sys.exit(f"{ident}: no session cookie after signing in")
    print(f"{session[0].name}={session[0].value}")


if __name__ == "__main__":
    main()
