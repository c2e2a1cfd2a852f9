output "function_url" {
  description = "HTTPS URL of the receiver."
  value       = google_cloudfunctions2_function.receiver.url
}

output "function_name" {
  description = "Name of the receiver Cloud Function."
  value       = google_cloudfunctions2_function.receiver.name
}

output "service_account_email" {
  description = "Email of the receiver's service account."
  value       = google_service_account.receiver.email
}

output "webhook_secret_ids" {
  description = "Secret IDs of the current and previous webhook secrets."
  value       = { for k, s in google_secret_manager_secret.webhook : k => s.secret_id }
}

output "firestore_database" {
  description = "Name of the Firestore database."
  value       = google_firestore_database.default.name
}
