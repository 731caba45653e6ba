"""The /stats page, its CSV, `tambon report`, and the simulator's absence in production."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import timedelta

from linebot.v3.webhook import SignatureValidator

from bot.app import Services, create_app
from handlers.stats import fiscal_year_bounds
from handlers.thai_dates import fiscal_year
from storage.case_vault import new_case_key
from storage.models import Case


def add_cases(sessions, vault, org, when, kinds):
    with sessions() as session, session.begin():
        for i, (kind, office) in enumerate(kinds):
            code = f"S{when:%y%m%d}{i:04d}"
            _, wrapped = new_case_key(vault, code)
            session.add(Case(code=code, org_id=org.id, kind=kind, identity_mode="anonymous",
                             channel="web", status="received", office_id=office,
                             implicated=[], routing_reasons=[], wrapped_key=wrapped,
                             secret_failures=0, created_at=when, updated_at=when,
                             due_at=when + timedelta(days=15),
                             update_due_at=when + timedelta(days=7)))


def test_stats_page_hides_small_counts_and_draws_charts(client, sessions, vault, org, clock):
    year = fiscal_year(clock())
    start, _ = fiscal_year_bounds(year)
    add_cases(sessions, vault, org, start + timedelta(days=3),
              [("grievance", "engineering")] * 4 + [("corruption", "finance")])
    answer = client.get(f"/stats?year={year}")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert answer.headers.getlist("Set-Cookie") == []
    assert f"ปีงบประมาณ {year}" in html
    assert "เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ" in html
    assert "<svg" in html and 'class="bars-value">x<' in html  # a hidden cell in a chart
    assert "จำนวนเรื่องทั้งหมด: 5 เรื่อง" in html
    # the corruption complaint against the finance office is shown only as x
    row = html.split("กองคลัง", 2)[-1].split("</tr>", 1)[0]
    assert ">1<" not in row and 'class="hidden-count">x<' in row
    # and no total gives it back: 5 cases, the 4 grievances hidden with it
    kinds = html.split('id="table-kind"', 1)[1].split("</table>", 1)[0]
    assert ">4<" not in kinds
    assert "http" not in html.split("<svg", 1)[1].replace("http://www.w3.org/2000/svg", "")


def test_stats_csv_is_the_same_table(client, sessions, vault, org, clock):
    year = fiscal_year(clock())
    start, _ = fiscal_year_bounds(year)
    add_cases(sessions, vault, org, start + timedelta(days=40), [("grievance", "palad")] * 3)
    answer = client.get(f"/stats.csv?year={year}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    body = answer.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["ปีงบประมาณ", "ตาราง", "รายการ", "คอลัมน์", "ค่า"]
    office = [r for r in rows if r[1] == "จำนวนเรื่องตามหน่วยงานที่รับผิดชอบ"
              and r[2] == "สำนักปลัด"]
    assert [r[4] for r in office] == ["3", "0", "3"]


def test_stats_year_out_of_range_is_404(client):
    assert client.get("/stats?year=1999").status_code == 404
    assert client.get("/stats?year=9999").status_code == 404


def test_report_command_writes_csv_and_html(tmp_path, sessions, vault, org, clock, services,
                                            monkeypatch):
    from click.testing import CliRunner

    from bot.commands.report import report

    year = fiscal_year(clock())
    start, _ = fiscal_year_bounds(year)
    add_cases(sessions, vault, org, start + timedelta(days=10), [("suggestion", "health")] * 3)
    monkeypatch.setattr("bot.commands.report._services", lambda: services)
    result = CliRunner().invoke(report, ["--year", str(year), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / f"complaint-report-{year}.html").read_text(encoding="utf-8")
    data = (tmp_path / f"complaint-report-{year}.csv").read_bytes().decode("utf-8-sig")
    assert f"รายงานผลการดำเนินงานเรื่องร้องเรียน ปีงบประมาณ {year}" in html
    assert "<svg" in html and "<link" not in html  # self-contained, printable
    assert "ข้อเสนอแนะเพื่อปรับปรุงบริการ" in data


def test_simulator_exists_only_without_line_credentials(services, app):
    client = app.test_client()
    assert client.get("/simulator/").status_code == 200
    production = replace(services.settings, development=False,
                         channel_secret="real-secret", channel_access_token="real-token")
    prod_services = Services(settings=production, engine=services.engine,
                             sessions=services.sessions, vault=services.vault,
                             org=services.org, signature=SignatureValidator("real-secret"),
                             clock=services.clock)
    prod_app = create_app(prod_services)
    prod = prod_app.test_client()
    assert prod.get("/simulator/").status_code == 404
    assert prod.post("/simulator/send", json={"type": "follow"},
                     headers={"X-Simulator": "1"}).status_code == 404
    assert not any(rule.rule.startswith("/simulator") for rule in prod_app.url_map.iter_rules())
    assert prod.get("/tip").status_code == 200  # the public pages are there


def test_simulator_signs_events_server_side(app, services, fake_line, worker):
    client = app.test_client()
    user = "U" + "a" * 32
    refused = client.post("/simulator/send", json={"type": "follow", "user": user})
    assert refused.status_code == 400  # no X-Simulator header: not from the page
    answer = client.post("/simulator/send", json={"type": "follow", "user": user},
                         headers={"X-Simulator": "1"})
    assert answer.status_code == 200 and answer.get_json()["status"] == 200
    worker.run_until_idle()
    received = client.get("/simulator/received?after=0").get_json()
    assert any(e.get("reply_token") == answer.get_json()["replyToken"] for e in received)
    page = client.get("/simulator/").get_data(as_text=True)
    assert services.settings.channel_secret not in page
