"""Logging in to AWS Builder ID / IAM Identity Center, importing other tools' logins, profiles.

The device-code flow talks to SSO OIDC through the small ``OidcApi`` interface
(``qsmith.login.oidc``); tokens live in the AWS SSO cache layout and renew through the
runtime's refreshing token provider. See docs/design/login.md.
"""
