"""部署 (OL-1.2): launch a round for a subtree; the round's page lists who has not started."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render

from accounts.permissions import scope_q
from accounts.scoping import get_visible_or_404
from core.errors import DomainError
from core.views import view_permission
from organizations.choices import OrgKind
from organizations.models import Organization

from ..choices import Stage
from ..forms_core import CampaignForm
from ..models import Campaign, Meeting
from ..services import campaign as campaigns
from .meeting import show_error


@view_permission("campaign.launch")
def campaign_list(request):
    items = Campaign.objects.visible_to(request.user, "campaign.launch").select_related("organization").annotate(n=Count("meetings"))
    return render(request, "meetings/core/campaigns.html", {"campaigns": items})


@view_permission("campaign.launch")
def campaign_launch(request):
    orgs = Organization.objects.filter(scope_q(request.user, "campaign.launch", "")).exclude(kind=OrgKind.BRANCH).order_by("path")
    form = CampaignForm(orgs, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign, created = campaigns.launch_campaign(
                d["organization"],
                kind=d["kind"],
                year=d["year"],
                half=d["half"] or "",
                theme=d["theme"],
                requirements=d["requirements"],
                readings=d["readings"].splitlines(),
                window_start=d["window_start"],
                window_end=d["window_end"],
                actor=request.user,
            )
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"已部署，新建会议{created}个。")
            return redirect("meetings:campaign", campaign.pk)
    return render(request, "meetings/core/campaign_launch.html", {"form": form})


@view_permission("campaign.launch")
def campaign_detail(request, pk):
    campaign = get_visible_or_404(Campaign.objects.select_related("organization"), request.user, "campaign.launch", pk=pk)
    by_stage = dict(Meeting.objects.filter(campaign=campaign).values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    stages = [(label, by_stage.get(value, 0)) for value, label in Stage.choices]
    page = Paginator(campaigns.not_started(campaign), 50).get_page(request.GET.get("page"))
    return render(request, "meetings/core/campaign.html", {"campaign": campaign, "stages": stages, "total": sum(by_stage.values()), "page": page})
