-- The hospital's organisation: department > care unit > ward > room > bed,
-- and which care units each staff member works in.
-- depends: 0002_accounts

CREATE TABLE department (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL CONSTRAINT department_code_format CHECK (code ~ '^[A-Z0-9-]{2,12}$'),
    name text NOT NULL CONSTRAINT department_name_length CHECK (length(name) BETWEEN 1 AND 120),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT department_code_key UNIQUE (code),
    CONSTRAINT department_name_key UNIQUE (name)
);
COMMENT ON TABLE department IS 'A clinical department (klinik), e.g. Internal medicine.';

CREATE TYPE care_unit_kind AS ENUM ('inpatient', 'outpatient', 'emergency');

CREATE TABLE care_unit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    department_id bigint NOT NULL REFERENCES department (id) ON DELETE RESTRICT,
    code text NOT NULL CONSTRAINT care_unit_code_format CHECK (code ~ '^[A-Z0-9-]{2,16}$'),
    name text NOT NULL CONSTRAINT care_unit_name_length CHECK (length(name) BETWEEN 1 AND 120),
    kind care_unit_kind NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT care_unit_code_key UNIQUE (code),
    CONSTRAINT care_unit_name_per_department_key UNIQUE (department_id, name)
);
COMMENT ON TABLE care_unit IS 'A unit that gives care (vårdenhet): the unit of access for staff and of blocks for patients.';

CREATE TABLE ward (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    name text NOT NULL CONSTRAINT ward_name_length CHECK (length(name) BETWEEN 1 AND 120),
    is_active boolean NOT NULL DEFAULT true,
    CONSTRAINT ward_name_per_unit_key UNIQUE (care_unit_id, name)
);
COMMENT ON TABLE ward IS 'A ward (vårdavdelning) with rooms and beds, run by one care unit.';

CREATE TABLE room (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ward_id bigint NOT NULL REFERENCES ward (id) ON DELETE RESTRICT,
    name text NOT NULL CONSTRAINT room_name_length CHECK (length(name) BETWEEN 1 AND 40),
    CONSTRAINT room_name_per_ward_key UNIQUE (ward_id, name)
);
COMMENT ON TABLE room IS 'A patient room on a ward.';

CREATE TABLE bed (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id bigint NOT NULL REFERENCES room (id) ON DELETE RESTRICT,
    label text NOT NULL CONSTRAINT bed_label_length CHECK (length(label) BETWEEN 1 AND 20),
    is_active boolean NOT NULL DEFAULT true,
    CONSTRAINT bed_label_per_room_key UNIQUE (room_id, label)
);
COMMENT ON TABLE bed IS 'One bed in a room; admissions occupy it.';

-- Used by the organisation page, which lists children of each level.
CREATE INDEX care_unit_department_id_idx ON care_unit (department_id);
CREATE INDEX ward_care_unit_id_idx ON ward (care_unit_id);
CREATE INDEX room_ward_id_idx ON room (ward_id);
CREATE INDEX bed_room_id_idx ON bed (room_id);

CREATE TABLE staff_care_unit (
    user_id bigint NOT NULL REFERENCES staff_profile (user_id) ON DELETE CASCADE,
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    PRIMARY KEY (user_id, care_unit_id)
);
COMMENT ON TABLE staff_care_unit IS 'A staff member works in a care unit; it scopes which patients they see.';

-- Used by "who works in this unit" (unit pages, care-relationship checks).
CREATE INDEX staff_care_unit_care_unit_id_idx ON staff_care_unit (care_unit_id);

GRANT SELECT, INSERT, UPDATE ON department, care_unit, ward, room, bed TO hms_app;
GRANT SELECT, INSERT, DELETE ON staff_care_unit TO hms_app;
