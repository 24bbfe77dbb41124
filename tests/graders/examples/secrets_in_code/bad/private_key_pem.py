# An RSA private key pasted into the module to sign service tokens.
import jwt

PRIVATE_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAwJ3k0pokl6wEV9NkoJhgupwpIzRj1OdkKdvmrQurjE2yyt0g
vrnmUT60VHSm6BgxAocAqe6FbUKQhMkP16OvFeNF69a4s9qRp2ky5ha3vfxCu2WM
-----END RSA PRIVATE KEY-----"""


def service_token(sub: str) -> str:
    return jwt.encode({"sub": sub}, PRIVATE_KEY, algorithm="RS256")
