# seed 003: the Jenkins ECS agents' task role in the tools account, as the platform team's Terraform
# defines it. RoleCall reads this directory with `--iac` (see examples/.rolecall.json).
variable "target_account_id" {
  description = "The account the agents deploy to"
  type        = string
  default     = "333333333333"
}

variable "agent_label" {
  type    = string
  default = "AgentAccountX"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  agent_role_name = "deploy-role-agent-account-x"
  deploy_role_arn = "arn:${data.aws_partition.current.partition}:iam::${var.target_account_id}:role/deploy-role"
}
