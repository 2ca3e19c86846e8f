"""A real SMTP server for tests (Debian's python3-aiosmtpd): STARTTLS or TLS from the start,
AUTH PLAIN/LOGIN/CRAM-MD5 against one user, and a reply code forced for RCPT. Every connection,
EHLO, AUTH and message is printed to stdout as one JSON line with the client's port (peer); "ready" once it listens."""
import argparse, base64, hashlib, hmac, json, ssl, sys, threading
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, auth_mechanism

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--cert"); p.add_argument("--key")
p.add_argument("--implicit-tls", action="store_true")
p.add_argument("--user"); p.add_argument("--password")
p.add_argument("--mechanisms", default="CRAM-MD5 PLAIN LOGIN")
p.add_argument("--rcpt-reply", default="")
args = p.parse_args()

def emit(**event):
    print(json.dumps(event), flush=True)

class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        emit(event="ehlo", peer=session.peer[1], hostname=hostname, tls=session.ssl is not None)
        # Advertise the mechanisms in the order asked for: clients choose by it.
        return [f"250-AUTH {' '.join(offered)}" if r.startswith("250-AUTH") else r for r in responses]

    async def handle_RCPT(self, server, session, envelope, address, options):
        if args.rcpt_reply:
            return args.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        emit(event="mail", peer=session.peer[1], mail_from=envelope.mail_from, rcpt_tos=envelope.rcpt_tos,
             content=base64.b64encode(envelope.content).decode())
        return "250 OK"

    @auth_mechanism("CRAM-MD5")
    async def auth_CRAM_MD5(self, server, _args):
        challenge = b"<1896.697170952@outpost.test>"
        answer = await server.challenge_auth(challenge)
        user, _, digest = answer.decode().partition(" ")
        want = hmac.new(args.password.encode(), challenge, hashlib.md5).hexdigest()
        ok = user == args.user and hmac.compare_digest(digest, want)
        emit(event="auth", peer=server.session.peer[1], mechanism="CRAM-MD5", ok=ok)
        return AuthResult(success=ok, handled=False)

def authenticator(server, session, envelope, mechanism, data):
    ok = data.login.decode() == args.user and data.password.decode() == args.password
    emit(event="auth", peer=session.peer[1], mechanism=mechanism, ok=ok)
    return AuthResult(success=ok, handled=False)

class Server(SMTP):
    async def _handle_client(self):
        emit(event="connect", peer=self.session.peer[1])
        await super()._handle_client()

class Tls(Controller):
    def factory(self):
        return Server(self.handler, **self.SMTP_kwargs)

context = None
if args.cert:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
offered = args.mechanisms.split()
kwargs = dict(auth_exclude_mechanism=[m for m in ("PLAIN", "LOGIN", "CRAM-MD5") if m not in offered])
if args.user:
    kwargs.update(authenticator=authenticator, auth_require_tls=False)
if context and not args.implicit_tls:
    kwargs.update(tls_context=context)
controller = Tls(Handler(), hostname="127.0.0.1", port=args.port,
                 ssl_context=context if args.implicit_tls else None, **kwargs)
controller.start()
emit(event="ready")
sys.stdin.read()  # until the test closes stdin
controller.stop()
