"""Seed §2 and §7: SSM parameters, SES, and the IAM roles with exact action lists."""

SSM_NAMES = [
    "database_url",
    "secret_key_base",
    "secret_key_base_previous",
    "redis_url",
    "anthropic_api_key",
    "deepgram_api_key",
    "revenuecat_api_key",
    "revenuecat_webhook_auth",
    "new_relic_license_key",
]


def test_ssm_parameters_by_name_only_all_under_softly_production(aws):
    assert aws.locals["ssm_parameters"] == SSM_NAMES
    assert aws.resolve(aws.locals["ssm_prefix"]) == "/softly/production"
    # Terraform never manages (so never reads back) a secret: reading one needs the
    # secrets key, which only the execution role may use.
    assert not aws.of_kind("aws_ssm_parameter"), "SecureStrings are created out of band"
    arns = aws.locals["ssm_parameter_arns"]
    assert "name => \"arn:aws:ssm:${var.region}:${var.account_id}:parameter${local.ssm_prefix}/${name}\"" in arns
    (listed,) = aws.outputs["ssm_parameters"]["value"]
    assert listed["key_id"] == '${aws_kms_alias.data["secrets"].name}'


def test_only_the_roles_that_need_them_can_decrypt_secrets_and_documents(aws):
    (keys,) = aws.locals["data_keys"]
    assert keys["secrets"]["role"] == "${aws_iam_role.execution.arn}" and keys["secrets"]["service"] == "ssm"
    assert keys["vault"]["role"] == "${aws_iam_role.task.arn}" and keys["vault"]["service"] == "s3"
    uses = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}
    administration = set(aws.locals["key_administration"])
    assert not administration & uses, "administering a key must not include using it"
    assert not any("*" in action for action in administration)
    document = aws.data[("aws_iam_policy_document", "data_key")]
    s = {statement["sid"]: statement for statement in document["statement"]}
    assert set(s) == {"AccountAdministers", "OneRoleUses"}
    # Operators may only encrypt (put) secrets, and only through SSM.
    # (the parser wraps each attribute of a dynamic block's content in a list)
    (writes,) = document["dynamic"][0]["statement"]["content"]
    assert writes["actions"] == [["kms:Encrypt"]]
    assert writes["condition"][0]["values"] == [["ssm.${var.region}.amazonaws.com"]]
    assert keys["secrets"]["operators_write"] is True and keys["vault"]["operators_write"] is False
    assert s["AccountAdministers"]["actions"] == "${local.key_administration}"
    assert set(s["OneRoleUses"]["actions"]) == uses
    assert s["OneRoleUses"]["principals"][0]["identifiers"] == ["${each.value.role}"]
    (via,) = s["OneRoleUses"]["condition"]
    assert via["variable"] == "kms:ViaService"
    assert via["values"] == ["${each.value.service}.${var.region}.amazonaws.com"]
    key = aws.resource("aws_kms_key", "data")
    assert key["enable_key_rotation"] is True
    # The vault is encrypted with its key, by default and by the API's own requests.
    sse = aws.resource("aws_s3_bucket_server_side_encryption_configuration", "vault")["rule"][0]
    default = sse["apply_server_side_encryption_by_default"][0]
    assert default == {"sse_algorithm": "aws:kms", "kms_master_key_id": '${aws_kms_key.data["vault"].arn}'}
    assert sse["bucket_key_enabled"] is True
    env = {entry["name"]: entry["value"] for entry in aws.locals["container_environment"]}
    assert env["S3_KMS_KEY_ID"] == '${aws_kms_key.data["vault"].arn}'


def test_the_plan_role_cannot_read_production_data(bootstrap):
    document = bootstrap.data[("aws_iam_policy_document", "plan_denied_data")]
    s = {statement["sid"]: statement for statement in document["statement"]}
    for statement in s.values():
        assert statement["effect"] == "Deny"
    assert set(s["VaultObjects"]["actions"]) == {"s3:GetObject", "s3:GetObjectVersion"}
    assert s["VaultObjects"]["resources"] == ["arn:aws:s3:::softly-storage-*/*"]
    assert set(s["Secrets"]["actions"]) == {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory"}
    assert s["Secrets"]["resources"] == ["arn:aws:ssm:*:*:parameter/softly/*"]
    assert s["Decrypt"]["actions"] == ["kms:Decrypt"]
    (aliases,) = s["Decrypt"]["condition"]
    assert aliases["variable"] == "kms:ResourceAliases"
    assert aliases["values"] == ["alias/softly-*-secrets", "alias/softly-*-vault"]
    policy = bootstrap.resource("aws_iam_role_policy", "plan_denied_data")
    assert policy["role"] == '${aws_iam_role.terraform["plan"].id}'


def test_every_ssm_name_in_any_root_is_under_softly_production(aws, cloudflare, bootstrap):
    import re

    for root in (aws, cloudflare, bootstrap):
        for match in re.finditer(r'"(/softly/[^"]*)"', root.source()):
            assert match.group(1).startswith("/softly/${var.environment}") or match.group(1).startswith(
                "/softly/production/"
            ), match.group(1)


def test_ses_identity_for_the_domain_with_dkim(aws):
    identity = aws.resource("aws_sesv2_email_identity", "domain")
    assert aws.resolve(identity["email_identity"]) == "mysoftly.app"
    assert identity["dkim_signing_attributes"][0]["next_signing_key_length"] == "RSA_2048_BIT"


def statements(aws, document: str) -> dict[str, dict]:
    return {s["sid"]: s for s in aws.data[("aws_iam_policy_document", document)]["statement"]}


def test_execution_role_pulls_reads_exactly_softly_production_and_writes_its_logs(aws):
    s = statements(aws, "execution")
    assert set(s) == {"EcrAuth", "EcrPull", "ReadSecrets", "WriteLogs"}
    assert s["EcrAuth"]["actions"] == ["ecr:GetAuthorizationToken"]
    assert s["EcrPull"]["actions"] == ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert s["EcrPull"]["resources"] == ["${aws_ecr_repository.app.arn}"]
    assert s["ReadSecrets"]["actions"] == ["ssm:GetParameters"]
    (resource,) = s["ReadSecrets"]["resources"]
    assert aws.resolve(resource) == "arn:aws:ssm:eu-west-2:239732221658:parameter/softly/production/*"
    assert s["WriteLogs"]["actions"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert s["WriteLogs"]["resources"] == ["${aws_cloudwatch_log_group.api.arn}:*"]


def test_task_role_reaches_the_vault_objects_and_sends_mail_nothing_else(aws):
    s = statements(aws, "task")
    assert set(s) == {"VaultObjects", "VaultListing", "SendMail"}
    assert s["VaultObjects"]["actions"] == ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
    assert s["VaultObjects"]["resources"] == ["${aws_s3_bucket.vault.arn}/*"]
    assert s["VaultListing"]["actions"] == ["s3:ListBucket"]
    assert s["VaultListing"]["resources"] == ["${aws_s3_bucket.vault.arn}"]
    assert s["SendMail"]["actions"] == ["ses:SendEmail", "ses:SendRawEmail"]
    assert "${aws_sesv2_email_identity.domain.arn}" in s["SendMail"]["resources"]
    # In the SES sandbox a send is also authorised against the (verified) recipient.
    assert "aws_sesv2_email_identity.sandbox_recipient" in s["SendMail"]["resources"]
    recipients = aws.resource("aws_sesv2_email_identity", "sandbox_recipient")
    assert recipients["for_each"] == "${toset(var.ses_sandbox_recipients)}"
    assert aws.default("ses_sandbox_recipients") == []


def test_deploy_role_is_for_the_production_environment_through_oidc(aws):
    trust = aws.data[("aws_iam_policy_document", "deploy_trust")]["statement"][0]
    assert trust["actions"] == ["sts:AssumeRoleWithWebIdentity"]
    subjects = [c for c in trust["condition"] if c["variable"] == "token.actions.githubusercontent.com:sub"]
    assert subjects[0]["values"] == ["repo:${var.github_repository}:environment:production"]
    s = statements(aws, "deploy")
    assert s["Service"]["actions"] == ["ecs:DescribeServices", "ecs:UpdateService"]
    assert s["PassTaskRoles"]["resources"] == ["${aws_iam_role.execution.arn}", "${aws_iam_role.task.arn}"]


def test_no_wildcard_actions_anywhere(aws):
    for (kind, name), document in aws.data.items():
        for statement in document.get("statement", []):
            if statement.get("effect") == "Deny":
                continue
            # A key policy's delegation to the account's IAM policies (AWS's default).
            if statement.get("sid") == "AccountAdministers" and statement["principals"][0]["identifiers"] == [
                "arn:aws:iam::${var.account_id}:root"
            ]:
                continue
            for action in statement["actions"]:
                assert "*" not in action, f"{name}: {action}"


def test_roles_are_assumed_by_ecs_tasks_of_this_account(aws):
    trust = aws.data[("aws_iam_policy_document", "ecs_tasks_trust")]["statement"][0]
    assert trust["principals"][0]["identifiers"] == ["ecs-tasks.amazonaws.com"]
    for role in ("execution", "task"):
        assert aws.resource("aws_iam_role", role)["assume_role_policy"] == "${data.aws_iam_policy_document.ecs_tasks_trust.json}"
    assert aws.resource("aws_ecs_task_definition", "api")["execution_role_arn"] == "${aws_iam_role.execution.arn}"
    assert aws.resource("aws_ecs_task_definition", "api")["task_role_arn"] == "${aws_iam_role.task.arn}"


def test_the_api_sends_mail_through_ses_with_the_configuration_set(aws):
    source = (aws.path / "ecs.tf").read_text()
    assert '{ name = "MAIL_TRANSPORT", value = "ses" }' in source
    assert "aws_sesv2_configuration_set.main.configuration_set_name" in source
    statements = {s["sid"]: s for s in aws.data[("aws_iam_policy_document", "task")]["statement"]}
    assert "${aws_sesv2_configuration_set.main.arn}" in statements["SendMail"]["resources"]
