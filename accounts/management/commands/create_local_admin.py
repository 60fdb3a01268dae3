from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "For a local DEBUG run: create the superuser 'admin' with a random password, kept in "
        "var/admin-password.txt, so the admin console can be opened at once."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("create_local_admin is for local DEBUG runs; use createsuperuser in production.")
        password_file = Path(settings.BASE_DIR) / "var" / "admin-password.txt"
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            if password_file.exists():
                self.stdout.write(f"Admin console login: admin / {password_file.read_text().strip()}")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        password_file.parent.mkdir(exist_ok=True)
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Admin console login: admin / {password} (kept in {password_file})"))
