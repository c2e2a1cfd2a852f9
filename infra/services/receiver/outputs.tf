output "function_url" {
  description = "HTTPS URL of the receiver: the notifier's receiver_url (gcp.receiverUrl in cva.yaml)."
  value       = module.function.function_url
}

output "function_name" {
  description = "Name of the receiver Cloud Function."
  value       = module.function.function_name
}

output "service_account_email" {
  description = "Service account the receiver runs as."
  value       = module.function.service_account_email
}

output "webhook_secret_ids" {
  description = "Secret Manager secret of the webhook secret (values are added by cva secrets rotate, never by Terraform)."
  value       = { for k, s in google_secret_manager_secret.webhook : k => s.secret_id }
}

output "firestore_database" {
  description = "Name of the Firestore database the receiver writes to."
  value       = local.firestore_database
}

output "firestore_rules_release" {
  description = "Name of the Firestore rules release."
  value       = google_firebaserules_release.firestore.name
}

output "restore_service_account" {
  description = "E-mail of the service account cva backup and cva restore use for Firestore (not the deploy identity)."
  value       = google_service_account.restore.email
}
