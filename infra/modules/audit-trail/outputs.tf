output "trail_arn" {
  description = "ARN of the CloudTrail trail (management events, read and write, all regions)."
  value       = aws_cloudtrail.audit.arn
}

output "bucket" {
  description = "S3 bucket of the trail's log files (Object Lock)."
  value       = aws_s3_bucket.trail.id
}

output "log_group" {
  description = "CloudWatch Logs group of cva's audit lines."
  value       = aws_cloudwatch_log_group.audit.name
}

output "writer_policy_arn" {
  description = "IAM policy that lets a role write cva's audit lines; attach it to the deploy roles."
  value       = aws_iam_policy.writer.arn
}
