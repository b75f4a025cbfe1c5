"""The agent skill: shipped in the package, printed and installed by ``rapidata-nb skill``, and every Python
example in it runs (against the embedded backend, in a fresh process with a temporary home)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rapidata_nb import cli

SKILL = Path(cli.__file__).with_name("SKILL.md")


def python_blocks(text: str) -> list[str]:
    """The fenced ```python blocks of a markdown text, in order."""
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)


def test_skill_has_front_matter_and_examples() -> None:
    text = SKILL.read_text()
    assert text.startswith("---\nname: rapidata-nb\ndescription: ")
    assert len(python_blocks(text)) >= 4
    assert cli.skill_text() == text


@pytest.mark.slow
def test_every_python_example_runs(tmp_path: Path) -> None:
    """All blocks run in order in one process (later blocks use earlier names), like an agent would."""
    script = "\n\n".join(python_blocks(SKILL.read_text()))
    (tmp_path / "skill_examples.py").write_text(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAPIDATA")}
    env.update(HOME=str(tmp_path), RAPIDATA_NB_HOME=str(tmp_path / "nb"), RAPIDATA_NB_CROWD_PACE="0")
    proc = subprocess.run(
        [sys.executable, "skill_examples.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    assert "winner" in proc.stdout


def test_skill_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["skill"]) == 0
    assert capsys.readouterr().out == SKILL.read_text()


def test_skill_install_writes_where_agents_look(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["skill", "--install", "--dir", str(tmp_path)]) == 0
    claude = tmp_path / ".claude/skills/rapidata-nb/SKILL.md"
    assert claude.read_text() == SKILL.read_text()
    assert str(claude) in capsys.readouterr().out

    assert cli.main(["skill", "--install", "--agent", "all", "--dir", str(tmp_path)]) == 0
    for relative in cli.SKILL_TARGETS.values():
        assert (tmp_path / relative).is_file(), relative
    cursor = (tmp_path / ".cursor/rules/rapidata-nb.mdc").read_text()
    assert cursor.startswith("---\ndescription: Use when") and "alwaysApply: false" in cursor
    assert "# rapidata_nb" in cursor and "name: rapidata-nb" not in cursor


def test_skill_install_user_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cli.main(["skill", "--install", "--user", "--agent", "codex"]) == 0
    assert (tmp_path / ".codex/skills/rapidata-nb/SKILL.md").read_text() == SKILL.read_text()


def test_skill_bad_agent_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["skill", "--install", "--agent", "emacs"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice: 'emacs'" in err
