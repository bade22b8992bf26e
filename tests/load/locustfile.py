"""A working day in isok for 50 people of every role (`make load`).

Counsellors page through and search their cases, open them and write guidance notes; teachers, the workplace
tutor, the project manager and the client open their own pages and follow the links they find there. Only GET
pages are followed (GET handlers never write); the one save is the guidance note, sent with the page's CSRF token.
Requests are named by route (ids replaced by <id>), so percentiles are per page.
"""

import json
import os
import random
import re
from datetime import date

from locust import HttpUser, between, task

WORLD = json.loads(open(os.environ["ISOK_LOAD_WORLD"]).read())  # noqa: SIM115 (read once at start)
LINK = re.compile(r'href="(/[^"#]*)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SKIP = re.compile(r"^/(logout|static/|language)|\.(pdf|zip|csv|xlsx|json|ics|xml|atom)(\?|$)|/export|/download|/files/")


def route_name(path: str) -> str:
    return re.sub(r"\d+", "<id>", path.split("?")[0]) + ("?q" if "q=" in path else "")


def csrf(page: str) -> str:
    return CSRF.search(page).group(1)


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    email = ""
    password = WORLD["demo_password"]
    home = "/"

    def on_start(self):
        self.links: list[str] = []
        page = self.client.get("/login", name="/login").text
        with self.client.post(
            "/login",
            {"email": self.email, "password": self.password, "csrf_token": csrf(page)},
            name="/login (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.email} answered {response.status_code}")
        self.visit(self.home)

    def visit(self, path: str) -> str:
        response = self.client.get(path, name=route_name(path))
        links = [link for link in LINK.findall(response.text) if not SKIP.search(link)]
        if links:
            self.links = links
        return response.text

    @task(3)
    def follow_a_link(self):
        if self.links:
            self.visit(random.choice(self.links))

    @task(1)
    def back_to_the_start(self):
        self.visit(self.home)


class Counsellor(Person):
    weight = 30
    password = WORLD["password"]
    home = "/cases"

    def on_start(self):
        self.email = random.choice(WORLD["counsellors"])
        super().on_start()

    @task(3)
    def page_through(self):
        self.visit(f"/cases?page={random.randint(1, 20)}")

    @task(2)
    def search(self):
        self.visit(f"/cases?q={random.choice(WORLD['names'])}{random.randint(0, 99):02d}")

    @task(4)
    def open_a_case_and_write_a_note(self):
        page = self.visit("/cases")
        ids = re.findall(r'href="/cases/(\d+)"', page)
        if not ids:
            return
        case_id = random.choice(ids)
        case_page = self.visit(f"/cases/{case_id}")
        if random.random() < 0.3:
            note = {
                "csrf_token": csrf(case_page),
                "on": date.today().isoformat(),
                "kind": "phone",
                "duration_minutes": "15",
                "note": "Called about the interview time.",
            }
            self.client.post(f"/cases/{case_id}/guidance", note, name="/cases/<id>/guidance (POST)")


class Teacher(Person):
    weight = 8
    email = "teacher@example.org"


class Tutor(Person):
    weight = 4
    email = "tutor@example.org"


class Manager(Person):
    weight = 3
    email = "manager@example.org"


class ClientPerson(Person):
    weight = 5
    email = "client@example.org"
    home = "/my-case"
