"""Report delivery schedules through ksc-host + the module + mdr-sandbox: rights (MDR
Administrator), every field at its edge (1,000/1,001-character names, each address, HH:MM,
the acknowledgement), the local equivalent of the UTC time, the period a report covers, the
10th/11th schedule of a tenant and the 50th/51st of the organization refused before the cloud
is asked, enable/disable, edit, delete, tenants a restricted user may not see, and nothing
saved when the cloud fails."""
from harness import Suite, World, expect
from lt_common import requests_to

suite = Suite("reports")
world = World(batch=True)
sbx = world.sandbox
world.activate()
TENANTS = world.call("mdr.tenants.list").ok()["tenants"]


def create(name="Weekly", **kw):
    req = dict(name=name, emails="soc@example.com", day="monday", time="07:00",
               acknowledged=True)
    req.update(kw)
    return world.call("mdr.reports.create", req)


def schedules(**kw):
    return world.call("mdr.reports.list", **kw).ok()


def cloud_creates():
    return len(requests_to(world, "reports/create"))


@suite.case("reports__rights_administrator_only")
def _():
    world.add_user("sso", preset="mdr.senior_security_officer")
    world.call("mdr.reports.list", user="sso").fails("access_denied", rc=3)
    r = world.call(
        "mdr.reports.create", {"name": "x", "emails": "a@b.io", "day": "monday",
                               "time": "07:00", "acknowledged": True}, user="sso")
    e = r.fails("access_denied", rc=3)
    expect("Incident summary scheduling" in e["message"], e)


@suite.case("reports__create_states_time_local_and_period")
def _():
    s = create("Monday digest", emails="soc@example.com, lead@example.com",
               utc_offset_minutes=180).ok()
    expect(s["tenant"] == "All tenants" and s["tenant_id"] is None and s["enabled"], s)
    expect(s["emails"] == ["soc@example.com", "lead@example.com"], s)
    expect(s["time_utc"] == "07:00" and s["local"]["time"] == "10:00" and
           s["local"]["day"] == "monday" and s["day_text"] == "Monday", s)
    c = s["next_report_covers"]
    expect("seven days" in c["text"] and c["from"] in c["text"] and c["to"] in c["text"], c)
    # the report's day itself is not covered: the period ends the day before it
    import datetime
    run = datetime.datetime.fromtimestamp(s["next_report_time"] / 1000, datetime.timezone.utc)
    expect(run.strftime("%A") == "Monday" and run.strftime("%H:%M") == "07:00", run)
    expect(c["to"] == (run.date() - datetime.timedelta(days=1)).isoformat() and
           c["from"] == (run.date() - datetime.timedelta(days=7)).isoformat(), c, run)
    late = create("Late", day="sunday", time="23:30", utc_offset_minutes=60).ok()
    expect(late["local"]["day"] == "monday" and late["local"]["time"] == "00:30", late)
    ru = schedules(lang="ru")["schedules"][0]
    expect(ru["tenant"] == "Все тенанты" and ru["day_text"] == "Понедельник", ru)


@suite.case("reports__every_field_checked_before_the_cloud")
def _():
    before = cloud_creates()
    e = create("n" * 1001).fails("reports_name_too_long", rc=4)
    expect(e["details"]["length"] == 1001 and "1000" in e["message"], e)
    create("   ").fails("reports_name_invalid", rc=4)
    create("Отчет").fails("reports_name_invalid", rc=4)
    e = create(emails="soc@example.com, not-an-address").fails("reports_email_invalid", rc=4)
    expect(e["details"]["address"] == "not-an-address" and "not-an-address" in e["message"], e)
    create(emails=" , ").fails("reports_emails_required", rc=4)
    e = create(time="24:00").fails("reports_time_invalid", rc=4)
    expect(e["details"]["field"] == "time", e)
    create(day="funday").fails("not_allowed", rc=4)
    e = create(acknowledged=False).fails("reports_acknowledgement_required", rc=4)
    expect(e["details"]["field"] == "acknowledged" and "unencrypted" in e["message"], e)
    e = world.call("mdr.reports.create", {"name": "x", "emails": "a@b.io", "day": "monday",
                                          "time": "07:00"}).fails(
                                              "reports_acknowledgement_required")
    create(tenant="no-such-tenant").fails("tenant_not_found", rc=4)
    expect(cloud_creates() == before, "the cloud was asked")
    expect(create("n" * 1000).ok()["name"] == "n" * 1000)


@suite.case("reports__cloud_failure_creates_nothing")
def _():
    n = schedules()["count"]
    sbx.fault("reports/create", status=500)
    create("Faulty").fails("cloud_http")
    expect(schedules()["count"] == n)


@suite.case("reports__tenth_and_eleventh_of_a_tenant")
def _():
    t = TENANTS[0]
    for i in range(10):
        s = create(f"Tenant {i}", tenant=t["id"]).ok()
        expect(s["tenant"] == t["name"], s)
    before = cloud_creates()
    e = create("Tenant 11", tenant=t["id"]).fails("reports_tenant_limit", rc=1)
    expect(e["details"]["max"] == 10 and t["name"] in e["message"], e)
    expect(cloud_creates() == before, "the cloud was asked")


@suite.case("reports__fiftieth_and_fifty_first_of_the_organization")
def _():
    n = schedules()["count"]
    for i in range(n, 50):
        create(f"Org {i}", day="every_day", time="%02d:%02d" % (i % 24, i % 60)).ok()
    expect(schedules()["count"] == 50)
    before = cloud_creates()
    e = create("Org 51").fails("reports_limit", rc=1)
    expect(e["details"]["max"] == 50 and "50" in e["message"], e)
    expect(cloud_creates() == before, "the cloud was asked")


@suite.case("reports__disable_enable_edit_delete")
def _():
    s = schedules()["schedules"][0]
    d = world.call("mdr.reports.enable", {"id": s["id"], "enabled": False}).ok()
    expect(d["enabled"] is False, d)
    d = world.call("mdr.reports.enable", {"id": s["id"], "enabled": True}).ok()
    expect(d["enabled"] is True, d)
    world.call("mdr.reports.update", {"id": s["id"], "day": "friday"}).fails(
        "reports_acknowledgement_required")
    u = world.call("mdr.reports.update", {"id": s["id"], "day": "friday", "time": "18:45",
                                          "emails": "x@example.com", "acknowledged": True}).ok()
    expect(u["day"] == "friday" and u["time_utc"] == "18:45" and u["emails"] == ["x@example.com"]
           and u["name"] == s["name"], u)
    world.call("mdr.reports.update", {"id": s["id"], "tenant": TENANTS[0]["id"],
                                      "acknowledged": True}).fails("reports_tenant_limit")
    r = world.call("mdr.reports.delete", {"id": s["id"]}).ok()
    expect(r["deleted"] and r["name"] == s["name"], r)
    world.call("mdr.reports.delete", {"id": s["id"]}).fails("reports_schedule_not_found", rc=4)
    expect(create("Room again").ok()["name"] == "Room again")  # the 50th again


@suite.case("reports__restricted_user_sees_only_their_tenants")
def _():
    world.add_user("ada", preset="mdr.administrator")
    mine, other = TENANTS[1], TENANTS[0]
    world.call("mdr.tenants.grant", {"user": "ada", "tenants": [mine["id"]]}).ok()
    listing = schedules(user="ada")
    expect(listing["count"] == 0 and listing["hidden"] == 50, listing)
    world.call("mdr.reports.create", {"name": "Mine", "emails": "ada@example.com",
                                      "day": "monday", "time": "07:00", "acknowledged": True,
                                      "tenant": "all"}, user="ada").fails(
                                          "reports_all_tenants_not_allowed", rc=3)
    world.call("mdr.reports.create", {"name": "Theirs", "emails": "ada@example.com",
                                      "day": "monday", "time": "07:00", "acknowledged": True,
                                      "tenant": other["id"]}, user="ada").fails("tenant_not_found")
    foreign = schedules()["schedules"][0]["id"]
    world.call("mdr.reports.delete", {"id": foreign}, user="ada").fails(
        "reports_schedule_not_found")
    expect(any(s["id"] == foreign for s in schedules()["schedules"]), "deleted anyway")


suite.finish(world)
