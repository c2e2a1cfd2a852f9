output "queue_url" {
  description = "URL of the FIFO event queue the chatbot sends query and response events to."
  value       = module.queue.queue_url
}

output "dlq_url" {
  description = "URL of the event queue's FIFO dead-letter queue."
  value       = module.queue.dlq_url
}

output "query_events_table_name" {
  description = "Name of the interim DynamoDB table (TTL attribute ttl)."
  value       = module.tables.query_events_table_name
}

output "analytics_table_name" {
  description = "Name of the analytics DynamoDB table (GSI week-index, stream NEW_IMAGE)."
  value       = module.tables.analytics_table_name
}

output "function_name" {
  description = "Name of the processor Lambda function."
  value       = module.function.function_name
}

output "live_alias_arn" {
  description = "ARN of the live alias the queue mapping invokes."
  value       = module.function.alias_arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the SQS event source mapping (to pause or resume consumption)."
  value       = aws_lambda_event_source_mapping.queue.uuid
}

output "alarm_topic_arn" {
  description = "SNS topic of the processor's alarms."
  value       = module.alerts.topic_arn
}

output "audit_trail_arn" {
  description = "ARN of the account's CloudTrail trail (management events, read and write, all regions)."
  value       = module.audit_trail.trail_arn
}

output "audit_trail_bucket" {
  description = "S3 bucket (Object Lock) of the CloudTrail log files."
  value       = module.audit_trail.bucket
}

output "audit_log_group" {
  description = "CloudWatch Logs group of cva's audit lines."
  value       = module.audit_trail.log_group
}

output "audit_writer_policy_arn" {
  description = "IAM policy that lets a role write cva's audit lines: attach it to the deploy roles (or list them in audit_writer_roles)."
  value       = module.audit_trail.writer_policy_arn
}

output "restore_role_arn" {
  description = "ARN of the role cva backup and cva restore assume (apart from the deploy roles)."
  value       = aws_iam_role.restore.arn
}
