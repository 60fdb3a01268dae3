"""API tokens: created in the admin console, shown once, stored only as a hash, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "gzp_"
# How often a token's "last used" time is written: at most once a minute, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(token: str) -> str:
    """SHA-256 of the token. Tokens are 256 random bits, so a fast hash is enough (no salt or stretching)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A secret that lets a program act for a user through the REST API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. 'Haizhu yearly upload'.")
    )
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: never expires."))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        # Created by the gzplan app before the model moved here; the table kept its name.
        db_table = "gzplan_apitoken"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name} ({self.user})"

    @classmethod
    def issue(cls, user, name: str, expires_at=None) -> tuple[ApiToken, str]:
        """Create a token for `user`; returns it and the secret, which is not stored and cannot be shown again."""
        token = cls(user=user, name=name, expires_at=expires_at)
        secret = token.set_secret()
        token.save()
        return token, secret

    def set_secret(self) -> str:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix = secret[: len(TOKEN_PREFIX) + 6]
        self.digest = digest(secret)
        return secret

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @classmethod
    def authenticate(cls, secret: str):
        """The user a usable token belongs to, or None. Records when the token was last used."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        token = cls.objects.usable().select_related("user").filter(digest=digest(secret)).first()
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user
