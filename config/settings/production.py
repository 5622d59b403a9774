"""Production settings: everything of base.py, and a refusal to start on unsafe values."""

import importlib.util

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PERSONAL_DATA_KEYS, SECRET_KEY, env

if "insecure" in SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("请设置 DJANGO_SECRET_KEY（至少 50 个随机字符）。")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# ID numbers and phones are stored encrypted (core/encryption.py): production brings its
# own keys and never makes one.
PERSONAL_DATA_DEV_KEY_FILE = None
if not PERSONAL_DATA_KEYS:
    raise ImproperlyConfigured(
        "请设置 PERSONAL_DATA_KEYS（身份证号码和电话的加密密钥，64 字节的 base64；"
        "生成：python -c 'import base64,os; print(base64.b64encode(os.urandom(64)).decode())'）。"
    )
# Privileged users sign in with a second factor (等保 2.0 level 3: 双因素认证).
OTP_REQUIRED = env.bool("DJANGO_OTP_REQUIRED", default=True)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
# Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling behind AXES_PROXY_COUNT reverse proxies (docs/security-notes.md): axes
# must lock the client's address, not the proxy's, or five wrong passwords from anywhere
# lock the real user out. Each proxy appends the address it got the request from to
# X-Forwarded-For, so the client is the AXES_PROXY_COUNT-th entry from the right; entries
# further left were written by the client and never count. axes resolves this through
# django-ipware (axes.helpers.get_client_ip_address reads the AXES_IPWARE_* names below);
# ipware counts only the proxies listed inside X-Forwarded-For, and the last one is not
# (it is REMOTE_ADDR), hence "- 1". IPWARE_STRICT (django-ipware >= 8) off: strict mode
# drops the whole header as soon as the client sent one of its own.
axes_proxy_count = env.int("AXES_PROXY_COUNT", default=1)
if axes_proxy_count < 0:
    raise ImproperlyConfigured("AXES_PROXY_COUNT 不能为负数。")
if axes_proxy_count:
    if importlib.util.find_spec("ipware") is None:
        # Without it axes silently falls back to REMOTE_ADDR: the proxy, for everyone.
        raise ImproperlyConfigured(
            "AXES_PROXY_COUNT > 0 需要 django-ipware（pip install -e .），否则登录限制"
            "只看到反向代理的地址。"
        )
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = axes_proxy_count - 1
    IPWARE_STRICT = False
else:
    # No proxy: the socket's address is the client's; X-Forwarded-For is the client's own.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
