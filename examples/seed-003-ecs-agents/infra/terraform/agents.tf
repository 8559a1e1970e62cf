data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    # Only tasks of this account may use the role (the deployed role lacks this: trust-policy-drift).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "agent" {
  name               = local.agent_role_name
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
  tags = {
    jenkins-label = var.agent_label
  }
}

resource "aws_iam_role_policy" "assume_deploy" {
  name = "AllowAssumeRoleAccountX"
  role = aws_iam_role.agent.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["sts:AssumeRole"]
      Resource = [local.deploy_role_arn]
    }]
  })
}

# A role for smoke tests whose ExternalId condition was left empty: no request can satisfy it
# (unsatisfiable-condition, reported here at the statement).
resource "aws_iam_role" "smoke_test" {
  name                 = "smoke-test-runner"
  max_session_duration = 3600
  assume_role_policy   = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "JenkinsAgents",
          "Effect": "Allow",
          "Principal": { "AWS": "${aws_iam_role.agent.arn}" },
          "Action": "sts:AssumeRole",
          "Condition": { "StringEquals": { "sts:ExternalId": [] } }
        }
      ]
    }
  EOT
}
