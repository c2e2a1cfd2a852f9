# cva.yaml is the one source of names, sizes and event-source settings (read here, by cva and by the local runtime).

locals {
  service = "notifier"
  cva     = yamldecode(file("${path.module}/../../../cva.yaml"))
  spec    = local.cva.services[local.service]
  env     = local.cva.environments[var.environment]
  project = coalesce(var.project, try(local.cva.project, null), "cv-analytics")

  names = {
    region            = coalesce(var.region, local.env.aws.region)
    webhookDlq        = coalesce(var.webhook_dlq_name, local.env.aws.webhookDlq)
    streamFailureDlq  = coalesce(var.stream_failure_dlq_name, try(local.env.aws.streamFailureDlq, null), "${local.project}-notifier-stream-failures")
    webhookSecretName = coalesce(var.webhook_secret_name, try(local.env.aws.webhookSecretName, null), "${local.project}/webhook-secret")
    analyticsTable    = coalesce(var.analytics_table, local.env.aws.analyticsTable)
  }

  function_name          = "${local.project}-${local.service}" # as cva deploy names it
  secret_refresh_seconds = try(local.env.secrets.refreshSeconds, 30)
  alarm_emails           = var.alarm_emails != null ? var.alarm_emails : [for a in split(",", try(local.env.report.to, "")) : trimspace(a) if trimspace(a) != ""]
  # Each service a share of the environment's monthly budget (budget.monthlyGbp), unless set here.
  budget_limit = coalesce(var.budget_monthly_limit, max(1, try(local.env.budget.monthlyGbp / length(local.cva.services), 1)))
  tags         = { Service = local.service }

  # environments.<env>.alarms of cva.yaml (the thresholds; cva passes them as -var), else cva's built-in defaults.
  alarms = {
    streamIteratorAgeSeconds       = coalesce(var.stream_iterator_age_seconds, try(local.env.alarms.streamIteratorAgeSeconds, null), 300)
    webhookDlqOldestMessageSeconds = coalesce(var.webhook_dlq_oldest_message_seconds, try(local.env.alarms.webhookDlqOldestMessageSeconds, null), 3600)
  }
}
