"""MDR Health in headless Chromium at a few thousand assets: the sync started from the page
shows its progress while the sandbox holds a page of assets, then both lists are sorted by
clicking columns, filtered, searched, paged, limited to a period preset and a custom range and
downloaded as CSV, each compared with what `ksc-host call` answers for the same request; the
device details colour every component as the help says."""
import csv
import io

from selenium.webdriver.common.by import By

from web_harness import DEMO_PASSWORD, Suite, WebConsole, World, expect

from browser import Browser

SEED, ASSETS, SILENT, TENANTS = 23, 3000, 300, 3
INDICATION = {"Running": "none", "Paused": "yellow", "Starting": "yellow", "Unknown": "yellow",
              "Stopped": "red", "Failed": "red", "No license": "red", "Not installed": "red"}

suite = Suite("web_health")
world = World(sandbox_args=("--seed", str(SEED), "--assets", str(ASSETS), "--tenants",
                            str(TENANTS)))
world.host_ok("devices", "generate", "--count", str(ASSETS + SILENT), "--never-sent", str(SILENT),
              "--seed", str(SEED), "--tenants", str(TENANTS))
world.activate()
web = WebConsole(world)
web.set_password("admin")
b = Browser(web, "health")


def cli(action, request):
    return world.call(action, request).ok()


def shown_total():
    """The total the page shows (read in one script: the list is re-rendered under us)."""
    return b.driver.execute_script(
        "const e = document.getElementById('health-total');"
        "return e ? Number(e.getAttribute('data-total')) : null;")


def first_cell():
    return b.driver.execute_script(
        "const e = document.querySelector('#health-table tbody tr td');"
        "return e ? e.textContent : null;")


def wait_total(total):
    try:
        b.wait(lambda d: shown_total() == total)
    except Exception:
        error = b.driver.execute_script("return document.getElementById('health-error').textContent")
        raise AssertionError(f"the page shows {shown_total()} (error: {error!r}), expected {total}")


@suite.case("web_health__sync_from_the_page_shows_progress")
def _():
    b.open()
    b.sign_in("admin", DEMO_PASSWORD)
    b.tab("health", "#health-sync")
    world.sandbox.fault("assets/list", count=1, hold=True)
    b.click("#health-sync-now")
    b.find("#health-sync-progress")
    world.sandbox.wait_held(1)
    b.text_in("#health-sync-progress", "Synchronizing")
    b.screenshot("20-health-sync-progress")
    world.sandbox.release_held()
    b.text_in("#health-sync-result", "Synchronized")
    st = cli("mdr.health.status", {})
    expect(st["assets"] == ASSETS and not st["running"], st)


@suite.case("web_health__period_all_and_sort_by_column")
def _():
    b.select("#health-period", "all")
    wait_total(ASSETS)
    b.click('th[data-sort="host_name"]')
    want = cli("mdr.health.assets", {"last_seen": {"all": True}, "sort": "host_name:asc",
                                     "page_size": 50})["items"]
    b.wait(lambda d: first_cell() == want[0]["host_name"])
    rows = [r.find_element(By.CSS_SELECTOR, "td").text for r in b.all("#health-table tbody tr")]
    expect(rows == [a["host_name"] for a in want], rows[:3])
    b.click('th[data-sort="host_name"]')
    want = cli("mdr.health.assets", {"last_seen": {"all": True}, "sort": "host_name:desc",
                                     "page_size": 1})["items"]
    b.wait(lambda d: first_cell() == want[0]["host_name"])
    b.screenshot("21-health-assets-sorted")


@suite.case("web_health__status_filter_search_and_paging")
def _():
    b.click('#filter-statuses input[value="CRITICAL"]')
    want = cli("mdr.health.assets", {"last_seen": {"all": True}, "statuses": ["CRITICAL"]})
    wait_total(want["total"])
    b.click('#filter-statuses input[value="CRITICAL"]')  # off again
    wait_total(ASSETS)
    name = cli("mdr.health.assets", {"last_seen": {"all": True}, "page_size": 1})["items"][0]
    term = name["host_name"][:-1]
    b.type("#health-search", term)
    b.click("#health-search-submit")
    want = cli("mdr.health.assets", {"last_seen": {"all": True}, "search": term})
    wait_total(want["total"])
    b.type("#health-search", "")
    b.click("#health-search-submit")
    wait_total(ASSETS)
    page2 = cli("mdr.health.assets", {"last_seen": {"all": True}, "sort": "host_name:desc",
                                      "page": 2, "page_size": 50})["items"]
    b.click("#health-next")
    b.text_in("#health-page", "2 /")
    b.wait(lambda d: first_cell() == page2[0]["host_name"])
    b.click("#health-prev")
    b.text_in("#health-page", "1 /")


@suite.case("web_health__period_preset_and_custom_range")
def _():
    b.select("#health-period", "7")
    want = cli("mdr.health.assets", {"last_seen": {"days": 7}})
    wait_total(want["total"])
    b.select("#health-period", "custom")
    b.find("#health-from")
    st = cli("mdr.health.assets", {"last_seen": {"all": True}, "sort": "last_seen:asc",
                                   "page_size": 1})["items"][0]
    import datetime
    day = datetime.datetime.utcfromtimestamp(st["last_seen"] / 1000).date()
    frm, to = day, day + datetime.timedelta(days=20)
    b.driver.execute_script("document.getElementById('health-from').value = arguments[0];"
                            "document.getElementById('health-to').value = arguments[1];",
                            frm.isoformat(), to.isoformat())
    b.click("#health-range-apply")
    start = int(datetime.datetime(frm.year, frm.month, frm.day,
                                  tzinfo=datetime.timezone.utc).timestamp() * 1000)
    end = int(datetime.datetime(to.year, to.month, to.day,
                                tzinfo=datetime.timezone.utc).timestamp() * 1000) + 86400000 - 1
    want = cli("mdr.health.assets", {"last_seen": {"from": start, "to": end}})
    expect(0 < want["total"], want["total"])
    wait_total(want["total"])
    b.screenshot("22-health-custom-range")


@suite.case("web_health__csv_equals_the_list")
def _():
    b.select("#health-period", "all")
    wait_total(ASSETS)
    b.click("#health-csv")
    name = b.downloaded(".csv")
    data = open(b.downloads + "/" + name, "rb").read()
    out = world.tmp + "/cli-assets.csv"
    world.call("mdr.health.export", {"list": "assets", "filter": {"last_seen": {"all": True}},
                                     "sort": "host_name:desc"}, output=out).ok()
    expect(data == open(out, "rb").read(), "the page's CSV differs from call --output")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    expect(len(rows) == ASSETS + 1, len(rows))


@suite.case("web_health__malfunctioning_preset_and_device_colours")
def _():
    b.click("#health-list-malfunctioning")
    wait_total(SILENT)
    b.select("#health-preset", "license_missing")
    want = cli("mdr.health.malfunctioning", {"preset": "license_missing"})
    wait_total(want["total"])
    b.select("#health-preset", "")
    wait_total(SILENT)
    b.click('#filter-mdr_states input[value="Failed"]')
    want = cli("mdr.health.malfunctioning", {"mdr_states": ["Failed"]})
    wait_total(want["total"])
    b.click('#filter-mdr_states input[value="Failed"]')
    wait_total(SILENT)
    b.click('th[data-sort="critical"]')
    b.screenshot("23-health-malfunctioning")
    link = b.find("#health-table tbody tr a.device-link")
    device_id = b.find("#health-table tbody tr").get_attribute("data-device")
    link.click()
    b.find("#device-components")
    device = cli("mdr.health.device", {"device_id": device_id})
    for app in device["applications"]:
        for comp in app["components"]:
            li = [x for x in b.all("#device-components li[data-component]")
                  if x.get_attribute("data-component") == comp["name"]]
            expect(li, comp["name"])
            cls = li[0].get_attribute("class")
            expect(("indication " + INDICATION[comp["state"]]) in cls, comp, cls)
    sd = b.find('#device-components li[data-component="Self-Defense"]').get_attribute("class")
    expect(("red" in sd) == (not device["self_defense"]), sd, device["self_defense"])
    b.screenshot("24-health-device-details")


@suite.case("web_health__monitoring_widget_at_scale")
def _():
    b.tab("widget", "#widget-chart")
    s = cli("mdr.health.summary", {"per_tenant": True})
    counts = [int(x.get_attribute("data-count")) for x in b.all("#widget-chart rect")]
    expect(counts == [x["count"] for x in s["by_status"]] and sum(counts) == ASSETS, counts)
    rows = b.all("#widget-tenants tbody tr")
    expect(len(rows) == len(s["tenants"]), len(rows), s["tenants"])
    b.screenshot("25-monitoring-widget-3000-assets")


suite.finish(world)
