"""The interface's own strings. Each is a segment `ui:<key>` in every language's catalog.

Placeholders in braces ({date}, {phone} …) are filled in at render time; translators keep them.
"""

from __future__ import annotations

UI_STRINGS: dict[str, str] = {
    "skip": "Skip to main content",
    "home": "Home",
    "menu": "Pages",
    "find_help": "Find free help",
    "report": "Report discrimination",
    "resources": "Guides and posters",
    "languages": "Languages",
    "choose_language": "Choose your language",
    "call": "Call",
    "call_us": "Questions? Call us",
    "free": "Free",
    "cost": "Cost",
    "hours": "Hours",
    "address": "Address",
    "address_withheld": "Address given by phone",
    "website": "Website",
    "email": "E-mail",
    "phone": "Phone",
    "phone_textphone": "TTY/TDD",
    "phone_text": "Text",
    "phone_fax": "Fax",
    "services": "Services",
    "languages_spoken": "Languages spoken",
    "topics": "Topics",
    "all_topics": "All topics",
    "organizations": "Organizations",
    "last_checked": "Last checked {date}",
    "status_unverified": "Not yet confirmed. Call before you go.",
    "status_needs_review": "Under review",
    "status_moved": "Moved: the link here is the new address.",
    "status_superseded": "No longer in force since {date}.",
    "old_address": "Old address",
    "source": "Source",
    "what_to_do_first": "What to do first",
    "not_translated": "Part of this page is not translated into {language} yet and is shown in {source}. "
    "For free help in your language, call {phone}.",
    "machine_translation": "Some text on this page is an automatic translation, not yet checked by a person.",
    "from_author": "{author}, {title}",
    "publisher": "Publisher",
    "available_in": "Available in",
    "open_resource": "Open it on the publisher's site",
    "leaves_site": "This link leaves this site.",
    "kind_poster": "Poster",
    "kind_guide": "Guide",
    "kind_fact-sheet": "Fact sheet",
    "kind_webpage": "Web page",
    "kind_toolkit": "Toolkit",
    "kind_policy": "Policy",
    "acc_doj-recognized-organization": "DOJ-recognized organization",
    "acc_doj-accredited-representative": "DOJ-accredited representative",
    "acc_law-school-clinic": "Law school clinic",
    "acc_licensed-attorneys": "Licensed attorneys",
    "privacy": "This site collects nothing about you: no cookies, no tracking, no forms.",
    "help_intro": "Free legal and community help. Call before you go.",
    "ways_to_report": "Ways to report",
    "nothing_here": "Nothing is listed here yet.",
    "interpretation": "Interpretation",
    "print_scan": "Scan the code to read this in your language:",
    "outdated_translation": "The {source} text has changed since this was translated.",
    "read_current": "Read the current {source} text",
    "print_heading": "Print and share",
    "pdf_flyer": "Flyer",
    "pdf_card": "Wallet card with your rights",
    "pdf_poster": "Poster for staff",
    "paper_letter": "US Letter",
    "paper_a4": "A4",
    # Offline use (assets/offline.js shows them; nothing is shown without JavaScript).
    "offline_saving": "Saving these pages on this phone, so that they open without internet…",
    "offline_saved": "Saved on this phone on {date}: these pages open even without internet.",
    "offline_copy": "No internet connection. This is the copy saved on this phone on {date}; "
    "it may have changed since.",
    "offline_failed": "These pages could not be saved on this phone. They still open with internet.",
    "offline_off": "These pages are not saved on this phone.",
    "offline_remove": "Remove from this phone",
    "offline_save": "Save on this phone",
}


def segment_id(key: str) -> str:
    """The catalog id (msgctxt) of a UI string."""
    return f"ui:{key}"
