FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY alliance ./alliance
COPY grants ./grants
COPY reporting ./reporting
COPY manage.py ./
RUN pip install --no-cache-dir . && useradd --system app && mkdir -p /app/var && chown app /app/var
USER app
RUN DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30"]
