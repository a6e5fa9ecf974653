"""Every text a user can read has a Swedish translation.

English msgids are the source. The templates' msgids are extracted here the
way ``babel.cfg`` extracts them, so a page that gains text without a Swedish
translation fails the suite. Messages that Python keeps in tables (refused
writes, form errors, notices, role names) are checked from those tables.
"""

import re
from functools import cache
from pathlib import Path
from typing import get_args

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from hms.accounts import pages as account_pages
from hms.accounts.passwords import check_password_strength
from hms.accounts.service import ACTIVATION_FAILED, user_deactivate
from hms.audit import actions
from hms.core.context import CurrentUser
from hms.core.errors import Invalid as FormInvalid
from hms.core.roles import Role
from hms.db import errors as db_errors
from hms.journal import service as journal_service
from hms.patients import identity
from hms.patients.forms import NextOfKinForm, RegistrationForm, Relationship, Sex
from hms.patients.pages import NOTICES
from hms.web import forms as web_forms
from hms.web import i18n
from hms.web.error_pages import PAGES
from hms.web.forms import parse
from hms.web.navigation import nav_items

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "hms" / "i18n" / "sv" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def swedish() -> dict[str, tuple[str, list[str]]]:
    """msgid -> (catalogue file, translated forms), over every Swedish catalogue."""
    entries: dict[str, tuple[str, list[str]]] = {}
    for po in sorted(CATALOGUES.glob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale="sv")
        for message in catalog:
            if not message.id or message.fuzzy or not message.string:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            forms = [message.string] if isinstance(message.string, str) else list(message.string)
            if key in entries and entries[key][1] != forms:
                raise AssertionError(f"{key!r} is translated differently in {entries[key][0]} and {po.name}")
            entries[key] = (po.name, forms)
    return entries


def untranslated(msgids: set[str]) -> list[str]:
    catalogue = swedish()
    return sorted(m for m in msgids if m not in catalogue or not all(catalogue[m][1]))


@cache
def template_msgids() -> set[str]:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT / "hms", method_map, options_map
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_extraction_finds_the_templates_text():
    assert {"Log in", "Register patient", "%(num)s patient shown."} <= template_msgids()


def test_every_template_text_has_a_swedish_translation():
    assert untranslated(template_msgids()) == []


def test_text_built_from_enum_values_in_templates_is_translated():
    # base.html and the home pages show _(role.replace('_', ' ').capitalize()),
    # the patient page _(sex.capitalize()) and _(relationship.capitalize()).
    shown = {r.value.replace("_", " ").capitalize() for r in Role}
    shown |= {v.capitalize() for v in (*get_args(Sex), *get_args(Relationship))}
    assert untranslated(shown) == []


def test_the_parts_and_verbs_of_audit_actions_are_translated():
    # the access log and the audit log show _(part) and _(verb) from these tables
    shown = {*actions.PARTS.values(), *actions.PORTAL_PARTS.values(), *actions.VERBS.values()}
    assert untranslated(shown) == []


def test_refused_writes_and_form_errors_are_translated():
    messages = {message for _field, message in db_errors.CONSTRAINT_MESSAGES.values()}
    messages |= {db_errors.FALLBACK[1], *web_forms._MESSAGES.values(), "The value is not valid."}
    assert untranslated(messages) == []


def test_every_message_a_registration_form_gives_is_translated():
    given = {"given_name": "Åsa", "family_name": "Ek", "sex": "female"}
    errors: dict[str, str] = {}
    for data, model in (
        ({**given, "personal_number": "nonsense"}, RegistrationForm),
        ({**given, "personal_number": "19850709-9805", "date_of_birth": "1985-07-10"}, RegistrationForm),
        ({"full_name": "Sven", "relationship": "child"}, NextOfKinForm),
        ({}, RegistrationForm),
    ):
        with pytest.raises(FormInvalid) as failed:
            parse(model, data)
        errors.update({f"{model.__name__}.{k}": v for k, v in failed.value.errors.items()})
    assert untranslated(set(errors.values())) == []


def test_notices_login_and_account_messages_are_translated():
    with pytest.raises(FormInvalid) as own:
        user_deactivate(None, user_id=1, by=1)  # type: ignore[arg-type]
    with pytest.raises(identity.InvalidNumber) as invalid:
        identity.normalize("12345")
    messages = {*NOTICES.values(), account_pages.LOGIN_FAILED, *own.value.errors.values(), str(invalid.value)}
    messages |= {check_password_strength("short"), check_password_strength("all lower case 1")}
    messages |= {ACTIVATION_FAILED, journal_service.DIAGNOSIS_ALREADY_ACTIVE}
    assert untranslated(messages) == []


def test_menu_entries_are_translated():
    admin = CurrentUser(id=1, username="adam", role=Role.ADMINISTRATOR, full_name="Adam", locale="en")
    receptionist = CurrentUser(id=2, username="rita", role=Role.RECEPTIONIST, full_name="Rita", locale="en")
    token = i18n.current_locale.set("en")
    try:
        labels = {item.label for user in (admin, receptionist) for item in nav_items(user)}
    finally:
        i18n.current_locale.reset(token)
    assert untranslated(labels) == []


def test_error_page_titles_are_translated():
    texts = {text for _status, title, message in PAGES.values() for text in (title, message) if text}
    assert len(texts) >= 12
    assert untranslated(texts) == []


def test_translations_keep_their_placeholders_and_hold_no_stray_percent():
    # Jinja's new-style gettext always %-formats, so a lone % would break the page.
    for msgid, (po, forms) in swedish().items():
        for text in forms:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), (po, msgid)
            assert "%" not in PLACEHOLDER.sub("", text).replace("%%", ""), (po, msgid)


def test_every_catalogue_declares_swedish_plural_forms():
    for po in sorted(CATALOGUES.glob("*.po")):
        text = po.read_text(encoding="utf-8")
        assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text, po.name
        assert '"Language: sv\\n"' in text, po.name


def test_swedish_pages_use_the_catalogues():
    token = i18n.current_locale.set("sv")
    try:
        assert i18n.gettext("Log out") == "Logga ut"
        assert i18n.ngettext("%(num)s patient shown.", "%(num)s patients shown.", 1) == "1 patient visas."
        assert i18n.ngettext("%(num)s patient shown.", "%(num)s patients shown.", 3) == "3 patienter visas."
    finally:
        i18n.current_locale.reset(token)


def test_medication_words_notices_and_form_messages_are_translated():
    """The medication pages show enum values through _() (units, routes,
    forms, outcomes, changes, severities) and keep notices and messages in tables."""
    from hms.medication import forms as medication_forms
    from hms.medication import pages as medication_pages
    from hms.medication import pages_ward
    from hms.portal.forms import SCOPES

    words = {
        *medication_forms.DOSE_UNITS, *medication_forms.ROUTES, *medication_forms.DRUG_FORMS,
        *medication_forms.STOCK_UNITS, "given", "not_given", "refused", "prescribed", "changed", "paused",
        "resumed", "discontinued", "renewed", "minor", "moderate", "major", "contraindicated",
        *(s.capitalize() for s in SCOPES),
    }  # fmt: skip
    notices = {*medication_pages.NOTICES.values(), *pages_ward.NOTICES.values()}
    forms = {
        medication_forms.TIMES_NEEDED, medication_forms.INTERVAL_NEEDED, medication_forms.PRN_MAX_NEEDED,
        medication_forms.END_BEFORE_START,
    }  # fmt: skip
    for data, model in (
        ({"care_unit_id": "1", "dose": "0", "dose_unit": "mg", "route": "oral", "schedule": "times",
          "starts_at": "2026-12-01T08:00"}, medication_forms.PrescriptionForm),
        ({"care_unit_id": "1", "dose": "5", "dose_unit": "mg", "route": "oral", "schedule": "times",
          "times": "25:00", "starts_at": "2026-12-01T08:00"}, medication_forms.PrescriptionForm),
        ({"outcome": "queried"}, medication_forms.ReviewForm),
        ({"prescription_id": "1", "care_unit_id": "1", "outcome": "refused",
          "administered_at": "2026-12-01T08:00"}, medication_forms.DoseForm),
    ):  # fmt: skip
        with pytest.raises(FormInvalid) as failed:
            parse(model, data)
        forms |= set(failed.value.errors.values())
    assert len(forms) >= 7
    assert untranslated(words | notices | forms) == []


def test_every_roles_menu_is_translated():
    token = i18n.current_locale.set("en")
    try:
        labels = {
            item.label
            for role in Role
            for item in nav_items(CurrentUser(id=1, username="u", role=role, full_name="U", locale="en"))
        }
    finally:
        i18n.current_locale.reset(token)
    assert {"Medication round", "Prescriptions to review", "Formulary"} <= labels
    assert untranslated(labels) == []


def test_scheduling_notices_and_form_messages_are_translated():
    from hms.scheduling import forms as scheduling_forms
    from hms.scheduling import pages_calendar, pages_portal, pages_setup, service

    texts = {
        *pages_calendar.NOTICES.values(), *pages_portal.NOTICES.values(), pages_setup.NOTICE,
        *pages_setup.WEEKDAYS, service.NO_SUCH_PATIENT, scheduling_forms.END_BEFORE_START,
    }  # fmt: skip
    for data, model in (
        ({"clinician_id": "1", "care_unit_id": "1", "weekday": "1", "starts_at": "17:00", "ends_at": "16:00"},
         scheduling_forms.HoursForm),
        ({"reason": "x"}, scheduling_forms.CancelForm),
    ):  # fmt: skip
        with pytest.raises(FormInvalid) as failed:
            parse(model, data)
        texts |= set(failed.value.errors.values())
    assert untranslated(texts) == []


def test_messaging_notices_and_file_messages_are_translated():
    from hms.messaging import forms as messaging_forms
    from hms.messaging import pages as messaging_pages
    from hms.messaging import pages_portal as messaging_portal
    from hms.messaging import service as messaging_service

    texts = {
        *messaging_pages.NOTICES.values(), *messaging_portal.NOTICES.values(), messaging_forms.EMPTY_MESSAGE,
        messaging_service.NOT_IN_CARE, messaging_service.ONLY_PATIENT_SIDE, "No such message.",
    }  # fmt: skip
    pdf = b"%PDF-1.4"
    for uploads in (
        [messaging_forms.Upload("a.pdf", pdf)] * 4,
        [messaging_forms.Upload("a.pdf", pdf + bytes(messaging_forms.MAX_BYTES))],
        [messaging_forms.Upload("a.exe", b"MZ")],
        [messaging_forms.Upload("a.png", pdf)],
        [messaging_forms.Upload("a/b.pdf", pdf)],
    ):
        with pytest.raises(FormInvalid) as failed:
            messaging_forms.check_uploads(uploads)
        texts |= set(failed.value.errors.values())
    assert len(texts) >= 12
    assert untranslated(texts) == []


def test_care_request_notices_and_form_messages_are_translated():
    from hms.requests import forms as request_forms
    from hms.requests import pages as request_pages
    from hms.requests import pages_portal as request_portal_pages
    from hms.requests import service as request_service

    messages = {*request_pages.NOTICES.values(), *request_portal_pages.NOTICES.values()}
    messages |= set(request_forms.FIELD_OF_ERROR) | {request_service.NOT_REACHED}
    assert untranslated(messages) == []


def test_consultation_and_referral_notices_and_form_messages_are_translated():
    from hms.consultations import forms as consultation_forms
    from hms.consultations import pages as consultation_pages
    from hms.consultations import service as consultation_service
    from hms.referrals import forms as referral_forms
    from hms.referrals import pages as referral_pages
    from hms.referrals import service as referral_service

    texts = {
        *consultation_pages.NOTICES.values(), *referral_pages.NOTICES.values(),
        consultation_service.NO_LONGER_OPEN, consultation_service.NOT_ANSWERED,
        consultation_service.NOT_WITHDRAWABLE, referral_service.NOT_MY_UNIT, referral_service.NOT_ANOTHER_UNIT,
        referral_service.NOT_A_UNIT, referral_service.NOT_HER_DIAGNOSIS, referral_service.ALREADY_ANSWERED,
    }  # fmt: skip
    for data, model in (
        ({"specialist_id": "1", "care_unit_id": "1", "question": "Short"}, consultation_forms.ConsultationForm),
        ({"from_unit_id": "1", "to_unit_id": "2", "urgency": "routine", "question": "Short"},
         referral_forms.ReferralForm),
        ({"reason": "No"}, referral_forms.RejectForm),
    ):  # fmt: skip
        with pytest.raises(FormInvalid) as failed:
            parse(model, data)
        texts |= set(failed.value.errors.values())
    assert len(texts) >= 16
    assert untranslated(texts) == []
