"""The files in deploy/ stay consistent with the code they deploy."""
from __future__ import annotations

import re
import runpy
import subprocess
from pathlib import Path
from unittest import mock

import pytest

from quizapp import timeutil
from quizapp.ops.doctor import weak_secret

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def test_gunicorn_is_sized_for_two_cores_without_preload():
    with mock.patch("multiprocessing.cpu_count", return_value=2):
        config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (config["workers"], config["threads"], config["worker_class"]) == (3, 4, "gthread")
    assert config["preload_app"] is False
    assert config["accesslog"] == "-" and config["timeout"] >= 30 and config["graceful_timeout"] >= 20


def test_nginx_stamps_every_proxied_request_with_its_time_of_receipt():
    # The live contest decides by this time (quizapp.timeutil.request_received_at); without
    # the line a client could send the header itself, and queueing would make answers late.
    config = (DEPLOY / "nginx.conf").read_text("utf-8")
    location = config.split("location / {", 1)[1].split("\n    }", 1)[0]
    assert f'proxy_set_header {timeutil.RECEIPT_HEADER} "t=${{msec}}";' in location
    assert "QUIZAPP_PROXY_HOPS=1" in (DEPLOY / "quizapp.env.example").read_text("utf-8")


def test_every_setting_the_code_reads_is_in_the_environment_sample():
    # config.py reads the environment; other modules may read it directly.
    read = set(re.findall(r'"(QUIZAPP_[A-Z_]+)"', (ROOT / "quizapp" / "config.py").read_text("utf-8")))
    for path in (ROOT / "quizapp").rglob("*.py"):
        read |= set(re.findall(r'environ\.get\("(QUIZAPP_[A-Z_]+)"', path.read_text("utf-8")))
    sample = (DEPLOY / "quizapp.env.example").read_text("utf-8")
    missing = sorted(name for name in read if name not in sample)
    assert not missing, f"document these in deploy/quizapp.env.example: {missing}"


def test_the_environment_sample_holds_no_usable_secret():
    sample = (DEPLOY / "quizapp.env.example").read_text("utf-8")
    key = re.search(r"^SECRET_KEY=(.*)$", sample, re.MULTILINE).group(1)
    assert weak_secret(key) is not None


def test_units_run_commands_that_exist(app):
    web = (DEPLOY / "quizapp-web.service").read_text()
    scheduler = (DEPLOY / "quizapp-scheduler.service").read_text()
    assert "Environment=QUIZAPP_SCHEDULER=off" in web and "gunicorn.conf.py wsgi:app" in web
    assert "quizapp scheduler" in scheduler
    for command in ("scheduler", "doctor", "backup", "db"):
        assert command in app.cli.commands, command


@pytest.mark.parametrize("script", ["backup-postgres.sh", "restore-drill.sh"])
def test_backup_scripts_parse(script):
    assert subprocess.run(["bash", "-n", str(DEPLOY / script)]).returncode == 0


@pytest.mark.parametrize("shell, script", [("bash", "bundle.sh"), ("sh", "install.sh")])
def test_bundle_scripts_parse(shell, script):
    assert subprocess.run([shell, "-n", str(DEPLOY / script)]).returncode == 0


def test_bundle_install_refuses_another_python_before_touching_anything(tmp_path):
    bundle = tmp_path / "quizapp-0.1.0-abc-cp00-linux_x86_64"
    bundle.mkdir()
    (bundle / "install.sh").write_text((DEPLOY / "install.sh").read_text())
    (bundle / "BUNDLE-INFO").write_text("QUIZAPP_VERSION=0.1.0\nQUIZAPP_COMMIT=abc\nPYTHON_TAG=cp00\n"
                                        "PLATFORM=linux_x86_64\n")
    result = subprocess.run(["sh", str(bundle / "install.sh"), str(tmp_path / "prefix")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "this bundle is for cp00 (linux_x86_64)" in result.stderr and "PYTHON=" in result.stderr
    assert not (tmp_path / "prefix").exists()
