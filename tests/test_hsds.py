"""HSDS 3.0 export and import, checked against the official schemas and examples.

The schemas and examples in tests/data/hsds-3.0/ are Open Referral's, CC BY-SA 4.0:
"Human Services Data Specification: an Open Referral resource (https://openreferral.org/)".
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from haven.build import build
from haven.cli import main
from haven.content.load import load
from haven.content.validate import validate
from haven.example import example_content
from haven.opendata import hsds
from haven.opendata.export import export_hsds
from haven.opendata.importer import ImportReport, import_hsds
from haven.opendata.jsonld import organization_jsonld
from haven.scaffold import create

HSDS = Path(__file__).parent / "data" / "hsds-3.0"
SCHEMAS = HSDS / "schema"
EXAMPLES = HSDS / "examples"
BASE = "https://hsds.test/schema/"


def _local_only(uri: str) -> Resource[Any]:
    """Resolve a schema reference from tests/data; never from the network."""
    if not uri.startswith(BASE):
        raise NoSuchResource(uri)
    path = SCHEMAS / uri.removeprefix(BASE)
    return Resource.from_contents(json.loads(path.read_text()),
                                  default_specification=DRAFT202012)


REGISTRY: Registry[Any] = Registry(retrieve=_local_only)  # type: ignore[call-arg]


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(
        {"$id": BASE + "haven-test.json", **schema},
        registry=REGISTRY, format_checker=FormatChecker(),
    )


ORGANIZATION_FULL = validator({
    "allOf": [{"$ref": "organization.json"}],
    "properties": {"services": {"type": "array", "items": {"$ref": "service.json"}}},
})


def errors(v: Draft202012Validator, data: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in v.iter_errors(data)]


@pytest.fixture(scope="module")
def exported() -> dict[str, bytes]:
    files, _ = export_hsds(validate(load(example_content())))
    return files


def test_schema_check_catches_errors() -> None:
    """The schema check is real: a bad record fails it, and the official example passes."""
    example = json.loads((EXAMPLES / "organization_full.json").read_text())
    assert errors(ORGANIZATION_FULL, example) == []
    broken = {**example, "id": "not-a-uuid", "services": [{"id": example["id"], "name": "x"}]}
    found = errors(ORGANIZATION_FULL, broken)
    assert any("uuid" in e for e in found) and any("status" in e for e in found)


def test_export_json_is_valid_hsds(exported: dict[str, bytes]) -> None:
    orgs = json.loads(exported["organizations.json"])
    assert len(orgs) == 8
    for org in orgs:
        assert errors(ORGANIZATION_FULL, org) == [], org["name"]
        single = json.loads(exported[f"organizations/{_haven_id(org)}.json"])
        assert single == org
    ids = [org["id"] for org in orgs]
    assert len(set(ids)) == len(ids)


def _haven_id(record: dict[str, Any]) -> str:
    return next(a["value"] for a in record["attributes"]
                if a["taxonomy_term"]["code"] == "haven:id")


def test_export_keeps_ids_verification_and_stable_uuids(exported: dict[str, bytes]) -> None:
    orgs = {_haven_id(o): o for o in json.loads(exported["organizations.json"])}
    library = orgs["hartford-public-library-the-american-place"]
    identifier = library["organization_identifiers"][0]
    assert identifier["identifier_scheme"] == "haven"
    assert identifier["identifier"] == "hartford-public-library-the-american-place"
    codes = {a["taxonomy_term"]["code"]: a["value"] for a in library["attributes"]}
    assert codes["haven:verification-status"] in {"current", "needs-review", "unverified",
                                                  "moved", "superseded"}
    dated = [s for o in orgs.values() for s in o["services"] if "assured_date" in s]
    assert dated, "verification dates are exported"
    again, _ = export_hsds(validate(load(example_content())))
    assert again["organizations.json"] == exported["organizations.json"]


def test_csv_package_matches_hsds(exported: dict[str, bytes]) -> None:
    package = json.loads(exported["csv/datapackage.json"])
    assert package["profile"] == "tabular-data-package"
    for resource in package["resources"]:
        path = resource["path"]
        columns = [f["name"] for f in resource["schema"]["fields"]]
        # the columns of the official example CSV file of the same name, in the same order
        with (EXAMPLES / "csv" / path).open(encoding="utf-8") as handle:
            assert columns == next(csv.reader(handle)), path
        schema = json.loads((SCHEMAS / f"{resource['name']}.json").read_text())
        assert schema["path"] == path
        for spec in resource["schema"]["fields"]:
            prop = schema["properties"][spec["name"]]
            assert spec["type"] == prop.get("datapackage_type", prop["type"]), spec
            if "format" in prop:
                assert spec.get("format") == prop["format"], spec
        rows = list(csv.DictReader(io.StringIO(exported[f"csv/{path}"].decode())))
        row_schema = validator({"$ref": f"{resource['name']}.json"})
        for row in rows:
            typed = {k: _typed(v, k) for k, v in row.items() if v != ""}
            assert errors(row_schema, typed) == [], (path, row)
    services = list(csv.DictReader(io.StringIO(exported["csv/services.csv"].decode())))
    assert len(services) == 9 and all(s["status"] == "active" for s in services)


def _typed(value: str, column: str) -> Any:
    if hsds.FIELD_TYPES.get(column) == "number":
        return float(value)
    return value


def test_confidential_address_never_exported(make_hub: Callable[..., Path],
                                             edit: Callable[..., dict[str, str]]) -> None:
    root = make_hub(edit("directory/example-legal-aid.yaml", ("services:", """locations:
  - id: safe-house
    name: Family support center
    confidential: true
    address:
      address_1: 77 Hidden Lane
      city: Hartford
      state_province: CT
      postal_code: "06106"
services:""")))
    files, report = export_hsds(validate(load(root)))
    everything = b"".join(files.values())
    assert b"Hidden Lane" not in everything and b"06106" not in everything
    assert report.withheld and "safe-house" in report.withheld[0]
    org = json.loads(files["organizations.json"])[0]
    assert errors(ORGANIZATION_FULL, org) == []
    location = org["locations"][0]
    assert "addresses" not in location
    assert any(a["taxonomy_term"]["code"] == "haven:address-withheld" for a in location["attributes"])
    jsonld = json.loads(organization_jsonld(validate(load(root)).organizations[0],
                                            "https://x.example/"))
    assert "address" not in jsonld


EXAMPLE_FILES = ["organization_full.json", "organization_list.json", "service_full.json",
                 "service_list.json", "service_at_location_full.json",
                 "service_at_location_list.json", "tabular.json", "csv"]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_official_examples_import_and_build(name: str, tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    result = CliRunner().invoke(main, ["init", str(hub)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["import", "hsds", str(EXAMPLES / name), "--into", str(hub)])
    assert result.exit_code == 0, result.output
    assert "wrote directory/example-organization-inc.yaml" in result.output
    assert "not carried" in result.output and "organization.tax_status: 1" in result.output
    result = CliRunner().invoke(main, ["build", str(hub), "--output", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    page = tmp_path / "site" / "en" / "help" / "org" / "example-organization-inc" / "index.html"
    assert "Example Organization Inc." in page.read_text()


def test_import_maps_verification_and_reports_field_by_field(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    report = import_hsds(EXAMPLES / "organization_full.json", hub)
    content = validate(load(hub))
    org = next(o for o in content.organizations if o.id == "example-organization-inc")
    assert org.verification.status == "unverified"
    service = org.services[0]
    assert service.verification is not None and service.verification.status == "current"
    assert str(service.verification.assured_date) == "2005-01-01"
    assert service.verification.assurer == "email@example.com"
    assert service.languages == ["ur"] and service.cost_options[0].currency == "GBP"
    assert org.locations[0].address is not None and org.locations[0].address.city == "MyCity"
    assert service.locations == [org.locations[0].id]
    # fields with no place in Haven: counted one by one
    for key in ("organization.year_incorporated", "service.wait_time", "service.licenses",
                "location.latitude", "service.funding", "service.schedule.dtstart"):
        assert report.not_carried[key] >= 1, key


def test_import_refuses_status_fields_and_leaves_out_invalid_values(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    data = json.loads((EXAMPLES / "organization_full.json").read_text())
    data["immigration_status"] = "undocumented"
    data["services"][0]["citizenship"] = "required"
    data["services"][0]["attributes"].append(
        {"id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8f", "value": "x",
         "taxonomy_term": {"id": "3f7b145d-84af-42d7-8fae-eaca714b02b4", "code": "visa_status",
                           "name": "Visa status"}})
    data["phones"][0]["number"] = "12"
    data["website"] = "not a url"
    source = tmp_path / "dataset.json"
    source.write_text(json.dumps(data))
    report = import_hsds(source, hub)
    assert report.refused == {"organization.immigration_status": 1,
                              "service.citizenship": 1, "attribute 'visa_status'": 1}
    text = (hub / "directory" / "example-organization-inc.yaml").read_text()
    assert "undocumented" not in text and "citizenship" not in text and "visa" not in text
    assert any("'12'" in line for line in report.left_out)
    assert any("not a url" in line for line in report.left_out)
    assert "# Left out on import:" in text  # the note travels with the record
    assert "refused" in "\n".join(report.lines())
    validate(load(hub))  # the result is a valid hub


def test_import_never_overwrites_without_force(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    target = hub / "directory" / "example-organization-inc.yaml"
    target.write_text("# reviewed by hand\n")
    report = import_hsds(EXAMPLES / "organization_full.json", hub)
    assert report.kept == ["directory/example-organization-inc.yaml"] and not report.written
    assert target.read_text() == "# reviewed by hand\n"
    report = import_hsds(EXAMPLES / "organization_full.json", hub, force=True)
    assert report.written == ["directory/example-organization-inc.yaml"]
    assert "Example Organization Inc." in target.read_text()
    assert not [p for p in (hub / "directory").iterdir() if p.name.startswith(".")]


def test_round_trip_keeps_haven_facts(exported: dict[str, bytes], tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    shutil.copytree(example_content(), hub)
    shutil.rmtree(hub / "directory")
    (hub / "directory").mkdir()
    source = tmp_path / "organizations.json"
    source.write_bytes(exported["organizations.json"])
    report = import_hsds(source, hub)
    assert len(report.written) == 8 and not report.left_out, report.lines()
    before = {o.id: o for o in validate(load(example_content())).organizations}
    after = {o.id: o for o in validate(load(hub)).organizations}
    assert before.keys() == after.keys()
    for ident, org in before.items():
        other = after[ident]
        assert org.verification == other.verification
        assert [(s.id, s.topics, s.audiences, s.accreditations, s.languages)
                for s in org.services] == \
            [(s.id, s.topics, s.audiences, s.accreditations, s.languages)
             for s in other.services]
        assert [loc.id for loc in org.locations] == [loc.id for loc in other.locations]
    build(hub, tmp_path / "site")


def test_import_bad_input_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "name": "x",\n  oops\n}')
    runner = CliRunner()
    result = runner.invoke(main, ["import", "hsds", str(bad), "--into", str(hub)])
    assert result.exit_code == 1 and "bad.json:3: not valid JSON" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for name in ("location.json", "taxonomy.json", "base.json"):
        result = runner.invoke(main, ["import", "hsds", str(EXAMPLES / name), "--into", str(hub)])
        assert result.exit_code == 1 and "no organization" in result.output, result.output
    result = runner.invoke(main, ["import", "hsds", str(EXAMPLES / "organization_full.json"),
                                  "--into", str(tmp_path / "nohub")])
    assert result.exit_code == 1 and "haven init" in result.output


def test_export_hsds_command(tmp_path: Path) -> None:
    out = tmp_path / "hsds"
    result = CliRunner().invoke(main, ["export", "hsds", str(example_content()),
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "csv" / "datapackage.json").is_file()
    assert len(list((out / "organizations").glob("*.json"))) == 8


def test_jsonld_is_parseable_and_cannot_end_the_script(make_hub: Callable[..., Path],
                                                       edit: Callable[..., dict[str, str]]) -> None:
    root = make_hub(edit("directory/example-legal-aid.yaml",
                         ("name: Example Legal Aid", "name: 'Aid </script><script>alert(1)</script> & Co'")))
    org = validate(load(root)).organizations[0]
    text = organization_jsonld(org, "https://families.example.org/", area_served="Hartford")
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data["name"] == "Aid </script><script>alert(1)</script> & Co"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "LegalService"
    assert data["telephone"] == "+18605550199"
    assert data["areaServed"] == "Hartford"
    assert [lang["alternateName"] for lang in data["knowsLanguage"]] == ["en", "es"]
    assert data["@id"] == "https://families.example.org/help/org/example-legal-aid/"


def test_report_lines_are_plain(tmp_path: Path) -> None:
    report = ImportReport()
    report.not_carried["service.wait_time"] += 2
    assert "  service.wait_time: 2" in report.lines()
