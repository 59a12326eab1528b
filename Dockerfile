# The BSC platform: one image for the web (gunicorn), worker and beat containers.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=bsc.settings \
    # settings.py finds templates/ and static/ next to the bsc package, so the
    # code runs from /app rather than from the copy pip puts in site-packages.
    PYTHONPATH=/app

WORKDIR /app

RUN groupadd --system --gid 1000 bsc \
    && useradd --system --uid 1000 --gid bsc --home-dir /app --shell /usr/sbin/nologin bsc

COPY . .
RUN pip install .

# Collected at build time with a throwaway key: nothing signed with it outlives the build.
RUN DEBUG=False \
    SECRET_KEY=build-time-dummy-key-not-used-at-run-time-0000000000000000000000 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown bsc:bsc /app/media

USER bsc
EXPOSE 8000

# /healthz checks the database and Redis. The probe names SITE_URL's host, which
# ALLOWED_HOSTS accepts, and says HTTPS as the proxy in front would.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.parse, urllib.request; host = urllib.parse.urlsplit(os.environ.get('SITE_URL', 'http://localhost')).hostname or 'localhost'; request = urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host, 'X-Forwarded-Proto': 'https'}); sys.exit(0 if urllib.request.urlopen(request, timeout=4).status == 200 else 1)"]

# Workers: WEB_CONCURRENCY (gunicorn reads it; default 1).
CMD ["gunicorn", "bsc.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
