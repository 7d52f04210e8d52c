"""`{% sso_providers as providers %}`: the company identity providers, as (key, name)
pairs, for the "Sign in with your company account" block of the sign-in page (shown only
when at least one is configured)."""

from django import template

from identity.sso.selectors import sso_provider_key, sso_provider_list

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_providers(context):
    return [(sso_provider_key(p), p.name) for p in sso_provider_list(context["request"])]
