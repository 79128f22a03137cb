"""Drives `verdict review` pages in headless Chromium, as a person would use them.

Run by scripts/browser-test.sh, which builds Verdict, writes the pages and installs
Chromium, its driver and Selenium. Arguments: the verdict binary and the folder of pages.
Each check compares what the page shows with what Verdict's own commands say
(`verdict sample` for the listed calls, the result lines for evidence and triggers).
Screenshots go to the same folder.
"""
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

VERDICT = sys.argv[1]
OUT = Path(sys.argv[2])
FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL", message)


def browser(width, height):
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={max(width, 500)},{height}", "--hide-scrollbars"]:
        options.add_argument(flag)
    if width < 500:
        # Chromium's windows are at least 500 px wide: a narrower screen is emulated.
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1}})
    service = Service(executable_path=subprocess.run(["sh", "-c", "command -v chromedriver"],
                                                     capture_output=True, text=True).stdout.strip() or None)
    return webdriver.Chrome(options=options, service=service)


def url(page, **state):
    return page.resolve().as_uri() + "#" + urllib.parse.urlencode(state, quote_via=urllib.parse.quote)


def results(path):
    lines = {}
    for line in Path(path).read_text().splitlines():
        record = json.loads(line)
        if "metrics" in record:
            lines.setdefault(record["id"], record)
    return lines


def sample(results_path, metric, outcome, is_status, n=50, seed=1):
    flag = "--status" if is_status else "--value"
    run = subprocess.run([VERDICT, "sample", "--metric", metric, flag, outcome, "-n", str(n), "--seed", str(seed),
                          str(results_path)], capture_output=True, text=True)
    return run.stdout.split()


def listed(driver):
    return [li.get_attribute("data-conversation-id") for li in driver.find_elements(By.CSS_SELECTOR, "#list li")]


def open_page(driver, address):
    driver.get("about:blank")
    driver.get(address)


def check_every_filter(driver, page, results_path, name, limit_metrics=None):
    """Picks each metric and each outcome through the controls; the list must be
    `verdict sample`'s draw, and each call's marks must be the result line's."""
    open_page(driver, url(page))
    by_id = results(results_path)
    select = Select(driver.find_element(By.ID, "metric"))
    metrics = [o.get_attribute("value") for o in select.options][:limit_metrics]
    checked_calls = 0
    for metric in metrics:
        Select(driver.find_element(By.ID, "metric")).select_by_value(metric)
        buttons = driver.find_elements(By.CSS_SELECTOR, "#outcomes button")
        outcomes = [(b.get_attribute("data-outcome"), b) for b in buttons]
        for index in range(len(outcomes)):
            button = driver.find_elements(By.CSS_SELECTOR, "#outcomes button")[index]
            outcome = button.get_attribute("data-outcome")
            # The page says which outcomes are statuses; a label may be spelt like one.
            is_status = button.get_attribute("data-status") == "true"
            button.click()
            ids = listed(driver)
            expected = sample(results_path, metric, outcome, is_status)
            if driver.find_elements(By.CSS_SELECTOR, "#list li .value"):
                # A number metric's calls are listed from the lowest value to the highest.
                values = {cid: by_id[cid]["metrics"][metric]["value"] for cid in expected}
                expected = sorted(expected, key=lambda cid: (values[cid], cid))
                shown = [float(s.get_attribute("data-value")) for s in driver.find_elements(By.CSS_SELECTOR, "#list li .value")]
                check(shown == sorted(shown), f"{name}: {metric} / {outcome}: values not in order: {shown[:6]}")
            check(ids == expected, f"{name}: {metric} / {outcome}: listed {ids[:5]}… but verdict sample draws {expected[:5]}…")
            fragment = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).fragment)
            key = "status" if is_status else "outcome"
            check(fragment.get("metric") == [metric] and fragment.get(key) == [outcome],
                  f"{name}: the address does not say {metric} / {key} {outcome}: {driver.current_url}")
            # Open the first two calls: the marks must be the result line's.
            for li_index in range(min(2, len(ids))):
                driver.find_elements(By.CSS_SELECTOR, "#list li")[li_index].click()
                cid = ids[li_index]
                result = by_id[cid]["metrics"][metric]
                evidence = sorted(int(tr.get_attribute("data-event-index"))
                                  for tr in driver.find_elements(By.CSS_SELECTOR, "#detail tr[data-evidence]"))
                check(evidence == sorted(result["evidence"]), f"{name}: {cid} {metric}: evidence {evidence} ≠ {result['evidence']}")
                triggers = [int(tr.get_attribute("data-trigger") and tr.get_attribute("data-event-index"))
                            for tr in driver.find_elements(By.CSS_SELECTOR, "#detail tr[data-trigger]")]
                want = [] if result["triggered_at"] is None else [result["triggered_at"]]
                # A trigger past the last event (an empty conversation) marks no row.
                rows = len(driver.find_elements(By.CSS_SELECTOR, "#detail tr[data-event-index]"))
                want = [k for k in want if k < rows]
                check(triggers == want, f"{name}: {cid} {metric}: trigger {triggers} ≠ {want}")
                verdict = driver.find_element(By.CSS_SELECTOR, "#detail .verdict").text
                shown = result["value"] if result["status"] == "ok" else result["status"]
                shown = {True: "true", False: "false"}.get(shown, shown) if isinstance(shown, bool) else shown
                check(str(verdict) == str(shown) or (isinstance(shown, (int, float)) and float(verdict) == float(shown)),
                      f"{name}: {cid} {metric}: shows {verdict}, result says {shown}")
                checked_calls += 1
    return checked_calls


def main():
    bundled, bundled_results = OUT / "bundled.html", OUT / "bundled.jsonl"
    big, big_results = OUT / "generated.html", OUT / "generated.jsonl"
    driver = browser(1360, 1000)
    try:
        # Deep links open the filter and the call they name.
        open_page(driver, url(bundled, metric="Booking: completed", outcome="false", conversation="EC-23"))
        check(driver.find_element(By.CSS_SELECTOR, "#detail h2").text == "EC-23", "deep link: EC-23 is not open")
        check(Select(driver.find_element(By.ID, "metric")).first_selected_option.get_attribute("value") == "Booking: completed",
              "deep link: the metric is not chosen")
        selected = driver.find_element(By.CSS_SELECTOR, "#outcomes button[aria-selected=true]").get_attribute("data-outcome")
        check(selected == "false", f"deep link: outcome {selected}, not false")
        check(listed(driver) == sample(bundled_results, "Booking: completed", "false", False),
              "deep link: the listed calls are not verdict sample's")
        tree = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#detail ul.tree > li")]
        check(len(tree) == 2 and "applies when" in tree[0] and "in this order, within 2 turns" in tree[1],
              f"deep link: the condition tree is not explain's, in words: {tree}")
        hover = [li.get_attribute("title") for li in driver.find_elements(By.CSS_SELECTOR, "#detail ul.tree li")]
        check("sequence within 2 turns" in hover, f"deep link: the rule as written is not on hover: {hover}")
        driver.save_screenshot(str(OUT / "review-bundled.png"))

        # Keyboard: arrows move through the list and open each call.
        ids = listed(driver)
        position = ids.index("EC-23")
        driver.find_element(By.ID, "list").send_keys(Keys.ARROW_DOWN)
        check(driver.find_element(By.CSS_SELECTOR, "#detail h2").text == ids[position + 1], "ArrowDown does not open the next call")
        driver.find_element(By.ID, "list").send_keys(Keys.ARROW_UP)
        driver.find_element(By.ID, "list").send_keys(Keys.ARROW_UP)
        check(driver.find_element(By.CSS_SELECTOR, "#detail h2").text == ids[position - 1], "ArrowUp does not open the previous call")

        # Search by id.
        box = driver.find_element(By.ID, "search")
        box.send_keys("ec-2")
        check(listed(driver) == [i for i in ids if "ec-2" in i.lower()], "search does not filter the list by id")
        box.clear()
        box.send_keys(Keys.BACKSPACE)

        # Another metric's outcome, from the call's list of every metric.
        open_page(driver, url(bundled, metric="Booking: completed", outcome="false", conversation="EC-23"))
        driver.find_element(By.CSS_SELECTOR, "#detail ul.others li[data-metric='Greeting: prompt'] a").click()
        fragment = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).fragment)
        check(fragment.get("metric") == ["Greeting: prompt"] and fragment.get("conversation") == ["EC-23"],
              f"choosing another metric of the call: {driver.current_url}")

        calls = check_every_filter(driver, bundled, bundled_results, "bundled")
        print(f"bundled: every metric and outcome listed as verdict sample draws it; {calls} calls opened")

        # Untrusted text stays text.
        hostile = OUT / "hostile.html"
        open_page(driver, url(hostile, metric="Greeted", outcome="true", conversation="<img src=x onerror=alert(1)></script>"))
        check(not driver.find_elements(By.CSS_SELECTOR, "#detail img, #list img"), "hostile: markup from a transcript became elements")
        text = driver.find_element(By.ID, "detail").text
        check("<b>hello</b> </script><script>window.pwned=1</script>" in text, "hostile: the transcript's text is not shown as written")
        check(driver.execute_script("return window.pwned === undefined"), "hostile: a script from a transcript ran")

        # Ids that are names of JavaScript's own object members find nothing, and blank nothing.
        for name in ["__proto__", "toString", "constructor", "hasOwnProperty"]:
            open_page(driver, url(bundled, metric="Booking: completed", conversation=name))
            check(listed(driver), f"#conversation={name}: the list is empty")
            check("Pick a call" in driver.find_element(By.ID, "detail").text, f"#conversation={name}: the page does not offer a call")
            check(len(Select(driver.find_element(By.ID, "metric")).options) > 5, f"#conversation={name}: the metrics are gone")

        # A link that names an outcome the page lacks says so.
        open_page(driver, url(bundled, metric="Booking: completed", outcome="maybe"))
        notice = driver.find_element(By.ID, "missing")
        check(notice.is_displayed() and "no outcome “maybe”" in notice.text, f"a missing outcome is not named: {notice.text!r}")

        # The report links into the review, and every link finds its outcome there.
        open_page(driver, (OUT / "report.html").resolve().as_uri())
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "a")]
        review_links = sorted({h for h in links if h and "bundled.html#metric=" in h})
        check(len(review_links) > 20, f"report: only {len(review_links)} links into the review")
        lacking = []
        for link in review_links:
            driver.get(link)
            driver.execute_script("window.dispatchEvent(new HashChangeEvent('hashchange'))")
            if driver.find_element(By.ID, "missing").is_displayed() or not listed(driver):
                lacking.append(urllib.parse.unquote(link.split("#", 1)[1]))
        check(not lacking, f"report: {len(lacking)} links name an outcome the review lacks: {lacking[:5]}")
        print(f"report: {len(review_links)} links into the review, each finds its outcome")
        driver.get(review_links[0])
        check(listed(driver), "report: following a link lists no call")
        driver.set_window_size(1100, 1400)
        open_page(driver, (OUT / "report.html").resolve().as_uri())
        driver.save_screenshot(str(OUT / "report-top.png"))
        driver.execute_script("document.querySelectorAll('section')[5].scrollIntoView()")
        driver.save_screenshot(str(OUT / "report-trends.png"))
        driver.execute_script("document.querySelectorAll('section')[6].scrollIntoView()")
        driver.save_screenshot(str(OUT / "report-why.png"))
    finally:
        driver.quit()

    # Phone-sized windows: neither page is wider than the screen (tables and wide charts
    # scroll inside their card), and no chart label is drawn smaller than 10 px.
    for phone in (360, 420):
        narrow = browser(phone, 1600)
        try:
            open_page(narrow, url(bundled, metric="Handoff: seconds waited", status="ok", conversation="EC-02"))
            viewport = narrow.execute_script("return window.innerWidth")
            width = narrow.execute_script("return document.documentElement.scrollWidth")
            check(viewport == phone, f"{phone} px: the window is {viewport} px wide")
            check(width <= phone, f"review {phone} px: the page is {width} px wide")
            narrow.save_screenshot(str(OUT / f"review-{phone}px.png"))
            open_page(narrow, (OUT / "report.html").resolve().as_uri())
            width = narrow.execute_script("return document.documentElement.scrollWidth")
            check(width <= phone, f"report {phone} px: the page is {width} px wide")
            smallest = narrow.execute_script("""
                var least = 99;
                document.querySelectorAll('svg text').forEach(function (t) {
                  var r = t.getBoundingClientRect(); if (r.height > 0) least = Math.min(least, parseFloat(getComputedStyle(t).fontSize) * (t.ownerSVGElement.getBoundingClientRect().width / t.ownerSVGElement.viewBox.baseVal.width));
                });
                return least;""")
            check(smallest >= 9.99, f"report {phone} px: a chart label is drawn at {smallest:.1f} px")
            narrow.save_screenshot(str(OUT / f"report-{phone}px.png"))
        finally:
            narrow.quit()

    # Definitions, words and snippets, as a person reads them.
    driver = browser(1360, 1000)
    try:
        open_page(driver, url(bundled, metric="Booking: completed", outcome="false"))
        definition = driver.find_element(By.ID, "definition").text
        check(definition.startswith("True when a reservation was created"), f"review: the definition shown is {definition[:60]!r}")
        snippets = [s.text for s in driver.find_elements(By.CSS_SELECTOR, "#list li .snippet")]
        check(any(snippets), "review: no listed call shows a snippet")
        driver.find_elements(By.CSS_SELECTOR, "#list li")[0].click()
        words = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#detail ul.tree li")]
        check(any("the agent said a phrase of confirmation" in w for w in words), f"review: the why tree is not in words: {words[:3]}")
        titles = [li.get_attribute("title") for li in driver.find_elements(By.CSS_SELECTOR, "#detail ul.tree li")]
        check(any("agent says a phrase of confirmation" in (t or "") for t in titles), "review: the rule as written is not on hover")
        open_page(driver, (OUT / "report.html").resolve().as_uri())
        defined = driver.find_elements(By.CSS_SELECTOR, "#definitions dd")
        check(len(defined) >= 10, f"report: {len(defined)} definitions shown")
        driver.set_window_size(1400, 1000)
        driver.save_screenshot(str(OUT / "report-1400px.png"))
        open_page(driver, url(bundled, metric="Payment: card number requests", status="ok"))
        driver.find_element(By.ID, "highest").click()
        chosen = driver.find_element(By.CSS_SELECTOR, "#list li[aria-selected=true] .value").get_attribute("data-value")
        values = [float(s.get_attribute("data-value")) for s in driver.find_elements(By.CSS_SELECTOR, "#list li .value")]
        check(float(chosen) == max(values), f"review: 'highest value' opened {chosen}, the highest is {max(values)}")
        driver.set_window_size(1400, 1000)
        driver.save_screenshot(str(OUT / "review-1400px.png"))
    finally:
        driver.quit()

    # An opened call shows its trigger: the call and metric with the latest trigger, on a phone.
    latest = max(((r["metrics"][m]["triggered_at"] or -1, cid, m) for cid, r in results(bundled_results).items()
                  for m in r["metrics"] if r["metrics"][m]["status"] == "ok"), key=lambda t: (t[0], t[1], t[2]))
    trigger_at, cid, metric = latest
    result = results(bundled_results)[cid]["metrics"][metric]
    outcome = {True: "true", False: "false"}.get(result["value"], result["value"])
    phone = browser(420, 700)
    try:
        key = "status" if isinstance(result["value"], (int, float)) and not isinstance(result["value"], bool) else "outcome"
        open_page(phone, url(bundled, metric=metric, **{key: "ok" if key == "status" else str(outcome)}, conversation=cid))
        top = phone.execute_script("var t = document.querySelector('#detail tr[data-trigger]'); return t ? t.getBoundingClientRect().top : null")
        height = phone.execute_script("return window.innerHeight")
        check(top is not None and 0 <= top < height, f"review: {cid} {metric}: the trigger (event {trigger_at}) is at {top}, outside the {height} px window")
    finally:
        phone.quit()
    print(f"review: {cid} opens at its trigger, event {trigger_at}")
    print("pages: definitions, words, snippets and number order shown; both pages within 360 and 420 px phones")

    # compare: one row per metric, as the JSON says, each boolean with its forest-plot mark;
    # at 1360 and 420 px the page is no wider than the window (tables scroll in their card).
    compared = json.loads((OUT / "compare.json").read_text())
    for width in (1360, 420):
        window = browser(width, 1200)
        try:
            open_page(window, (OUT / "compare.html").resolve().as_uri())
            rows = window.find_elements(By.CSS_SELECTOR, "tr[data-metric]")
            check(sorted(r.get_attribute("data-metric") for r in rows) == sorted(m["name"] for m in compared["metrics"]),
                  f"compare {width} px: the rows are not the metrics of the JSON")
            marks = window.find_elements(By.CSS_SELECTOR, "tr[data-metric] svg circle")
            booleans = [m for m in compared["metrics"] if m["type"] == "boolean" and m["ci"] is not None]
            check(len(marks) == len(booleans), f"compare {width} px: {len(marks)} forest marks for {len(booleans)} boolean metrics")
            significant = window.find_elements(By.CSS_SELECTOR, "tr.significant")
            check(len(significant) == sum(m["significant"] for m in compared["metrics"]), f"compare {width} px: significant rows differ from the JSON")
            scroll = window.execute_script("return document.documentElement.scrollWidth")
            inner = window.execute_script("return window.innerWidth")
            check(scroll <= inner, f"compare {width} px: the page is {scroll} px wide in a {inner} px window")
            window.save_screenshot(str(OUT / f"compare-{width}px.png"))
            open_page(window, (OUT / "cohorts.html").resolve().as_uri())
            cohort_rows = window.find_elements(By.CSS_SELECTOR, "#cohorts table.cohorts tr")
            check(len(cohort_rows) > 10, f"cohorts {width} px: only {len(cohort_rows)} rows in the cohort tables")
            own = window.execute_script("var c = document.getElementById('cohorts'); return [c.scrollWidth, c.clientWidth]")
            check(own[0] <= own[1], f"cohorts {width} px: the section is {own[0]} px wide in its {own[1]} px card (its tables should scroll)")
            window.execute_script("document.getElementById('cohorts').scrollIntoView()")
            window.save_screenshot(str(OUT / f"cohorts-{width}px.png"))
        finally:
            window.quit()
    print(f"compare: {len(compared['metrics'])} metrics, page within the window at 1360 and 420 px; report cohorts drawn")

    # 10,000 generated calls, 60 metrics: the first 12 metrics, every outcome.
    driver = browser(1360, 1000)
    try:
        calls = check_every_filter(driver, big, big_results, "generated", limit_metrics=12)
        print(f"generated: 12 metrics, every outcome listed as verdict sample draws it; {calls} calls opened")
        open_page(driver, url(big, metric="Resolution: logged resolved", outcome="false"))
        first = listed(driver)[0]
        driver.find_elements(By.CSS_SELECTOR, "#list li")[0].click()
        driver.save_screenshot(str(OUT / "review-generated.png"))
        check(driver.find_element(By.CSS_SELECTOR, "#detail h2").text == first, "generated: the first call does not open")
    finally:
        driver.quit()

    if FAILURES:
        print(f"{len(FAILURES)} browser check(s) failed")
        sys.exit(1)
    print("browser checks passed")


main()
