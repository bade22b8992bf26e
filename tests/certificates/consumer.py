"""A real job consumer (`flask jobs-consumer`) for the kill test: the cases marked for the permission matrix count
as signed off, standing in for a whole assessment per case; everything else is the real program."""

import sys

from flask.cli import main

from tests.certificates.helpers import install_world_results

if __name__ == "__main__":
    install_world_results()
    sys.argv = ["flask", "--app", "isok", "jobs-consumer", "--workers", "1", "--no-periodic"]
    main()
