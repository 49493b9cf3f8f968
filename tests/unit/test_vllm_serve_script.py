"""deploy/vllm/serve.sh: env file -> vLLM flags, with `echo` standing in for vLLM's Python (the real server is
exercised by the opt-in tests/integration/test_vllm_contract.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "vllm" / "serve.sh"
KEY = "k3y-never-on-the-command-line"


def serve(tmp_path: Path, env_file: str, **env: str) -> subprocess.CompletedProcess[str]:
    model = tmp_path / "model"
    model.mkdir(exist_ok=True)
    (model / "config.json").write_text("{}")
    settings = tmp_path / "vllm.env"
    settings.write_text(env_file.replace("{model}", str(model)))
    base = {"PATH": "/usr/bin:/bin", "RA_VLLM_PYTHON": "echo"}
    return subprocess.run(
        ["bash", str(SCRIPT), str(settings)], env=base | env, capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.parametrize(
    ("env_file", "code", "says"),
    [
        ("RA_VLLM_MODEL_PATH={model}\nVLLM_PORT=8000\n", 2, "VLLM_PORT is now RA_VLLM_PORT"),
        ("RA_VLLM_MODEL_PATH={model}\nVLLM_MODEL_PATH={model}\n", 2, "VLLM_MODEL_PATH is now RA_VLLM_MODEL_PATH"),
        ("RA_VLLM_MODEL_PATH={model}\n", 3, "no API key: set RA_VLLM_API_KEY_FILE"),
        ("RA_VLLM_MODEL_PATH=/nowhere\nRA_VLLM_ALLOW_NO_API_KEY=1\n", 3, "no config.json in RA_VLLM_MODEL_PATH"),
        ("RA_VLLM_ALLOW_NO_API_KEY=1\n", 1, "set RA_VLLM_MODEL_PATH"),
    ],
)
def test_bad_settings_stop_before_vllm_with_the_fix(tmp_path: Path, env_file: str, code: int, says: str) -> None:
    done = serve(tmp_path, env_file)
    assert done.returncode == code, done.stderr
    assert says in done.stderr
    assert done.stdout == ""  # vLLM was never started


def test_settings_become_flags_and_the_key_stays_off_the_command_line(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    env_file = (
        "RA_VLLM_MODEL_PATH={model}\nRA_VLLM_SERVED_MODEL_NAME=retail-assistant\nRA_VLLM_PORT=8123\n"
        "RA_VLLM_TENSOR_PARALLEL_SIZE=2\nRA_VLLM_ENABLE_PREFIX_CACHING=0\nRA_VLLM_MAX_NUM_SEQS=64\n"
        f"RA_VLLM_API_KEY_FILE={key_file}\n"
    )
    done = serve(tmp_path, env_file)
    assert done.returncode == 0, done.stderr
    argv = done.stdout.split()
    assert argv[:2] == ["-m", "vllm.entrypoints.openai.api_server"]
    flags = {flag: value for flag, value in zip(argv[2:], [*argv[3:], ""], strict=True) if flag.startswith("--")}
    assert flags["--served-model-name"] == "retail-assistant"
    assert (flags["--host"], flags["--port"], flags["--tensor-parallel-size"]) == ("127.0.0.1", "8123", "2")
    assert flags["--max-num-seqs"] == "64"
    assert "--no-enable-prefix-caching" in flags and "--enable-prefix-caching" not in flags
    assert KEY not in done.stdout + done.stderr
