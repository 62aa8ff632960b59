"""The ingest progress bar of a build (stderr)."""
from __future__ import annotations

import sys
import threading
from pathlib import Path


class IngestProgress:
    """A progress bar over the bytes of the inputs to ingest, when there are many inputs or a large one:
    it names the input being waited for and its elapsed time keeps moving (refreshed every second), so a
    table of 17 MB that takes 20 s to read is not 20 s of silence."""

    MANY_FILES = 20
    LARGE_BYTES = 4 * 2**20

    def __init__(self, todo: list[tuple[str, Path]]):
        self.sizes = {source: _size(source) for source, _ in todo}
        self.bar = None
        if len(todo) > self.MANY_FILES or sum(self.sizes.values()) > self.LARGE_BYTES:
            from tqdm import tqdm

            self.bar = tqdm(total=sum(self.sizes.values()), unit="B", unit_scale=True, desc="ingest",
                            file=sys.stderr)
            self.stop = threading.Event()
            self.ticker = threading.Thread(target=self._tick, daemon=True)
            self.ticker.start()

    def _tick(self) -> None:
        while not self.stop.wait(1.0):
            self.bar.refresh()

    def reading(self, source: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(Path(source).name, refresh=True)

    def done(self, source: str) -> None:
        if self.bar is not None:
            self.bar.update(self.sizes[source])

    def close(self) -> None:
        if self.bar is not None:
            self.stop.set()
            self.ticker.join()
            self.bar.close()


def _size(source: str) -> int:
    try:
        return Path(source).stat().st_size
    except OSError:
        return 0
