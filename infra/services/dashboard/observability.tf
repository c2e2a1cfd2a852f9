# The dashboard runs no code of its own that could log: what tells that it is up is an uptime check of the site
# (its results land in Cloud Monitoring and Cloud Logging), with an alert when it fails, and its own budget.

locals {
  alarm_emails = var.alarm_emails != null ? var.alarm_emails : [for a in split(",", try(local.env.report.to, "")) : trimspace(a) if trimspace(a) != ""]
  budget_limit = coalesce(var.budget_monthly_limit, max(1, try(local.env.budget.monthlyGbp / length(local.cva.services), 1)))
  site_host    = "${local.names.hostingSite}.web.app"
}

data "google_project" "this" {
  project_id = local.names.project
}

resource "google_monitoring_notification_channel" "email" {
  for_each = toset(local.alarm_emails)

  project      = local.names.project
  display_name = "${local.names.hostingSite} alerts: ${each.value}"
  type         = "email"
  labels       = { email_address = each.value }
}

resource "google_monitoring_uptime_check_config" "site" {
  project      = local.names.project
  display_name = "${local.names.hostingSite}: dashboard up"
  timeout      = "10s"
  period       = "300s"

  http_check {
    path         = "/"
    port         = 443
    use_ssl      = true
    validate_ssl = true
  }

  monitored_resource {
    type = "uptime_url"
    labels = {
      project_id = local.names.project
      host       = local.site_host
    }
  }

  content_matchers {
    content = "<div id=\"root\">"
    matcher = "CONTAINS_STRING"
  }
}

resource "google_monitoring_alert_policy" "down" {
  project      = local.names.project
  display_name = "${local.names.hostingSite}: dashboard down"
  combiner     = "OR"

  conditions {
    display_name = "uptime check failing"

    condition_threshold {
      filter          = "metric.type = \"monitoring.googleapis.com/uptime_check/check_passed\" AND resource.type = \"uptime_url\" AND metric.labels.check_id = \"${google_monitoring_uptime_check_config.site.uptime_check_id}\""
      comparison      = "COMPARISON_GT"
      threshold_value = 1
      duration        = "600s"

      aggregations {
        alignment_period     = "1200s"
        per_series_aligner   = "ALIGN_NEXT_OLDER"
        cross_series_reducer = "REDUCE_COUNT_FALSE"
        group_by_fields      = ["resource.label.host"]
      }
    }
  }

  notification_channels = [for c in google_monitoring_notification_channel.email : c.id]
}

resource "google_billing_budget" "dashboard" {
  count = var.billing_account == null ? 0 : 1

  billing_account = var.billing_account
  display_name    = "${local.names.hostingSite}-dashboard-monthly"

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
