"""Faults against a real server: wrong token, expired token, wrong URL, duplicate title.

Each ends with one line naming the problem and the fix, a non-zero exit, no
token in the output and nothing written.
"""
import time

import jwt

from studio_helpers import FIXTURE, one_error_line


def team_env(url, key):
    return {"LABEL_STUDIO_URL": url, "LABEL_STUDIO_API_KEY": key}


def test_wrong_token(cli, studio, tmp_path):
    key = "wrong-token-0123456789abcdef"
    res = cli("push", "--project", "whatever", "--tasks", FIXTURE, env=team_env(studio.url, key))
    assert res.exit_code == 1
    line = one_error_line(res)
    assert "API token was rejected" in line and studio.url in line and "LABEL_STUDIO_API_KEY" in line
    assert key not in res.output
    res = cli("export", "--project", "whatever", "-o", tmp_path / "out", env=team_env(studio.url, key))
    assert res.exit_code == 1 and "rejected" in one_error_line(res)
    assert not (tmp_path / "out").exists()


def test_forged_refresh_token(cli, studio):
    forged = jwt.encode({"token_type": "refresh", "exp": int(time.time()) + 3600, "jti": "x", "user_id": "1"},
                        "not-the-server-key", algorithm="HS256")
    res = cli("push", "--project", "whatever", "--tasks", FIXTURE, env=team_env(studio.url, forged))
    assert res.exit_code == 1
    line = one_error_line(res)
    assert "API token is invalid" in line and "rejected" in line and "expired" not in line
    assert forged not in res.output and forged[:20] not in res.output


def test_expired_token(cli, studio):
    expired = jwt.encode({"token_type": "refresh", "exp": int(time.time()) - 60, "jti": "y", "user_id": "1"},
                         "k", algorithm="HS256")
    res = cli("export", "--project", "whatever", env=team_env(studio.url, expired))
    assert res.exit_code == 1
    line = one_error_line(res)
    assert "expired" in line and "LABEL_STUDIO_API_KEY" in line and expired not in res.output


def test_wrong_url_path(cli, studio):
    res = cli("push", "--project", "whatever", "--tasks", FIXTURE,
              env=team_env(studio.url + "/not-here", studio.token()))
    assert res.exit_code == 1
    line = one_error_line(res)
    assert "LABEL_STUDIO_URL" in line
    assert studio.token() not in res.output


def test_duplicate_title(cli, conn, title, tmp_path):
    a = conn.sdk.projects.create(title=title)
    b = conn.sdk.projects.create(title=title)
    for args in (("push", "--project", title, "--tasks", FIXTURE),
                 ("export", "--project", title, "-o", tmp_path / "out"),
                 ("report", "--project", title, "-o", tmp_path / "rep")):
        res = cli(*args)
        assert res.exit_code == 1
        line = one_error_line(res)
        assert f"2 projects on" in line and repr(title) in line and f"{a.id}, {b.id}" in line
        assert "rename or delete" in line
    assert not (tmp_path / "out").exists() and not (tmp_path / "rep").exists()
    # nothing was imported into either
    assert conn.sdk.projects.get(a.id).task_number == 0 and conn.sdk.projects.get(b.id).task_number == 0


def test_unknown_project_for_export(cli, tmp_path):
    res = cli("export", "--project", "no-such-project-here", "-o", tmp_path / "out")
    assert res.exit_code == 1
    assert "no project titled 'no-such-project-here'" in one_error_line(res)
    assert not (tmp_path / "out").exists()
