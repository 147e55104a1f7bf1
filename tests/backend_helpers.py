"""Shared by the in-process ML backend tests: the webhook secret the app is built with."""
SECRET = "webhook-secret-for-tests"
HOOK = {"X-Annotate-Webhook-Secret": SECRET}
