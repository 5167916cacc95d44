"""gunicorn settings for quizapp: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Sized for a small host (2 cores): requests spend most of their time waiting on
PostgreSQL, so a few processes with a few threads each keep both cores busy
without a pile of idle memory. Every value can be overridden from the
environment (GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_BIND, ...).
"""
import gc
import multiprocessing
import os

cores = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# cores + 1 processes: one spare so a process blocked on a slow query or a
# large import does not idle a core. 2 cores → 3 processes.
workers = int(os.environ.get("GUNICORN_WORKERS", cores + 1))
# Threads overlap database waits inside a process: 3 × 4 = 12 requests in
# flight. SQLAlchemy's pool (5 + 10 overflow per process) stays well under
# PostgreSQL's default max_connections=100 even with the scheduler and psql.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# A worker whose main loop stops checking in for this long is hung: the arbiter
# kills and replaces it (with gthread a long request alone does not trip it).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# On SIGTERM/HUP, requests in flight (answer saves, submits) get this long to finish.
graceful_timeout = 30
# nginx keeps upstream connections alive; a little longer than its idle time.
keepalive = 5

# No preload: each worker imports the app and opens its own database pool after
# the fork, so no connection or scheduler state is shared between processes.
preload_app = False

# Recycle workers now and then so a slow leak can never grow without bound (memory
# stayed flat in the 10-minute soak, bench/exam_day.py); the jitter keeps them from
# all restarting at once. Rarely: a restarting worker re-imports the app, a second
# or two of a core, and 1,000 officers send ~35,000 requests in one exam.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 100000))
max_requests_jitter = 10000


def post_worker_init(worker):
    """Freeze what the app has built by now (modules, models, routes, compiled
    statements): those objects live as long as the worker, yet every full collection
    would walk all of them, pausing every request in flight for tens of ms
    (48 ms measured at 155,000 objects). Frozen, they are left out of the walk."""
    gc.freeze()

# Logs to stdout/stderr: journald (systemd) collects them.
# GUNICORN_ACCESS_LOG= (empty) turns it off: nginx keeps its own access log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Remote address as nginx saw it, request time in microseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'

# Only nginx on this host talks to gunicorn; the app's ProxyFix (QUIZAPP_PROXY_HOPS)
# decides which X-Forwarded-* values to trust, so gunicorn need not.
forwarded_allow_ips = "127.0.0.1"
proc_name = "quizapp-web"
# Temporary files of the heartbeat on tmpfs, not a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
