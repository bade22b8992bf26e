from tests.access import Access, expect

ROUTES = [
    Access("jobs.failed", "GET", expect(["admin"])),
]
