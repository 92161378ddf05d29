"""Runs of JSONL event files: strict reading, durable dead letters, a journal to resume.

Independent of the command line (no typer, no rich), so a pipeline of your own can use it::

    import asyncio, os
    from rudder_mapper import AsyncActiveCampaignDestination
    from rudder_mapper.run import (
        Checkpoint, CheckpointHeader, DeadLetterFile, DeliveryRun, LineReader, load_checkpoint,
    )

    destination = AsyncActiveCampaignDestination.from_config(config)
    with open("events.jsonl", "rb") as events:
        letters = DeadLetterFile.create("events.dead-letter.jsonl", source="events.jsonl")
        header = CheckpointHeader("events.jsonl", account=str(destination.client.config.origin),
                                  dead_letter=os.path.abspath(letters.path))
        run = DeliveryRun(destination, LineReader(events), dead_letters=letters,
                          checkpoint=Checkpoint.create("events.checkpoint", header))
        summary = asyncio.run(run.run())

To resume: ``state = load_checkpoint(path)``, ``state.check(account=..., dead_letter=...)``,
then ``LineReader(events, expect=state.mark)``, ``DeadLetterFile.resume(path,
state.dead_letter_size, ...)``, ``Checkpoint.reopen(state)`` and ``DeliveryRun(...,
resume=state)``. What a run guarantees is in the README ("What a run guarantees").
"""

from ._checkpoint import (
    CHECKPOINT_FORMAT,
    Checkpoint,
    CheckpointHeader,
    CheckpointState,
    load_checkpoint,
)
from ._dead_letters import DeadLetterFile, DeadLetterSink, DeadLetterWriter, dead_letter_record
from ._errors import CheckpointError, RecordingError
from ._lines import MAX_NESTING, Line, parse_line
from ._reader import DEFAULT_MAX_LINE_BYTES, LineReader, ReadMark
from ._runner import DEFAULT_BATCH_SIZE, DEFAULT_GRACE, DeliveryRun
from ._summary import Summary

__all__ = [
    "CHECKPOINT_FORMAT",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_GRACE",
    "DEFAULT_MAX_LINE_BYTES",
    "MAX_NESTING",
    "Checkpoint",
    "CheckpointError",
    "CheckpointHeader",
    "CheckpointState",
    "DeadLetterFile",
    "DeadLetterSink",
    "DeadLetterWriter",
    "DeliveryRun",
    "Line",
    "LineReader",
    "ReadMark",
    "RecordingError",
    "Summary",
    "dead_letter_record",
    "load_checkpoint",
    "parse_line",
]
