"""Second factors (issue 15, item 2): the mandatory-MFA policy on top of allauth.mfa.

allauth.mfa owns the authenticators (TOTP apps, passkeys and security keys, recovery
codes), their pages under /accounts/2fa/ and the second step of signing in. This package
adds what the site decides: who must have a second factor (`policy`), the gate that takes
them to enrolment (`middleware`), the adapter (`adapter`) and the audit trail of changes
(`receivers`). See docs/mfa.md.
"""
