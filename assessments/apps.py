from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from core.registry import register_demo

        from .demo import load_demo_register
        from .demo_checklists import load_demo_checklists

        register_demo("register", load_demo_register)
        register_demo("checklists", load_demo_checklists)
