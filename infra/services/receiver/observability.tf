# The receiver's alerts (server errors and throttling of its Cloud Run service) and its budget. Its logs are
# Cloud Logging's, written with the logging.logWriter role of its service account.

locals {
  alarm_emails = var.alarm_emails != null ? var.alarm_emails : [for a in split(",", try(local.env.report.to, "")) : trimspace(a) if trimspace(a) != ""]
  budget_limit = coalesce(var.budget_monthly_limit, max(1, try(local.env.budget.monthlyGbp / length(local.cva.services), 1)))
}

data "google_project" "this" {
  project_id = local.names.project
}

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(local.alarm_emails)

  project      = local.names.project
  display_name = "${local.names.function} alerts: ${each.value}"
  type         = "email"
  labels       = { email_address = each.value }
}

resource "google_monitoring_alert_policy" "errors" {
  project      = local.names.project
  display_name = "${local.names.function}: server errors"
  combiner     = "OR"

  conditions {
    display_name = "5xx responses"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${local.names.function}\" AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code_class = \"5xx\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }

  conditions {
    display_name = "throttled (429) responses"

    condition_threshold {
      filter          = "resource.type = \"cloud_run_revision\" AND resource.labels.service_name = \"${local.names.function}\" AND metric.type = \"run.googleapis.com/request_count\" AND metric.labels.response_code = \"429\""
      comparison      = "COMPARISON_GT"
      threshold_value = 0
      duration        = "0s"

      aggregations {
        alignment_period   = "300s"
        per_series_aligner = "ALIGN_SUM"
      }
    }
  }

  notification_channels = [for c in google_monitoring_notification_channel.email : c.id]
}

resource "google_billing_budget" "receiver" {
  count = var.billing_account == null ? 0 : 1

  billing_account = var.billing_account
  display_name    = "${local.names.function}-monthly"

  budget_filter {
    projects = ["projects/${data.google_project.this.number}"]
    labels   = { service = local.service }
  }

  amount {
    specified_amount {
      units = tostring(local.budget_limit)
    }
  }

  threshold_rules {
    threshold_percent = 0.8
  }

  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }
}
