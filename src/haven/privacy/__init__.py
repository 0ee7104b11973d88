"""Privacy and security: the reader-side crawl (`haven privacy`) and host security headers.

The crawl (and the HTTP client it needs) is imported only when used: every build imports
the headers, and a build needs no web client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haven.privacy.headers import security_files

if TYPE_CHECKING:
    from haven.privacy.crawl import Finding, PrivacyReport, crawl_privacy

__all__ = ["Finding", "PrivacyReport", "crawl_privacy", "security_files"]


def __getattr__(name: str) -> Any:
    if name in ("Finding", "PrivacyReport", "crawl_privacy"):
        from haven.privacy import crawl

        return getattr(crawl, name)
    raise AttributeError(f"module 'haven.privacy' has no attribute {name!r}")
