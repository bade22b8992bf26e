"""Demo data: the assessment scales and the sample qualification frameworks shipped with isok."""

from assessment.frameworks import services


def load_demo(admin):
    services.load_scales(admin)
    services.load_sample_frameworks(admin)
