# A monthly cost budget for one service: the costs tagged Service=<service> (activate Service as a
# cost-allocation tag in the Billing console), with e-mail alerts at 80% actual and 100% forecast spend.

variable "name" {
  description = "Name of the budget: <project>-<service>-monthly."
  type        = string
}

variable "service" {
  description = "Value of the Service cost-allocation tag the budget counts."
  type        = string
}

variable "limit" {
  description = "Monthly limit, in currency."
  type        = number

  validation {
    condition     = var.limit > 0
    error_message = "The budget limit must be positive."
  }
}

variable "currency" {
  description = "The account's billing currency (AWS Budgets counts in it): USD unless the account pays in another one."
  type        = string
  default     = "USD"
}

variable "emails" {
  description = "Addresses told at 80% actual and 100% forecast spend."
  type        = list(string)
  default     = []
}

variable "enabled" {
  description = "Create the budget. False only against an API without the budget tag calls (moto's server lacks ListTagsForResource)."
  type        = bool
  default     = true
}

locals {
  alerts = {
    actual-80    = { type = "ACTUAL", threshold = 80 }
    forecast-100 = { type = "FORECASTED", threshold = 100 }
  }
}

resource "aws_budgets_budget" "monthly" {
  count = var.enabled ? 1 : 0

  name         = var.name
  budget_type  = "COST"
  limit_amount = format("%.2f", var.limit)
  limit_unit   = var.currency
  time_unit    = "MONTHLY"

  cost_filter {
    name   = "TagKeyValue"
    values = ["user:Service$${var.service}"]
  }

  dynamic "notification" {
    for_each = length(var.emails) > 0 ? local.alerts : {}

    content {
      comparison_operator        = "GREATER_THAN"
      notification_type          = notification.value.type
      threshold                  = notification.value.threshold
      threshold_type             = "PERCENTAGE"
      subscriber_email_addresses = var.emails
    }
  }
}

output "budget_name" {
  description = "Name of the budget."
  value       = one(aws_budgets_budget.monthly[*].name)
}

moved {
  from = aws_budgets_budget.monthly
  to   = aws_budgets_budget.monthly[0]
}
