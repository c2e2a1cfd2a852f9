output "function_name" {
  description = "Name of the Lambda function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = module.function.function_arn
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = module.function.log_group_name
}

output "event_source_mapping_uuid" {
  description = "UUID of the SQS event source mapping (to pause or resume consumption)."
  value       = aws_lambda_event_source_mapping.queue.uuid
}
