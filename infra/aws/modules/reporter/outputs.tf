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

output "schedule_rule_arn" {
  description = "ARN of the weekly EventBridge rule."
  value       = aws_cloudwatch_event_rule.weekly.arn
}
