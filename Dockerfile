# The service: `python -m bot run`, database on the /app/data volume.
# Same steps as scripts/setup.sh: the pinned runtime dependencies (requirements.lock), then the
# source, run from /app (python -m puts the working directory first on the path).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite+aiosqlite:////app/data/bot.db REPORTS_DIR=/app/data/reports \
    MPLCONFIGDIR=/tmp/matplotlib
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
COPY bot ./bot
COPY handlers ./handlers
COPY scheduler ./scheduler
COPY db ./db
COPY domain ./domain
COPY reports ./reports
COPY chat ./chat
COPY web ./web
COPY seed_tasks.json alembic.ini ./
# Bytecode now, not at each start (the first start would compile it all: ~0.3 s).
RUN python -m compileall -q bot web handlers scheduler reports chat db domain
VOLUME ["/app/data"]
# Migrates and loads the plan (idempotent), then serves.
CMD ["sh", "-c", "python -m bot seed && exec python -m bot run"]
