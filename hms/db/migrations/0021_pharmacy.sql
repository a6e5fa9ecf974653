-- The pharmacy: stock by batch and expiry in the central pharmacy and the
-- wards' medicine rooms, supplier receipts, ward orders, dispensing against a
-- prescription, adjustments and wastage.
--
-- Every change of stock is one row of an append-only ledger, and a batch's
-- quantity is the ledger's sum, kept by a trigger on the ledger: the app's role
-- can neither write the ledger nor touch a quantity except through the
-- functions below, which lock the batches they take (first expiry first, in
-- one order for everyone) and either complete or change nothing. Who acted is
-- the verified user, never a parameter.
-- depends: 0020_medication_prescribing

CREATE TYPE stock_location_kind AS ENUM ('pharmacy', 'ward');

CREATE TABLE stock_location (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind stock_location_kind NOT NULL,
    name text NOT NULL CONSTRAINT stock_location_name_length CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    -- The care unit whose medicine room this is; NULL for the central pharmacy.
    care_unit_id bigint REFERENCES care_unit (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stock_location_name_key UNIQUE (name),
    CONSTRAINT stock_location_ward_has_unit CHECK ((kind = 'ward') = (care_unit_id IS NOT NULL))
);
COMMENT ON TABLE stock_location IS
'A place that holds stock: the central pharmacy, or the medicine room of a care unit''s ward.';
-- One central pharmacy: dispensing and ward orders take from it.
CREATE UNIQUE INDEX stock_location_one_pharmacy ON stock_location (kind) WHERE kind = 'pharmacy';
-- Used by pharmacy_my_locations (a clinician's own units' rooms).
CREATE INDEX stock_location_care_unit_idx ON stock_location (care_unit_id);

CREATE TABLE stock_batch (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    drug_id bigint NOT NULL REFERENCES drug (id) ON DELETE RESTRICT,
    location_id bigint NOT NULL REFERENCES stock_location (id) ON DELETE RESTRICT,
    lot text NOT NULL CONSTRAINT stock_batch_lot_format CHECK (lot ~ '^[A-Za-z0-9][A-Za-z0-9./-]{0,39}$'),
    expires_on date NOT NULL,
    -- Per stock unit (the drug's stock_unit), in SEK.
    unit_cost numeric(12, 2) NOT NULL CONSTRAINT stock_batch_unit_cost_nonnegative CHECK (unit_cost >= 0),
    -- The ledger's sum for this batch, kept by stock_ledger_apply alone.
    quantity integer NOT NULL DEFAULT 0 CONSTRAINT stock_batch_quantity_nonnegative CHECK (quantity >= 0),
    -- A ward's part of a pharmacy batch names that batch (one part per room).
    source_batch_id bigint REFERENCES stock_batch (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stock_batch_one_part_per_location UNIQUE (location_id, source_batch_id)
);
COMMENT ON TABLE stock_batch IS
'One lot of one drug at one location, with its expiry and unit cost; its quantity is the sum of its ledger rows.';
COMMENT ON COLUMN stock_batch.quantity IS
'Units on hand: the sum of the batch''s stock_ledger rows, maintained by the ledger''s trigger (deliberately stored, so a lock on the batch row serialises takers and CHECK (quantity >= 0) holds).';
-- Used by dispensing and ward deliveries: first expiry first out among the
-- batches of a drug at a location that still hold stock.
CREATE INDEX stock_batch_fefo_idx ON stock_batch (drug_id, location_id, expires_on, id) WHERE quantity > 0;
-- Used by the expiring-soon list.
CREATE INDEX stock_batch_expiry_idx ON stock_batch (expires_on) WHERE quantity > 0;
CREATE INDEX stock_batch_source_idx ON stock_batch (source_batch_id);

CREATE TABLE stock_level (
    location_id bigint NOT NULL REFERENCES stock_location (id) ON DELETE RESTRICT,
    drug_id bigint NOT NULL REFERENCES drug (id) ON DELETE RESTRICT,
    reorder_level integer NOT NULL CONSTRAINT stock_level_reorder_level_range CHECK (reorder_level BETWEEN 0 AND 1000000),
    PRIMARY KEY (location_id, drug_id)
);
COMMENT ON TABLE stock_level IS 'The reorder level of one drug at one location: below it, the drug is on the low-stock list.';

CREATE TABLE stock_receipt (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    location_id bigint NOT NULL REFERENCES stock_location (id) ON DELETE RESTRICT,
    supplier text NOT NULL CONSTRAINT stock_receipt_supplier_length CHECK (length(btrim(supplier)) BETWEEN 2 AND 120),
    -- The supplier's delivery note or invoice number.
    reference text CONSTRAINT stock_receipt_reference_length CHECK (length(btrim(reference)) BETWEEN 1 AND 60),
    received_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    received_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE stock_receipt IS 'One delivery from a supplier, received into the central pharmacy.';

CREATE TABLE stock_receipt_line (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receipt_id bigint NOT NULL REFERENCES stock_receipt (id) ON DELETE RESTRICT,
    -- The batch the line created; its lot, expiry and cost are the batch's.
    batch_id bigint NOT NULL REFERENCES stock_batch (id) ON DELETE RESTRICT,
    quantity integer NOT NULL CONSTRAINT stock_receipt_line_quantity_positive CHECK (quantity > 0),
    CONSTRAINT stock_receipt_line_one_per_batch UNIQUE (batch_id)
);
COMMENT ON TABLE stock_receipt_line IS 'One line of a delivery: so many units of one new batch.';
CREATE INDEX stock_receipt_line_receipt_idx ON stock_receipt_line (receipt_id);

-- A dispense names the patient; the ledger names only the dispense, so stock
-- figures stay visible to those who may not know which patient got what.
CREATE TABLE stock_dispense (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prescription_id bigint NOT NULL,
    patient_id bigint NOT NULL,
    -- The prescribing unit (blocks hide its rows like the prescription's).
    care_unit_id bigint NOT NULL REFERENCES care_unit (id) ON DELETE RESTRICT,
    quantity integer NOT NULL CONSTRAINT stock_dispense_quantity_positive CHECK (quantity > 0),
    dispensed_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    dispensed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stock_dispense_prescription_fk FOREIGN KEY (prescription_id, patient_id)
    REFERENCES prescription (id, patient_id) ON DELETE RESTRICT
);
COMMENT ON TABLE stock_dispense IS 'Units of a drug dispensed against one prescription of one patient, by a pharmacist.';
-- Used by the dispense page (what a prescription has had) and the work summary.
CREATE INDEX stock_dispense_prescription_idx ON stock_dispense (prescription_id);
CREATE INDEX stock_dispense_patient_idx ON stock_dispense (patient_id);

CREATE TYPE ward_order_status AS ENUM ('requested', 'approved', 'picked', 'delivered', 'cancelled');

CREATE TABLE ward_order (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The ward's medicine room the drugs go to.
    location_id bigint NOT NULL REFERENCES stock_location (id) ON DELETE RESTRICT,
    -- Kept by ward_order_move from the events; never set by the app.
    status ward_order_status NOT NULL DEFAULT 'requested',
    note text CONSTRAINT ward_order_note_length CHECK (length(btrim(note)) BETWEEN 1 AND 1000),
    requested_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    requested_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ward_order IS
'A ward''s request for drugs from the pharmacy: requested, approved, picked, delivered (or cancelled).';
-- Used by the ward-order lists (per room, by state) and the work summary.
CREATE INDEX ward_order_location_idx ON ward_order (location_id, status);
CREATE INDEX ward_order_status_idx ON ward_order (status);

CREATE TABLE ward_order_line (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES ward_order (id) ON DELETE RESTRICT,
    drug_id bigint NOT NULL REFERENCES drug (id) ON DELETE RESTRICT,
    quantity integer NOT NULL CONSTRAINT ward_order_line_quantity_positive CHECK (quantity BETWEEN 1 AND 100000),
    CONSTRAINT ward_order_line_one_per_drug UNIQUE (order_id, drug_id)
);
COMMENT ON TABLE ward_order_line IS 'One drug of a ward order and how many units.';

-- The order's history: one row per step, who took it and when.
CREATE TABLE ward_order_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES ward_order (id) ON DELETE RESTRICT,
    status ward_order_status NOT NULL,
    reason text CONSTRAINT ward_order_event_reason_length CHECK (length(btrim(reason)) BETWEEN 3 AND 500),
    by_user bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ward_order_event_cancel_has_reason CHECK (status <> 'cancelled' OR reason IS NOT NULL)
);
COMMENT ON TABLE ward_order_event IS 'One step of a ward order (requested, approved, picked, delivered or cancelled), by whom and when.';
CREATE INDEX ward_order_event_order_idx ON ward_order_event (order_id, at);

CREATE TYPE stock_movement AS ENUM ('receipt', 'dispense', 'transfer_out', 'transfer_in', 'adjustment', 'wastage');

CREATE TABLE stock_ledger (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id bigint NOT NULL REFERENCES stock_batch (id) ON DELETE RESTRICT,
    movement stock_movement NOT NULL,
    -- The change of the batch's quantity: positive in, negative out.
    quantity integer NOT NULL CONSTRAINT stock_ledger_quantity_nonzero CHECK (quantity <> 0),
    reason text CONSTRAINT stock_ledger_reason_length CHECK (length(btrim(reason)) BETWEEN 3 AND 500),
    receipt_line_id bigint REFERENCES stock_receipt_line (id) ON DELETE RESTRICT,
    dispense_id bigint REFERENCES stock_dispense (id) ON DELETE RESTRICT,
    ward_order_id bigint REFERENCES ward_order (id) ON DELETE RESTRICT,
    -- A transfer in names the transfer out it pairs with.
    transfer_of bigint REFERENCES stock_ledger (id) ON DELETE RESTRICT,
    recorded_by bigint NOT NULL REFERENCES app_user (id) ON DELETE RESTRICT,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stock_ledger_sign_follows_movement CHECK (
        CASE movement
            WHEN 'receipt' THEN quantity > 0
            WHEN 'transfer_in' THEN quantity > 0
            WHEN 'adjustment' THEN true
            ELSE quantity < 0
        END
    ),
    CONSTRAINT stock_ledger_reason_required CHECK (movement NOT IN ('adjustment', 'wastage') OR reason IS NOT NULL),
    CONSTRAINT stock_ledger_link_follows_movement CHECK (
        (movement = 'receipt') = (receipt_line_id IS NOT NULL)
        AND (movement = 'dispense') = (dispense_id IS NOT NULL)
        AND (movement IN ('transfer_out', 'transfer_in')) = (ward_order_id IS NOT NULL)
        AND (movement = 'transfer_in') = (transfer_of IS NOT NULL)
    )
);
COMMENT ON TABLE stock_ledger IS
'One change of one batch''s stock (receipt, dispense, transfer out or in, adjustment, wastage), by whom and why; never changed.';
-- Used by the batch's history, the ledger-sum checks and the foreign keys.
CREATE INDEX stock_ledger_batch_idx ON stock_ledger (batch_id, id);
CREATE INDEX stock_ledger_dispense_idx ON stock_ledger (dispense_id) WHERE dispense_id IS NOT NULL;
CREATE INDEX stock_ledger_ward_order_idx ON stock_ledger (ward_order_id) WHERE ward_order_id IS NOT NULL;
CREATE INDEX stock_ledger_receipt_line_idx ON stock_ledger (receipt_line_id) WHERE receipt_line_id IS NOT NULL;
CREATE INDEX stock_ledger_transfer_of_idx ON stock_ledger (transfer_of) WHERE transfer_of IS NOT NULL;

-- ---------------------------------------------------------------------------
-- The ledger keeps the balance; nothing else does.
-- ---------------------------------------------------------------------------

-- Who recorded a row is the verified user (the owner's seeding names one).
CREATE FUNCTION stock_ledger_fill() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    NEW.recorded_by := coalesce(hms_current_user_id(), NEW.recorded_by);
    NEW.recorded_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER stock_ledger_fill BEFORE INSERT ON stock_ledger
FOR EACH ROW EXECUTE FUNCTION stock_ledger_fill();

-- The balance follows the ledger. The CHECK on stock_batch refuses a row that
-- would take a batch below zero, and with it the whole statement.
CREATE FUNCTION stock_ledger_apply() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE stock_batch SET quantity = quantity + NEW.quantity WHERE id = NEW.batch_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER stock_ledger_apply AFTER INSERT ON stock_ledger
FOR EACH ROW EXECUTE FUNCTION stock_ledger_apply();

-- Ledger, dispenses and receipts are history: never changed, never deleted,
-- not even by the owner by mistake (the app's role has no such privilege).
CREATE FUNCTION stock_history_fixed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'Stock history is never changed; record a new movement.'
        USING ERRCODE = 'HM086', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END
$$;
CREATE TRIGGER stock_ledger_append_only BEFORE UPDATE OR DELETE ON stock_ledger
FOR EACH ROW EXECUTE FUNCTION stock_history_fixed();
CREATE TRIGGER stock_ledger_no_truncate BEFORE TRUNCATE ON stock_ledger
FOR EACH STATEMENT EXECUTE FUNCTION stock_history_fixed();
CREATE TRIGGER stock_dispense_append_only BEFORE UPDATE OR DELETE ON stock_dispense
FOR EACH ROW EXECUTE FUNCTION stock_history_fixed();
CREATE TRIGGER stock_receipt_append_only BEFORE UPDATE OR DELETE ON stock_receipt
FOR EACH ROW EXECUTE FUNCTION stock_history_fixed();
CREATE TRIGGER stock_receipt_line_append_only BEFORE UPDATE OR DELETE ON stock_receipt_line
FOR EACH ROW EXECUTE FUNCTION stock_history_fixed();
CREATE TRIGGER ward_order_event_append_only BEFORE UPDATE OR DELETE ON ward_order_event
FOR EACH ROW EXECUTE FUNCTION stock_history_fixed();
CREATE TRIGGER ward_order_line_append_only BEFORE UPDATE OR DELETE ON ward_order_line
FOR EACH ROW EXECUTE FUNCTION stock_history_fixed();

-- A batch starts empty and its quantity moves only with the ledger (the
-- ledger's own trigger runs one level down); what it is never changes.
CREATE FUNCTION stock_batch_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'A batch is never deleted.' USING ERRCODE = 'HM087', CONSTRAINT = 'stock_batch_fixed';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.quantity <> 0 THEN
            RAISE EXCEPTION 'A batch starts empty; its stock comes from the ledger.'
                USING ERRCODE = 'HM087', CONSTRAINT = 'stock_batch_quantity_from_ledger';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.quantity <> OLD.quantity AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'A batch''s quantity changes only with a ledger row.'
            USING ERRCODE = 'HM087', CONSTRAINT = 'stock_batch_quantity_from_ledger';
    END IF;
    IF (NEW.drug_id, NEW.location_id, NEW.lot, NEW.expires_on, NEW.unit_cost, NEW.source_batch_id)
        IS DISTINCT FROM (OLD.drug_id, OLD.location_id, OLD.lot, OLD.expires_on, OLD.unit_cost, OLD.source_batch_id)
        THEN
        RAISE EXCEPTION 'A batch''s drug, lot, expiry, cost and place never change.'
            USING ERRCODE = 'HM087', CONSTRAINT = 'stock_batch_fixed';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER stock_batch_guard BEFORE INSERT OR UPDATE OR DELETE ON stock_batch
FOR EACH ROW EXECUTE FUNCTION stock_batch_guard();

-- ---------------------------------------------------------------------------
-- Who sees which location: pharmacists and administrators every one, nurses
-- and doctors the medicine rooms of their own care units.
-- ---------------------------------------------------------------------------
CREATE FUNCTION pharmacy_my_locations() RETURNS bigint[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
RETURN coalesce((
    SELECT array_agg(l.id ORDER BY l.id) FROM stock_location AS l
    WHERE
        hms_current_role() IN ('pharmacist', 'administrator')
        OR (
            hms_current_role() IN ('nurse', 'doctor')
            AND l.care_unit_id IN (
                SELECT s.care_unit_id FROM staff_care_unit AS s
                WHERE s.user_id = hms_current_user_id()
            )
        )
), '{}');
COMMENT ON FUNCTION pharmacy_my_locations IS 'The stock locations the verified user sees (all for pharmacy and administration).';

-- The allowed steps of a ward order, and who takes them: the one place.
CREATE FUNCTION ward_order_may_move(p_from text, p_to text, p_role text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (p_from, p_to, p_role) IN (
    VALUES
    ('requested', 'approved', 'pharmacist'),
    ('approved', 'picked', 'pharmacist'),
    ('picked', 'delivered', 'pharmacist'),
    ('requested', 'cancelled', 'pharmacist'),
    ('approved', 'cancelled', 'pharmacist'),
    ('picked', 'cancelled', 'pharmacist'),
    ('requested', 'cancelled', 'nurse'),
    ('requested', 'cancelled', 'doctor')
);
COMMENT ON FUNCTION ward_order_may_move IS 'Whether a role may move a ward order from one state to another.';

-- ---------------------------------------------------------------------------
-- The operations. Each checks the verified user's role itself.
-- ---------------------------------------------------------------------------
CREATE FUNCTION hms_private.pharmacy_location() RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT l.id INTO v_id FROM public.stock_location AS l WHERE l.kind = 'pharmacy';
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'The hospital has no central pharmacy yet.'
            USING ERRCODE = 'HM089', CONSTRAINT = 'stock_location_pharmacy_exists';
    END IF;
    RETURN v_id;
END
$$;

CREATE FUNCTION hms_private.pharmacist_only(p_what text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF public.hms_current_user_id() IS NULL OR public.hms_current_role() IS DISTINCT FROM 'pharmacist' THEN
        RAISE EXCEPTION 'Only a pharmacist %.', p_what USING ERRCODE = 'HM080', CONSTRAINT = 'stock_by_pharmacist';
    END IF;
    RETURN public.hms_current_user_id();
END
$$;

-- A supplier's delivery: one new batch per line, in the central pharmacy,
-- each with its receipt row in the ledger. p_lines is a JSON array of
-- {drug_id, lot, expires_on, quantity, unit_cost}.
CREATE FUNCTION pharmacy_receive(p_supplier text, p_reference text, p_lines jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.pharmacist_only('receives deliveries');
    v_pharmacy bigint := hms_private.pharmacy_location();
    v_receipt bigint;
    v_batch bigint;
    v_line_id bigint;
    v_no integer := 0;
    v_line record;
BEGIN
    IF jsonb_typeof(p_lines) IS DISTINCT FROM 'array' OR jsonb_array_length(p_lines) = 0 THEN
        RAISE EXCEPTION 'A delivery has at least one line.' USING ERRCODE = 'HM088', CONSTRAINT = 'stock_receipt_has_lines';
    END IF;
    INSERT INTO stock_receipt (location_id, supplier, reference, received_by)
    VALUES (v_pharmacy, p_supplier, p_reference, v_user)
    RETURNING id INTO v_receipt;
    FOR v_line IN
        SELECT l.drug_id, l.lot, l.expires_on, l.quantity, l.unit_cost
        FROM jsonb_to_recordset(p_lines) AS l (drug_id bigint, lot text, expires_on date, quantity integer, unit_cost numeric)
    LOOP
        v_no := v_no + 1;
        IF v_line.expires_on IS NULL OR v_line.expires_on <= hms_today() THEN
            RAISE EXCEPTION 'Line %: the batch has expired; an expired batch is not received.', v_no
                USING ERRCODE = 'HM085', CONSTRAINT = 'stock_receipt_line_not_expired';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM drug AS d WHERE d.id = v_line.drug_id AND d.retired_at IS NULL) THEN
            RAISE EXCEPTION 'Line %: choose a current drug of the formulary.', v_no
                USING ERRCODE = 'HM088', CONSTRAINT = 'stock_receipt_line_drug_current';
        END IF;
        INSERT INTO stock_batch (drug_id, location_id, lot, expires_on, unit_cost)
        VALUES (v_line.drug_id, v_pharmacy, v_line.lot, v_line.expires_on, v_line.unit_cost)
        RETURNING id INTO v_batch;
        INSERT INTO stock_receipt_line (receipt_id, batch_id, quantity)
        VALUES (v_receipt, v_batch, v_line.quantity)
        RETURNING id INTO v_line_id;
        INSERT INTO stock_ledger (batch_id, movement, quantity, receipt_line_id, recorded_by)
        VALUES (v_batch, 'receipt', v_line.quantity, v_line_id, v_user);
    END LOOP;
    RETURN v_receipt;
END
$$;
COMMENT ON FUNCTION pharmacy_receive IS 'A pharmacist receives a supplier''s delivery: new batches and their receipt rows, all or nothing.';

-- Takes p_quantity units of a drug from a location's batches that have not
-- expired, first expiry first out, locking them in (expires_on, id) order,
-- one ledger row per batch touched. Everyone locks batches in this order, so
-- two takers never wait for each other in a circle. Not enough stock: an
-- error, and the caller's statement changes nothing.
CREATE FUNCTION hms_private.stock_take(
    p_drug bigint, p_location bigint, p_quantity integer, p_movement stock_movement, p_user bigint,
    p_dispense bigint, p_order bigint, p_to_location bigint
) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_left integer := p_quantity;
    v_take integer;
    v_out bigint;
    v_part bigint;
    v_batch public.stock_batch;
BEGIN
    FOR v_batch IN
        SELECT b.* FROM public.stock_batch AS b
        WHERE
            b.drug_id = p_drug AND b.location_id = p_location AND b.quantity > 0
            AND b.expires_on >= public.hms_today()
        ORDER BY b.expires_on, b.id
        FOR UPDATE
    LOOP
        v_take := least(v_left, v_batch.quantity);
        INSERT INTO public.stock_ledger (batch_id, movement, quantity, dispense_id, ward_order_id, recorded_by)
        VALUES (v_batch.id, p_movement, -v_take, p_dispense, p_order, p_user)
        RETURNING id INTO v_out;
        IF p_to_location IS NOT NULL THEN
            -- The ward's part of this batch, made on its first delivery there.
            INSERT INTO public.stock_batch (drug_id, location_id, lot, expires_on, unit_cost, source_batch_id)
            VALUES (v_batch.drug_id, p_to_location, v_batch.lot, v_batch.expires_on, v_batch.unit_cost, v_batch.id)
            ON CONFLICT (location_id, source_batch_id) DO NOTHING;
            SELECT b.id INTO v_part FROM public.stock_batch AS b
            WHERE b.location_id = p_to_location AND b.source_batch_id = v_batch.id;
            INSERT INTO public.stock_ledger (batch_id, movement, quantity, ward_order_id, transfer_of, recorded_by)
            VALUES (v_part, 'transfer_in', v_take, p_order, v_out, p_user);
        END IF;
        v_left := v_left - v_take;
        EXIT WHEN v_left = 0;
    END LOOP;
    IF v_left > 0 THEN
        RAISE EXCEPTION 'Not enough stock of % that has not expired: % of % available.',
            (SELECT d.generic_name FROM public.drug AS d WHERE d.id = p_drug), p_quantity - v_left, p_quantity
            USING ERRCODE = 'HM081', CONSTRAINT = 'stock_batch_enough_stock';
    END IF;
END
$$;

-- A pharmacist dispenses against an active prescription that a pharmacist
-- has approved: the whole quantity from the pharmacy's batches, first expiry
-- first out, or nothing. Returns the dispense.
CREATE FUNCTION pharmacy_dispense(p_prescription bigint, p_quantity integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.pharmacist_only('dispenses');
    v_pharmacy bigint := hms_private.pharmacy_location();
    v_head prescription;
    v_dispense bigint;
BEGIN
    IF p_quantity IS NULL OR p_quantity <= 0 THEN
        RAISE EXCEPTION 'Enter a quantity of at least 1.'
            USING ERRCODE = 'HM088', CONSTRAINT = 'stock_dispense_quantity_positive';
    END IF;
    -- Shared: a change of the prescription waits until the dispense is done.
    SELECT * INTO v_head FROM prescription WHERE id = p_prescription FOR SHARE;
    IF NOT FOUND OR NOT hms_row_visible(v_head.patient_id, v_head.care_unit_id, 'medication') THEN
        RAISE EXCEPTION 'No such prescription.' USING ERRCODE = 'HM084', CONSTRAINT = 'stock_dispense_prescription_fk';
    END IF;
    IF v_head.status <> 'active' THEN
        RAISE EXCEPTION 'The prescription is %; only an active prescription is dispensed.', v_head.status
            USING ERRCODE = 'HM084', CONSTRAINT = 'stock_dispense_prescription_active';
    END IF;
    IF v_head.review_state <> 'approved' THEN
        RAISE EXCEPTION 'The prescription is not approved by a pharmacist (it is %).', v_head.review_state
            USING ERRCODE = 'HM084', CONSTRAINT = 'stock_dispense_prescription_approved';
    END IF;
    INSERT INTO stock_dispense (prescription_id, patient_id, care_unit_id, quantity, dispensed_by)
    VALUES (v_head.id, v_head.patient_id, v_head.care_unit_id, p_quantity, v_user)
    RETURNING id INTO v_dispense;
    PERFORM hms_private.stock_take(v_head.drug_id, v_pharmacy, p_quantity, 'dispense', v_user, v_dispense, NULL, NULL);
    RETURN v_dispense;
END
$$;
COMMENT ON FUNCTION pharmacy_dispense IS
'A pharmacist dispenses against an active, approved prescription: first expiry first out, the whole quantity or nothing.';

-- A nurse or doctor asks the pharmacy for drugs for their own ward's room.
-- p_lines is a JSON array of {drug_id, quantity}.
CREATE FUNCTION ward_order_request(p_location bigint, p_lines jsonb, p_note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    v_order bigint;
BEGIN
    IF v_user IS NULL OR hms_current_role() NOT IN ('nurse', 'doctor') THEN
        RAISE EXCEPTION 'Only the ward''s nurses and doctors order for it.'
            USING ERRCODE = 'HM080', CONSTRAINT = 'ward_order_by_ward_staff';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM stock_location AS l
        INNER JOIN staff_care_unit AS s ON l.care_unit_id = s.care_unit_id
        WHERE l.id = p_location AND l.kind = 'ward' AND s.user_id = v_user
    ) THEN
        RAISE EXCEPTION 'Order for the medicine room of one of your own care units.'
            USING ERRCODE = 'HM082', CONSTRAINT = 'ward_order_own_ward';
    END IF;
    IF jsonb_typeof(p_lines) IS DISTINCT FROM 'array' OR jsonb_array_length(p_lines) = 0 THEN
        RAISE EXCEPTION 'An order has at least one line.' USING ERRCODE = 'HM088', CONSTRAINT = 'ward_order_has_lines';
    END IF;
    INSERT INTO ward_order (location_id, note, requested_by) VALUES (p_location, p_note, v_user)
    RETURNING id INTO v_order;
    INSERT INTO ward_order_line (order_id, drug_id, quantity)
    SELECT v_order, l.drug_id, l.quantity FROM jsonb_to_recordset(p_lines) AS l (drug_id bigint, quantity integer);
    INSERT INTO ward_order_event (order_id, status, by_user) VALUES (v_order, 'requested', v_user);
    RETURN v_order;
END
$$;
COMMENT ON FUNCTION ward_order_request IS 'A ward''s nurse or doctor orders drugs for their own medicine room.';

-- One step of a ward order, as ward_order_may_move allows it. Picking checks
-- that the pharmacy holds enough; delivery moves the stock, pharmacy to ward,
-- first expiry first out, as paired ledger rows, all or nothing.
CREATE FUNCTION ward_order_move(p_order bigint, p_to ward_order_status, p_reason text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_current_user_id();
    v_role text := hms_current_role();
    v_order ward_order;
    v_line record;
    v_have integer;
BEGIN
    SELECT * INTO v_order FROM ward_order WHERE id = p_order FOR UPDATE;
    IF NOT FOUND OR v_user IS NULL OR NOT v_order.location_id = ANY (pharmacy_my_locations()) THEN
        RAISE EXCEPTION 'No such ward order.' USING ERRCODE = 'HM083', CONSTRAINT = 'ward_order_exists';
    END IF;
    IF NOT ward_order_may_move(v_order.status::text, p_to::text, v_role) THEN
        RAISE EXCEPTION 'A % cannot move a % order to %.', v_role, v_order.status, p_to
            USING ERRCODE = 'HM083', CONSTRAINT = 'ward_order_transition';
    END IF;
    IF p_to = 'picked' THEN
        FOR v_line IN
            SELECT l.drug_id, l.quantity, d.generic_name FROM ward_order_line AS l
            INNER JOIN drug AS d ON l.drug_id = d.id
            WHERE l.order_id = p_order ORDER BY l.drug_id
        LOOP
            SELECT coalesce(sum(b.quantity), 0) INTO v_have FROM stock_batch AS b
            WHERE
                b.drug_id = v_line.drug_id AND b.location_id = hms_private.pharmacy_location()
                AND b.expires_on >= hms_today();
            IF v_have < v_line.quantity THEN
                RAISE EXCEPTION 'Not enough stock of % that has not expired: % of % available.',
                    v_line.generic_name, v_have, v_line.quantity
                    USING ERRCODE = 'HM081', CONSTRAINT = 'stock_batch_enough_stock';
            END IF;
        END LOOP;
    ELSIF p_to = 'delivered' THEN
        -- Lines in drug order, batches in expiry order: one locking order for all.
        FOR v_line IN SELECT l.drug_id, l.quantity FROM ward_order_line AS l WHERE l.order_id = p_order ORDER BY l.drug_id
        LOOP
            PERFORM hms_private.stock_take(
                v_line.drug_id, hms_private.pharmacy_location(), v_line.quantity, 'transfer_out', v_user, NULL, p_order,
                v_order.location_id
            );
        END LOOP;
    END IF;
    INSERT INTO ward_order_event (order_id, status, reason, by_user) VALUES (p_order, p_to, p_reason, v_user);
    UPDATE ward_order SET status = p_to WHERE id = p_order;
END
$$;
COMMENT ON FUNCTION ward_order_move IS
'Approve, pick, deliver or cancel a ward order; delivery moves the stock to the ward first expiry first out.';

-- A count corrected (p_change may be positive or negative) or units wasted
-- (broken, expired, spoilt), with a reason. Either may not take a batch below zero.
CREATE FUNCTION stock_adjust(p_batch bigint, p_change integer, p_reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.pharmacist_only('adjusts stock');
    v_id bigint;
BEGIN
    PERFORM 1 FROM stock_batch WHERE id = p_batch FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such batch.' USING ERRCODE = 'HM088', CONSTRAINT = 'stock_ledger_batch_id_fkey';
    END IF;
    INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by)
    VALUES (p_batch, 'adjustment', p_change, p_reason, v_user)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION stock_adjust IS 'A pharmacist corrects a batch''s count, with a reason.';

CREATE FUNCTION stock_waste(p_batch bigint, p_quantity integer, p_reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_user bigint := hms_private.pharmacist_only('records wastage');
    v_id bigint;
BEGIN
    IF p_quantity IS NULL OR p_quantity <= 0 THEN
        RAISE EXCEPTION 'Enter a quantity of at least 1.'
            USING ERRCODE = 'HM088', CONSTRAINT = 'stock_ledger_wastage_positive';
    END IF;
    PERFORM 1 FROM stock_batch WHERE id = p_batch FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such batch.' USING ERRCODE = 'HM088', CONSTRAINT = 'stock_ledger_batch_id_fkey';
    END IF;
    INSERT INTO stock_ledger (batch_id, movement, quantity, reason, recorded_by)
    VALUES (p_batch, 'wastage', -p_quantity, p_reason, v_user)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION stock_waste IS 'A pharmacist records units wasted from a batch (broken, spoilt, expired), with a reason.';

-- ---------------------------------------------------------------------------
-- Views, as the caller: row-level security decides what each one shows.
-- ---------------------------------------------------------------------------
CREATE VIEW stock_on_hand WITH (security_invoker = true) AS
SELECT
    b.id AS batch_id,
    b.location_id,
    l.name AS location,
    l.kind AS location_kind,
    b.drug_id,
    d.generic_name,
    d.form,
    d.strength,
    d.strength_unit,
    d.stock_unit,
    d.atc_code,
    b.lot,
    b.expires_on,
    b.unit_cost,
    b.quantity,
    b.quantity * b.unit_cost AS value,
    b.expires_on < hms_today() AS expired
FROM stock_batch AS b
INNER JOIN stock_location AS l ON b.location_id = l.id
INNER JOIN drug AS d ON b.drug_id = d.id;
COMMENT ON VIEW stock_on_hand IS 'Each batch the caller sees, with its drug, place, value and whether it has expired.';

-- Drugs below their reorder level at a location, counting unexpired stock only.
CREATE VIEW stock_low WITH (security_invoker = true) AS
SELECT
    s.location_id,
    s.drug_id,
    s.reorder_level,
    coalesce(sum(b.quantity) FILTER (WHERE b.expires_on >= hms_today()), 0)::integer AS on_hand
FROM stock_level AS s
LEFT JOIN stock_batch AS b ON s.location_id = b.location_id AND s.drug_id = b.drug_id
GROUP BY s.location_id, s.drug_id, s.reorder_level
HAVING coalesce(sum(b.quantity) FILTER (WHERE b.expires_on >= hms_today()), 0) < s.reorder_level;
COMMENT ON VIEW stock_low IS 'The drugs whose unexpired stock at a location is below its reorder level.';

-- ---------------------------------------------------------------------------
-- Row-level security.
-- ---------------------------------------------------------------------------
ALTER TABLE stock_location ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_level ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_receipt ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_receipt_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_dispense ENABLE ROW LEVEL SECURITY;
ALTER TABLE ward_order ENABLE ROW LEVEL SECURITY;
ALTER TABLE ward_order_line ENABLE ROW LEVEL SECURITY;
ALTER TABLE ward_order_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_ledger ENABLE ROW LEVEL SECURITY;

CREATE POLICY stock_location_read ON stock_location FOR SELECT TO hms_app
USING (id = any((SELECT pharmacy_my_locations())::bigint[]));
-- Pharmacists and administrators set up the rooms.
CREATE POLICY stock_location_add ON stock_location FOR INSERT TO hms_app
WITH CHECK ((SELECT hms_current_role()) IN ('pharmacist', 'administrator'));
CREATE POLICY stock_batch_read ON stock_batch FOR SELECT TO hms_app
USING (location_id = any((SELECT pharmacy_my_locations())::bigint[]));
CREATE POLICY stock_level_read ON stock_level FOR SELECT TO hms_app
USING (location_id = any((SELECT pharmacy_my_locations())::bigint[]));
CREATE POLICY stock_level_set ON stock_level FOR INSERT TO hms_app
WITH CHECK ((SELECT hms_current_role()) = 'pharmacist');
CREATE POLICY stock_level_change ON stock_level FOR UPDATE TO hms_app
USING ((SELECT hms_current_role()) = 'pharmacist')
WITH CHECK ((SELECT hms_current_role()) = 'pharmacist');
CREATE POLICY stock_receipt_read ON stock_receipt FOR SELECT TO hms_app
USING ((SELECT hms_current_role()) IN ('pharmacist', 'administrator'));
CREATE POLICY stock_receipt_line_read ON stock_receipt_line FOR SELECT TO hms_app
USING ((SELECT hms_current_role()) IN ('pharmacist', 'administrator'));
-- Which patient got what: only under the medication area's decision.
CREATE POLICY stock_dispense_read ON stock_dispense FOR SELECT TO hms_app
USING (
    patient_id = any((SELECT hms_wholly_visible('medication'))::bigint[])
    OR hms_row_visible(patient_id, care_unit_id, 'medication')
);
CREATE POLICY ward_order_read ON ward_order FOR SELECT TO hms_app
USING (location_id = any((SELECT pharmacy_my_locations())::bigint[]));
CREATE POLICY ward_order_line_read ON ward_order_line FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM ward_order AS o
    WHERE o.id = ward_order_line.order_id
));
CREATE POLICY ward_order_event_read ON ward_order_event FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM ward_order AS o
    WHERE o.id = ward_order_event.order_id
));
-- The figures of a batch one sees; a dispense row names only the dispense.
CREATE POLICY stock_ledger_read ON stock_ledger FOR SELECT TO hms_app
USING (EXISTS (
    SELECT 1 FROM stock_batch AS b
    WHERE b.id = stock_ledger.batch_id
));

GRANT SELECT ON
stock_location, stock_batch, stock_level, stock_receipt, stock_receipt_line, stock_dispense, ward_order,
ward_order_line, ward_order_event, stock_ledger, stock_on_hand, stock_low
TO hms_app;
GRANT INSERT (kind, name, care_unit_id) ON stock_location TO hms_app;
GRANT INSERT (location_id, drug_id, reorder_level) ON stock_level TO hms_app;
GRANT UPDATE (reorder_level) ON stock_level TO hms_app;

REVOKE EXECUTE ON FUNCTION
stock_ledger_fill, stock_ledger_apply, stock_history_fixed, stock_batch_guard, pharmacy_my_locations,
ward_order_may_move, hms_private.pharmacy_location, hms_private.pharmacist_only, pharmacy_receive,
hms_private.stock_take, pharmacy_dispense, ward_order_request, ward_order_move, stock_adjust, stock_waste
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
pharmacy_my_locations, pharmacy_receive, pharmacy_dispense, ward_order_request, ward_order_move, stock_adjust,
stock_waste
TO hms_app;
