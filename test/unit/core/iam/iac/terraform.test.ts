// Terraform as an IAM source: one test per HCL construct the contract lists (variables, locals, string
// templates, heredocs, jsonencode, aws_iam_policy_document with its blocks, the account / partition data
// sources, the role / policy / user resources), parsed by tree-sitter-hcl; positions and unresolved values.
import { strict as assert } from 'node:assert';
import { iacFindings } from '../../../../../src/core/rules/iac-findings';
import { read, role, textAt, trustOf } from './helpers';

const ASSUME = (principal: string) => `jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = ${principal} } }]
  })`;

describe('Terraform reader', () => {
  it('aws_iam_role: name, path, max_session_duration, tags, assume_role_policy = jsonencode(...)', async () => {
    const { model, errors } = await read({
      'main.tf': `resource "aws_iam_role" "deploy" {
  name                 = "deploy"
  path                 = "/ci/"
  max_session_duration = 7200
  assume_role_policy   = ${ASSUME('"arn:aws:iam::111111111111:root"')}
  tags = { team = "ci" }
}`,
    });
    assert.deepEqual(errors, []);
    const r = role(model, 'deploy');
    assert.equal(r.arn, 'arn:aws:iam::333333333333:role/ci/deploy');
    assert.equal(r.maxSessionDuration, 7200);
    assert.deepEqual(r.tags, { team: 'ci' });
    assert.deepEqual(trustOf(model, 'deploy').Statement[0].Principal, { AWS: 'arn:aws:iam::111111111111:root' });
  });

  it('variables: defaults, overridden by the entry parameters (across files of the module); locals; string templates', async () => {
    const files = {
      'variables.tf':
        'variable "hub" {\n  type    = string\n  default = "111111111111"\n}\nvariable "env" { default = "prod" }\n',
      'main.tf': `locals {\n  hub_root = "arn:aws:iam::\${var.hub}:root"\n  name     = "deploy-\${var.env}"\n}\nresource "aws_iam_role" "r" {\n  name = local.name\n  assume_role_policy = ${ASSUME('local.hub_root')}\n}\n`,
    };
    const a = (await read(files)).model;
    assert.equal(trustOf(a, 'deploy-prod').Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:root');
    const b = (await read(files, { parameters: { hub: '222222222222', env: 'dev' } })).model;
    assert.equal(trustOf(b, 'deploy-dev').Statement[0].Principal.AWS, 'arn:aws:iam::222222222222:root');
  });

  it('heredocs (<<EOT and the indented <<-EOT) with interpolation, and $${ escapes', async () => {
    const { model } = await read({
      'main.tf': `data "aws_caller_identity" "me" {}
resource "aws_iam_role" "a" {
  name = "a"
  assume_role_policy = <<EOT
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
 "Principal": {"AWS": "arn:aws:iam::\${data.aws_caller_identity.me.account_id}:root"}}]}
EOT
}
resource "aws_iam_role" "b" {
  name = "b"
  assume_role_policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"},
        "Condition": {"StringEquals": {"aws:PrincipalTag/x": "$\${literal}"}}}]
    }
  POLICY
}`,
    });
    assert.equal(trustOf(model, 'a').Statement[0].Principal.AWS, 'arn:aws:iam::333333333333:root');
    assert.ok(role(model, 'b').trustPolicy.text.startsWith('{\n  "Version"'), 'the common indentation is removed');
    assert.equal(trustOf(model, 'b').Statement[0].Condition.StringEquals['aws:PrincipalTag/x'], '${literal}');
  });

  it('data "aws_iam_policy_document": statement, principals, not_principals, condition, source_policy_documents', async () => {
    const { model } = await read({
      'main.tf': `data "aws_partition" "p" {}
data "aws_iam_policy_document" "base" {
  statement {
    sid     = "Base"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:\${data.aws_partition.p.partition}:iam::111111111111:root"]
    }
  }
}
data "aws_iam_policy_document" "trust" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid     = "Agents"
    effect  = "Allow"
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/b"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["ext-1"]
    }
    condition {
      test     = "Bool"
      variable = "aws:MultiFactorAuthPresent"
      values   = ["true"]
    }
  }
  statement {
    effect  = "Deny"
    actions = ["sts:AssumeRole"]
    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}`,
    });
    const trust = trustOf(model, 'r');
    assert.deepEqual(
      trust.Statement.map((s: { Sid?: string }) => s.Sid ?? null),
      ['Base', 'Agents', null],
    );
    assert.equal(trust.Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:root');
    assert.deepEqual(trust.Statement[1].Action, ['sts:AssumeRole', 'sts:TagSession']);
    assert.deepEqual(trust.Statement[1].Condition, {
      StringEquals: { 'sts:ExternalId': 'ext-1' },
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });
    assert.deepEqual(trust.Statement[2], {
      Effect: 'Deny',
      Action: 'sts:AssumeRole',
      NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' },
    });
  });

  it('aws_iam_role_policy, aws_iam_policy + aws_iam_role_policy_attachment, aws_iam_user + aws_iam_user_policy', async () => {
    const { model } = await read({
      'main.tf': `resource "aws_iam_role" "agent" {
  name = "agent"
  assume_role_policy = ${ASSUME('"*"')}
}
resource "aws_iam_role_policy" "inline" {
  name   = "inline"
  role   = aws_iam_role.agent.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }] })
}
resource "aws_iam_policy" "managed" {
  name   = "managed"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "sts:AssumeRole", Resource = "*" }] })
}
resource "aws_iam_role_policy_attachment" "attach" {
  role       = aws_iam_role.agent.name
  policy_arn = aws_iam_policy.managed.arn
}
resource "aws_iam_user" "ken" { name = "ken" }
resource "aws_iam_user_policy" "ken" {
  user   = aws_iam_user.ken.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }] })
}`,
    });
    assert.deepEqual(
      role(model, 'agent')
        .identityPolicies.map((p) => p.name)
        .sort(),
      ['arn:aws:iam::333333333333:policy/managed', 'inline'],
    );
    const ken = model.users.find((u) => u.userName === 'ken')!;
    assert.equal(ken.arn, 'arn:aws:iam::333333333333:user/ken');
    assert.equal(ken.identityPolicies.length, 1);
  });

  it('conditionals, for expressions, functions (join, format, concat, lower) and count = 0', async () => {
    const { model } = await read({
      'main.tf': `variable "prod" { default = true }
variable "accounts" { default = ["111111111111", "222222222222"] }
locals {
  roots = [for a in var.accounts : format("arn:aws:iam::%s:root", a) if a != "222222222222"]
}
resource "aws_iam_role" "r" {
  name = lower(join("-", concat(["Deploy"], var.prod ? ["Prod"] : ["Dev"])))
  assume_role_policy = ${ASSUME('local.roots')}
}
resource "aws_iam_role" "gone" {
  count = 0
  name  = "gone"
  assume_role_policy = ${ASSUME('"*"')}
}`,
    });
    assert.deepEqual(
      model.roles.map((r) => r.roleName),
      ['deploy-prod'],
    );
    // jsonencode keeps a one-element list a list (unlike aws_iam_policy_document).
    assert.deepEqual(trustOf(model, 'deploy-prod').Statement[0].Principal.AWS, ['arn:aws:iam::111111111111:root']);
  });

  it('locates a trust-policy problem at the statement block (data source) and inside a heredoc', async () => {
    const text = `data "aws_iam_policy_document" "t" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam:::root"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.t.json
}
resource "aws_iam_role" "h" {
  name               = "h"
  assume_role_policy = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Action": "sts:AssumeRole",
      "Principal": {"AWS": "\${aws_iam_role.r.arn}"}, "Condition": {"StringEquals": {"sts:ExternalId": []}}}]}
  EOT
}`;
    const findings = iacFindings((await read({ 'main.tf': text })).model);
    const invalid = findings.find((f) => f.code === 'invalid-principal')!;
    assert.equal(textAt(text, invalid.range), '"arn:aws:iam:::root"');
    const unsat = findings.find((f) => f.code === 'unsatisfiable-condition')!;
    assert.ok(textAt(text, unsat.range).startsWith('{"Sid": "S"'), textAt(text, unsat.range));
  });

  it('unresolved values (a variable without default, for_each) are unresolved-reference in the file; never a crash', async () => {
    const text = `variable "hub" {}
resource "aws_iam_role" "r" {
  name = "r"
  assume_role_policy = ${ASSUME('"arn:aws:iam::${var.hub}:root"')}
}
variable "names" {}
resource "aws_iam_role" "many" {
  for_each = toset(var.names)
  name     = each.key
  assume_role_policy = ${ASSUME('"*"')}
}`;
    const { model } = await read({ 'main.tf': text });
    assert.equal(model.roles.length, 0);
    const unresolved = iacFindings(model).filter((f) => f.code === 'unresolved-reference');
    assert.equal(unresolved.length, 2);
    assert.match(unresolved[0].message + unresolved[1].message, /variable hub has no default/);
    assert.match(
      unresolved[0].message + unresolved[1].message,
      /How many aws_iam_role\.many.*\(for_each\): variable names has no default/,
    );
    assert.equal(textAt(text, unresolved.find((u) => /hub/.test(u.message))!.range), 'var.hub');
  });

  it('a role whose name is null (name_prefix set, or no name) gets a generated name: pending with that reason, not an unresolved name', async () => {
    // Terraform's aws_iam_role: with name omitted or null the provider generates a unique name
    // (from name_prefix when set), so the role's name is known only after apply.
    const text = `variable "prefixed" { default = true }
resource "aws_iam_role" "gen" {
  name        = var.prefixed ? null : "fixed"
  name_prefix = var.prefixed ? "ci-" : null
  assume_role_policy = ${ASSUME('"arn:aws:iam::111111111111:root"')}
}`;
    const { model } = await read({ 'main.tf': text });
    assert.equal(model.roles.length, 0);
    assert.equal(model.pending.length, 1);
    assert.match(model.pending[0].reason, /no fixed name.*generated at deploy time/);
    assert.deepEqual(
      iacFindings(model).filter((f) => /name of Role/.test(f.message)),
      [],
      'no "name cannot be resolved" finding for a generated name',
    );
    const fixed = (await read({ 'main.tf': text }, { parameters: { prefixed: 'false' } })).model;
    assert.equal(role(fixed, 'fixed').arn, 'arn:aws:iam::333333333333:role/fixed');
  });

  it("templatefile() and file() read the module's own files (path.module is the module folder); a missing file is unresolved", async () => {
    // Terraform's templatefile(path, vars) renders the file as a template with only vars in scope;
    // file(path) is the text as it is. Both are common for trust policies kept in *.json / *.tpl files.
    const text = `variable "hub" { default = "111111111111" }
resource "aws_iam_role" "tpl" {
  name = "tpl"
  assume_role_policy = templatefile("\${path.module}/trust/tpl.json.tpl", { account = var.hub, svc = "ec2" })
}
resource "aws_iam_role" "plain" {
  name = "plain"
  assume_role_policy = file("trust.json")
}
resource "aws_iam_role" "gone" {
  name = "gone"
  assume_role_policy = file("\${path.module}/missing.json")
}`;
    const files = {
      'trust/tpl.json.tpl':
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",\n' +
        '  "Principal": {"AWS": "arn:aws:iam::${account}:root", "Service": "${svc}.amazonaws.com"}}]}',
      'trust.json':
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}]}\n',
    };
    const { model } = await read({ 'main.tf': text }, {}, files);
    assert.deepEqual(trustOf(model, 'tpl').Statement[0].Principal, {
      AWS: 'arn:aws:iam::111111111111:root',
      Service: 'ec2.amazonaws.com',
    });
    assert.deepEqual(trustOf(model, 'plain').Statement[0].Principal, { Service: 'lambda.amazonaws.com' });
    const unresolved = iacFindings(model).filter((f) => f.code === 'unresolved-reference');
    assert.equal(unresolved.length, 1);
    assert.match(unresolved[0].message, /missing\.json.*no such file/);
    assert.equal(textAt(text, unresolved[0].range), 'file("${path.module}/missing.json")');
    // Without a file reader (no folder to read from) the calls stay unevaluated, as before.
    assert.equal((await read({ 'main.tf': text })).model.roles.length, 0);
  });

  it('count and for_each: one role per instance (count.index, each.key / each.value), references by index and splat; dynamic blocks', async () => {
    // Terraform meta-arguments: count makes instances [0..n-1] with count.index; for_each over a map or a
    // set of strings makes one instance per key with each.key / each.value; aws_iam_role.x["k"] / [0] name one.
    // A dynamic "principals" block gives one principals block per element, its iterator bound to key / value.
    const text = `variable "trusted" {
  default = {
    deploy = { account = "111111111111", external_id = "ext-1" }
    audit  = { account = "222222222222", external_id = "ext-2" }
  }
}
variable "create" { default = true }
data "aws_iam_policy_document" "trust" {
  for_each = var.trusted
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::\${each.value.account}:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [each.value.external_id]
    }
  }
}
resource "aws_iam_role" "per_team" {
  for_each           = var.trusted
  name               = "ci-\${each.key}"
  assume_role_policy = data.aws_iam_policy_document.trust[each.key].json
}
resource "aws_iam_role_policy" "per_team" {
  for_each = var.trusted
  role     = aws_iam_role.per_team[each.key].name
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }] })
}
resource "aws_iam_role" "numbered" {
  count              = var.create ? 2 : 0
  name               = "worker-\${count.index}"
  assume_role_policy = data.aws_iam_policy_document.services.json
}
data "aws_iam_policy_document" "tagging" {
  count = var.create ? 1 : 0
  statement {
    actions = ["sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
  }
}
data "aws_iam_policy_document" "services" {
  source_policy_documents = data.aws_iam_policy_document.tagging[*].json
  statement {
    actions = ["sts:AssumeRole"]
    dynamic "principals" {
      for_each = ["ec2", "ecs-tasks"]
      content {
        type        = "Service"
        identifiers = ["\${principals.value}.amazonaws.com"]
      }
    }
  }
}
resource "aws_iam_role" "copy" {
  name               = "\${aws_iam_role.numbered[1].name}-copy"
  assume_role_policy = data.aws_iam_policy_document.trust["audit"].json
}`;
    const { model } = await read({ 'main.tf': text });
    assert.deepEqual(
      model.unresolved.map((u) => u.message),
      [],
    );
    assert.deepEqual(model.roles.map((r) => r.roleName).sort(), [
      'ci-audit',
      'ci-deploy',
      'worker-0',
      'worker-1',
      'worker-1-copy',
    ]);
    const deploy = trustOf(model, 'ci-deploy').Statement[0];
    assert.deepEqual(deploy.Principal, { AWS: 'arn:aws:iam::111111111111:root' });
    assert.deepEqual(deploy.Condition, { StringEquals: { 'sts:ExternalId': 'ext-1' } });
    assert.equal(trustOf(model, 'ci-audit').Statement[0].Principal.AWS, 'arn:aws:iam::222222222222:root');
    assert.equal(role(model, 'ci-audit').identityPolicies.length, 1);
    // data.x[*].json (a splat) is the list of every instance's document.
    assert.equal(trustOf(model, 'worker-1').Statement[0].Action, 'sts:TagSession');
    assert.deepEqual(trustOf(model, 'worker-1').Statement[1].Principal, {
      Service: ['ec2.amazonaws.com', 'ecs-tasks.amazonaws.com'],
    });
    assert.equal(trustOf(model, 'worker-1-copy').Statement[0].Principal.AWS, 'arn:aws:iam::222222222222:root');
    const none = (await read({ 'main.tf': text }, { parameters: { create: 'false' } })).model;
    assert.ok(!none.roles.some((r) => r.roleName.startsWith('worker-')));
    assert.match(none.unresolved.map((u) => u.message).join(), /aws_iam_role\.numbered\["?1"?\] is not created/);
  });

  it('an OIDC identity provider (resource, or data source by url / arn) has its IAM ARN: a web-identity trust names it as Federated', async () => {
    // IAM's ARN of an OIDC provider is arn:aws:iam::ACCOUNT:oidc-provider/ followed by its URL without https://.
    const text = `resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
data "aws_iam_openid_connect_provider" "eks" {
  url = "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC123"
}
resource "aws_iam_role" "gha" {
  name = "gha"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:org/app:*" } }
    }]
  })
}
resource "aws_iam_role" "irsa" {
  name = "irsa"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
      Principal = { Federated = data.aws_iam_openid_connect_provider.eks.arn } }]
  })
}`;
    const { model } = await read({ 'main.tf': text });
    assert.deepEqual(
      model.unresolved.map((u) => u.message),
      [],
    );
    assert.equal(
      trustOf(model, 'gha').Statement[0].Principal.Federated,
      'arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com',
    );
    assert.equal(
      trustOf(model, 'irsa').Statement[0].Principal.Federated,
      'arn:aws:iam::333333333333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC123',
    );
    assert.deepEqual(iacFindings(model), []);
  });

  it('resources RoleCall does not read (instance profiles, access keys, OIDC providers) are never unresolved, whatever their count', async () => {
    const text = `variable "users" {}
variable "make" {}
resource "aws_iam_access_key" "k" {
  for_each = toset(var.users)
  user     = each.key
}
resource "aws_iam_instance_profile" "p" {
  count = var.make ? 1 : 0
  name  = "p"
}`;
    const { model } = await read({ 'main.tf': text });
    assert.deepEqual(
      model.unresolved.map((u) => u.message),
      [],
    );
  });

  it('data "template_file" (the template provider): rendered is the template with its vars, as templatefile()', async () => {
    const text = `variable "trusted" { default = "arn:aws:iam::111111111111:role/ci" }
data "template_file" "trust" {
  template = file("\${path.module}/trust.tpl")
  vars = {
    principal = var.trusted
    unused    = aws_s3_bucket.b.arn
  }
}
data "template_file" "inline" {
  template = "{\\"Version\\": \\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sts:AssumeRole\\", \\"Principal\\": {\\"Service\\": \\"$\${svc}.amazonaws.com\\"}}]}"
  vars     = { svc = "ec2" }
}
resource "aws_iam_role" "from_file" {
  name               = "from-file"
  assume_role_policy = data.template_file.trust.rendered
}
resource "aws_iam_role" "from_inline" {
  name               = "from-inline"
  assume_role_policy = data.template_file.inline.rendered
}`;
    const files = {
      'trust.tpl':
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "${principal}"}}]}',
    };
    const { model } = await read({ 'main.tf': text }, {}, files);
    assert.deepEqual(
      model.unresolved.map((u) => u.message),
      [],
    );
    assert.equal(trustOf(model, 'from-file').Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:role/ci');
    assert.equal(trustOf(model, 'from-inline').Statement[0].Principal.Service, 'ec2.amazonaws.com');
  });

  it('try() moves past an error (missing key, instance not created) but not past a value known only after apply; coalesce likewise', async () => {
    // Terraform: try() returns the first argument that evaluates without an error — a value known only
    // after apply is not an error; coalesce() of an unknown first argument is unknown.
    const text = `variable "cfg" { default = {} }
variable "existing" { default = "arn:aws:iam::111111111111:role/existing" }
variable "create" { default = false }
resource "aws_s3_bucket" "b" {}
resource "aws_iam_role" "made" {
  count = var.create ? 1 : 0
  name  = "made"
  assume_role_policy = ${ASSUME('"*"')}
}
resource "aws_iam_role" "keyed" {
  name = try(var.cfg.name, "from-try")
  assume_role_policy = ${ASSUME('try(aws_iam_role.made[0].arn, var.existing)')}
}
resource "aws_iam_role" "later" {
  name = try(aws_s3_bucket.b.id, "never-this")
  assume_role_policy = ${ASSUME('"*"')}
}
resource "aws_iam_role" "either" {
  name = coalesce(aws_s3_bucket.b.bucket, "nor-this")
  assume_role_policy = ${ASSUME('"*"')}
}`;
    const { model } = await read({ 'main.tf': text });
    assert.deepEqual(
      model.roles.map((r) => r.roleName),
      ['from-try'],
    );
    assert.equal(trustOf(model, 'from-try').Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:role/existing');
    const why = model.unresolved.map((u) => u.message).join('\n');
    assert.match(
      why,
      /name of Role aws_iam_role\.later cannot be resolved: aws_s3_bucket\.b\.id is known only after apply/,
    );
    assert.match(
      why,
      /name of Role aws_iam_role\.either cannot be resolved: aws_s3_bucket\.b\.bucket is known only after apply/,
    );
    const made = (await read({ 'main.tf': text }, { parameters: { create: 'true' } })).model;
    assert.equal(trustOf(made, 'from-try').Statement[0].Principal.AWS, 'arn:aws:iam::333333333333:role/made');
  });

  it('template directives: %{ if }/%{ else }/%{ endif } and %{ for }/%{ endfor } in templatefile() files and heredocs', async () => {
    // Terraform's template language: an if directive renders the branch its condition chooses, a for
    // directive its body once per element (list index and item, or map key and value).
    const text = `variable "oidc" { default = "" }
variable "accounts" { default = ["111111111111", "222222222222"] }
resource "aws_iam_role" "tpl" {
  name = "tpl"
  assume_role_policy = templatefile("trust.tpl", { oidc = var.oidc, accounts = var.accounts })
}
resource "aws_iam_role" "heredoc" {
  name = "heredoc"
  assume_role_policy = <<EOT
{"Version": "2012-10-17", "Statement": [
%{ for i, a in var.accounts ~}
  %{ if i > 0 },%{ endif }{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::\${a}:root"}}
%{ endfor ~}
]}
EOT
}`;
    const files = {
      'trust.tpl': `{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": [%{ for a in accounts }"arn:aws:iam::\${a}:root"%{ if a != accounts[length(accounts) - 1] },%{ endif }%{ endfor }]}}
  %{ if oidc != "" }
  ,{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": "\${oidc}"}}
  %{ else }
  ,{"Effect": "Deny", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": "*"}}
  %{ endif }
]}`,
    };
    const { model } = await read({ 'main.tf': text }, {}, files);
    assert.deepEqual(
      model.unresolved.map((u) => u.message),
      [],
    );
    const tpl = trustOf(model, 'tpl').Statement;
    assert.deepEqual(tpl[0].Principal.AWS, ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root']);
    assert.equal(tpl[1].Effect, 'Deny');
    const oidc = 'arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com';
    const withOidc = (await read({ 'main.tf': text }, { parameters: { oidc } }, files)).model;
    assert.equal(trustOf(withOidc, 'tpl').Statement[1].Principal.Federated, oidc);
    assert.deepEqual(
      trustOf(model, 'heredoc').Statement.map((st: any) => st.Principal.AWS),
      ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root'],
    );
  });

  it('a policy or attachment of a role whose name is generated (name_prefix) is no unresolved-reference', async () => {
    const text = `resource "aws_iam_role" "gen" {
  name_prefix        = "worker-"
  assume_role_policy = ${ASSUME('"arn:aws:iam::111111111111:root"')}
}
resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.gen.name
  policy_arn = "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"
}
resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.gen.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:ListBucket", Resource = "*" }] })
}`;
    const { model } = await read({ 'main.tf': text });
    assert.equal(model.pending.length, 1);
    assert.deepEqual(
      model.unresolved.map((u) => u.message),
      [],
    );
  });

  it('a data source that refers to itself, or a template calling templatefile() again, is unresolved — never a stack overflow', async () => {
    // Terraform reports such code as a cycle / "cannot recursively call templatefile"; the reader must stay total.
    const text = `data "aws_iam_policy_document" "loop" {
  source_policy_documents = [data.aws_iam_policy_document.loop.json]
}
resource "aws_iam_role" "cycle" {
  name               = "cycle"
  assume_role_policy = data.aws_iam_policy_document.loop.json
}
resource "aws_iam_role" "nested" {
  name               = "nested"
  assume_role_policy = templatefile("again.tpl", {})
}`;
    const { model, errors } = await read({ 'main.tf': text }, {}, { 'again.tpl': '${templatefile("again.tpl", {})}' });
    assert.deepEqual(errors, []);
    const why = model.unresolved.map((u) => u.message).join('\n');
    assert.match(why, /cycle.*data\.aws_iam_policy_document\.loop refers to itself/);
    assert.match(why, /nested.*cannot be called from inside another templatefile\(\) call/);
  });

  it('a file that is not HCL is a one-line error with its position', async () => {
    const { errors } = await read({ 'broken.tf': 'resource "aws_iam_role" "r" {\n  name = \n}\n' });
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^broken\.tf:\d+:\d+: not valid HCL/);
  });
});
