"""Reminders of a reporting round, sent through Django's SMTP backend to a real SMTP server (aiosmtpd) on
the real 2025 data: who gets them, what they say, once only, and the analyst's notice and preference."""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from districts.models import Area
from districts.roles import CITY_ANALYST, DISTRICT_ANALYST, REVIEWER, VIEWER
from gzplan.tests.mail import Collector, free_port
from indicators.models import Indicator
from indicators.tests.factories import record_value
from reporting import reminders, services
from reporting.models import ReminderSent
from reporting.owed import completeness
from reporting.tests.conftest import CITY, YUEXIU, make_user

pytestmark = pytest.mark.django_db

HAIZHU = "440105"  # has no plan covering 2025: owes nothing (test_owed)
DUE = datetime.date(2026, 3, 31)  # round_2025's due day
SEVEN_BEFORE = DUE - datetime.timedelta(days=7)
BASE_URL = "https://gzplan.example.org"


@pytest.fixture
def smtp(smtp_server, settings):
    """The real SMTP server (gzplan.tests.mail), and the reminder settings these tests assume."""
    settings.DEFAULT_FROM_EMAIL = "gzplan <reminders@gzplan.example.org>"
    settings.GZPLAN_BASE_URL = BASE_URL
    settings.GZPLAN_REMINDER_DAYS_BEFORE = [1, 7]
    settings.GZPLAN_REMINDER_DAYS_AFTER = [1, 7]
    settings.GZPLAN_REMINDER_CATCH_UP_DAYS = 3
    return smtp_server


@pytest.fixture
def analysts(users):
    """Besides conftest's users (a Yuexiu analyst and a city analyst, without e-mail addresses there):
    who should be reminded, and who not."""
    made = {
        "yuexiu": make_user("yuexiu-analyst", DISTRICT_ANALYST, YUEXIU),
        "city": make_user("city-analyst", CITY_ANALYST, CITY),
        "haizhu": make_user("haizhu-analyst", DISTRICT_ANALYST, HAIZHU),
        "yuexiu_off": make_user("yuexiu-quiet", DISTRICT_ANALYST, YUEXIU),
        "yuexiu_viewer": make_user("yuexiu-viewer", VIEWER, YUEXIU),
        "city_reviewer": make_user("city-reviewer", REVIEWER, CITY),
        "yuexiu_inactive": make_user("yuexiu-left", DISTRICT_ANALYST, YUEXIU),
    }
    for key, user in made.items():
        user.email = f"{user.username}@gzplan.example.org"
        user.is_active = key != "yuexiu_inactive"
        user.save()
    # conftest's Yuexiu analyst has no e-mail address: never reminded.
    assert users["district_analyst"].email == ""
    return made


def by_recipient(smtp: Collector) -> dict[str, list[EmailMessage]]:
    found: dict[str, list[EmailMessage]] = {}
    for recipients, message in smtp.messages:
        for address in recipients:
            found.setdefault(address, []).append(message)
    return found


def text(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def listed_codes(message: EmailMessage) -> list[str]:
    """The indicator codes listed in the Chinese part of the plain-text body."""
    chinese = text(message).split("----")[0]
    return [line.split()[1] for line in chinese.splitlines() if line.startswith("  - ")]


def missing_codes(round_, code: str, today: datetime.date) -> list[str]:
    (state,) = completeness(round_, areas=[Area.objects.get(code=code)], today=today)
    return [figure.indicator.code for figure in state.missing]


def test_seven_days_before_each_analyst_of_an_owing_area_gets_one_message_with_its_missing_figures(
    round_2025, analysts, smtp
):
    outcome = reminders.send_due(SEVEN_BEFORE)

    received = by_recipient(smtp)
    # Yuexiu's and the city's analysts; not Haizhu's (it owes nothing), not a viewer or a reviewer, not an
    # inactive user, not a user without an e-mail address.
    assert set(received) == {analysts["yuexiu"].email, analysts["city"].email, analysts["yuexiu_off"].email}
    assert all(len(messages) == 1 for messages in received.values())
    assert len(outcome.sent) == 3 and not outcome.failed

    yuexiu = received[analysts["yuexiu"].email][0]
    assert yuexiu["From"] == "gzplan <reminders@gzplan.example.org>"
    assert "越秀区" in yuexiu["Subject"] and "Yuexiu" in yuexiu["Subject"]
    body = text(yuexiu)
    expected = missing_codes(round_2025, YUEXIU, SEVEN_BEFORE)
    assert expected and listed_codes(yuexiu) == expected
    # Each listed with its Chinese and English names, the Chinese part first.
    gdp = Indicator.objects.get(code="gdp")
    chinese, english = body.split("----")
    assert gdp.name_zh in chinese and gdp.name_en in english
    assert "还有7天" in chinese and "in 7 days" in english
    # The links to Yuexiu's 2025 entry grid, in each language, absolute.
    assert f"{BASE_URL}/entry/{YUEXIU}/2025/" in chinese
    assert f"{BASE_URL}/en/entry/{YUEXIU}/2025/" in english
    html = yuexiu.get_body(preferencelist=("html",)).get_content()
    assert f'href="{BASE_URL}/entry/{YUEXIU}/2025/"' in html

    # The city's analysts are reminded of the city's own figures, not of its districts'.
    city = received[analysts["city"].email][0]
    assert listed_codes(city) == missing_codes(round_2025, CITY, SEVEN_BEFORE)
    assert f"{BASE_URL}/entry/{CITY}/2025/" in text(city)

    sent = ReminderSent.objects.filter(round=round_2025)
    assert sorted(sent.values_list("kind", flat=True)) == ["before-7"] * 3


def test_running_again_sends_nothing_more(round_2025, analysts, smtp):
    assert len(reminders.send_due(SEVEN_BEFORE).sent) == 3
    assert reminders.send_due(SEVEN_BEFORE).sent == []
    # The next days catch up a missed run of the same reminder day: already sent, nothing goes.
    assert reminders.send_due(SEVEN_BEFORE + datetime.timedelta(days=1)).sent == []
    assert len(smtp.messages) == 3


def test_no_reminder_between_reminder_days_or_before_the_round_opens(round_2025, analysts, smtp):
    assert reminders.send_due(SEVEN_BEFORE - datetime.timedelta(days=1)).sent == []
    # A day missed is caught up for three days, not longer.
    assert reminders.send_due(SEVEN_BEFORE + datetime.timedelta(days=4)).sent == []
    assert reminders.send_due(round_2025.opens_on - datetime.timedelta(days=1)).sent == []
    assert smtp.messages == []


def test_a_user_who_turned_reminders_off_gets_none(round_2025, analysts, smtp):
    client = Client()
    client.force_login(analysts["yuexiu_off"])
    page = client.get("/account/reminders/")
    assert page.status_code == 200 and "提醒" in page.content.decode()
    response = client.post("/en/account/reminders/", {})  # the box unticked
    assert response.status_code == 302
    assert "Reminders are off." in client.get(response["Location"]).content.decode()

    reminders.send_due(SEVEN_BEFORE)
    assert analysts["yuexiu_off"].email not in by_recipient(smtp)
    assert analysts["yuexiu"].email in by_recipient(smtp)

    # Turned on again, the next reminder day reaches them.
    client.post("/en/account/reminders/", {"reminders_enabled": "on"})
    reminders.send_due(DUE - datetime.timedelta(days=1))
    assert len(by_recipient(smtp)[analysts["yuexiu_off"].email]) == 1


def test_the_preference_page_needs_signing_in(client):
    response = client.get("/en/account/reminders/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_after_the_due_day_the_after_reminder_goes(round_2025, analysts, smtp):
    reminders.send_due(SEVEN_BEFORE)
    smtp.messages.clear()
    after = DUE + datetime.timedelta(days=1)
    outcome = reminders.send_due(after)
    assert {r.day.kind for r in outcome.sent} == {"after-1"}
    message = by_recipient(smtp)[analysts["yuexiu"].email][0]
    chinese, english = text(message).split("----")
    assert "已于2026年3月31日截止" in chinese and "was due on 2026-03-31" in english
    assert listed_codes(message) == missing_codes(round_2025, YUEXIU, after)


def test_a_figure_entered_leaves_the_next_reminder(round_2025, analysts, smtp):
    reminders.send_due(SEVEN_BEFORE)
    first = by_recipient(smtp)[analysts["yuexiu"].email][0]
    assert "gdp" in listed_codes(first)
    smtp.messages.clear()

    yuexiu = Area.objects.get(code=YUEXIU)
    record_value(area=yuexiu, indicator=Indicator.objects.get(code="gdp"), year=2025, value=Decimal("3600"))
    reminders.send_due(DUE - datetime.timedelta(days=1))
    second = by_recipient(smtp)[analysts["yuexiu"].email][0]
    assert listed_codes(second) == [code for code in listed_codes(first) if code != "gdp"]


def test_an_area_that_has_entered_everything_gets_none(round_2025, analysts, smtp):
    yuexiu = Area.objects.get(code=YUEXIU)
    for code in missing_codes(round_2025, YUEXIU, SEVEN_BEFORE):
        indicator = Indicator.objects.get(code=code)
        value = Decimal("50") if indicator.is_share else Decimal("1")
        record_value(area=yuexiu, indicator=indicator, year=2025, value=value, note="reminder test")
    reminders.send_due(SEVEN_BEFORE)
    assert set(by_recipient(smtp)) == {analysts["city"].email}


def test_a_send_the_server_refuses_is_not_recorded_and_the_next_run_sends_it(round_2025, analysts, smtp, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 5
    outcome = reminders.send_due(SEVEN_BEFORE)
    assert len(outcome.failed) == 3 and outcome.sent == []
    assert not ReminderSent.objects.exists()
    settings.EMAIL_PORT = port
    assert len(reminders.send_due(SEVEN_BEFORE).sent) == 3


def test_a_reminder_recorded_by_another_run_is_not_sent_again(round_2025, analysts, smtp):
    """What a second worker sees: the row is there (its insert fails), so it sends nothing."""
    (reminder, *_rest) = reminders.due_reminders(SEVEN_BEFORE)
    assert reminders.send_one(reminder, SEVEN_BEFORE) is True
    assert reminders.send_one(reminder, SEVEN_BEFORE) is False
    assert len(smtp.messages) == 1


def test_the_command_prints_what_it_sent_and_enqueue_runs_the_task(round_2025, analysts, smtp):
    out = io.StringIO()
    call_command("send_reminders", "--today", SEVEN_BEFORE.isoformat(), stdout=out)
    printed = out.getvalue()
    assert f"sent before-7 2025 preliminary {YUEXIU} Yuexiu to yuexiu-analyst <yuexiu-analyst@" in printed
    assert "3 reminders sent, 0 failed" in printed

    # The task (run at once by the test settings' immediate backend) sends the next reminder day's.
    out = io.StringIO()
    call_command("send_reminders", "--today", (DUE - datetime.timedelta(days=1)).isoformat(), "--enqueue", stdout=out)
    assert "Queued the reminders of 2026-03-30" in out.getvalue()
    assert ReminderSent.objects.filter(kind="before-1").count() == 3
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "2026-3-24")


@pytest.fixture
def round_now(users):
    """A round open today, due in a week, so that the notice shows."""
    today = timezone.localdate()
    return services.create_round(
        users["city_analyst"],
        year=2025,
        kind="final",
        title_zh="2025年最终数据报送",
        title_en="2025 final figures",
        opens_on=today - datetime.timedelta(days=10),
        due_on=today + datetime.timedelta(days=7),
    )


def test_an_analyst_sees_what_their_area_owes_on_every_page(round_now, analysts, settings):
    client = Client()
    client.force_login(analysts["yuexiu"])
    owed = len(missing_codes(round_now, YUEXIU, timezone.localdate()))
    page = client.get("/en/indicators/").content.decode()
    assert f"Yuexiu owes {owed} figures for “2025 final figures”, due {round_now.due_on:%Y-%m-%d}." in page
    assert f'href="/en/rounds/2025/{YUEXIU}/?kind=final"' in page
    page = client.get("/indicators/").content.decode()
    assert f"越秀区尚缺{owed}项数据（“2025年最终数据报送”），截止日期{round_now.due_on:%Y-%m-%d}。" in page

    # Not for an analyst of an area that owes nothing, nor for a viewer.
    for key in ("haizhu", "yuexiu_viewer"):
        client.force_login(analysts[key])
        assert "owed-notice" not in client.get("/en/indicators/").content.decode()


def test_the_notice_costs_anonymous_visitors_no_query(round_now, client, settings):
    settings.GZPLAN_READ_CACHE_SECONDS = 0  # count the queries of rendering, not of a cached answer
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/indicators/")
    assert page.status_code == 200 and "owed-notice" not in page.content.decode()
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    # Whose areas owe what is never asked for a visitor (the foot's data status reads the latest round for
    # everyone, once until the data change: see test_data_status).
    assert "districts_areaaccess" not in touched and "reporting_remindersent" not in touched


def test_compose_runs_the_reminders_with_the_e_mail_settings(settings):
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    service = compose["services"]["reminders"]
    assert "manage.py send_reminders" in " ".join(service["command"])
    for name in ("reminders", "worker"):  # the worker runs the task that --enqueue queues
        environment = compose["services"][name]["environment"]
        assert {"EMAIL_HOST", "EMAIL_PORT", "DEFAULT_FROM_EMAIL", "GZPLAN_BASE_URL"} <= environment.keys()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_each_reminder_once(real_data, smtp):
    """Two `send_reminders` processes started together on the suite's database (committed data: this test
    is transactional; the harness puts the real data back after it): each reminder reaches its analyst
    once, whichever run sent it."""
    city_analyst = make_user("race-city", CITY_ANALYST, CITY)
    services.create_round(
        city_analyst,
        year=2025,
        kind="preliminary",
        title_zh="2025年初步数据报送",
        title_en="2025 preliminary figures",
        opens_on=datetime.date(2026, 1, 5),
        due_on=DUE,
    )
    for name, role, area in [("race-yuexiu", DISTRICT_ANALYST, YUEXIU), ("race-yuexiu-2", DISTRICT_ANALYST, YUEXIU)]:
        make_user(name, role, area)
    User.objects.filter(username__startswith="race-").update(email=Concat("username", Value("@gzplan.example.org")))

    db = connection.settings_dict
    database_url = (
        f"sqlite:///{db['NAME']}"
        if connection.vendor == "sqlite"
        else f"postgres://{db['USER']}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gzplan.test_settings",
        "DATABASE_URL": database_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(django_settings.EMAIL_PORT),
        "EMAIL_USE_TLS": "false",
        "GZPLAN_BASE_URL": BASE_URL,
    }
    command = [sys.executable, "manage.py", "send_reminders", "--today", SEVEN_BEFORE.isoformat()]
    runs = [
        subprocess.Popen(command, cwd=django_settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    received = by_recipient(smtp)
    assert set(received) == {"race-city@gzplan.example.org", "race-yuexiu@gzplan.example.org",
                             "race-yuexiu-2@gzplan.example.org"}  # fmt: skip
    assert all(len(messages) == 1 for messages in received.values())
    assert sum(output.count("\nsent ") + output.startswith("sent ") for output in outputs) == 3
    assert ReminderSent.objects.count() == 3


def test_the_notice_takes_a_fixed_number_of_queries(users, analysts, django_assert_num_queries):
    analyst = analysts["yuexiu"]
    with django_assert_num_queries(1):  # no open round: the rounds only
        assert reminders.notices(analyst) == []
    today = timezone.localdate()
    services.create_round(
        users["city_analyst"],
        year=2025,
        kind="final",
        title_zh="2025年最终数据报送",
        title_en="2025 final figures",
        opens_on=today - datetime.timedelta(days=10),
        due_on=today + datetime.timedelta(days=7),
    )
    # The rounds, the analyst's areas, then completeness for those areas (targets, figures, adjustments,
    # reviews, submissions), whatever the number of figures owed.
    with django_assert_num_queries(7):
        (notice,) = reminders.notices(analyst)
    assert notice.area.code == YUEXIU and notice.missing == len(missing_codes(notice.round, YUEXIU, today))
