#!/usr/bin/python3
"""The web console (工作台) in a real browser: Debian's Chromium, headless,
driven through chromium-driver by python3-selenium, against the gateway that
deploy/local.sh started (GATEWAY_URL).

Each test is a step of one office day; they run in order and share the
requests they create. A screenshot of every page a test reaches is kept in
ARTIFACTS_DIR (build/test-artifacts/browser by default). The last line is
"N passed, N failed"; the exit status is 0 only when nothing failed.
"""
import datetime
import json
import os
import random
import sys
import time
import traceback
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

GATEWAY = os.environ.get("GATEWAY_URL", "http://127.0.0.1:8080").rstrip("/")
REPO = os.environ.get("REPO_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ARTIFACTS = os.environ.get("ARTIFACTS_DIR", os.path.join(REPO, "build", "test-artifacts", "browser"))
WAIT = float(os.environ.get("BROWSER_WAIT_SECONDS", "20"))

# What the steps hand to each other.
state = {}


def browser(width=1280, height=900):
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--no-first-run", "--disable-extensions", "--lang=zh-CN",
              f"--window-size={width},{height}"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {
        "download.default_directory": ARTIFACTS,
        "download.prompt_for_download": False,
    })
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(WAIT)
    return d


def shot(d, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    d.save_screenshot(os.path.join(ARTIFACTS, f"{name}.png"))


def wait(d, cond, what):
    try:
        return WebDriverWait(d, WAIT).until(cond)
    except TimeoutException:
        raise AssertionError(f"timed out waiting for {what}; page: {d.find_element(By.TAG_NAME, 'main').text[:500]!r}")


def heading(d, text):
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main h1"), text), f"the page {text!r}")


def login(d, username):
    """Logs in with the keyboard only: type, Tab, type, Enter."""
    d.get(GATEWAY + "/")
    heading(d, "登录")
    user = wait(d, EC.element_to_be_clickable((By.ID, "f-username")), "the login form")
    assert d.switch_to.active_element == user, "the username field has the focus"
    user.send_keys(username)
    user.send_keys(Keys.TAB)
    d.switch_to.active_element.send_keys("demo123", Keys.ENTER)
    heading(d, "待办")
    wait(d, EC.text_to_be_present_in_element((By.ID, "who"), "（"), "the user's name")
    # Every source of the to-do list answered: no card shows an error.
    wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, "main p.summary")), "the to-do list")
    problems = d.find_elements(By.CSS_SELECTOR, "main .todo .problem")
    assert not problems, f"{username}'s to-do list: {problems[0].find_element(By.XPATH, './ancestor::section[1]').text[:300]!r}"


def logout(d):
    d.find_element(By.ID, "logout").click()
    heading(d, "登录")
    assert d.execute_script("return sessionStorage.getItem('oa.refresh')") is None, \
        "logging out leaves nothing in session storage"


def go(d, hash_, title):
    d.execute_script("location.hash = arguments[0]", hash_)
    heading(d, title)


def fill(d, name, value):
    el = d.find_element(By.NAME, name)
    if el.tag_name == "select":
        Select(el).select_by_value(str(value))
    elif el.get_attribute("type") in ("date", "datetime-local"):
        # What a date picker leaves in the field, whatever the locale.
        d.execute_script("arguments[0].value = arguments[1]", el, str(value))
    else:
        d.execute_script("arguments[0].value = ''", el)
        el.send_keys(str(value))


def future_weekday():
    """A working day far enough ahead that no other test asked leave for it."""
    day = datetime.date.today() + datetime.timedelta(days=random.randint(400, 3000))
    while day.weekday() >= 5 or (day.month, day.day) in ((1, 1), (10, 1), (10, 2), (10, 3), (5, 1)):
        day += datetime.timedelta(days=1)
    return day.isoformat()


def api(method, path, who=None, body=None):
    """The public API directly, to set up what no console page makes (a
    meeting and its topic). Returns the parsed answer."""
    headers = {"Accept": "application/json"}
    if who:
        headers["Authorization"] = "Bearer " + api("POST", "/auth/login", body={
            "username": who, "password": "demo123"})["access_token"]
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(GATEWAY + "/api/v1" + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=WAIT) as r:
        return json.loads(r.read() or b"null")


def user_id(username):
    return api("GET", "/users?" + urllib.parse.urlencode({"username": username}), "admin")["items"][0]["id"]


# ---------------------------------------------------------------- the steps

def test_R_ATT_2_clerk_asks_a_days_leave_and_sees_the_chain(d):
    login(d, "zonghe1")
    shot(d, "01-zonghe1-todo")
    go(d, "#/leave/new", "请假申请")
    day = future_weekday()
    fill(d, "kind", "private")
    fill(d, "reason", "家中有事，请假一天")
    fill(d, "start_date", day)
    fill(d, "start_half", "am")
    fill(d, "end_date", day)
    fill(d, "end_half", "pm")
    shot(d, "02-leave-form")
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(d, EC.url_matches(r"#/leave/\d+$"), "the new leave request")
    heading(d, "请假 #")
    state["leave_id"] = d.current_url.rsplit("/", 1)[1]
    chain = wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, "ol.chain")), "the chain")
    # R-ATT-2: one day of a staff member goes to the supervising deputy
    # (综合科 → deputy2, 刘副主任 in the demo office).
    wait(d, lambda _: "分管副主任" in chain.text and "#" not in chain.text, "the approver's name")
    steps = chain.find_elements(By.CSS_SELECTOR, "li")
    assert len(steps) == 1, f"one step for a day's leave, got {chain.text!r}"
    assert "待审批" in steps[0].text, steps[0].text
    assert "1 天" in d.find_element(By.CSS_SELECTOR, "dl.facts").text
    assert d.find_element(By.CSS_SELECTOR, "dd.state").text == "待审批"
    shot(d, "03-leave-chain")
    logout(d)


def test_R_ATT_2_the_approver_approves_from_the_todo_list(d):
    assert "leave_id" in state, "the leave request of the previous step"
    login(d, "deputy2")
    link = wait(d, EC.element_to_be_clickable((By.CSS_SELECTOR, f"a[href='#/leave/{state['leave_id']}']")),
                "the leave request in 待办")
    item = link.find_element(By.XPATH, "./ancestor::li[1]")
    shot(d, "04-deputy2-todo")
    item.find_element(By.CSS_SELECTOR, "input[name=comment]").send_keys("同意")
    item.find_element(By.XPATH, ".//button[text()='批准']").click()
    wait(d, lambda _: "已批准" in item.text, "the approval")
    link.click()
    heading(d, f"请假 #{state['leave_id']}")
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "dd.state"), "已批准"), "the approved state")
    assert "同意" in d.find_element(By.CSS_SELECTOR, "ol.chain").text
    shot(d, "05-leave-approved")
    logout(d)


def test_R_ATT_3_a_refusal_shows_its_rule_and_field_errors_sit_beside_fields(d):
    login(d, "zonghe2")
    go(d, "#/leave/new", "请假申请")
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    fill(d, "reason", "补请昨天的假")
    fill(d, "start_date", yesterday)
    fill(d, "end_date", yesterday)
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    box = wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, ".messages .problem")), "the refusal")
    assert "按规定不予办理" in box.text, box.text
    assert d.find_element(By.CSS_SELECTOR, ".problem .rule-id").text == "R-ATT-3", box.text
    shot(d, "06-refusal-rule")
    # A field the API finds wrong is named beside that field.
    fill(d, "reason", " ")
    d.execute_script("document.getElementsByName('reason')[0].value = ''")
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    err = wait(d, lambda _: d.find_element(By.ID, "err-reason").text.strip() or False, "the field error")
    assert err, "an error beside the reason"
    assert d.find_element(By.NAME, "reason").get_attribute("aria-invalid") == "true"
    shot(d, "07-field-error")
    logout(d)


def test_R_SEAL_2_clerk_requests_a_seal_use(d):
    login(d, "zonghe1")
    go(d, "#/seal-request/new", "用印申请")
    seal = Select(d.find_element(By.NAME, "seal_id"))
    office = [o for o in seal.options if "办公室" in o.text]
    assert office, [o.text for o in seal.options]
    seal.select_by_value(office[0].get_attribute("value"))
    state["seal_id"] = office[0].get_attribute("value")
    number = f"综字〔{random.randint(1000, 9999)}〕号"
    state["document_number"] = number
    fill(d, "matter", "general")
    fill(d, "document_number", number)
    fill(d, "content", "关于举办业务培训的通知")
    fill(d, "using_unit", "综合科")
    fill(d, "copies", 2)
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(d, EC.url_matches(r"#/seal-request/\d+$"), "the new seal request")
    state["seal_request"] = d.current_url.rsplit("/", 1)[1]
    heading(d, "用印申请 #")
    facts = d.find_element(By.CSS_SELECTOR, "dl.facts").text
    # R-SEAL-2: the office seal waits for the office director.
    assert "R-SEAL-2" in facts and "主任" in facts, facts
    shot(d, "08-seal-request")
    logout(d)


def test_R_LET_2_clerk_requests_an_intro_letter_validated_as_the_api_does(d):
    login(d, "zonghe1")
    go(d, "#/letter/new", "介绍信申请")
    seal = Select(d.find_element(By.NAME, "seal_id"))
    seal.select_by_value(state.get("seal_id") or seal.options[0].get_attribute("value"))
    fill(d, "recipient_org", "区档案馆")
    fill(d, "bearer_names", "钱科员、冯科员")
    fill(d, "bearer_count", 0)
    fill(d, "matter", "查阅二〇二五年会议档案")
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # The API's bounds, shown beside the field.
    err = wait(d, lambda _: d.find_element(By.ID, "err-bearer_count").text.strip() or False,
               "the bearer_count error")
    assert "1" in err and "100" in err, err
    shot(d, "09-letter-field-error")
    fill(d, "bearer_count", 2)
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(d, EC.url_matches(r"#/letter/\d+$"), "the new letter")
    state["letter"] = d.current_url.rsplit("/", 1)[1]
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "dd.state"), "待批"), "the pending letter")
    logout(d)


def test_R_SEAL_2_director_approves_from_the_todo_list(d):
    assert "seal_request" in state and "letter" in state, "the requests of the previous steps"
    login(d, "director")
    link = wait(d, EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"a[href='#/seal-request/{state['seal_request']}']")), "the seal request in 待办")
    letter = wait(d, EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"a[href='#/letter/{state['letter']}']")), "the letter in 待办")
    # The README's picture of the to-do list (docs/console-todo.png) is this one.
    shot(d, "10-director-todo")
    if os.environ.get("UPDATE_README_SCREENSHOT") == "1":
        os.makedirs(os.path.join(REPO, "docs"), exist_ok=True)
        d.save_screenshot(os.path.join(REPO, "docs", "console-todo.png"))
    for a in (link, letter):
        item = a.find_element(By.XPATH, "./ancestor::li[1]")
        item.find_element(By.XPATH, ".//button[text()='批准']").click()
        wait(d, lambda _: "已批准" in item.text, "the approval")
    logout(d)


def test_R_SEAL_3_custodian_stamps_and_the_use_log_shows_it(d):
    assert "seal_request" in state, "the approved seal request of the previous step"
    login(d, "custodian")
    link = wait(d, EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"a[href='#/seal-request/{state['seal_request']}']")), "the request to stamp")
    item = link.find_element(By.XPATH, "./ancestor::li[1]")
    count = item.find_element(By.CSS_SELECTOR, "input[name=count]")
    assert count.get_attribute("value") == "2"
    shot(d, "11-custodian-todo")
    item.find_element(By.XPATH, ".//button[text()='盖章']").click()
    wait(d, lambda _: "已盖章" in item.text, "the stamp")
    link.click()
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "dd.state"), "已盖章"), "the stamped state")
    shot(d, "12-stamped")
    # R-SEAL-4: the use log has the entry; the CSV export downloads it.
    go(d, f"#/seal/{state['seal_id']}", "用印登记")
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "table.log"), state["document_number"]),
         "the entry in the use log")
    shot(d, "13-use-log")
    before = set(os.listdir(ARTIFACTS))
    d.find_element(By.ID, "export-csv").click()
    deadline = time.time() + WAIT
    csv = None
    while time.time() < deadline and not csv:
        new = [f for f in set(os.listdir(ARTIFACTS)) - before if f.endswith(".csv")]
        csv = new[0] if new else None
        time.sleep(0.2)
    assert csv, "the CSV export was downloaded"
    with open(os.path.join(ARTIFACTS, csv), encoding="utf-8-sig") as f:
        text = f.read()
    assert text.startswith("id,seal_id,"), text[:80]
    assert state["document_number"] in text
    logout(d)


def test_R_LET_1_custodian_issues_the_approved_letter(d):
    assert "letter" in state, "the approved letter of the previous steps"
    login(d, "custodian")
    link = wait(d, EC.element_to_be_clickable((By.CSS_SELECTOR, f"a[href='#/letter/{state['letter']}']")),
                "the letter to issue")
    item = link.find_element(By.XPATH, "./ancestor::li[1]")
    item.find_element(By.XPATH, ".//button[text()='开出']").click()
    wait(d, lambda _: "已开出" in item.text, "the issue")
    link.click()
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "dd.state"), "已开出"), "the issued state")
    number = d.find_element(By.XPATH, "//dt[text()='编号']/following-sibling::dd[1]").text
    assert number and number != "—", "an issued letter has its number"
    shot(d, "14-letter-issued")
    logout(d)


def test_R_ATT_1_who_is_away_on_a_phone(d):
    """A phone-sized window: the outing form, then 谁不在岗 lists it; no page
    scrolls sideways."""
    d.set_window_size(390, 844)
    login(d, "zonghe2")
    assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(d, "15-phone-todo")
    go(d, "#/outing/new", "外出登记")
    fill(d, "matter", "送文件")
    fill(d, "destination", "区财政局")
    fill(d, "contact", "13800000000")
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    heading(d, "谁不在岗")
    # R-ATT-1: the section is told the matter, destination, time and contact.
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "区财政局：送文件"), "the outing")
    assert "13800000000" in d.find_element(By.CSS_SELECTOR, "table.away").text
    assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(d, "16-phone-away")
    d.set_window_size(1280, 900)
    logout(d)


def test_R_PRN_3_copy_register_with_csv_export(d):
    login(d, "zonghe_chief")
    go(d, "#/copy-register", "复印登记簿")
    wait(d, lambda _: d.find_elements(By.CSS_SELECTOR, "main table, main p.note"), "the register")
    assert not d.find_elements(By.CSS_SELECTOR, ".messages .problem"), d.find_element(By.TAG_NAME, "main").text
    shot(d, "17-copy-register")
    before = set(os.listdir(ARTIFACTS))
    d.find_element(By.ID, "export-register").click()
    deadline = time.time() + WAIT
    csv = None
    while time.time() < deadline and not csv:
        new = [f for f in set(os.listdir(ARTIFACTS)) - before if f.endswith(".csv")]
        csv = new[0] if new else None
        time.sleep(0.2)
    assert csv, "the CSV export was downloaded"
    with open(os.path.join(ARTIFACTS, csv), encoding="utf-8-sig") as f:
        header = f.readline()
    assert header.count(",") >= 5, header
    logout(d)


def test_R_MTG_9_supervision_board_shows_traffic_lights(d):
    login(d, "director")
    go(d, "#/supervision", "督办")
    summary = wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, "main p.summary")), "the totals")
    for word in ("红灯", "黄灯", "绿灯"):
        assert word in summary.text, summary.text
    assert not d.find_elements(By.CSS_SELECTOR, ".messages .problem")
    shot(d, "18-supervision")
    logout(d)


def test_R_DOC_2_clerk_drafts_a_document_and_submits_it(d):
    login(d, "zonghe1")
    go(d, "#/document/new", "拟稿")
    # The API's own check, shown beside the title.
    fill(d, "main_recipients", "各科室")
    fill(d, "body", "各科室：\n现将有关事项通知如下。")
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    err = wait(d, lambda _: d.find_element(By.ID, "err-title").text.strip() or False, "the title's error")
    assert "字" in err or "空" in err, err
    assert d.find_element(By.NAME, "title").get_attribute("aria-invalid") == "true"
    assert d.switch_to.active_element == d.find_element(By.NAME, "title"), "the field in error has the focus"
    shot(d, "19-draft-field-error")
    title = f"关于开展冬季消防检查的通知{random.randint(1000, 9999)}"
    state["draft_title"] = title
    fill(d, "title", title)
    fill(d, "print_count", 5)
    d.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(d, EC.url_matches(r"#/document/\d+$"), "the new draft")
    state["draft"] = d.current_url.rsplit("/", 1)[1]
    heading(d, title)
    assert d.find_element(By.CSS_SELECTOR, "dd.state").text == "起草中"
    d.find_element(By.XPATH, "//button[text()='提交审核']").click()
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "dd.state"), "文秘科审核"), "the submitted draft")
    shot(d, "20-draft-submitted")
    logout(d)


def test_R_DOC_2_the_secretariat_returns_the_draft_with_its_comment(d):
    assert "draft" in state, "the draft of the previous step"
    login(d, "wenmi1")
    link = wait(d, EC.element_to_be_clickable((By.CSS_SELECTOR, f"a[href='#/document/{state['draft']}']")),
                "the draft in 待办")
    shot(d, "21-wenmi1-todo")
    link.click()
    heading(d, state["draft_title"])
    # Returning needs a comment: the form says so before anything is sent.
    d.find_element(By.XPATH, "//button[text()='退回修改']").click()
    assert d.find_element(By.CSS_SELECTOR, "dd.state").text == "文秘科审核"
    comment = d.find_element(By.CSS_SELECTOR, "input[name=comment][required]")
    comment.send_keys("请补充检查的时间安排")
    comment.send_keys(Keys.ENTER)
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "dd.state"), "起草中"), "the returned draft")
    assert "请补充检查的时间安排" in d.find_element(By.CSS_SELECTOR, "dl.facts").text
    shot(d, "22-draft-returned")
    logout(d)


def test_R_MTG_3_the_supervising_deputy_approves_a_topic_from_the_todo_list(d):
    meeting = api("POST", "/meetings", "director", {
        "title": f"主任办公会{random.randint(1000, 9999)}", "kind": "regular",
        "scheduled_at": (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=5))
        .strftime("%Y-%m-%dT09:00:00+08:00"),
        "location": "第一会议室", "participant_ids": [user_id("zonghe_chief")]})
    dept = [x for x in api("GET", "/departments?limit=100", "admin")["items"] if x["name"] == "综合科"][0]
    topic = api("POST", f"/meetings/{meeting['id']}/topics", "wenmi1", {
        "title": "关于调整办公用房的议题", "category": "general", "department_id": dept["id"],
        "presenter_id": user_id("zonghe_chief"), "summary": "调整办公用房", "explanation": "情况说明",
        "recommendation": "建议同意", "materials": "附件一", "confidential": False})
    # Someone who does not approve it sees no such to-do.
    login(d, "deputy3")
    wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, "main p.summary")), "the to-do list")
    mine = [li for sec in d.find_elements(By.CSS_SELECTOR, "section[aria-label='议题审批']")
            for li in sec.find_elements(By.CSS_SELECTOR, "li.item") if meeting["title"] in li.text]
    assert not mine, "the topic is deputy2's to approve, not deputy3's"
    logout(d)
    login(d, "deputy2")
    section = wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, "section[aria-label='议题审批']")),
                   "the topics to approve")
    item = [li for li in section.find_elements(By.CSS_SELECTOR, "li.item") if meeting["title"] in li.text][0]
    shot(d, "23-deputy2-topics")
    item.find_element(By.XPATH, ".//button[text()='同意上会']").click()
    wait(d, lambda _: "已同意上会" in item.text, "the approval")
    assert api("GET", f"/topics/{topic['id']}", "deputy2")["state"] == "approved"
    logout(d)


def test_only_its_own_host_and_a_quiet_token_refresh(d):
    login(d, "zonghe1")
    # The access token is renewed with the refresh token, quietly: a page
    # still loads after the in-memory token is gone (a reload).
    d.refresh()
    heading(d, "待办")
    go(d, "#/mine", "我的申请")
    wait(d, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"), "家中有事"), "my leave")
    hosts = d.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).host)"
        ".concat([location.host])")
    own = urllib.parse.urlparse(GATEWAY).netloc
    assert set(hosts) == {own}, f"requests to {set(hosts) - {own}}"
    assert d.execute_script("return Object.keys(localStorage).length") == 0, "nothing in localStorage"
    assert d.execute_script("return document.cookie") == "", "no cookies"
    logout(d)


TESTS = [
    test_R_ATT_2_clerk_asks_a_days_leave_and_sees_the_chain,
    test_R_ATT_2_the_approver_approves_from_the_todo_list,
    test_R_ATT_3_a_refusal_shows_its_rule_and_field_errors_sit_beside_fields,
    test_R_SEAL_2_clerk_requests_a_seal_use,
    test_R_LET_2_clerk_requests_an_intro_letter_validated_as_the_api_does,
    test_R_SEAL_2_director_approves_from_the_todo_list,
    test_R_LET_1_custodian_issues_the_approved_letter,
    test_R_SEAL_3_custodian_stamps_and_the_use_log_shows_it,
    test_R_ATT_1_who_is_away_on_a_phone,
    test_R_PRN_3_copy_register_with_csv_export,
    test_R_MTG_9_supervision_board_shows_traffic_lights,
    test_R_DOC_2_clerk_drafts_a_document_and_submits_it,
    test_R_DOC_2_the_secretariat_returns_the_draft_with_its_comment,
    test_R_MTG_3_the_supervising_deputy_approves_a_topic_from_the_todo_list,
    test_only_its_own_host_and_a_quiet_token_refresh,
]


def main():
    only = os.environ.get("BROWSER_TESTS")
    passed = failed = 0
    os.makedirs(ARTIFACTS, exist_ok=True)
    # The artifacts are this run's only.
    for f in os.listdir(ARTIFACTS):
        if f.endswith((".png", ".csv")):
            os.remove(os.path.join(ARTIFACTS, f))
    d = browser()
    try:
        for t in TESTS:
            if only and only not in t.__name__:
                continue
            try:
                t(d)
                passed += 1
                print(f"ok   {t.__name__}", flush=True)
            except Exception:  # noqa: BLE001 - every failure is reported, then the next test runs
                failed += 1
                print(f"FAIL {t.__name__}", flush=True)
                traceback.print_exc(file=sys.stdout)
                try:
                    shot(d, f"FAILED-{t.__name__}")
                    d.execute_script("sessionStorage.clear()")
                except Exception:  # noqa: BLE001
                    pass
    finally:
        d.quit()
    print(f"screenshots in {ARTIFACTS}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
