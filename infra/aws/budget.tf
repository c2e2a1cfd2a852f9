# A monthly cost budget for the whole account, with e-mail alerts (cva.yaml environments.prod.budget).

locals {
  budget_alert_emails = var.budget_alert_emails != null ? var.budget_alert_emails : [for a in split(",", var.report_to) : trimspace(a)]

  budget_alerts = {
    actual-80    = { type = "ACTUAL", threshold = 80 }
    forecast-100 = { type = "FORECASTED", threshold = 100 }
  }
}

resource "aws_budgets_budget" "monthly" {
  name         = "${var.project}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.budget_monthly_limit)
  limit_unit   = var.budget_currency
  time_unit    = "MONTHLY"

  dynamic "notification" {
    for_each = length(local.budget_alert_emails) > 0 ? local.budget_alerts : {}

    content {
      comparison_operator        = "GREATER_THAN"
      notification_type          = notification.value.type
      threshold                  = notification.value.threshold
      threshold_type             = "PERCENTAGE"
      subscriber_email_addresses = local.budget_alert_emails
    }
  }
}
