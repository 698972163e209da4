"""Type stubs of the native module (PyO3). Use the ``fengong`` package:
its functions turn this module's JSON text into dicts and DataFrames."""

from typing import List, Optional, Sequence, Tuple, Union

__version__: str

class Parser:
    """Alias tables (built-in plus the user's) and the size limit, loaded once."""

    def __init__(
        self, aliases: Optional[Sequence[str]] = None, max_bytes: Optional[int] = None
    ) -> None: ...
    def parse_text(self, text: str) -> str:
        """The notice in ``text`` as JSON."""
    def parse_bytes(self, data: bytes, filename: str) -> str:
        """The notice in the bytes of a file named ``filename`` as JSON."""
    def parse_path(self, path: str) -> str:
        """The notice in the file at ``path`` as JSON."""
    def parse_many(
        self, paths: Sequence[str], jobs: Optional[int] = None
    ) -> List[Union[str, Exception]]:
        """Many files in parallel: JSON text or an exception instance per file, in input order."""
    def parse_many_bytes(
        self, files: Sequence[Tuple[str, bytes]], jobs: Optional[int] = None
    ) -> List[Union[str, Exception]]:
        """Many ``(filename, bytes)`` pairs in parallel, as ``parse_many``."""
    def tasks(self, notices_json: str, unit: Optional[str] = None) -> str:
        """The ledger of ``unit`` (every unit's when ``None``) as JSON."""

def diff_json(old_json: str, new_json: str) -> str:
    """The diff of two notices given as JSON, as the JSON of ``fengong diff --format json``."""

def frames_csv(notices_json: str) -> Tuple[str, str, str]:
    """The CLI's items, units and targets CSV (no BOM) of a JSON array of notices."""

def supported_extensions() -> List[str]:
    """File extensions the parser reads."""
