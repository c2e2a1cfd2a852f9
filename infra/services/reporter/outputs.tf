output "function_name" {
  description = "Name of the reporter Lambda function."
  value       = module.function.function_name
}

output "live_alias_arn" {
  description = "ARN of the live alias the schedule invokes."
  value       = module.function.alias_arn
}

output "schedule_arn" {
  description = "ARN of the weekly schedule."
  value       = module.schedule.schedule_arn
}

output "ses_dkim_tokens" {
  description = "DKIM tokens of the sending domain: publish <token>._domainkey.<domain> CNAME <token>.dkim.amazonses.com."
  value       = aws_sesv2_email_identity.sender.dkim_signing_attributes[0].tokens
}

output "alarm_topic_arn" {
  description = "SNS topic of the reporter's alarms."
  value       = module.alerts.topic_arn
}
