"""What other packages add to a client's data export and do when a client is erased, so `cases` imports none of them.

Register at import of your views module:
- `register_export_data(fn)`: `fn(client) -> [(json_name, data)]`, each written as `<json_name>.json` in the ZIP;
- `register_export_files(fn)`: `fn(client) -> [(filename, bytes)]`, written under `files/`;
- `register_erasure_hook(fn)`: `fn(actor, client)` wipes the package's personal data of the client (e.g. evidence
  files) inside the erasing transaction; it flushes, never commits.
"""

from collections.abc import Callable, Iterable

ExportData = Callable[[object], Iterable[tuple[str, object]]]
ExportFiles = Callable[[object], Iterable[tuple[str, bytes]]]
ErasureHook = Callable[[object, object], None]

_data: list[ExportData] = []
_files: list[ExportFiles] = []
_erasure: list[ErasureHook] = []


def _add(registry: list, fn):
    if fn not in registry:
        registry.append(fn)
    return fn


def register_export_data(fn: ExportData) -> ExportData:
    return _add(_data, fn)


def register_export_files(fn: ExportFiles) -> ExportFiles:
    return _add(_files, fn)


def register_erasure_hook(fn: ErasureHook) -> ErasureHook:
    return _add(_erasure, fn)


def export_data(client) -> list[tuple[str, object]]:
    return [item for fn in _data for item in fn(client)]


def export_files(client) -> list[tuple[str, bytes]]:
    return [item for fn in _files for item in fn(client)]


def run_erasure_hooks(actor, client) -> None:
    for hook in _erasure:
        hook(actor, client)
