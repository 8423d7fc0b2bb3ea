# The expert bank image: one image for the web server, the Celery worker, beat and migrations.
# docker-compose.yml picks the command per service; the default command is the web server.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint (invoice PDFs) needs Pango, HarfBuzz and Fontconfig. The fonts the PDFs use are
# shipped in static/fonts, so no font packages are installed.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system expertbank \
    && useradd --system --gid expertbank --create-home --home-dir /home/expertbank expertbank

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. Installing the project
# installs its dependencies only (pyproject.toml: packages = []); the code runs from /app.
COPY pyproject.toml README.md* ./
RUN pip install .

COPY . .

# Collect static files with DEBUG off, so that WhiteNoise's manifest storage (the production
# storage) writes staticfiles.json. The key is a placeholder for this one build step only; the
# containers get the real SECRET_KEY from the environment.
# var/ is created by the settings on import; /data/media is the uploads volume's mount point
# (a new named volume takes its owner from the image).
RUN DEBUG=false SECRET_KEY=build-time-collectstatic-only FIELD_ENCRYPTION_KEYS=build-only \
    FIELD_HASH_KEY=build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var /data/media \
    && chown -R expertbank:expertbank /app/var /data/media

USER expertbank

EXPOSE 8000
CMD ["gunicorn", "expertbank.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
