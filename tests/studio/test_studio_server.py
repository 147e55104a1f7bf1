"""The local server's lifecycle commands and the labeling config on a real server."""
import stat

import pytest
from label_studio_sdk.core.api_error import ApiError

from annotate.labelstudio.config import label_config
from annotate.labelstudio.push import push_tasks
from annotate.scheme import load_scheme


def test_status_shows_url_and_user_never_the_token(cli, studio, admin_email):
    res = cli("studio", "status")
    assert res.exit_code == 0, res.output
    assert studio.url in res.stdout and admin_email in res.stdout and "answers" in res.stdout
    token = studio.token()
    assert token and token not in res.output
    import json
    password = json.loads(studio.admin_file.read_text())["password"]
    assert password not in res.output and str(studio.admin_file) in res.stdout


def test_env_prints_the_settings_for_scripts(cli, studio):
    res = cli("studio", "env")
    assert res.exit_code == 0
    assert res.stdout.splitlines() == [f"export LABEL_STUDIO_URL={studio.url}",
                                       f"export LABEL_STUDIO_API_KEY={studio.token()}"]


def test_up_again_reuses_the_running_server(cli, studio):
    pid = studio.running_pid()
    res = cli("studio", "up")
    assert res.exit_code == 0, res.output
    assert "already running" in res.stderr and studio.running_pid() == pid


def test_secrets_are_private(studio):
    for path in (studio.token_file, studio.admin_file):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert studio.token() not in studio.log_file.read_text(errors="replace")
    assert studio.token() not in studio.state_file.read_text()


def test_server_accepts_the_generated_config(conn, title):
    scheme = load_scheme()
    project = conn.sdk.projects.create(title=title, label_config=label_config())
    got = conn.sdk.projects.get(project.id)
    assert " ".join(got.label_config.split()) == " ".join(label_config().split())
    parsed = got.parsed_label_config
    assert parsed[scheme.labels_name]["labels"] == list(scheme.label_names)
    assert parsed[scheme.labels_name]["to_name"] == [scheme.text_name]
    assert parsed[scheme.speaker_name]["type"] == "TextArea"


def test_server_rejects_a_broken_config(conn, title):
    """Sanity: the server really validates configs (so the test above means something)."""
    with pytest.raises(ApiError) as e:
        conn.sdk.projects.create(title=title, label_config='<View><Labels name="label" toName="nowhere">'
                                                            '<Label value="A"/></Labels></View>')
    assert e.value.status_code == 400


def test_a_fixture_task_imports_with_its_prediction_shown(conn, title, tasks):
    result = push_tasks(conn, title, tasks[:1])
    assert result.imported == 1
    project = conn.sdk.projects.get(result.project.id)
    mv = tasks[0]["predictions"][0]["model_version"]
    assert project.model_version == mv and project.show_collab_predictions
    listed = conn.request("t", "GET", "api/tasks/", params={"project": project.id, "fields": "all"})["tasks"]
    assert len(listed) == 1
    task = conn.sdk.tasks.get(listed[0]["id"])
    assert task.data == tasks[0]["data"]
    preds = conn.request("p", "GET", "api/predictions/", params={"task": task.id})
    assert len(preds) == 1 and preds[0]["model_version"] == mv
    assert preds[0]["result"] == tasks[0]["predictions"][0]["result"]
    assert preds[0]["score"] == tasks[0]["predictions"][0]["score"]
