# Interim rows (one half of a conversation waiting for the other, expiring through TTL) and the final analytics
# records (queried by ISO week through week-index, streamed to the notifier).

resource "aws_dynamodb_table" "query_events" {
  name                        = var.query_events_table
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "requestId"
  deletion_protection_enabled = var.deletion_protection
  tags                        = var.tags

  attribute {
    name = "requestId"
    type = "S"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}

resource "aws_dynamodb_table" "analytics" {
  name                        = var.analytics_table
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "requestId"
  deletion_protection_enabled = var.deletion_protection
  tags                        = var.tags

  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"

  attribute {
    name = "requestId"
    type = "S"
  }

  attribute {
    name = "week" # ISO week of the query, "2026-W47"
    type = "S"
  }

  attribute {
    name = "timestamp" # epoch milliseconds
    type = "N"
  }

  global_secondary_index {
    name            = "week-index"
    hash_key        = "week"
    range_key       = "timestamp"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }
}
