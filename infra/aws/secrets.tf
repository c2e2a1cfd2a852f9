# The webhook secret shared with the receiver (design notes section 3). Terraform manages the secret, never its
# value: no aws_secretsmanager_secret_version here, so the value is never in a variable, a plan or the state.
# Put the value out of band (infra/README.md, "Secrets").

resource "aws_secretsmanager_secret" "webhook" {
  count = var.webhook_secret_arn == null ? 1 : 0

  name                    = coalesce(var.webhook_secret_name, try(local.names.webhookSecretName, null), "${var.project}/webhook-secret")
  description             = "HMAC secret (whsec_<base64>) the notifier signs webhooks to the receiver with. Same value as the GCP secret."
  recovery_window_in_days = 7
}
