provider "aws" {
  region = local.names.region

  default_tags {
    tags = {
      Project     = local.project
      Service     = "processor"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
