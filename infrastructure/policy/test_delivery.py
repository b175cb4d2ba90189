"""The container image and the pipelines."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

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


def build_context_sources():
    """What the build stage copies from the context (the first stage's COPY sources)."""
    build_stage = DOCKERFILE.split("\nFROM ")[1]
    sources = []
    for line in re.findall(r"^COPY (?!--from)(.+)$", build_stage, re.MULTILINE):
        words = [w for w in line.split() if not w.startswith("--")]
        sources.extend(words[:-1])
    return sources


def dockerignore_admits(path):
    """Whether .dockerignore (a deny-all with `!` re-includes, as ours is) lets `path` in."""
    admitted = False
    for pattern in (REPOSITORY / ".dockerignore").read_text().splitlines():
        pattern = pattern.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negated = pattern.startswith("!")
        name = pattern.lstrip("!").rstrip("/")
        if name == "*" or path == name or path.startswith(name + "/"):
            admitted = negated
    return admitted


def test_the_build_context_holds_the_whole_workspace(aws):
    # Cargo loads every workspace member's manifest (and their path dependencies) before
    # building even one package: the image's build stage must be given all of them.
    sources = build_context_sources()
    assert "Cargo.toml" in sources and "Cargo.lock" in sources
    for source in sources:
        assert dockerignore_admits(source), f".dockerignore keeps {source} out of the context"
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.skip("cargo is not installed: the workspace in the context is not loaded")
    tracked = subprocess.run(["git", "ls-files"], cwd=REPOSITORY, capture_output=True, text=True, check=True)
    with tempfile.TemporaryDirectory() as context:
        for path in tracked.stdout.splitlines():
            if any(path == s or path.startswith(s.rstrip("/") + "/") for s in sources):
                target = Path(context) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(REPOSITORY / path, target)
        loaded = subprocess.run([cargo, "metadata", "--no-deps", "--offline", "--format-version", "1"],
                                cwd=context, capture_output=True, text=True)
        assert loaded.returncode == 0, f"the image's build stage cannot load the workspace:\n{loaded.stderr}"


def test_the_runtime_user_is_not_root_and_matches_the_task_definition(aws):
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.MULTILINE)
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert f'user                   = "{users[-1]}"' in (aws.path / "ecs.tf").read_text()


def test_the_data_volume_is_declared_where_the_task_mounts_it_and_owned_by_its_user(aws):
    # ECS copies an image's VOLUME path (contents and owner) into the task volume mounted
    # at that path; a mount anywhere else, or an owner other than the user, is root's.
    runtime = DOCKERFILE.split("\nFROM ")[-1]
    volumes = re.findall(r'^VOLUME \["([^"]+)"\]$', runtime, re.MULTILINE)
    data_dir = aws.locals["data_dir"]
    assert volumes == [data_dir]
    assert f"SOFTLY_DATA_DIR={data_dir}" in runtime
    ecs = (aws.path / "ecs.tf").read_text()
    assert 'containerPath = local.data_dir' in ecs
    owner = re.search(rf"^COPY --from=build --chown=(\S+) \S+ {re.escape(data_dir)}$", runtime, re.MULTILINE)
    user = re.findall(r"^USER (\S+)$", runtime, re.MULTILINE)[-1]
    assert owner and owner.group(1) == user
    assert f'user                   = "{user}"' in ecs
    # The VOLUME comes after the files it keeps: later changes to a volume path are lost.
    assert runtime.index("VOLUME") > owner.start()


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


def test_a_deploy_succeeds_only_when_the_new_revision_runs_and_its_rollout_completed():
    text = (WORKFLOWS / "backend.yml").read_text()
    wait = text.index("aws ecs wait services-stable")
    check = text.index("deployments[?status==`PRIMARY`] | [0].[taskDefinition, rolloutState]")
    assert check > wait
    assert '"$running" != "$TASK_DEFINITION"' in text and '"$rollout" != "COMPLETED"' in text
    # Configuration made in Terraform ships through the pipeline (by hand: workflow_dispatch),
    # never by restarting tasks on the old revision.
    assert "workflow_dispatch:" in text
    for runbook in (REPOSITORY / "infrastructure" / "README.md", REPOSITORY / "README.md"):
        assert "--force-new-deployment" not in runbook.read_text(), runbook


def test_infrastructure_pipeline_plans_pull_requests_and_applies_main():
    text = (WORKFLOWS / "infrastructure.yml").read_text()
    assert "bash infrastructure/check" in text
    assert "github.event_name == 'pull_request'" in text and "terraform plan" in text
    assert "github.ref == 'refs/heads/main'" in text and "terraform apply" in text
    assert "id-token: write" in text and "aws-access-key-id" not in text
    # A pull request's plan must never share (and so cancel) a pending apply's group.
    assert "format('infrastructure-pr-{0}', github.event.number) || 'infrastructure-production'" in text


def test_plans_read_cloudflare_with_a_read_only_token_and_only_apply_holds_the_edit_token():
    import yaml

    jobs = yaml.safe_load((WORKFLOWS / "infrastructure.yml").read_text())["jobs"]

    def tokens(job):
        return {step.get("env", {}).get("CLOUDFLARE_API_TOKEN") for step in job["steps"]} - {None}

    assert tokens(jobs["plan"]) == {"${{ secrets.CLOUDFLARE_PLAN_API_TOKEN }}"}
    assert "environment" not in jobs["plan"]
    assert tokens(jobs["apply"]) == {"${{ secrets.CLOUDFLARE_API_TOKEN }}"}
    assert jobs["apply"]["environment"] == "production"
    # The sites deploy with a Pages-only token of their own.
    sites = (WORKFLOWS / "sites.yml").read_text()
    assert "secrets.CLOUDFLARE_API_TOKEN" not in sites and "secrets.CLOUDFLARE_PAGES_API_TOKEN" in sites


def test_the_gate_requires_lock_files_with_linux_and_macos_hashes_for_every_root():
    import yaml

    gate = yaml.safe_load((WORKFLOWS / "infrastructure.yml").read_text())["jobs"]["gate"]
    (step,) = [s for s in gate["steps"] if s.get("name") == "Provider lock files cover linux and macOS"]
    assert "for root in bootstrap aws cloudflare" in step["run"]
    for platform in ("linux_amd64", "darwin_amd64", "darwin_arm64"):
        assert f"-platform={platform}" in step["run"]
    assert "git diff --exit-code" in step["run"]


def test_sites_pipeline_deploys_the_three_pages_projects():
    text = (WORKFLOWS / "sites.yml").read_text()
    for project in ("softly-landing", "softly-web", "softly-docs"):
        assert f"project: {project}" in text
    assert "wrangler@3 pages deploy" in text


def test_sites_deploy_only_what_changed_one_deploy_per_site_at_a_time():
    text = (WORKFLOWS / "sites.yml").read_text()
    assert "group: sites-${{ matrix.folder }}" in text
    assert "cancel-in-progress: false" in text
    # A push deploys a site only when its folder changed in the push's range.
    assert 'git diff --quiet "$BEFORE" "$GITHUB_SHA"' in text
    assert "steps.present.outputs.deploy == 'true'" in text
    # Only what it uses: reading the repository (Pages deploys use the API token).
    permissions = text.split("permissions:", 1)[1].split("\njobs:", 1)[0]
    assert [line.strip() for line in permissions.strip().splitlines()] == ["contents: read"]


def test_ci_runs_as_a_user_with_sudo_not_only_as_root():
    # GitHub-hosted runners are not root: everything root's goes through `privileged`.
    script = (REPOSITORY / ".ci" / "run").read_text()
    for number, line in enumerate(script.splitlines(), 1):
        code = line.split("#", 1)[0]
        for needs_root in ("apt-get ", "pg_ctlcluster ", "sed -i"):
            # `command -v x` asks whether it is installed; it runs nothing.
            if needs_root in code and f"command -v {needs_root}" not in code:
                assert "privileged " in code, f".ci/run:{number} runs {needs_root.strip()} without privileged: {line.strip()}"
    assert 'sudo -n "$@"' in script
