"""Headless Chromium driven by Selenium (Debian's chromium, chromium-driver, python3-selenium).

The browser trusts only the web console's own certificate: --ignore-certificate-errors-spki-list
pins the SHA-256 of its public key, so TLS is still checked (another key is refused). Files
the page downloads land in a folder of the test's World; screenshots go to SCREENSHOTS.
Every wait is an explicit condition with a generous limit, never a sleep.
"""
import base64
import hashlib
import os
import subprocess


from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from web_harness import ROOT

SCREENSHOTS = os.environ.get("WEB_SCREENSHOTS", os.path.join(ROOT, "tests", "web", "screenshots"))
WAIT_S = 120


def spki_sha256(cert_pem):
    der = subprocess.run(["openssl", "x509", "-in", cert_pem, "-pubkey", "-noout"],
                         capture_output=True, check=True).stdout
    key = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=der,
                         capture_output=True, check=True).stdout
    return base64.b64encode(hashlib.sha256(key).digest()).decode()


class Browser:
    def __init__(self, web, name):
        self.web = web
        self.downloads = os.path.join(web.world.tmp, "downloads-" + name)
        os.makedirs(self.downloads, exist_ok=True)
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1280,900", "--lang=en-US",
                    "--user-data-dir=" + os.path.join(web.world.tmp, "chrome-" + name),
                    "--ignore-certificate-errors-spki-list=" + spki_sha256(
                        os.path.join(web.world.sandbox.certs, "server.pem"))]:
            opts.add_argument(arg)
        opts.add_experimental_option("prefs", {"download.default_directory": self.downloads,
                                               "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                                    {"behavior": "allow", "downloadPath": self.downloads})
        web.world.proxies.append(self)  # closed with the World

    def stop(self):
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - already gone
            pass

    # ---- finding and waiting -----------------------------------------------------
    def wait(self, condition, timeout=WAIT_S):
        # A tab re-renders its panel after each answer: an element read in the condition may
        # be replaced under it, which only means "not yet".
        return WebDriverWait(self.driver, timeout,
                             ignored_exceptions=(StaleElementReferenceException,)).until(condition)

    def find(self, css):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def gone(self, css):
        return self.wait(EC.invisibility_of_element_located((By.CSS_SELECTOR, css)))

    def text_in(self, css, text):
        return self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def click(self, css):
        def clicked(d):
            element = EC.element_to_be_clickable((By.CSS_SELECTOR, css))(d)
            if not element:
                return False
            element.click()  # stale after it was found: the wait tries again
            return True
        self.wait(clicked)

    def type(self, css, text):
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def select(self, css, value):
        Select(self.find(css)).select_by_value(value)

    # ---- the console -------------------------------------------------------------
    def open(self):
        self.driver.get(self.web.url)
        self.find("#sign-in, #console")

    def sign_in(self, user, password):
        self.find("#sign-in")
        self.type("#sign-in-user", user)
        self.type("#sign-in-password", password)
        self.click("#sign-in-submit")

    def tab(self, tab_id, ready_css):
        self.click("#tab-" + tab_id)
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, "#tab-panel").get_attribute(
            "data-tab") == tab_id)
        return self.find(ready_css)

    def screenshot(self, name):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        self.driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))

    def downloaded(self, suffix, timeout=WAIT_S):
        """The name of the first finished download ending in suffix."""
        def done(_):
            names = [n for n in os.listdir(self.downloads)
                     if n.endswith(suffix) and not n.endswith(".crdownload")]
            return names[0] if names else False
        return self.wait(done, timeout)

    def fetch(self, path, body, headers):
        """A POST from inside the page (same origin, the session cookie), as a script would."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {method: 'POST', credentials: 'same-origin', headers: arguments[2],"
            " body: JSON.stringify(arguments[1])}).then(async r => done({status: r.status,"
            " body: await r.json()}), e => done({status: 0, body: String(e)}));",
            path, body, headers)


