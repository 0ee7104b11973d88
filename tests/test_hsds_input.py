"""`haven import hsds` on data from other systems: ids that survive the round trip, foreign
phone numbers, and hostile datasets that get a message, never a traceback.

The HSDS examples in tests/data/hsds-3.0/ are Open Referral's, CC BY-SA 4.0:
"Human Services Data Specification: an Open Referral resource (https://openreferral.org/)".
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from haven.cli import main
from haven.content.load import load
from haven.content.validate import validate
from haven.errors import ContentError
from haven.opendata.export import export_hsds
from haven.opendata.importer import import_hsds
from haven.phones import tel
from haven.scaffold import create

EXAMPLES = Path(__file__).parent / "data" / "hsds-3.0" / "examples"


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "organization_full.json").read_text())
    return data


def run_import(tmp_path: Path, text: str, name: str = "data.json") -> tuple[int, str, Path]:
    hub = tmp_path / "hub"
    if not hub.exists():
        create(hub)
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "hsds", str(source), "--into", str(hub)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.output, hub


def written(hub: Path) -> list[str]:
    return sorted(p.name for p in (hub / "directory").iterdir())


# Hostile datasets ------------------------------------------------------------------------


def test_huge_integer_is_refused_with_its_line(tmp_path: Path) -> None:
    text = '{\n  "id": "a",\n  "name": "Huge",\n  "year_incorporated": ' + "9" * 5000 + "\n}"
    code, output, hub = run_import(tmp_path, text)
    assert code == 1 and "data.json:4:" in output and "5000 digits" in output, output
    assert written(hub) == ["example-legal-aid.yaml"]


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_line(tmp_path: Path, token: str) -> None:
    text = ('{\n  "name": "NaN \\"and\\" Infinity Inc.",\n  "services": [{"name": "s",\n'
            f'    "cost_options": [{{"amount": {token}}}]}}]\n}}')
    code, output, _ = run_import(tmp_path, text)
    assert code == 1 and "data.json:4:" in output and "not a JSON number" in output, output


def test_1e400_is_refused_not_infinity(tmp_path: Path) -> None:
    text = '{"name": "Big",\n "services": [{"name": "s", "cost_options": [{"amount": 1e400}]}]}'
    code, output, _ = run_import(tmp_path, text)
    assert code == 1 and "data.json:2:" in output and "too large" in output, output


def test_deep_nesting_is_refused_with_its_line(tmp_path: Path) -> None:
    for depth in (100, 100_000):
        text = '{"name": "Deep",\n "extra": ' + "[" * depth + "]" * depth + "}"
        code, output, _ = run_import(tmp_path, text)
        assert code == 1 and "data.json:2: nested more than 64 levels" in output, output


@pytest.mark.parametrize(("field", "value", "line", "says"), [
    ("services", "5", 3, "'services' is the number 5, not a list"),
    ("locations", '"here"', 3, "'locations' is a text, not a list"),
    ("phones", "[1, 2]", 3, "'phones' holds something that is not an object"),
    ("organization_identifiers", "{}", 3, "'organization_identifiers' is an object, not a list"),
])
def test_wrong_types_get_a_line_and_a_fix(tmp_path: Path, field: str, value: str, line: int,
                                          says: str) -> None:
    text = '{\n  "name": "Types",\n  "' + field + '": ' + value + '\n}'
    code, output, hub = run_import(tmp_path, text)
    assert code == 1 and f"data.json:{line}: $.{field}: {says}" in output, output
    assert "nothing was imported" in output
    assert written(hub) == ["example-legal-aid.yaml"]


def test_wrong_type_inside_a_service_list(tmp_path: Path) -> None:
    text = json.dumps([{"name": "A", "services": []},
                       {"name": "B", "services": [{"name": "x", "organization": 5}]}], indent=1)
    code, output, _ = run_import(tmp_path, text)
    assert code == 1 and "$[1].services[0].organization: 'organization' is the number 5, " \
        "not an object" in output, output


def test_cost_amount_over_a_billion_is_refused_at_validation(make_hub: Any) -> None:
    record = ("id: big-aid\nname: Big Aid\nverification:\n  status: unverified\nservices:\n"
              "  - id: big-aid-help\n    name: Help\n    cost_options:\n      - amount: {}\n")
    for amount in ("1e400", "1000000001", ".inf"):
        root = make_hub({"directory/big-aid.yaml": record.format(amount)})
        with pytest.raises(ContentError) as caught:
            validate(load(root))
        assert "directory/big-aid.yaml:9:" in str(caught.value), str(caught.value)
    root = make_hub({"directory/big-aid.yaml": record.format("1000000000")})
    validate(load(root))


def test_1e400_amount_from_csv_is_left_out(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "organizations.csv").write_text("id,name\no1,Costly Org\n")
    (folder / "services.csv").write_text("id,organization_id,name\ns1,o1,Help\n")
    (folder / "cost_options.csv").write_text("id,service_id,amount\nc1,s1,1e400\n")
    report = import_hsds(folder, hub)
    assert report.written == ["directory/costly-org.yaml"]
    assert any("1e400" in line and "not a number from 0 to 1,000,000,000" in line
               for line in report.left_out), report.lines()
    assert "Infinity" not in b"".join(export_hsds(validate(load(hub)))[0].values()).decode()


def test_directory_symlinked_outside_the_hub_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    hub = tmp_path / "hub"
    create(hub)
    for item in (hub / "directory").iterdir():
        item.unlink()
    (hub / "directory").rmdir()
    (hub / "directory").symlink_to(outside, target_is_directory=True)
    source = tmp_path / "org.json"
    source.write_text(json.dumps(example()))
    result = CliRunner().invoke(main, ["import", "hsds", str(source), "--into", str(hub)])
    assert result.exit_code == 1 and "outside the hub" in result.output, result.output
    assert list(outside.iterdir()) == []
    (hub / "directory").unlink()
    (hub / "directory").symlink_to(hub / "directory", target_is_directory=True)  # a loop
    result = CliRunner().invoke(main, ["import", "hsds", str(source), "--into", str(hub)])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert list(outside.iterdir()) == []


def test_a_symlinked_file_in_directory_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("keep: me\n")
    hub = tmp_path / "hub"
    create(hub)
    link = hub / "directory" / "example-organization-inc.yaml"
    link.symlink_to(outside)
    source = tmp_path / "org.json"
    source.write_text(json.dumps(example()))
    import_hsds(source, hub, force=True)
    assert outside.read_text() == "keep: me\n"
    assert not link.is_symlink() and "Example Organization Inc." in link.read_text()
    assert os.listdir(tmp_path / "hub" / "directory")


# Ids and identifiers survive the round trip -----------------------------------------------


def test_round_trip_keeps_hsds_ids_and_identifiers(tmp_path: Path) -> None:
    from tests.test_hsds import ORGANIZATION_FULL, errors

    hub = tmp_path / "hub"
    create(hub)
    original = example()
    report = import_hsds(EXAMPLES / "organization_full.json", hub)
    assert report.written == ["directory/example-organization-inc.yaml"]
    assert not any("organization_identifiers" in key for key in report.not_carried)
    text = (hub / "directory" / "example-organization-inc.yaml").read_text()
    assert "GB-COH" in text and "1234567" in text
    files, _ = export_hsds(validate(load(hub)))
    exported = json.loads(files["organizations/example-organization-inc.json"])
    assert errors(ORGANIZATION_FULL, exported) == []
    assert exported["id"] == original["id"]
    identifiers = {i["identifier_scheme"]: i for i in exported["organization_identifiers"]}
    theirs = original["organization_identifiers"][0]
    assert identifiers["GB-COH"] == {**theirs, "organization_id": original["id"]}
    assert identifiers["haven"]["identifier"] == "example-organization-inc"
    service, their_service = exported["services"][0], original["services"][0]
    assert service["id"] == their_service["id"]
    assert [loc["id"] for loc in exported["locations"]] == \
        [loc["id"] for loc in original["locations"]]
    assert [sal["location_id"] for sal in service["service_at_locations"]] == \
        [sal["location"]["id"] if "location" in sal else sal["location_id"]
         for sal in their_service["service_at_locations"]]
    # what families and staff use is carried, with its own ids
    for key in ("application_process", "minimum_age", "maximum_age"):
        assert service[key] == their_service[key], key
    assert [d["id"] for d in service["required_documents"]] == \
        [d["id"] for d in their_service["required_documents"]]
    assert service["service_areas"][0]["description"] == \
        their_service["service_areas"][0]["description"]
    assert service["contacts"][0]["name"] == their_service["contacts"][0]["name"]
    assert service["contacts"][0]["id"] == their_service["contacts"][0]["id"]
    assert exported["locations"][0]["contacts"][0]["id"] == \
        original["locations"][0]["contacts"][0]["id"]
    assert exported["contacts"][0]["phones"][0]["contact_id"] == original["contacts"][0]["id"]
    accessibility = exported["locations"][0]["accessibility"][0]
    assert accessibility == {**original["locations"][0]["accessibility"][0],
                             "location_id": original["locations"][0]["id"]}
    schedule = next(s for s in service["schedules"] if s.get("byday"))
    assert schedule["byday"] == "TH,FR" and schedule["freq"] == "WEEKLY"
    # a second import of the export changes nothing: no duplicates, the same ids
    again = tmp_path / "again.json"
    again.write_bytes(files["organizations.json"])
    other = tmp_path / "other"
    create(other)
    import_hsds(again, other)
    files2, _ = export_hsds(validate(load(other)))
    second = json.loads(files2["organizations/example-organization-inc.json"])
    assert second["id"] == exported["id"]
    assert second["services"][0]["id"] == service["id"]
    assert second["organization_identifiers"] == exported["organization_identifiers"]


def test_csv_round_trip_keeps_ids(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    report = import_hsds(EXAMPLES / "csv", hub)
    assert report.written, report.lines()
    assert not any(key.startswith(("contacts.csv", "accessibility.csv", "required_documents",
                                   "service_areas")) for key in report.not_carried), \
        report.not_carried
    files, _ = export_hsds(validate(load(hub)))
    ours = files["csv/organizations.csv"].decode()
    for row in (EXAMPLES / "csv" / "organizations.csv").read_text().splitlines()[1:]:
        assert row.split(",")[0] in ours
    assert "GB-COH" in files["csv/organization_identifiers.csv"].decode()
    assert len(files["csv/required_documents.csv"].decode().splitlines()) > 1


def test_not_carried_is_still_reported(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    report = import_hsds(EXAMPLES / "organization_full.json", hub)
    lines = "\n".join(report.lines())
    for key in ("service.wait_time", "service_area.extent", "organization.funding",
                "service.schedule.byweekno", "location.latitude"):
        assert f"  {key}: " in lines, key


def test_a_duplicate_or_non_uuid_id_is_not_kept(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    create(hub)
    twin = "0b5d3c88-7e1c-4c52-9d44-6a1c3f2e9a10"
    data = [{"name": "First Aid Org", "services": [{"id": twin, "name": "Help"}]},
            {"name": "Second Aid Org", "services": [{"id": twin, "name": "Help"}]},
            {"id": "org-3", "name": "Third Aid Org"}]
    source = tmp_path / "list.json"
    source.write_text(json.dumps(data))
    report = import_hsds(source, hub)
    assert len(report.written) == 3
    assert report.not_carried["organization.id (not a UUID)"] == 1
    assert any("which another record of the dataset also has" in line
               for line in report.left_out)
    ids = [s.hsds_id for o in validate(load(hub)).organizations for s in o.services]
    assert ids.count(twin) == 1


# Foreign phone numbers ---------------------------------------------------------------------


def test_foreign_numbers_are_international_on_a_us_hub() -> None:
    assert tel("+44 20 7946 0018", "US") == ("tel:+442079460018", "+44 20 7946 0018")
    assert tel("+52 55 1234 5678", "US", "12")[1] == "+52 55 1234 5678 x12"
    assert tel("860-695-8400", "US")[1] == "(860) 695-8400"
    assert tel("+1 860 695 8400", "US")[1] == "(860) 695-8400"
    assert tel("020 7946 0018", "GB")[1] == "020 7946 0018"


def test_imported_foreign_number_and_new_fields_on_the_page(tmp_path: Path) -> None:
    from haven.build import build

    hub = tmp_path / "hub"
    create(hub)
    data = {"name": "Across The Sea Aid",
            "phones": [{"number": "+44 20 7946 0018", "type": "voice"}],
            "locations": [{"id": "l1", "name": "Office", "accessibility": [
                {"description": "Step-free entrance.", "details": "Ring the bell."}]}],
            "services": [{"name": "Advice", "application_process": "Call first.",
                          "required_documents": [{"document": "Bring your letters."}],
                          "service_areas": [{"name": "Anyone in Hartford."}],
                          "service_at_locations": [{"location_id": "l1"}]}]}
    source = tmp_path / "org.json"
    source.write_text(json.dumps(data))
    report = import_hsds(source, hub)
    assert report.written == ["directory/across-the-sea-aid.yaml"], report.lines()
    site = tmp_path / "site"
    build(hub, site, pdf=False)
    page = (site / "en" / "help" / "org" / "across-the-sea-aid" / "index.html").read_text()
    assert "+44 20 7946 0018" in page and 'href="tel:+442079460018"' in page
    for text in ("Step-free entrance. Ring the bell.", "<p>Call first.</p>",
                 "<p>Bring your letters.</p>", "<p>Anyone in Hartford.</p>"):
        assert text in page, text


def test_one_hsds_id_twice_in_the_hub_is_a_problem(make_hub: Any) -> None:
    twin = "0b5d3c88-7e1c-4c52-9d44-6a1c3f2e9a10"
    record = ("id: {0}\nname: {0}\nhsds_id: " + twin + "\nverification:\n  status: unverified\n")
    root = make_hub({"directory/aid-one.yaml": record.format("aid-one"),
                     "directory/aid-two.yaml": record.format("aid-two")})
    with pytest.raises(ContentError) as caught:
        validate(load(root))
    assert f"directory/aid-two.yaml:3: the HSDS id '{twin}' is already used in " \
        "directory/aid-one.yaml:3" in str(caught.value), str(caught.value)
    root = make_hub({"directory/aid-one.yaml": record.format("aid-one").replace(twin, "nope")})
    with pytest.raises(ContentError, match="is not a UUID"):
        validate(load(root))
