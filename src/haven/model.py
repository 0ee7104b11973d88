"""Step 3, model: what the site is, independent of language — its languages and its pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from haven.content.schema import Organization, Service
from haven.content.validate import Content
from haven.i18n.languages import Language, language

NAV_KINDS = ("home", "document", "help", "report", "resources")


@dataclass(frozen=True)
class Page:
    """One page of every language: `path` is relative to the language's folder."""

    key: str
    template: str
    path: str
    record: str = ""
    """The id of the record the page shows, if any."""


@dataclass
class Site:
    content: Content
    languages: list[Language]
    source: Language
    pages: list[Page]
    services_by_topic: dict[str, list[tuple[Organization, Service]]] = field(default_factory=dict)

    @property
    def nav(self) -> list[Page]:
        """The pages every page links to: home, the documents, help, report, resources."""
        return [p for p in self.pages if p.key.partition(":")[0] in NAV_KINDS]

    def language(self, tag: str) -> Language:
        return next(lang for lang in self.languages if lang.tag == tag)


def build_model(content: Content) -> Site:
    """Plan every page and index the directory by topic."""
    hub = content.hub
    languages = [language(e.tag, e.name, e.english_name) for e in hub.languages]
    pages = [Page("home", "home.html", "")]
    pages += [Page(f"document:{d.meta.id}", "document.html", f"{d.meta.id}/", d.meta.id)
              for d in content.documents]
    pages.append(Page("help", "help.html", "help/"))
    by_topic: dict[str, list[tuple[Organization, Service]]] = {t.id: [] for t in content.topics}
    for org in content.organizations:
        for service in org.services:
            for topic in service.topics:
                by_topic[topic].append((org, service))
    pages += [Page(f"topic:{t.id}", "topic.html", f"help/{t.id}/", t.id)
              for t in content.topics if by_topic[t.id]]
    pages += [Page(f"organization:{o.id}", "organization.html", f"help/org/{o.id}/", o.id)
              for o in content.organizations]
    if content.reporting:
        pages.append(Page("report", "report.html", "report/"))
    if content.resources:
        pages.append(Page("resources", "resources.html", "resources/"))
        pages += [Page(f"resource:{r.id}", "resource.html", f"resources/{r.id}/", r.id)
                  for r in content.resources]
    source = language(hub.source_language)
    return Site(content, languages, source, pages, by_topic)
