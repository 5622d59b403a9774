from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county and the city-sized load data set behind `seed_demo`. It sits on top
    of every other app and imports them freely; no app imports it."""

    name = "demo"
    verbose_name = "演示数据"
