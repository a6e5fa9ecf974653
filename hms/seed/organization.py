"""Seed step: the demo hospital's departments, care units, wards, rooms and
beds, named as a Swedish hospital names them."""

from dataclasses import dataclass

from hms.seed.context import SeedContext

BED_LABELS = "ABCD"


@dataclass(frozen=True)
class Ward:
    name: str
    rooms: int
    beds_per_room: int


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str  # care_unit_kind: inpatient, outpatient or emergency
    wards: tuple[Ward, ...] = ()


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    units: tuple[Unit, ...]


HOSPITAL = (
    Department("MED", "Medicinkliniken", (
        Unit("MED1", "Medicinavdelning 1", "inpatient",
             (Ward("Avdelning 11", 8, 2), Ward("Avdelning 12", 8, 2))),
        Unit("MED2", "Kardiologavdelningen", "inpatient", (Ward("Avdelning 14", 6, 2),)),
        Unit("MEDMOT", "Medicinmottagningen", "outpatient"),
    )),
    Department("SURG", "Kirurgkliniken", (
        Unit("SURG1", "Kirurgavdelning 1", "inpatient", (Ward("Avdelning 21", 8, 2),)),
        Unit("SURGMOT", "Kirurgmottagningen", "outpatient"),
    )),
    Department("EMERG", "Akutkliniken", (
        Unit("AKM", "Akutmottagningen", "emergency", (Ward("Observationsenheten", 6, 1),)),
    )),
    Department("PAED", "Barn- och ungdomskliniken", (
        Unit("PAED1", "Barnavdelningen", "inpatient", (Ward("Avdelning 31", 6, 1),)),
        Unit("BUMOT", "Barnmottagningen", "outpatient"),
    )),
    Department("GER", "Geriatriska kliniken", (
        Unit("GER1", "Geriatriska avdelningen", "inpatient", (Ward("Avdelning 41", 8, 2),)),
    )),
    Department("ORT", "Ortopedkliniken", (
        Unit("ORT1", "Ortopedavdelningen", "inpatient", (Ward("Avdelning 51", 8, 2),)),
        Unit("ORTMOT", "Ortopedmottagningen", "outpatient"),
    )),
)  # fmt: skip


def seed_organization(ctx: SeedContext) -> None:
    for dept in HOSPITAL:
        dept_id = ctx.insert(
            "INSERT INTO department (code, name) VALUES (%s, %s) RETURNING id", dept.code, dept.name
        )
        for unit in dept.units:
            ctx.units[unit.code] = ctx.insert(
                "INSERT INTO care_unit (department_id, code, name, kind) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                dept_id, unit.code, unit.name, unit.kind,
            )  # fmt: skip
            ctx.unit_kinds[unit.code] = unit.kind
            for ward in unit.wards:
                _seed_ward(ctx, ctx.units[unit.code], ward)


def _seed_ward(ctx: SeedContext, unit_id: int, ward: Ward) -> None:
    ward_id = ctx.insert(
        "INSERT INTO ward (care_unit_id, name) VALUES (%s, %s) RETURNING id", unit_id, ward.name
    )
    for number in range(1, ward.rooms + 1):
        room_id = ctx.insert(
            "INSERT INTO room (ward_id, name) VALUES (%s, %s) RETURNING id", ward_id, str(number)
        )
        for label in BED_LABELS[: ward.beds_per_room]:
            ctx.beds.append(
                ctx.insert("INSERT INTO bed (room_id, label) VALUES (%s, %s) RETURNING id", room_id, label)
            )
