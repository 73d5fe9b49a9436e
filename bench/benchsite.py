"""WSGI app for the HTTP benchmark: the project's URLs plus one minimal Django view
(`/bench-minimal/`, same middleware stack) as the baseline. Not used outside `bench/`."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

from config.urls import urlpatterns as project_urls  # noqa: E402


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-minimal/", minimal), *project_urls]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()

if os.environ.get("BENCH_WRITE_ENDPOINTS") == "1":
    # Only for bench/fault_pg_restart.py, on its own scratch database: writes acknowledged with
    # the new row's id, each one transaction that also appends to the audit chain.
    import json

    from django.db import transaction
    from django.views.decorators.csrf import csrf_exempt

    from audit import registry
    from audit.services import record

    registry.register({"bench.opinion": "（测量）录入意见", "bench.talk": "（测量）录入谈话"})

    @csrf_exempt
    def bench_write(request, kind):
        from accounts.models import User
        from meetings.models import Meeting, Opinion, Talk
        from rectification.models import RectificationItem
        from rectification.services import report_progress

        if request.method != "POST":
            return HttpResponse(status=405)
        marker = request.POST["marker"]
        user = User.objects.get(pk=int(os.environ["BENCH_WRITE_USER"]))
        meeting = Meeting.objects.select_related("organization").get(pk=int(os.environ["BENCH_WRITE_MEETING"]))
        if kind == "progress":
            item = RectificationItem.objects.get(pk=int(os.environ["BENCH_WRITE_ITEM"]))
            pk = report_progress(item, actor=user, note=marker).pk
        else:
            with transaction.atomic():
                if kind == "opinion":
                    obj = Opinion.objects.create(meeting=meeting, channel="form", target="team", content=marker, received_on=meeting.scheduled_date)
                else:
                    a, b = meeting.organization.members.order_by("pk")[:2]
                    obj = Talk.objects.create(meeting=meeting, member_a=a, member_b=b, held_on=meeting.scheduled_date, key_points=marker)
                record(user, meeting.organization, obj, f"bench.{kind}", {"marker": marker})
                pk = obj.pk
        return HttpResponse(json.dumps({"id": pk}), content_type="application/json")

    urlpatterns.insert(0, path("bench-write/<str:kind>/", bench_write))
