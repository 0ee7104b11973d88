"""Offline use: a service worker keeps, on a reader's phone, the languages the reader opened.

Each language's worker process hashes the files it made (`file_digests`, while they are in
its memory); then `offline_files(site, files, digests)`, called once by the build with the
files made in the main process and those digests, returns what offline use adds to the site:

- `sw.js` at the site's root: the worker (`static/sw.js`). Its scope is the folder it is
  served from, so the hub works from any host or sub-folder;
- `assets/offline.<hash>.js` (shared files are named by their content: haven.render.assets):
  the script each language page loads (`defer`, no inline script). It registers the
  worker, asks it to keep the page's language, and shows the status line;
- `offline/<tag>.json`, one manifest per served language: every file the worker saves for
  that language, each as [the first 16 hex digits of its SHA-256, its size in bytes], and a
  version made from that list. `files` are that language's pages (`es/…`, among them the
  page shown offline for what is not saved, `es/offline/`) and the shared `assets/`
  (stylesheet and scripts), saved at once; `pdfs` its printable PDFs (`pdf/es/…`), saved
  only when the reader asks or comes back without the browser's data-saver. Never another
  language, never the language chooser (it carries no offline status, so a saved copy of
  it could not say it is one), never `_staff/`, `_headers` or `_hosting/`. The manifest
  also names the language in itself (`name`, `dir`), for the offline page's list of the
  languages saved on the phone.

With `offline: false` in hub.yaml, `sw.js` is instead a worker that deletes what an earlier
build saved on readers' phones and unregisters itself, and nothing else is published.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from importlib import resources

import orjson

from haven.model import Site
from haven.render.assets import asset_path

WORKER = "sw.js"
SCRIPT = asset_path("offline.js")
MANIFESTS = "offline"
HASH_DIGITS = 16
PAGE = "offline/"
"""The page of each language shown offline for what is not saved (`es/offline/`)."""

Entry = list[str | int]
"""A manifest's entry for one file: [digest, size in bytes]."""


def manifest_path(tag: str) -> str:
    """Where a language's manifest is published, from the site's root."""
    return f"{MANIFESTS}/{tag}.json"


def file_digests(site: Site, files: Mapping[str, bytes],
                 hashed: Mapping[str, str] | None = None) -> dict[str, str]:
    """The digest of each file a manifest may list, by path (none when offline use is off):
    a language's worker hashes its own pages and PDFs, on every core at once. `hashed` holds
    files' SHA-256 hex digests already computed (the build record's)."""
    if not site.content.hub.offline:
        return {}
    known = hashed or {}
    return {name: known[name][:HASH_DIGITS] if name in known else _digest(data)
            for name, data in files.items() if _listable(name)}


def offline_files(site: Site, files: Mapping[str, bytes], digests: Mapping[str, str],
                  sizes: Mapping[str, int] | None = None) -> dict[str, bytes]:
    """The worker, its page script and every language's manifest: from the files made in
    this process (the shared `assets/`) and the `digests` and `sizes` of the languages' own
    files."""
    if not site.content.hub.offline:
        return {WORKER: _static("retire.js")}
    added = {WORKER: _static("sw.js"), SCRIPT: _static("offline.js")}
    made = {**files, **added}
    everything = {**digests, **file_digests(site, made)}
    known = {**(sizes or {}), **{name: len(data) for name, data in made.items()}}
    tags = {lang.tag for lang in site.languages}
    shared: dict[str, Entry] = {}
    own: dict[str, dict[str, Entry]] = {tag: {} for tag in tags}
    pdfs: dict[str, dict[str, Entry]] = {tag: {} for tag in tags}
    for name, digest in everything.items():
        top, _, rest = name.partition("/")
        entry: Entry = [digest, known[name]]
        if top == "assets":
            shared[_url(name)] = entry
        elif top in tags and rest:
            own[top][_url(name)] = entry
        elif top == "pdf" and name.endswith(".pdf"):
            tag = rest.partition("/")[0]
            if tag in pdfs:
                pdfs[tag][name] = entry
    manifests = {manifest_path(lang.tag): _manifest(lang.tag, lang.endonym, lang.direction,
                                                    shared | own[lang.tag], pdfs[lang.tag])
                 for lang in sorted(site.languages, key=lambda lang: lang.tag)}
    return added | manifests


def _listable(name: str) -> bool:
    """Not build state (pdf/es/.haven-pdf.json), not staff or host files: may be saved."""
    return not any(part.startswith((".", "_")) for part in name.split("/"))


def _manifest(tag: str, name: str, direction: str, files: dict[str, Entry],
              pdfs: dict[str, Entry]) -> bytes:
    listing = {"files": dict(sorted(files.items())), "pdfs": dict(sorted(pdfs.items()))}
    version = _digest(orjson.dumps(listing))  # compact, UTF-8: json.dumps took 5 ms a build
    manifest = {"language": tag, "name": name, "dir": direction, "version": version, **listing}
    return orjson.dumps(manifest) + b"\n"


def _url(name: str) -> str:
    """A file's address from the site's root: a page by its folder (`es/help/`)."""
    if name == "index.html" or name.endswith("/index.html"):
        return name.removesuffix("index.html")
    return name


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_DIGITS]


def _static(name: str) -> bytes:
    return (resources.files("haven.offline") / "static" / name).read_bytes()
