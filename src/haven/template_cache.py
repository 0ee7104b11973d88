"""Compiled templates kept on disk between builds (Jinja's bytecode cache), in Haven's cache
folder (haven.cache)."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

from haven import __version__
from haven.cache import cache_folder


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept between builds, as Python keeps its own in __pycache__.

    Compiling Haven's templates takes about a tenth of a second, a good part of a whole
    build. Jinja keys each entry by the template's source checksum and its own version, so a
    changed template is compiled again. A cache that cannot be read or written is ignored.
    """

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache_folder() -> Path:
    """Where compiled templates are kept, in Haven's cache folder."""
    return cache_folder() / f"templates-{__version__}"


def template_cache() -> _TemplateCache:
    """The cache to give every Jinja environment of a build; its folder is made when first
    written to."""
    return _TemplateCache(str(template_cache_folder()))
