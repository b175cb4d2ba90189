"""The container image and the pipelines."""

import re

from hcl import REPOSITORY

DOCKERFILE = (REPOSITORY / "backend" / "Dockerfile").read_text()
WORKFLOWS = REPOSITORY / ".github" / "workflows"


def stages():
    return re.findall(r"^FROM (.+)$", DOCKERFILE, re.MULTILINE)


def test_multi_stage_for_linux_amd64_with_a_small_runtime(aws):
    froms = stages()
    assert len(froms) == 2
    assert "distroless" in froms[1]
    # The platform is chosen by the build command (hadolint DL3029), which is pinned here.
    assert "docker build --platform linux/amd64" in (WORKFLOWS / "backend.yml").read_text()
    assert "docker build --platform linux/amd64" in DOCKERFILE


def test_the_build_stage_compiles_what_ci_tests(aws):
    build = re.search(r"cargo build [^\n\\]*", DOCKERFILE).group(0)
    assert "--release" in build and "--locked" in build and "-p softly" in build
    ci = (REPOSITORY / ".ci" / "run").read_text()
    assert "--locked" in ci, "CI tests the same locked dependency set"
    assert (REPOSITORY / ".dockerignore").exists()


def test_the_runtime_user_is_not_root_and_matches_the_task_definition(aws):
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert f'user                   = "{users[-1]}"' in (aws.path / "ecs.tf").read_text()


def test_the_image_binds_port_and_checks_up(aws):
    assert "BIND=0.0.0.0" in DOCKERFILE and "PORT=8080" in DOCKERFILE
    assert re.search(r'HEALTHCHECK .*\n\s+CMD \["/usr/local/bin/softly", "healthcheck"\]', DOCKERFILE)
    assert '"/usr/local/bin/softly", "healthcheck"' in (aws.path / "ecs.tf").read_text()


def test_backend_pipeline_tests_builds_pushes_updates_and_waits_through_oidc():
    text = (WORKFLOWS / "backend.yml").read_text()
    assert "branches: [main]" in text and '"backend/**"' in text
    order = ["CI=true bash .ci/run", "docker build --platform linux/amd64 -f backend/Dockerfile", "docker push",
             "aws ecs update-service", "aws ecs wait services-stable"]
    positions = [text.index(step) for step in order]
    assert positions == sorted(positions)
    assert "id-token: write" in text and "role-to-assume" in text
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text


def test_infrastructure_pipeline_plans_pull_requests_and_applies_main():
    text = (WORKFLOWS / "infrastructure.yml").read_text()
    assert "bash infrastructure/check" in text
    assert "github.event_name == 'pull_request'" in text and "terraform plan" in text
    assert "github.ref == 'refs/heads/main'" in text and "terraform apply" in text
    assert "id-token: write" in text and "aws-access-key-id" not in text


def test_sites_pipeline_deploys_the_three_pages_projects():
    text = (WORKFLOWS / "sites.yml").read_text()
    for project in ("softly-landing", "softly-web", "softly-docs"):
        assert f"project: {project}" in text
    assert "wrangler@3 pages deploy" in text
