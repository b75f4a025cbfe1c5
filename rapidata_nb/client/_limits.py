"""Limits on what a task shows labelers: its instruction and its context."""

from __future__ import annotations

__all__ = ["MAX_CONTEXT", "MAX_INSTRUCTION", "MAX_MEDIA_CONTEXT", "check_instruction"]

MAX_INSTRUCTION = 250
MAX_CONTEXT = 400
MAX_MEDIA_CONTEXT = 10


def check_instruction(instruction: str) -> str:
    """Validate an instruction (non-empty, at most 250 characters)."""
    if not isinstance(instruction, str) or not instruction.strip():
        raise ValueError("instruction must be a non-empty string.")
    if len(instruction) > MAX_INSTRUCTION:
        raise ValueError(
            f"instruction is {len(instruction)} characters long; the limit is {MAX_INSTRUCTION}. "
            "Shorten it (labelers have a few seconds per task)."
        )
    return instruction
