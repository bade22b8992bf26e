"""A collection of materials as one ZIP: each material's current files in a folder of its own, and `metadata.json`,
the materials as schema.org JSON-LD (LRMI), so a library takes in files and descriptions together.

The archive is written to a temporary file in chunks (files are stored, not compressed again: pictures, sound, video
and PDF are compressed already) and sent from there, so no file is ever whole in memory. A collection holds at most
COLLECTION_MATERIALS materials and COLLECTION_MB of files; a file past that is left out of the archive and stays
in the metadata with its address.
"""

import re
import shutil
import tempfile
import zipfile
from typing import BinaryIO

from isok import storage
from isok.materials.models import Material

COLLECTION_MATERIALS = 50
COLLECTION_MB = 1024
UNSAFE = re.compile(r"[^\w.-]+")


def folder_name(material: Material) -> str:
    """The material's id and title, as a name every unzip tool takes."""
    return f"{material.id}-{UNSAFE.sub('-', material.text('title')).strip('-')[:60]}"


def write_zip(materials: list[Material], metadata: str) -> tuple[BinaryIO, list[Material]]:
    """The archive, in a temporary file rewound to its start, and the materials whose files are in it."""
    archive = tempfile.TemporaryFile()  # noqa: SIM115  (the response sends and closes it)
    room, included = COLLECTION_MB * 1024 * 1024, []
    try:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as packed:
            packed.writestr("metadata.json", metadata)
            for material in materials:
                packed_files = 0
                for file in material.current_files:
                    if file.size > room:
                        continue
                    packed_files += 1
                    name = f"{folder_name(material)}/{packed_files:02d}-{UNSAFE.sub('-', file.name)}"
                    with storage.open_file(file.sha256) as source, packed.open(name, "w", force_zip64=True) as target:
                        shutil.copyfileobj(source, target, storage.CHUNK)
                    room -= file.size
                if packed_files:
                    included.append(material)
    except BaseException:
        archive.close()
        raise
    archive.seek(0)
    return archive, included
