"""The web console (/_emulator/ui/) and the embeddable dashboards, in a real browser: headless
Chromium (Debian's chromium and chromium-driver) driven by Selenium. What the pages must show
is read from the API through the SDK, never hard-coded.

Screenshots go to $METRONOME_EMULATOR_SCREENSHOTS if set, else to pytest's tmp_path."""

from __future__ import annotations

import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from helpers import freeze_clock, get_clock, parse_ts, utc
from pricing_helpers import FIXTURE_PRODUCT_IDS, STANDARD_RATE_CARD_ID

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # only tolerated off CI, see below
    webdriver = None

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)

if webdriver is None or CHROMIUM is None or CHROMEDRIVER is None:
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser tests: install chromium, chromium-driver and selenium (.ci/run does)", pytrace=False)
    pytest.skip("needs chromium, chromium-driver and selenium (apt-get install chromium chromium-driver; pip install selenium)",
                allow_module_level=True)

MAR1 = utc(2026, 3, 1)
MAR15 = utc(2026, 3, 15, 12)
WAIT_S = 15


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("METRONOME_EMULATOR_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def wait_for(driver, css: str, condition=lambda element: True, timeout: float = WAIT_S):
    """The first element matching css for which condition holds, waited for."""
    def found(d):
        for element in d.find_elements(By.CSS_SELECTOR, css):
            try:
                if condition(element):
                    return element
            except StaleElementReferenceException:  # the page redrew it meanwhile: look again
                return False
        return False
    return WebDriverWait(driver, timeout).until(found, f"no element {css} as expected")


def console_errors(driver) -> list:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def money(total: float) -> str:
    """An amount of USD (cents) as the console shows it: dollars, 2 to 4 decimals."""
    text = f"{abs(total) / 100:,.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return ("-$" if total < 0 else "$") + text


def customer_with_usage(client, http) -> tuple[str, str]:
    """A customer on a contract from March 1 with two weeks of API calls, the clock on March 15."""
    freeze_clock(http, MAR15)
    name = f"Console Co {time.time_ns()}"
    customer_id = client.v1.customers.create(name=name, ingest_aliases=[f"console-{time.time_ns()}"]).data.id
    client.v1.contracts.create(customer_id=customer_id, starting_at=MAR1, rate_card_id=STANDARD_RATE_CARD_ID)
    events = [
        {"transaction_id": f"console-{customer_id}-{day}-{n}", "customer_id": customer_id, "event_type": "api_call",
         "timestamp": (MAR1 + timedelta(days=day, hours=n)).isoformat().replace("+00:00", "Z"),
         "properties": {"endpoint": "/v1/run"}}
        for day in range(14) for n in range(day % 5 + 1)
    ]
    client.v1.usage.ingest(usage=events)
    return customer_id, name


def draft_total(client, customer_id: str) -> float:
    drafts = [invoice for invoice in client.v1.customers.invoices.list(customer_id=customer_id, status="DRAFT")]
    assert len(drafts) == 1, drafts
    assert drafts[0].total > 0
    return drafts[0].total


def test_a_customer_made_through_the_api_shows_with_its_draft_invoice_and_usage(client, http, base_url, browser, shots):
    customer_id, name = customer_with_usage(client, http)
    expected_total = money(draft_total(client, customer_id))
    browser.get(base_url + "/_emulator/ui/")
    wait_for(browser, "#customers a.customer-link", lambda a: a.text == name)
    wait_for(browser, "#count-customers b", lambda b: b.text == "1")

    search = browser.find_element(By.ID, "customer-search")
    search.clear()
    search.send_keys(name.split()[-1])
    search.submit()
    link = wait_for(browser, f"tr[data-customer-id='{customer_id}'] a.customer-link")
    browser.save_screenshot(str(shots / "console-home.png"))
    link.click()

    wait_for(browser, "#customer-name", lambda h: name in h.text)
    wait_for(browser, "#draft-invoices .invoice-total", lambda b: b.text == expected_total)
    wait_for(browser, "#contracts tr[data-contract-id]")
    bars = WebDriverWait(browser, WAIT_S).until(
        lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#usage svg.usage-chart rect.bar") if float(r.get_attribute("data-value")) > 0],
        "the usage chart drew no bars",
    )
    assert len(bars) == 14
    wait_for(browser, "#invoices tr[data-invoice-id]")
    browser.save_screenshot(str(shots / "console-customer.png"))

    browser.get(base_url + "/_emulator/ui/#/catalog")
    wait_for(browser, "#rate-cards .rate-card")
    browser.get(base_url + "/_emulator/ui/#/emulator")
    wait_for(browser, "#requests tr")
    assert console_errors(browser) == []


def test_the_clock_control_moves_the_clock(http, base_url, browser, shots):
    freeze_clock(http, MAR15)
    browser.get(base_url + "/_emulator/ui/")
    wait_for(browser, "#clock-now", lambda b: b.text.startswith("2026-03-15T12:00:00"))
    by = browser.find_element(By.ID, "clock-by")
    by.clear()
    by.send_keys("P2D")
    browser.find_element(By.ID, "clock-advance-button").click()
    wait_for(browser, "#clock-now", lambda b: b.text.startswith("2026-03-17T12:00:00"))
    clock = get_clock(http)
    assert parse_ts(clock["now"]) == MAR15 + timedelta(days=2) and clock["frozen"] is True
    browser.save_screenshot(str(shots / "console-clock.png"))
    assert console_errors(browser) == []


def test_an_embeddable_url_renders_the_invoices_with_the_colour_overrides(client, http, base_url, browser, shots):
    customer_id, _ = customer_with_usage(client, http)
    expected_total = money(draft_total(client, customer_id))
    url = client.v1.dashboards.get_embeddable_url(
        customer_id=customer_id, dashboard="invoices",
        color_overrides=[{"name": "Primary_medium", "value": "#ff0000"}],
        dashboard_options=[{"key": "show_zero_usage_line_items", "value": "false"}],
    ).data.url
    assert url and url.startswith(base_url + "/_emulator/ui/embed/")
    browser.get(url)
    wait_for(browser, ".draft-invoice .invoice-total", lambda b: b.text == expected_total)
    assert browser.find_elements(By.CSS_SELECTOR, "header.chrome") == []
    colour = browser.execute_script("return getComputedStyle(document.documentElement).getPropertyValue('--Primary_medium').trim()")
    assert colour == "#ff0000"
    browser.save_screenshot(str(shots / "embedded-invoices.png"))

    usage_url = client.v1.dashboards.get_embeddable_url(customer_id=customer_id, dashboard="usage").data.url
    browser.get(usage_url)
    wait_for(browser, "svg.usage-chart rect.bar", lambda r: float(r.get_attribute("data-value")) > 0)
    browser.save_screenshot(str(shots / "embedded-usage.png"))
    assert console_errors(browser) == []


def test_the_credits_dashboard_shows_each_credit_with_the_balance_the_api_reports(client, http, browser, shots):
    customer_id, _ = customer_with_usage(client, http)
    credit_id = client.v1.customers.credits.create(
        customer_id=customer_id, priority=1, product_id=FIXTURE_PRODUCT_IDS["prepaid_commit"], name="Launch credit",
        access_schedule={"schedule_items": [{"amount": 5000, "starting_at": MAR1, "ending_before": utc(2027, 1, 1)}]},
    ).data.id
    credit = next(c for c in client.v1.customers.credits.list(customer_id=customer_id, include_balance=True) if c.id == credit_id)
    url = client.v1.dashboards.get_embeddable_url(customer_id=customer_id, dashboard="credits").data.url
    browser.get(url)
    row = wait_for(browser, f"#credits tr[data-commit-id='{credit_id}']")
    assert "Launch credit" in row.text and money(credit.balance) in row.text
    assert browser.find_elements(By.CSS_SELECTOR, "#commits") == []  # "credits" shows no commits
    browser.save_screenshot(str(shots / "embedded-credits.png"))
    assert console_errors(browser) == []


def test_the_console_asks_for_the_key_of_a_guarded_emulator(spawn_emulator, browser, shots):
    guarded = spawn_emulator("--api-key", "console-key", "--guard-control-plane")
    with httpx.Client(base_url=guarded.base_url, headers={"Authorization": "Bearer console-key"}) as http:
        assert http.post("/v1/customers", json={"name": "Guarded Co"}).status_code == 200
    browser.get(guarded.base_url + "/_emulator/ui/")
    browser.execute_script("sessionStorage.clear()")
    browser.get(guarded.base_url + "/_emulator/ui/")
    form = wait_for(browser, "#token-form", lambda f: f.is_displayed())
    browser.find_element(By.ID, "token-input").send_keys("console-key")
    form.find_element(By.CSS_SELECTOR, "button").click()
    wait_for(browser, "#customers a.customer-link", lambda a: a.text == "Guarded Co")
    browser.save_screenshot(str(shots / "console-guarded.png"))
    # The 401s that made the console ask are the only errors the browser saw.
    assert all("401" in entry["message"] for entry in console_errors(browser))


def test_customers_are_paged_on_the_server_newest_first(client, base_url, browser):
    ids = [client.v1.customers.create(name=f"Paged {i:02d}").data.id for i in range(27)]
    browser.get(base_url + "/_emulator/ui/")
    wait_for(browser, "#customers tr[data-customer-id]")
    rows = browser.find_elements(By.CSS_SELECTOR, "#customers tr[data-customer-id]")
    assert [r.get_attribute("data-customer-id") for r in rows] == ids[::-1][:25]
    browser.find_element(By.ID, "customers-next").click()
    wait_for(browser, f"#customers tr[data-customer-id='{ids[1]}']")
    rows = browser.find_elements(By.CSS_SELECTOR, "#customers tr[data-customer-id]")
    assert [r.get_attribute("data-customer-id") for r in rows] == [ids[1], ids[0]]
    assert console_errors(browser) == []
