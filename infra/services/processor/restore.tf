# Backups and restores (cva backup, cva restore): a role of their own, apart from the deploy roles and the
# functions' execution roles. cva backup takes on-demand backups of both tables (PITR, on in the tables module,
# covers the last 35 days to the second); cva restore restores into new tables (<table>-<suffix>) and re-wires
# what a restore drops (stream, TTL, PITR, the notifier's mapping), then switches the processor and reporter to
# the new tables (a configuration-only deploy). Operators assume it; nothing else may.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "restore_assume" {
  statement {
    sid     = "OperatorsOfThisAccount"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = length(var.restore_principals) > 0 ? var.restore_principals : ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

locals {
  # the tables and any table restored from them (<table>-<suffix>), their indexes, streams and backups
  restore_table_arns = flatten([for t in [local.names.queryEventsTable, local.names.analyticsTable] : [
    "arn:aws:dynamodb:${local.names.region}:${data.aws_caller_identity.current.account_id}:table/${t}",
    "arn:aws:dynamodb:${local.names.region}:${data.aws_caller_identity.current.account_id}:table/${t}-*",
  ]])
  restore_sub_arns = flatten([for arn in local.restore_table_arns : ["${arn}/backup/*", "${arn}/index/*", "${arn}/stream/*"]])
}

data "aws_iam_policy_document" "restore" {
  statement {
    sid = "BackupAndRestoreTheTables"
    actions = [
      "dynamodb:CreateBackup", "dynamodb:DescribeBackup", "dynamodb:ListBackups", "dynamodb:DeleteBackup",
      "dynamodb:RestoreTableFromBackup", "dynamodb:RestoreTableToPointInTime",
      "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups", "dynamodb:UpdateContinuousBackups",
      "dynamodb:DescribeTimeToLive", "dynamodb:UpdateTimeToLive", "dynamodb:UpdateTable",
      "dynamodb:Scan", "dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
      "dynamodb:DeleteItem", "dynamodb:BatchWriteItem",
    ]
    resources = concat(local.restore_table_arns, local.restore_sub_arns)
  }

  # Creating and listing event source mappings has no resource type in IAM (only "*"); creating one is held to the
  # notifier's function by the lambda:FunctionArn condition. Reading and changing one names the mapping.
  statement {
    sid       = "MapTheNotifierToTheRestoredStream"
    actions   = ["lambda:CreateEventSourceMapping", "lambda:ListEventSourceMappings"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "lambda:FunctionArn"
      values   = ["arn:aws:lambda:${local.names.region}:${data.aws_caller_identity.current.account_id}:function:${local.project}-notifier*"]
    }
  }

  statement {
    sid       = "ReWireTheNotifiersMappings"
    actions   = ["lambda:GetEventSourceMapping", "lambda:UpdateEventSourceMapping"]
    resources = ["arn:aws:lambda:${local.names.region}:${data.aws_caller_identity.current.account_id}:event-source-mapping:*"]
    condition {
      test     = "StringLike"
      variable = "lambda:FunctionArn"
      values   = ["arn:aws:lambda:${local.names.region}:${data.aws_caller_identity.current.account_id}:function:${local.project}-notifier*"]
    }
  }

  # the switch after a restore into new names: a configuration-only deploy of the functions that name the tables
  statement {
    sid = "SwitchTheFunctionsToRestoredTables"
    actions = [
      "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration",
      "lambda:PublishVersion", "lambda:GetAlias", "lambda:UpdateAlias",
    ]
    resources = flatten([for f in ["processor", "reporter"] : [
      "arn:aws:lambda:${local.names.region}:${data.aws_caller_identity.current.account_id}:function:${local.project}-${f}",
      "arn:aws:lambda:${local.names.region}:${data.aws_caller_identity.current.account_id}:function:${local.project}-${f}:*",
    ]])
  }
}

resource "aws_iam_role" "restore" {
  name                 = "${local.project}-restore"
  description          = "cva backup / cva restore: backups and restores of the DynamoDB tables (not the deploy role)."
  assume_role_policy   = data.aws_iam_policy_document.restore_assume.json
  max_session_duration = 3600
  tags                 = local.tags
}

resource "aws_iam_role_policy" "restore" {
  name   = "backup-restore"
  role   = aws_iam_role.restore.id
  policy = data.aws_iam_policy_document.restore.json
}
