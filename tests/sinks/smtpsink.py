#!/usr/bin/python3
"""fg-smtpsink: loopback SMTP sink for tests, built on aiosmtpd.

Each accepted message is written to DIR/N.eml, its envelope to DIR/N.json
({"mail_from":..., "rcpt_tos":[...], "auth":...}).  --fail-first N answers
the first N DATA commands with 451 (temporary); --reject answers 554.
--auth USER:PASSWORD requires AUTH PLAIN/LOGIN (allowed without TLS on
loopback, unless --starttls: then only after STARTTLS).  With --tls-cert
and --tls-key, --starttls advertises STARTTLS, --require-starttls also
refuses mail before it (530), and --smtps speaks TLS from the first byte
(implicit TLS, port 465 style).  The envelope records "tls": whether the
message came over TLS, and "tls_version".  The chosen port is written to
--port-file when ready.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, fail_first, reject):
        self.dir = directory
        self.fail_first = fail_first
        self.reject = reject
        self.n = 0
        self.tries = 0

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.tries <= self.fail_first:
            return "451 4.3.0 try again later"
        if self.reject:
            return "554 5.7.1 rejected"
        self.n += 1
        base = os.path.join(self.dir, str(self.n))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".eml.tmp", base + ".eml")
        auth = session.auth_data.login.decode() if session.auth_data and getattr(session.auth_data, "login", None) else None
        tls = server.transport.get_extra_info("ssl_object") if server.transport else None
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos, "auth": auth,
                       "tls": tls is not None, "tls_version": tls.version() if tls else None}, f)
        return "250 OK"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--reject", action="store_true")
    ap.add_argument("--auth")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--require-starttls", action="store_true")
    ap.add_argument("--smtps", action="store_true")
    a = ap.parse_args()

    kwargs = {}
    tls = None
    if a.starttls or a.require_starttls or a.smtps:
        if not (a.tls_cert and a.tls_key):
            ap.error("TLS needs --tls-cert and --tls-key")
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(a.tls_cert, a.tls_key)
    starttls = a.starttls or a.require_starttls
    if a.auth:
        user, pw = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == pw
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=starttls)
    if starttls:
        kwargs.update(tls_context=tls, require_starttls=a.require_starttls)
    elif a.smtps:
        kwargs.update(ssl_context=tls)
    port = free_port()
    ctl = Controller(Sink(a.dir, a.fail_first, a.reject), hostname="127.0.0.1", port=port,
                     **kwargs)
    ctl.start()
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, a.port_file)
    done = asyncio.Event()
    signal.signal(signal.SIGTERM, lambda *x: sys.exit(0))
    try:
        signal.pause()
    finally:
        ctl.stop()


if __name__ == "__main__":
    main()
