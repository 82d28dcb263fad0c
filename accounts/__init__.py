"""Staff sign-in: the second factor (authenticator app, recovery codes, passkeys).

On top of the other apps: nothing else imports it. The admin site's class, the middleware and
the URLs are named in settings and newsroom/urls.py as strings.
"""
