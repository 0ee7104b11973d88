"""Privacy and security: the reader-side crawl (`haven privacy`) and host security headers."""

from haven.privacy.crawl import Finding, PrivacyReport, crawl_privacy
from haven.privacy.headers import security_files

__all__ = ["Finding", "PrivacyReport", "crawl_privacy", "security_files"]
