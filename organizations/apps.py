from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = "党组织与党员"

    def ready(self):
        from core import navigation

        navigation.register("组织架构", "organizations:tree", "organization.view", order=80)
        navigation.register("党员名册", "organizations:my_members", "member.view", order=81)
