"""The OpenAPI schema: every operation documents the shared error shape it can answer."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(required=False)


class ErrorResponseSerializer(serializers.Serializer):
    """The one shape of every 400, 401, 403, 404, 409 and 415 answer."""

    status = serializers.IntegerField()
    code = serializers.CharField(help_text="invalid, rule_broken, not_allowed, conflict, ...")
    rule = serializers.CharField(
        allow_null=True, help_text="The rule of DESIGN §3 the request would break, if any."
    )
    message = serializers.CharField(help_text="A sentence a person can act on.")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Messages per input field: a list of sentences, or for nested input "
        "(budget lines, an organisation inside a registration) the same shape again.",
    )
    problems = ProblemSerializer(many=True, help_text="Every failing check, where several are.")

    class Meta:
        ref_name = "ErrorResponse"


class AutoSchema(SpectacularAutoSchema):
    """Document the shared error responses on every operation that can produce them."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = []
        if self.method in ("POST", "PUT", "PATCH"):
            # 415: a body in a content type the operation does not parse (or none given).
            codes += ["400", "409", "415"]
        elif getattr(self.view, "filterset_class", None) and self._is_list_view():
            codes.append("400")  # a filter value that is not valid, e.g. an unknown id
        if not self._allows_anonymous():
            codes += ["401", "403"]
        elif self.method != "GET":
            codes += ["403"]
        if "{" in self.path or (self.method == "GET" and self._is_list_view()):
            codes.append("404")  # or, on a list, a page number past the last page
        if self.view.get_throttles():
            codes.append("429")
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorResponseSerializer, code))
        return responses

    def _allows_anonymous(self) -> bool:
        from rest_framework.permissions import AllowAny

        return any(isinstance(p, AllowAny) for p in self.view.get_permissions())
