output "hosting_site" {
  description = "Firebase Hosting site the dashboard is published to (cva deploy dashboard)."
  value       = google_firebase_hosting_site.site.site_id
}

output "site_url" {
  description = "Default URL of the dashboard's site."
  value       = google_firebase_hosting_site.site.default_url
}

output "deploy_service_account_email" {
  description = "Service account the dashboard's pipeline publishes with (GCP_DASHBOARD_DEPLOY_SERVICE_ACCOUNT)."
  value       = google_service_account.deploy.email
}

output "uptime_check_id" {
  description = "Id of the uptime check of the site."
  value       = google_monitoring_uptime_check_config.site.uptime_check_id
}
