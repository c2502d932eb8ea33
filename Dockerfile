# Universal Tracking API + worker. Point UT_DATABASE_URL / UT_REDIS_URL / UT_CLICKHOUSE_URL at
# real servers in production; without them it runs on embedded stores under /data. Pass
# UT_SECRET_KEY (a long random secret): `utrack serve` refuses the public development key.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UT_DATA_DIR=/data UT_HOST=0.0.0.0
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY alembic ./alembic
RUN pip install --no-cache-dir -e . && useradd --create-home ut && mkdir -p /data && chown ut /data
USER ut
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["utrack", "serve"]
