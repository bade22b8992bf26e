"""Settings: embedded defaults, overridden by ISOK_* environment variables, overridden by the caller."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULT_DEMO_PASSWORD = "isok-demo-2026"  # noqa: S105  (printed at start-up; demo accounts only)
# The demo accounts' authenticator secret (base32), printed with the demo password; demo accounts only.
DEFAULT_DEMO_TOTP_SECRET = "ISOKDEMOTOTPSECRETFORTRYINGISOK2"  # noqa: S105


def _secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it once; it never lives in the repository."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load(instance_path: str, overrides: dict | None = None) -> dict:
    instance = Path(instance_path)
    env = os.environ
    overrides = overrides or {}
    database_url = env.get("ISOK_DATABASE_URL") or f"sqlite:///{instance / 'isok.sqlite'}"
    redis_url = env.get("ISOK_REDIS_URL")
    secure_cookies = env.get("ISOK_SECURE_COOKIES", "0") == "1"
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        # a moving window: "5 per minute" means any 60 seconds, not the clock's minute, which would allow ten
        # guesses across a minute's turn (and make throttling depend on when the attempts fall)
        "RATELIMIT_STRATEGY": "moving-window",
        "PROXY_HOPS": int(env.get("ISOK_PROXY_HOPS", "0")),  # proxies in front whose X-Forwarded-* headers count
        "LOGIN_RATE_LIMIT": env.get("ISOK_LOGIN_RATE_LIMIT", "10 per minute;100 per hour"),  # failures per address
        # failures per address and account (the account is never locked: its owner elsewhere still gets in)
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("ISOK_LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour"),
        "DEMO_PASSWORD": env.get("ISOK_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD),
        "DEMO_TOTP_SECRET": env.get("ISOK_DEMO_TOTP_SECRET", DEFAULT_DEMO_TOTP_SECRET),
        # staff (administrators, project managers, counsellors, teachers) must sign in with a second factor;
        # 0 turns the requirement off for a local trial (whoever has set one up is still asked for it)
        "REQUIRE_MFA": env.get("ISOK_REQUIRE_MFA", "1") == "1",
        # failed second-factor codes per account, and per address (the password was right: the account is the target)
        "SECOND_FACTOR_RATE_LIMIT": env.get("ISOK_SECOND_FACTOR_RATE_LIMIT", "5 per minute;20 per hour"),
        # what encrypts the authenticator secrets at rest (default: derived from the secret key)
        "MFA_ENCRYPTION_KEY": env.get("ISOK_MFA_ENCRYPTION_KEY"),
        "PUBLIC_URL": env.get("ISOK_PUBLIC_URL", "http://127.0.0.1:5000"),
        "FILES_DIR": env.get("ISOK_FILES_DIR") or str(instance / "files"),
        # s3://bucket/prefix keeps the files on S3-compatible object storage (credentials from the usual AWS_*
        # variables); unset, they stay in FILES_DIR
        "FILES_URL": env.get("ISOK_FILES_URL") or None,
        "S3_ENDPOINT_URL": env.get("ISOK_S3_ENDPOINT_URL") or None,
        "MAX_CONTENT_LENGTH": int(env.get("ISOK_MAX_REQUEST_MB", "60")) * 1024 * 1024,
        "MAX_FILE_MB": int(env.get("ISOK_MAX_FILE_MB", "20")),  # one evidence file
        "MAX_PORTFOLIO_MB": int(env.get("ISOK_MAX_PORTFOLIO_MB", "200")),  # all evidence files of one case
        "MAX_MATERIAL_MB": int(env.get("ISOK_MAX_MATERIAL_MB", "20")),  # a material's document or picture
        "MAX_MEDIA_MB": int(env.get("ISOK_MAX_MEDIA_MB", "500")),  # a material's sound or video
        "SESSION_COOKIE_NAME": "__Host-isok" if secure_cookies else "isok",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=int(env.get("ISOK_SESSION_IDLE_MINUTES", "30"))),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=int(env.get("ISOK_SESSION_MAX_HOURS", "12"))),
        # How often a session's last activity is written; tests shorten it to pause past it for real.
        "SESSION_TOUCH_INTERVAL": timedelta(seconds=60),
        "PASSWORD_LINK_LIFETIME": timedelta(days=3),
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,  # a long assessment form must not lose its token mid-typing
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent.parent / "translations"),
        "BABEL_DEFAULT_LOCALE": "fi",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "ARGON2_PARAMETERS": {},  # argon2-cffi defaults (argon2id, t=3, m=64 MiB, p=4)
        # certificates: what encrypts the organisations' seal keys at rest (default: derived from the secret key)
        # and how often one address may check a code
        "SEAL_ENCRYPTION_KEY": env.get("ISOK_SEAL_ENCRYPTION_KEY"),
        # an RFC 3161 timestamp authority makes seals long-term (PAdES B-LTA); its CA certificates (a PEM file),
        # when the system's trust store does not hold them
        "TSA_URL": env.get("ISOK_TSA_URL"),
        "TSA_CA_CERTS": env.get("ISOK_TSA_CA_CERTS"),
        # a hardware token (PKCS#11) that may keep organisations' seal keys: its module (a .so), which token, its PIN
        "PKCS11_MODULE": env.get("ISOK_PKCS11_MODULE"),
        "PKCS11_TOKEN_LABEL": env.get("ISOK_PKCS11_TOKEN_LABEL"),
        "PKCS11_PIN": env.get("ISOK_PKCS11_PIN"),
        "VERIFY_RATE_LIMIT": env.get("ISOK_VERIFY_RATE_LIMIT", "30 per minute"),
        "ENROL_RATE_LIMIT": env.get("ISOK_ENROL_RATE_LIMIT", "30 per hour"),  # course enrolments sent per address
    }
    settings.update(overrides)
    if "SECRET_KEY" not in settings:
        settings["SECRET_KEY"] = env.get("ISOK_SECRET_KEY") or _secret_key(instance)
    return settings
