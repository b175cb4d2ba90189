# The mocked AWS provider's values, shared by the test files (mock_provider … source).

mock_resource "aws_lb" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-2:239732221658:loadbalancer/app/softly-production/50dc6c495c0c9188"
    arn_suffix = "app/softly-production/50dc6c495c0c9188"
    dns_name   = "softly-production-123.eu-west-2.elb.amazonaws.com"
  }
}
mock_resource "aws_lb_target_group" {
  defaults = {
    arn = "arn:aws:elasticloadbalancing:eu-west-2:239732221658:targetgroup/softly-production/73e2d6bc24d8a067"
  }
}
mock_resource "aws_iam_role" {
  defaults = {
    arn = "arn:aws:iam::239732221658:role/mock"
  }
}
mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-west-2:239732221658:softly-production-alarms"
  }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-west-2:239732221658:log-group:mock"
  }
}
mock_resource "aws_s3_bucket" {
  defaults = {
    arn = "arn:aws:s3:::mock"
  }
}
mock_resource "aws_ecr_repository" {
  defaults = {
    arn            = "arn:aws:ecr:eu-west-2:239732221658:repository/softly-app"
    repository_url = "239732221658.dkr.ecr.eu-west-2.amazonaws.com/softly-app"
  }
}
mock_resource "aws_ecs_task_definition" {
  defaults = {
    arn = "arn:aws:ecs:eu-west-2:239732221658:task-definition/softly-production:1"
  }
}
mock_resource "aws_ssm_parameter" {
  defaults = {
    arn = "arn:aws:ssm:eu-west-2:239732221658:parameter/softly/production/mock"
  }
}
mock_resource "aws_sesv2_configuration_set" {
  defaults = {
    arn = "arn:aws:ses:eu-west-2:239732221658:configuration-set/softly-production"
  }
}
mock_resource "aws_iam_openid_connect_provider" {
  defaults = {
    arn = "arn:aws:iam::239732221658:oidc-provider/token.actions.githubusercontent.com"
  }
}
mock_resource "aws_db_instance" {
  defaults = {
    master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:eu-west-2:239732221658:secret:rds-master", secret_status = "active", kms_key_id = "" }]
  }
}
mock_resource "aws_acm_certificate" {
  defaults = {
    arn = "arn:aws:acm:eu-west-2:239732221658:certificate/mock"
    domain_validation_options = [{
      domain_name           = "api.mysoftly.app"
      resource_record_name  = "_abc.api.mysoftly.app."
      resource_record_type  = "CNAME"
      resource_record_value = "_def.acm-validations.aws."
    }]
  }
}
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}
mock_resource "aws_sesv2_email_identity" {
  defaults = {
    arn = "arn:aws:ses:eu-west-2:239732221658:identity/mysoftly.app"
    dkim_signing_attributes = {
      tokens = ["dkima", "dkimb", "dkimc"]
    }
  }
}
mock_resource "aws_kms_key" {
  defaults = {
    arn    = "arn:aws:kms:eu-west-2:239732221658:key/mock"
    key_id = "mock"
  }
}
