"""What walls say, by kind: the phrases of consent walls, challenges, blocks, login walls and maintenance pages.

One table per kind, lowercase, apostrophes as ``'``, in the languages news is
read in. A phrase is evidence only on a page with little prose of its own
(:mod:`extract.walls`): an article that mentions cookies or a login is still
an article.
"""

from __future__ import annotations

CONSENT = (
    # English
    "we value your privacy", "we care about your privacy", "your privacy choices", "accept all", "accept cookies",
    "accept all cookies", "reject all", "manage preferences", "manage cookies", "cookie settings",
    "we and our partners", "store and/or access information on a device", "consent to the use of cookies",
    # German
    "alle akzeptieren", "alle ablehnen", "cookie-einstellungen", "wir und unsere partner",
    "ihre privatsphäre ist uns wichtig", "zustimmen und weiter", "einwilligung",
    # French
    "tout accepter", "tout refuser", "nous respectons votre vie privée", "paramétrer les cookies",
    "nous et nos partenaires", "accepter et continuer",
    # Spanish, Portuguese, Italian
    "aceptar todo", "aceptar todas", "rechazar todo", "valoramos tu privacidad", "nosotros y nuestros socios",
    "aceitar todos", "aceitar tudo", "valorizamos a sua privacidade", "accetta tutto", "accetta tutti",
    "rifiuta tutto", "noi e i nostri partner",
    # Dutch, Nordic, Polish, Czech, Turkish
    "alles accepteren", "alle cookies accepteren", "godta alle", "acceptera alla", "accepter alle",
    "hyväksy kaikki", "zaakceptuj wszystkie", "akceptuję", "přijmout vše", "tümünü kabul et",
    # Russian, Ukrainian
    "принять все", "мы используем файлы cookie", "прийняти все",
    # Japanese, Chinese, Korean
    "すべて同意", "すべてのcookieを受け入れる", "クッキーの使用に同意", "全部接受", "接受所有", "同意并继续",
    "모두 동의", "모든 쿠키 허용",
    # Arabic, Hindi, Indonesian
    "قبول الكل", "نحن نقدر خصوصيتك", "सभी स्वीकार करें", "terima semua",
)

CHALLENGE = (
    "verify you are human", "verifying you are human", "checking your browser",
    "checking if the site connection is secure",
    "needs to review the security of your connection", "enable javascript and cookies to continue",
    "please complete the security check", "are you a robot", "i'm not a robot", "press & hold", "just a moment",
    "bestätigen sie, dass sie ein mensch sind", "überprüfung ihres browsers",
    "vérifiez que vous êtes un humain", "vérification de votre navigateur",
    "verifica que eres humano", "verifique se você é humano", "verifica di essere un essere umano",
    "проверка браузера", "подтвердите, что вы не робот", "ロボットではありません", "人机验证", "安全验证",
    "로봇이 아닙니다",
)

DENIED = (
    "access denied", "you don't have permission to access", "request blocked", "the request could not be satisfied",
    "this request was blocked by the security rules", "your access to this site has been limited",
    "you have been blocked", "sorry, you have been blocked",
    "zugriff verweigert", "accès refusé", "acceso denegado", "acesso negado", "accesso negato",
    "доступ запрещен", "доступ запрещён", "アクセスが拒否されました", "访问被拒绝", "拒绝访问", "접근이 거부",
)

LOGIN = (
    "sign in to continue", "log in to continue", "please log in", "please sign in", "sign in to read",
    "log in to read", "create a free account to continue", "forgot your password",
    "bitte melden sie sich an", "anmelden, um weiterzulesen", "passwort vergessen",
    "connectez-vous pour continuer", "mot de passe oublié", "inicia sesión para continuar", "¿olvidaste tu contraseña",
    "accedi per continuare", "faça login para continuar", "войдите, чтобы продолжить", "забыли пароль",
    "ログインしてください", "请登录后", "로그인이 필요합니다",
)

MAINTENANCE = (
    "under maintenance", "scheduled maintenance", "down for maintenance", "we'll be back soon", "we will be back soon",
    "temporarily unavailable for maintenance", "site maintenance",
    "wartungsarbeiten", "en maintenance", "en cours de maintenance", "en mantenimiento", "em manutenção",
    "in manutenzione", "технические работы", "メンテナンス中", "系统维护", "维护中", "점검 중", "bakım çalışması",
)

PHRASES: dict[str, tuple[str, ...]] = {
    "challenge": CHALLENGE,
    "denied": DENIED,
    "maintenance": MAINTENANCE,
    "login": LOGIN,
    "consent": CONSENT,
}

# In the markup, never in prose: the widgets of challenge and captcha services (as their code spells them).
CHALLENGE_MARKUP = (
    "challenges.cloudflare.com", "cf-turnstile", "_cf_chl_opt", "cf-challenge", "g-recaptcha", "h-captcha",
    "hcaptcha.com", "awswaf.com", "AwsWafIntegration", "captcha-delivery.com", "px-captcha",
)
