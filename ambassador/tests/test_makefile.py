"""Only development make targets create the DEBUG=1 .env; an operator's `make setup`
never picks it up silently (issue 10.6). Runs make on a copy of the Makefile."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CREATES_DEV_ENV = "'DEBUG=1' > .env"


@pytest.fixture
def checkout(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    for name in ("Makefile", "requirements.txt", "package.json", "package-lock.json"):
        shutil.copy(BASE_DIR / name, tmp_path / name)
    return tmp_path


def make(directory, *args, **environment):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }
    env.update(environment)
    return subprocess.run(  # noqa: S603 - make with fixed arguments
        [shutil.which("make"), "--no-print-directory", "-C", str(directory), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("target", ["run", "test", "dev-setup"])
def test_development_targets_create_the_development_env_file(checkout, target):
    assert CREATES_DEV_ENV in make(checkout, "-n", target).stdout


@pytest.mark.parametrize("target", ["setup", "install", "worker", "beat"])
def test_operator_targets_never_create_it(checkout, target):
    result = make(checkout, "-n", target)
    assert result.returncode == 0, result.stderr
    assert CREATES_DEV_ENV not in result.stdout


def test_setup_refuses_to_run_on_the_development_env_file(checkout):
    make(checkout, ".env")
    assert "DEBUG=1" in (checkout / ".env").read_text()
    result = make(checkout, "setup")
    assert result.returncode != 0
    assert "This checkout has the development .env" in result.stdout
    assert not (checkout / ".venv").exists()  # refused before doing anything
    # An explicit DEBUG (the environment wins over .env) is a choice, not an accident.
    assert make(checkout, "operator-env-check", DEBUG="0").returncode == 0
