from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from outreach import pitches


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class UnsubscribeView(TemplateView):
    """A journalist asks for no more pitches: RFC 8058 one-click (a POST from the mail client)
    or the button on this page. CSRF-exempt on purpose: mail clients post without a session,
    and the signed token in the address is the authority. GET changes nothing (link scanners
    open every link)."""

    template_name = "outreach/unsubscribe.html"

    def dispatch(self, request, *args, token, **kwargs):
        self.delivery = pitches.delivery_from_token(token)
        if self.delivery is None or not self.delivery.email:
            raise Http404(_("This link is not valid."))
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        pitches.unsubscribe(self.delivery)
        return render(request, "outreach/unsubscribed.html")
