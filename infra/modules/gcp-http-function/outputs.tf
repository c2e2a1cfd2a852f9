output "function_url" {
  description = "HTTPS URL of the function."
  value       = google_cloudfunctions2_function.this.url
}

output "function_name" {
  description = "Name of the Cloud Function."
  value       = google_cloudfunctions2_function.this.name
}

output "service_account_email" {
  description = "Email of the function's service account."
  value       = google_service_account.this.email
}
