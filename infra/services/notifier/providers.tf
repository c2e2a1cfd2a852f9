provider "aws" {
  region = local.names.region

  default_tags {
    tags = {
      Project     = local.project
      Service     = "notifier"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
