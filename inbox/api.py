"""GET /api/v1/inbox/: the requesting user's to-do items (the home page's list), counted afresh."""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from .registry import inbox_items, inbox_total


class ItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="稳定的事项代码，例如 applications_review")
    label = serializers.CharField(help_text="事项名称")
    count = serializers.IntegerField(help_text="件数（大于 0）")
    url = serializers.CharField(help_text="办理页面的路径")
    urgent = serializers.BooleanField(help_text="退回或逾期等需优先办理的事项")


@extend_schema_serializer(many=False)  # the `list` action answers one object, not a list
class InboxSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    items = ItemSerializer(many=True)


class InboxViewSet(viewsets.ViewSet):
    """我的待办: only the requesting user's items; no other user's inbox is reachable."""

    action_permissions = {"list": []}  # every signed-in user has an inbox (maybe empty)

    @extend_schema(responses={200: InboxSerializer}, summary="我的待办")
    def list(self, request):
        items = inbox_items(request.user, fresh=True)
        return Response({"total": inbox_total(items), "items": [item.as_dict() for item in items]})
