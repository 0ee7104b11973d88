"""Step 3, model: what the site is, independent of language — its languages and its pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from haven.content.facets import FACET_KINDS, Facet, directory_facets
from haven.content.schema import Organization
from haven.content.validate import Content
from haven.languages import Language, language

NAV_KINDS = ("home", "document", "help", "report", "resources")



@dataclass(frozen=True)
class Page:
    """One page of every language: `path` is relative to the language's folder."""

    key: str
    template: str
    path: str
    record: str = ""
    """The id of the record the page shows, if any."""
    part: int = 1
    """For a long list split over several pages: which one this is (1, 2 …) of `parts`."""
    parts: int = 1


@dataclass
class Site:
    content: Content
    languages: list[Language]
    source: Language
    pages: list[Page]
    facets: dict[str, Facet] = field(default_factory=dict)
    """Every filter value with results, by key ('language:es'), in the help page's order."""
    service_facets: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """The numbers of the facets each service (by id) belongs to."""

    @property
    def nav(self) -> list[Page]:
        """The pages every page links to: home, the documents, help, report, resources."""
        return [p for p in self.pages if p.key.partition(":")[0] in NAV_KINDS]

    @property
    def text_pages(self) -> list[Page]:
        """Pages with text of their own: not the filter pages, nor the later parts of a list.

        Those repeat what organization pages say; the translation report counts the rest.
        """
        return [p for p in self.pages if p.part == 1 and not p.key.startswith("facet:")]

    def language(self, tag: str) -> Language:
        return next(lang for lang in self.languages if lang.tag == tag)

    def named(self, tag: str) -> Language:
        """Language `tag` with the names the hub gives it (served or by phone), else Haven's."""
        hub = self.content.hub
        for entry in (*hub.languages, *hub.interpretation_languages):
            if entry.tag == tag:
                return entry.language
        return language(tag)

    def facet_of(self, page: Page) -> Facet:
        """The facet a topic or filter page lists."""
        return self.facets[f"topic:{page.record}" if page.key.startswith("topic:") else page.record]

    def facet_groups(self) -> list[tuple[str, list[Facet]]]:
        """[(kind, its facets) …] for the kinds that have any, in FACET_KINDS order."""
        groups: dict[str, list[Facet]] = {}
        for facet in self.facets.values():
            groups.setdefault(facet.kind, []).append(facet)
        return [(kind, groups[kind]) for kind in FACET_KINDS if kind in groups]

    def org_facets(self, org: Organization) -> str:
        """The help page's filter tokens of `org`: each service's facet numbers, e.g. '0.4.9 1.4'."""
        return " ".join(".".join(map(str, self.service_facets.get(s.id, ()))) for s in org.services)


def build_model(content: Content) -> Site:
    """Plan every page and index the directory by every filter (topic, language spoken …)."""
    hub = content.hub
    languages = [language(e.tag, e.name, e.english_name) for e in hub.languages]
    pages = [Page("home", "home.html", "")]
    pages += [Page(f"document:{d.meta.id}", "document.html", f"{d.meta.id}/", d.meta.id)
              for d in content.documents]
    pages.append(Page("help", "help.html", "help/"))
    facets = directory_facets(content)
    for facet in facets.values():
        key = f"topic:{facet.value}" if facet.kind == "topic" else f"facet:{facet.key}"
        record = facet.value if facet.kind == "topic" else facet.key
        for part in range(1, facet.parts + 1):
            path = facet.path + (f"{part}/" if part > 1 else "")
            pages.append(Page(key + (f":{part}" if part > 1 else ""), "facet.html", path, record,
                              part, facet.parts))
    pages += [Page(f"organization:{o.id}", "organization.html", f"help/org/{o.id}/", o.id)
              for o in content.organizations]
    if content.reporting:
        pages.append(Page("report", "report.html", "report/"))
    if content.resources:
        pages.append(Page("resources", "resources.html", "resources/"))
        pages += [Page(f"resource:{r.id}", "resource.html", f"resources/{r.id}/", r.id)
                  for r in content.resources]
    source = language(hub.source_language)
    service_facets: dict[str, list[int]] = {}
    for facet in facets.values():
        for _, service_ids in facet.results:
            for ident in service_ids:
                service_facets.setdefault(ident, []).append(facet.number)
    return Site(content, languages, source, pages, facets,
                {k: tuple(v) for k, v in service_facets.items()})
