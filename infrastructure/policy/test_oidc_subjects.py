"""Every workflow job that assumes an AWS role presents the OIDC subject that role trusts.

GitHub's token names the job's environment when it has one
(`repo:OWNER/REPO:environment:NAME`), else the pull request (`…:pull_request`) for
pull-request events, else the ref (`…:ref:refs/heads/main`). A trust policy that expects
another subject denies the role, and only a real deploy would find out."""

import re

import yaml

from hcl import REPOSITORY

WORKFLOWS = REPOSITORY / ".github" / "workflows"

# Which role each secret names: (root, policy document, for_each key or None).
ROLES = {
    "AWS_DEPLOY_ROLE_ARN": ("aws", "deploy_trust", None),
    "AWS_TERRAFORM_PLAN_ROLE_ARN": ("bootstrap", "terraform_trust", "plan"),
    "AWS_TERRAFORM_APPLY_ROLE_ARN": ("bootstrap", "terraform_trust", "apply"),
}


def assuming_jobs():
    """(workflow, job name, job, secret) for every step that assumes a role."""
    for path in sorted(WORKFLOWS.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text())
        for name, job in workflow["jobs"].items():
            for step in job.get("steps", []):
                role = (step.get("with") or {}).get("role-to-assume")
                if role:
                    secret = re.fullmatch(r"\$\{\{ secrets\.(\w+) \}\}", role)
                    assert secret, f"{path.name} {name}: role-to-assume is not a secret: {role}"
                    yield workflow, f"{path.name}:{name}", job, secret.group(1)


def subject_of(workflow, job):
    """The subject GitHub puts in the token of `job` (after `repo:OWNER/REPO:`)."""
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    if environment:
        return f"environment:{environment}"
    condition = job.get("if", "")
    # PyYAML reads the key `on` as True.
    events = workflow.get(True) or workflow.get("on") or {}
    if "github.event_name == 'pull_request'" in condition or list(events) == ["pull_request"]:
        return "pull_request"
    assert "refs/heads/main" in condition, f"a job assuming a role runs only on main: {condition!r}"
    return "ref:refs/heads/main"


def trusted_subjects(roots, secret):
    root, document, key = ROLES[secret]
    body = roots[root].data[("aws_iam_policy_document", document)]
    if key is not None:
        each = body["for_each"]
        # A map literal parses as a one-element list of the map.
        each = each[0] if isinstance(each, list) else each
        return [each[key]]
    conditions = body["statement"][0]["condition"]
    return next(c["values"] for c in conditions if c["variable"] == "token.actions.githubusercontent.com:sub")


def test_every_assumed_role_trusts_the_subject_its_job_presents(aws, bootstrap):
    roots = {"aws": aws, "bootstrap": bootstrap}
    jobs = list(assuming_jobs())
    assert {secret for *_, secret in jobs} == set(ROLES), "every role-assuming secret is known"
    for workflow, where, job, secret in jobs:
        expected = f"repo:${{var.github_repository}}:{subject_of(workflow, job)}"
        assert expected in trusted_subjects(roots, secret), f"{where} presents {expected}; {secret}'s role trusts {trusted_subjects(roots, secret)}"


def test_subjects_are_computed_as_github_does():
    assert subject_of({True: {"push": {}}}, {"environment": "production", "if": ""}) == "environment:production"
    assert subject_of({True: {"push": {}}}, {"environment": {"name": "staging"}}) == "environment:staging"
    assert subject_of({True: {"pull_request": {}}}, {}) == "pull_request"
    assert subject_of({True: {"push": {}}}, {"if": "github.ref == 'refs/heads/main'"}) == "ref:refs/heads/main"
