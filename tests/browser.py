"""Helpers for Playwright tests against `live_server` (mark tests `browser` and `django_db(transaction=True)`)."""

from tests.factories import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"page is {width}px wide in a {viewport}px viewport"


def small_tap_targets(page, minimum=44):
    """Visible links and buttons smaller than `minimum` px in both directions (inline text links excluded)."""
    return page.evaluate(
        """(min) => [...document.querySelectorAll('button, [role=button], input[type=submit], summary, nav a, .pagination a')]
            .filter(el => el.offsetParent !== null)
            .map(el => [el.textContent.trim().slice(0, 20), el.getBoundingClientRect()])
            .filter(([t, r]) => r.height < min && r.width < min)
            .map(([t]) => t)""",
        minimum,
    )


class Burden:
    """Counts what a walkthrough makes the secretary do (issue 12): every form field typed or
    chosen by hand, and every document that came out without typing. `make bench` reports the
    totals as `burden.fields_typed` and `burden.documents_generated`."""

    def __init__(self):
        self.fields_typed = 0
        self.documents_generated = 0
        self.documents: list[str] = []

    def fill(self, page, selector, value):
        page.fill(selector, value)
        self.fields_typed += 1

    def select(self, page, selector, value):
        page.select_option(selector, value)
        self.fields_typed += 1

    def check(self, page, selector):
        page.check(selector)
        self.fields_typed += 1

    def upload(self, page, selector, files):
        """A file the secretary picks by hand (a scan, a photo of evidence): one field."""
        page.set_input_files(selector, files)
        self.fields_typed += 1

    def document(self, name):
        self.documents_generated += 1
        self.documents.append(name)

    def save(self, path):
        import json

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {"fields_typed": self.fields_typed, "documents_generated": self.documents_generated, "documents": self.documents},
                ensure_ascii=False,
                indent=2,
            )
        )
