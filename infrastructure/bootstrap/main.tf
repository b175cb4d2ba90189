# Run once, by an administrator, with a local state: it creates where every other root
# keeps its state, and the role GitHub Actions assumes (OIDC, no stored keys) to plan
# and apply them.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Project = "softly", ManagedBy = "terraform", Root = "bootstrap" }
  }
}

variable "region" {
  type    = string
  default = "eu-west-2"
}

variable "github_repository" {
  description = "owner/name of the repository whose workflows may assume the Terraform role"
  type        = string
  default     = "softly-app/softly"
}

resource "aws_s3_bucket" "state" {
  bucket = "softly-terraform-state"
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    id     = "old-state-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 90
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

data "aws_iam_policy_document" "state_tls_only" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.state.arn,
      "${aws_s3_bucket.state.arn}/*",
    ]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state_tls_only.json
}

resource "aws_dynamodb_table" "locks" {
  name         = "softly-terraform-locks"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"

  attribute {
    name = "LockID"
    type = "S"
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = true
  }

  lifecycle {
    prevent_destroy = true
  }
}

# GitHub Actions authenticate with short-lived OIDC tokens; no access keys exist.
resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

# Two roles: pull requests plan with read-only access; only the `production` environment
# applies. A job with `environment:` gets a token whose subject names the environment
# (not the branch), and the environment admits only `main` (infrastructure/README.md).
data "aws_iam_policy_document" "terraform_trust" {
  for_each = {
    plan  = "repo:${var.github_repository}:pull_request"
    apply = "repo:${var.github_repository}:environment:production"
  }
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [each.value]
    }
  }
}

resource "aws_iam_role" "terraform" {
  for_each             = data.aws_iam_policy_document.terraform_trust
  name                 = "softly-github-terraform-${each.key}"
  assume_role_policy   = each.value.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy_attachment" "terraform_plan" {
  role       = aws_iam_role.terraform["plan"].name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

# Planning takes the state lock.
data "aws_iam_policy_document" "plan_lock" {
  statement {
    actions   = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [aws_dynamodb_table.locks.arn]
  }
}

resource "aws_iam_role_policy" "plan_lock" {
  name   = "state-lock"
  role   = aws_iam_role.terraform["plan"].id
  policy = data.aws_iam_policy_document.plan_lock.json
}

# ReadOnlyAccess reads almost everything; a pull request's plan must not read production
# data. Explicit denies win over any allow: no vault documents, no secrets (nor their
# history), no decryption with the data keys. Terraform needs none of them to plan (it manages
# no SecureString; the keys' policies admit neither role anyway — aws/keys.tf).
data "aws_iam_policy_document" "plan_denied_data" {
  statement {
    sid       = "VaultObjects"
    effect    = "Deny"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["arn:aws:s3:::softly-storage-*/*"]
  }
  statement {
    sid       = "Secrets"
    effect    = "Deny"
    actions   = ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:GetParameters", "ssm:GetParametersByPath"]
    resources = ["arn:aws:ssm:*:*:parameter/softly/*"]
  }
  # With the data keys (by alias: they live in the aws root); the state bucket's key stays
  # usable, or no plan could read its state.
  statement {
    sid       = "Decrypt"
    effect    = "Deny"
    actions   = ["kms:Decrypt"]
    resources = ["*"]
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "kms:ResourceAliases"
      values   = ["alias/softly-*-secrets", "alias/softly-*-vault"]
    }
  }
}

resource "aws_iam_role_policy" "plan_denied_data" {
  name   = "no-production-data"
  role   = aws_iam_role.terraform["plan"].id
  policy = data.aws_iam_policy_document.plan_denied_data.json
}

# Applying manages every kind of resource in the aws root, so this role is broad; only
# jobs in this repository's `production` environment (main only) can assume it.
resource "aws_iam_role_policy_attachment" "terraform_apply" {
  role       = aws_iam_role.terraform["apply"].name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

output "state_bucket" {
  value = aws_s3_bucket.state.bucket
}

output "lock_table" {
  value = aws_dynamodb_table.locks.name
}

output "github_oidc_provider_arn" {
  value = aws_iam_openid_connect_provider.github.arn
}

output "terraform_plan_role_arn" {
  value = aws_iam_role.terraform["plan"].arn
}

output "terraform_apply_role_arn" {
  value = aws_iam_role.terraform["apply"].arn
}
