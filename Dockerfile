# gzplan under gunicorn, static files served by whitenoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

# The review reports: WeasyPrint lays the PDF out with Pango, in the Noto CJK fonts it embeds.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md requirements.lock ./
COPY gzplan gzplan
COPY accounts accounts
COPY districts districts
COPY indicators indicators
RUN pip install --no-cache-dir --constraint requirements.lock .

# .dockerignore leaves out bench/ (synthetic data, benchmarks, load test): a development tool.
COPY . .
# collectstatic needs settings that import; the real key comes from the environment at run time.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --system --home /app gzplan && mkdir -p /app/var && chown -R gzplan /app/var
USER gzplan
EXPOSE 8000
# The web server only: migrations and the real-data load are the release step, run once per
# deployment before web and worker start (docker-compose.yml's "release" service), so several web
# replicas never race to migrate.
# Threads (gthread): a request waiting on the database or the cache does not hold a whole process, and
# cached answers are served while a slow page renders (GZPLAN_COLD_RENDERS_PER_PROCESS at a time).
CMD ["sh", "-c", "exec gunicorn gzplan.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --worker-class gthread --threads ${WEB_THREADS:-8} --access-logfile -"]
