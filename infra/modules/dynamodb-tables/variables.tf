variable "query_events_table" {
  description = "Name of the interim table (pk requestId, TTL attribute ttl)."
  type        = string
}

variable "analytics_table" {
  description = "Name of the analytics table (pk requestId, GSI week-index, stream NEW_IMAGE)."
  type        = string
}

variable "deletion_protection" {
  description = "Protect both tables from deletion."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags of both tables."
  type        = map(string)
  default     = {}
}
