output "function_url" {
  description = "HTTPS URL of the receiver; set it as receiver_url of infra/aws."
  value       = module.receiver.function_url
}

output "function_name" {
  description = "Name of the receiver Cloud Function."
  value       = module.receiver.function_name
}

output "service_account_email" {
  description = "Service account the receiver runs as."
  value       = module.receiver.service_account_email
}

output "webhook_secret_ids" {
  description = "Secret Manager secrets of the current and previous webhook secret (values are added out of band)."
  value       = module.receiver.webhook_secret_ids
}

output "firestore_database" {
  description = "Name of the Firestore database the receiver writes to."
  value       = module.receiver.firestore_database
}
