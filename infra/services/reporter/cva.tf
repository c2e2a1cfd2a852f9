# cva.yaml is the one source of names, sizes and event-source settings (read here, by cva and by the local runtime).

locals {
  service = "reporter"
  cva     = yamldecode(file("${path.module}/../../../cva.yaml"))
  spec    = local.cva.services[local.service]
  env     = local.cva.environments[var.environment]
  project = coalesce(var.project, try(local.cva.project, null), "cv-analytics")

  names = {
    region           = coalesce(var.region, local.env.aws.region)
    queryEventsTable = coalesce(var.query_events_table, local.env.aws.queryEventsTable)
    analyticsTable   = coalesce(var.analytics_table, local.env.aws.analyticsTable)
  }

  function_name = "${local.project}-${local.service}" # as cva deploy names it
  alarm_emails  = var.alarm_emails != null ? var.alarm_emails : [for a in split(",", try(local.env.report.to, "")) : trimspace(a) if trimspace(a) != ""]
  # Each service a share of the environment's monthly budget (budget.monthlyGbp), unless set here.
  budget_limit = coalesce(var.budget_monthly_limit, max(1, try(local.env.budget.monthlyGbp / length(local.cva.services), 1)))
  tags         = { Service = local.service }

  # environments.<env>.alarms of cva.yaml (the threshold; cva passes it as -var), else cva's built-in default.
  alarms = {
    reportsPerWeek = coalesce(var.reports_per_week, try(local.env.alarms.reportsPerWeek, null), 1)
  }
}
