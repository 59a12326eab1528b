"""E-mails come as template triplets: ``emails/<name>-subject.txt``, ``-body.txt``, ``-body.html``.

The subject is squashed onto one line, whatever the template did with whitespace.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(name: str, to: list[str], context: dict[str, Any]) -> None:
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    text = render_to_string(f"emails/{name}-body.txt", context)
    html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
